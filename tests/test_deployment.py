"""docker-compose.yml cannot run here (no Docker engine), so check it says what production needs."""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from endorsement_contracts import partition_counts

ROOT = Path(__file__).resolve().parents[1]
SERVICES = ("applications", "reviews", "credentials", "notifications", "gateway", "portal")


def compose() -> dict[str, dict[str, object]]:
    document = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services: dict[str, dict[str, object]] = document["services"]
    return services


def test_compose_runs_every_service_from_the_dockerfile_with_kafka_and_postgres() -> None:
    services = compose()
    assert {"postgres", "kafka", "kafka-init", *SERVICES} <= services.keys()
    for name in SERVICES:
        build = services[name]["build"]
        assert isinstance(build, dict)
        assert build["dockerfile"] == "deploy/service.Dockerfile"
        assert build["args"] == {"SERVICE": name}
        assert (ROOT / "services" / name / "pyproject.toml").exists()
    kafka_env = services["kafka"]["environment"]
    assert isinstance(kafka_env, dict) and "controller" in str(kafka_env["KAFKA_PROCESS_ROLES"])  # KRaft
    assert kafka_env["KAFKA_AUTO_CREATE_TOPICS_ENABLE"] == "false"


def test_compose_creates_every_contract_topic_with_its_partition_count() -> None:
    script = (ROOT / "deploy" / "create-topics.sh").read_text()
    declared = dict((name, int(count)) for name, count in re.findall(r"(endorsement\.[a-z.]+v\d+):(\d+)", script))
    assert declared == partition_counts()


def test_services_get_the_settings_they_fail_fast_without() -> None:
    services = compose()
    for name in ("applications", "reviews", "credentials", "notifications"):
        env = services[name]["environment"]
        assert isinstance(env, dict)
        for key in ("DATABASE_URL", "KAFKA_BOOTSTRAP_SERVERS", "GATEWAY_PUBLIC_KEY", "PORT"):
            assert key in env, f"{name} lacks {key}"
    assert "CREDENTIALS_SIGNING_KEYS" in services["credentials"]["environment"]  # type: ignore[operator]
    assert "REFERENCE_LINK_KEY" in services["applications"]["environment"]  # type: ignore[operator]
    assert "SMTP_URL" in services["notifications"]["environment"]  # type: ignore[operator]
    assert "GATEWAY_SIGNING_KEY" in services["gateway"]["environment"]  # type: ignore[operator]
    gateway_env = services["gateway"]["environment"]
    assert isinstance(gateway_env, dict)
    for key in ("KAFKA_BOOTSTRAP_SERVERS", "PORTAL_URL", "PUBLIC_BASE_URL"):  # accounts outbox; pages; links
        assert key in gateway_env, f"gateway lacks {key}"
    portal_env = services["portal"]["environment"]
    assert isinstance(portal_env, dict)
    for key in ("DATABASE_URL", "GATEWAY_URL", "PORTAL_SESSION_KEY", "PORT", "HEALTH_PATH"):
        assert key in portal_env, f"portal lacks {key}"
    assert "ports" not in services["portal"], "the portal is reached only through the gateway"
