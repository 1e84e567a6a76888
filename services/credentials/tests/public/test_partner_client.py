"""The example partner client (examples/partner_client) against a real broker: it checks every record
against the published contracts, verifies each credential offline and reports each `ce_id` once."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
import threading
import uuid
from collections.abc import Callable, Iterator
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from credentials.adapters.keyring import IssuerDirectory
from credentials.config import TenantProfile
from credentials.domain.grant import EndorsementGrant
from credentials.translation import SOURCE, translate
from devstack.topics import ensure_topics
from endorsement_contracts import KafkaRecord, encode, partition_counts
from kafka import KafkaProducer

from .helpers import issue

CLIENT_DIR = Path(__file__).resolve().parents[4] / "examples" / "partner_client"
TOPIC = "endorsement.credentials.v1"


@pytest.fixture(scope="module")
def partner_broker(private_broker: Callable[[str], str]) -> str:
    """A broker of its own, so the client reads exactly the records published here."""
    bootstrap = private_broker("partner-client")
    ensure_topics(bootstrap, {TOPIC: partition_counts()[TOPIC]})
    return bootstrap


@pytest.fixture
def gateway(issuers: IssuerDirectory) -> Iterator[tuple[str, list[str]]]:
    """A stand-in for the gateway serving the tenant's DID document; yields its URL and the paths asked for."""
    issuer = issuers.get("itmhca")
    assert issuer is not None
    body = json.dumps(issuer.did_document).encode()
    asked: list[str] = []

    class DidHandler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            asked.append(self.path)
            found = self.path == "/tenants/itmhca/did.json"
            self.send_response(200 if found else 404)
            self.send_header("content-type", "application/json")
            self.end_headers()
            self.wfile.write(body if found else b"{}")

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), DidHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", asked
    server.shutdown()
    server.server_close()


def credential_record(tenants: dict[str, TenantProfile], issuers: IssuerDirectory, grant: EndorsementGrant,
                      holder: str) -> KafkaRecord:
    """The CredentialIssued record the service's outbox relay publishes for a new credential."""
    grant = replace(grant, endorsement_id=uuid.uuid4(), holder=replace(grant.holder, name=holder))
    [issued] = issue(tenants, issuers, grant).collect_events()
    event = translate(issued)
    assert event is not None
    return encode(event, event_id=uuid.uuid4(), source=SOURCE)


def changed(record: KafkaRecord, *, headers: dict[str, str] | None = None,
            data: Callable[[dict[str, Any]], None] | None = None) -> KafkaRecord:
    """A copy with a new ce_id, other headers and/or edited data."""
    merged = {name: value.decode() for name, value in record.headers} | {"ce_id": str(uuid.uuid4())}
    merged |= headers or {}
    value = json.loads(record.value)
    if data is not None:
        data(value)
    return KafkaRecord(record.topic, record.key, json.dumps(value).encode(),
                       [(name, text.encode()) for name, text in merged.items()])


def ce_id(record: KafkaRecord) -> str:
    return dict(record.headers)["ce_id"].decode()


def publish(bootstrap: str, records: list[KafkaRecord]) -> None:
    producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all")
    try:
        for record in records:
            producer.send(record.topic, key=record.key, value=record.value, headers=record.headers)
        producer.flush(30)
    finally:
        producer.close()


def run_client(*arguments: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "PYTHONPATH": str(CLIENT_DIR)}
    return subprocess.run([sys.executable, "-m", "partner_client", *arguments], capture_output=True, text=True,
                          timeout=90, env=environment, check=True)


def test_the_partner_client_verifies_genuine_credentials_and_refuses_the_rest(
    partner_broker: str, gateway: tuple[str, list[str]], tenants: dict[str, TenantProfile],
    issuers: IssuerDirectory, endorsement_grant: EndorsementGrant,
) -> None:
    genuine = credential_record(tenants, issuers, endorsement_grant, "Zoë Ñúñez 山田")
    another = credential_record(tenants, issuers, endorsement_grant, "Ana Núñez")

    def rename_holder(data: dict[str, Any]) -> None:
        data["credential"]["credentialSubject"]["name"] = "Someone Else"

    def add_term(data: dict[str, Any]) -> None:
        data["credential"]["credentialSubject"]["unsignedClaim"] = "anything"

    tampered = changed(genuine, data=rename_holder)
    undefined_term = changed(genuine, data=add_term)
    old_spec = changed(genuine, headers={"ce_specversion": "0.3"})
    no_url = changed(genuine, data=lambda data: data.pop("verification_url"))
    publish(partner_broker, [genuine, genuine, tampered, undefined_term, old_spec, no_url, another])
    url, asked = gateway

    completed = run_client("--bootstrap-servers", partner_broker, "--gateway", url, "--idle-timeout", "3")

    published = [genuine, tampered, undefined_term, old_spec, no_url, another]
    reports = {ce_id(record): [line for line in completed.stdout.splitlines() if f"ce_id={ce_id(record)} " in line]
               for record in published}
    assert {record_id: [line.split()[0] for line in lines] for record_id, lines in reports.items()} == {
        ce_id(genuine): ["VERIFIED"],  # published twice, reported once
        ce_id(tampered): ["FAILED"],
        ce_id(undefined_term): ["FAILED"],
        ce_id(old_spec): ["REJECTED"],
        ce_id(no_url): ["REJECTED"],
        ce_id(another): ["VERIFIED"],
    }
    assert "signature does not match the credential" in reports[ce_id(tampered)][0]
    assert "terms no context defines" in reports[ce_id(undefined_term)][0]
    assert "ce_specversion" in reports[ce_id(old_spec)][0]
    assert "'verification_url' is a required property" in reports[ce_id(no_url)][0]
    assert asked.count("/tenants/itmhca/did.json") == 1  # fetched once, then cached


def test_did_documents_can_be_given_as_files(
    tmp_path: Path, tenants: dict[str, TenantProfile], issuers: IssuerDirectory, endorsement_grant: EndorsementGrant,
) -> None:
    sys.path.insert(0, str(CLIENT_DIR))
    try:
        from partner_client.did_documents import DidDocuments
        from partner_client.offline_verifier import verify
    finally:
        sys.path.remove(str(CLIENT_DIR))
    issuer = issuers.get("itmhca")
    assert issuer is not None
    did_file = tmp_path / "itmhca.did.json"
    did_file.write_text(json.dumps(issuer.did_document), encoding="utf-8")
    credential = copy.deepcopy(issue(tenants, issuers, endorsement_grant).document)
    documents = DidDocuments(files=[did_file])

    assert verify(credential, documents.assertion_key).verified
    credential["issuer"]["id"] = "did:web:elsewhere.example:tenants:itmhca"
    assert not verify(credential, documents.assertion_key).verified
    assert documents.fetches == 0
