"""The services' init container holds a replica back until the contract topics exist (real broker)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from endorsement_contracts import partition_counts
from servicekit.topics import ensure_topics

SCRIPT = Path(__file__).resolve().parents[2] / "deploy" / "k8s" / "base" / "scripts" / "wait_for_topics.py"


def wait_for_topics(bootstrap: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "KAFKA_BOOTSTRAP_SERVERS": bootstrap, "TOPIC_WAIT_SECONDS": "0"}
    return subprocess.run([sys.executable, str(SCRIPT)], env=env, capture_output=True, text=True, timeout=120,
                          check=False)


def test_a_replica_waits_while_topics_are_missing_and_starts_once_they_exist(
        private_broker: Callable[[str], str]) -> None:
    if os.environ.get("KAFKA_BOOTSTRAP_SERVERS"):
        pytest.skip("needs a broker of its own, without the contract topics")
    bootstrap = private_broker("k8s-wait-for-topics")

    refused = wait_for_topics(bootstrap)
    assert refused.returncode == 1
    assert all(topic in refused.stderr for topic in partition_counts())

    ensure_topics(bootstrap)  # what the create-topics Job does on the real cluster
    started = wait_for_topics(bootstrap)
    assert started.returncode == 0, started.stderr
    assert "every contract topic exists" in started.stdout
