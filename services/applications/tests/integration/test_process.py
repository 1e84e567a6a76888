"""`python -m applications` reads its settings from the environment, serves, and stops on SIGTERM."""

from __future__ import annotations

import base64
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from uuid import uuid4

import httpx
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat
from servicekit.identity import Identity, issue_token
from servicekit.service_identity import public_key_text


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_the_process_serves_from_environment_settings(database_url: str, topics: str, tenants_dir: Path,
                                                      rulesets_dir: Path, gateway_keys: tuple[str, str]) -> None:
    port = free_port()
    env = {**os.environ, "DATABASE_URL": database_url, "KAFKA_BOOTSTRAP_SERVERS": topics,
           "KAFKA_ENABLE_IDEMPOTENCE": "false", "GATEWAY_PUBLIC_KEY": gateway_keys[1], "PORT": str(port),
           "TENANTS_DIR": str(tenants_dir), "RULESETS_DIR": str(rulesets_dir),
           "REFERENCE_LINK_KEY": "process-test-reference-link-key-0123456789",
           "PERSONAL_DATA_MASTER_KEY": base64.b64encode(b"applications-process-master-key!").decode(),
           "RATER_INDEX_KEY": base64.b64encode(b"applications-process-rater-key!!").decode(),
           # its own identity (it unseals the reviews events) and who may unseal its own (production requires both)
           "SERVICE_IDENTITY_KEY": Ed25519PrivateKey.generate().private_bytes(
               Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()).decode("ascii"),
           "SERVICE_PUBLIC_KEYS": f"notifications={public_key_text(Ed25519PrivateKey.generate())}"}
    process = subprocess.Popen([sys.executable, "-m", "applications"], env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        health = None
        deadline = time.monotonic() + 20
        while health is None and time.monotonic() < deadline and process.poll() is None:
            try:
                health = httpx.get(f"{base}/healthz", timeout=1)
            except httpx.TransportError:
                time.sleep(0.1)
        assert health is not None, "the service did not start"
        assert health.status_code == 200
        assert health.json()["checks"]["database"] == "ok"

        identity = Identity(uuid4(), "lakes-aimh", frozenset({"applicant"}), "lee@example.org", "Lee Park")
        token = issue_token(identity, gateway_keys[0])
        created = httpx.post(f"{base}/applications", json={"category": "ECFA"},
                             headers={"Authorization": f"Bearer {token}"})
        assert created.status_code == 201
        assert created.json()["category_name"] == "Early Childhood Family Associate"
    finally:
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=20)
    assert "Application shutdown complete" in output, output
