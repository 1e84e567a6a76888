"""Measure the walking skeleton: start-up to healthy, idle RSS per process, and end-to-end latency.

Run: `.venv/bin/python bench/stack_figures.py --rounds 20` (starts its own stack in test mode, like the e2e tests).
Latency legs, each over the wire only:
  submit   -> review case visible to the coordinator (applications -> Kafka -> reviews -> projection)
  approve  -> CredentialIssued on the partner topic    (reviews -> Kafka -> credentials -> signing -> Kafka)
  submit   -> CredentialIssued, with the coordinator approving as soon as the case appears
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx
import psutil
from devstack.stack import UP_FETCH_MAX_WAIT_MS, start_stack
from kafka import KafkaConsumer, TopicPartition

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "e2e"))
from prepared import prepare_ifs_application, submit
from stack_client import COORDINATOR, approve, login, review_case, sign_up_applicant


def rss_mb(pid: int) -> float:
    process = psutil.Process(pid)
    total = process.memory_info().rss
    for child in process.children(recursive=True):
        total += child.memory_info().rss
    return total / 2**20


def partner_consumer(bootstrap: str) -> KafkaConsumer:
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, group_id=None, consumer_timeout_ms=5)
    partitions = consumer.partitions_for_topic("endorsement.credentials.v1") or set()
    consumer.assign([TopicPartition("endorsement.credentials.v1", p) for p in partitions])
    consumer.seek_to_end()  # tansu's end offsets can be off by a batch; we only match our own ids anyway
    return consumer


def wait_for_credential(consumer: KafkaConsumer, endorsement_id: str, timeout: float = 30) -> float:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for record in consumer:
            if json.loads(record.value).get("endorsement_id") == endorsement_id:
                return time.monotonic()
    raise TimeoutError(endorsement_id)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as data_dir:
        stack = start_stack(Path(data_dir), "test", fetch_max_wait_ms=UP_FETCH_MAX_WAIT_MS)
        try:
            print(f"start-up to every /healthz ok (engines + 5 processes): {stack.startup_seconds:.1f} s")
            time.sleep(5)
            print("idle RSS (MB, process incl. children):")
            for name, pid in sorted(stack.supervisor.pids().items()):
                print(f"  {name:<14} {rss_mb(pid):7.1f}")
            client = httpx.Client(base_url=stack.gateway_url, timeout=30)
            coordinator = login(client, COORDINATOR, stack.secrets.seed_password)
            consumer = partner_consumer(stack.engines.kafka_bootstrap)
            assert stack.engines.mail_dir is not None, "raters' links are read from the SMTP sink"
            mail_dir = stack.engines.mail_dir
            to_case, to_credential, whole = [], [], []
            for _ in range(args.rounds):
                _, applicant = sign_up_applicant(client, "Bench Applicant", mail_dir)
                application_id = prepare_ifs_application(client, applicant, coordinator, mail_dir)
                submitted_at = time.monotonic()
                submit(client, applicant, application_id)
                case = review_case(client, coordinator, application_id)
                case_seen = time.monotonic()
                approved_at = time.monotonic()
                endorsement_id = approve(client, coordinator, case["id"])["decision"]["endorsement_id"]
                issued_at = wait_for_credential(consumer, endorsement_id)
                to_case.append(case_seen - submitted_at)
                to_credential.append(issued_at - approved_at)
                whole.append(issued_at - submitted_at)
            for label, values in (("submit -> case visible", to_case), ("approve -> CredentialIssued", to_credential),
                                  ("submit -> CredentialIssued", whole)):
                print(f"{label:<30} median {statistics.median(values) * 1000:6.0f} ms   "
                      f"p90 {percentile(values, 0.9) * 1000:6.0f} ms   (n={len(values)})")
            consumer.close()
        finally:
            stack.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
