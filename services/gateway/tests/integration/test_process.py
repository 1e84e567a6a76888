"""`python -m gateway` as operators run it: refuses bad configuration, serves with good configuration."""

from __future__ import annotations

import base64
import os
import subprocess
import sys
import time
from collections.abc import Iterator

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from servicekit.service_identity import public_key_text

from .conftest import REPO, SEED_PASSWORD, free_port


def gateway_env(database_url: str, private_pem: str, port: int, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("GATEWAY_", "DATABASE_URL", "TENANTS_DIR", "RATER_INDEX_KEY", "ENVIRONMENT",
                                "PERSONAL_DATA_MASTER_KEY", "SERVICE_PUBLIC_KEYS"))}
    env.update({"DATABASE_URL": database_url, "GATEWAY_SIGNING_KEY": private_pem, "PORT": str(port),
                "GATEWAY_SEED_PASSWORD": SEED_PASSWORD, "RATER_INDEX_KEY": base64.b64encode(bytes(range(32))).decode(),
                "PERSONAL_DATA_MASTER_KEY": base64.b64encode(bytes(range(32, 64))).decode(),
                "SERVICE_PUBLIC_KEYS": f"notifications={public_key_text(Ed25519PrivateKey.generate())}",
                # No broker there: the gateway starts and serves anyway (the outbox relay keeps retrying).
                "KAFKA_BOOTSTRAP_SERVERS": f"127.0.0.1:{free_port()}", "KAFKA_ENABLE_IDEMPOTENCE": "false",
                **extra})
    return env


@pytest.mark.parametrize(("remove", "message"), [
    ("GATEWAY_SIGNING_KEY", "gateway_signing_key"),
    ("GATEWAY_SEED_PASSWORD", "GATEWAY_SEED_PASSWORD is required"),
    ("KAFKA_BOOTSTRAP_SERVERS", "kafka_bootstrap_servers"),
    ("RATER_INDEX_KEY", "RATER_INDEX_KEY is required with ENVIRONMENT 'production'"),
    ("PERSONAL_DATA_MASTER_KEY", "PERSONAL_DATA_MASTER_KEY is required with ENVIRONMENT 'production'"),
    ("SERVICE_PUBLIC_KEYS", "SERVICE_PUBLIC_KEYS is required with ENVIRONMENT 'production'"),
])
def test_missing_configuration_stops_start_up(
    database_url: str, gateway_keys: tuple[str, str], remove: str, message: str
) -> None:
    env = gateway_env(database_url, gateway_keys[0], free_port())
    del env[remove]
    done = subprocess.run([sys.executable, "-m", "gateway"], cwd=REPO, env=env, capture_output=True, text=True,
                          timeout=30, check=False)
    assert done.returncode != 0
    assert message in done.stderr


@pytest.fixture
def running_gateway(database_url: str, gateway_keys: tuple[str, str]) -> Iterator[str]:
    port = free_port()
    env = gateway_env(database_url, gateway_keys[0], port, APPLICATIONS_URL=f"http://127.0.0.1:{free_port()}")
    process = subprocess.Popen([sys.executable, "-m", "gateway"], cwd=REPO, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            assert process.poll() is None, process.stderr.read() if process.stderr else ""
            try:
                httpx.get(f"{url}/healthz", timeout=5)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "the gateway did not start"
                time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(10)


def test_the_gateway_process_serves_accounts_and_reports_missing_services(running_gateway: str) -> None:
    with httpx.Client(base_url=running_gateway, timeout=10) as client:
        health = client.get("/healthz")
        assert health.status_code == 503
        assert health.json()["services"]["gateway"]["status"] == "ok"
        assert health.json()["services"]["applications"]["status"] == "failing"
        login = client.post("/auth/login", json={"tenant": "itmhca", "email": "coordinator@itmhca.example",
                                                 "password": SEED_PASSWORD})
        assert login.status_code == 200
        forwarded = client.get("/applications", headers={"authorization": f"Bearer {login.json()['access_token']}"})
        assert forwarded.status_code == 503
        assert forwarded.json()["code"] == "UPSTREAM_UNAVAILABLE"


def test_the_served_gateway_does_not_believe_a_client_s_x_forwarded_for(running_gateway: str) -> None:
    """The attack on the process as run: a new X-Forwarded-For per attempt, then the right password from yet another."""
    email = f"xff-{time.monotonic_ns()}@example.org"
    wrong = {"tenant": "itmhca", "email": email, "password": "not the password"}
    with httpx.Client(base_url=running_gateway, timeout=10) as client:
        signup = client.post("/auth/signup", json={**wrong, "name": "Xavier", "password": "correct horse battery"})
        assert signup.status_code == 201, signup.text
        codes = [client.post("/auth/login", json=wrong, headers={"x-forwarded-for": f"198.51.100.{i}"}).status_code
                 for i in range(30)]
        assert codes == [401] * 10 + [429] * 20
        right = client.post("/auth/login", json={**wrong, "password": "correct horse battery"},
                            headers={"x-forwarded-for": "192.0.2.99"})
        assert right.status_code == 429
        assert right.json()["code"] == "TOO_MANY_ATTEMPTS"
        assert int(right.headers["retry-after"]) > 0
