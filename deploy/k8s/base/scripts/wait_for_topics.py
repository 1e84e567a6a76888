"""Init container: wait until every contract topic exists, so a service never creates one itself.

The `create-topics` Job creates them with replication factor 3 and min.insync.replicas 2; a service that
started first would create a missing topic with replication factor 1 (servicekit.topics.ensure_topics).
Exits 0 once all exist, 1 after TOPIC_WAIT_SECONDS (default 600).
"""

from __future__ import annotations

import os
import sys
import time

from endorsement_contracts import partition_counts
from kafka.admin import KafkaAdminClient


def missing_topics(bootstrap_servers: str) -> set[str]:
    """The contract topics the cluster lacks; all of them when it cannot be reached."""
    try:
        admin = KafkaAdminClient(bootstrap_servers=bootstrap_servers.split(","), client_id="wait-for-topics",
                                 request_timeout_ms=10_000)
    except Exception:  # noqa: BLE001 - no broker yet: keep waiting
        return set(partition_counts())
    try:
        return set(partition_counts()) - set(admin.list_topics())
    finally:
        admin.close()


def main() -> int:
    servers = os.environ["KAFKA_BOOTSTRAP_SERVERS"]
    deadline = time.monotonic() + float(os.environ.get("TOPIC_WAIT_SECONDS", "600"))
    while missing := missing_topics(servers):
        if time.monotonic() >= deadline:
            print(f"topics still missing: {', '.join(sorted(missing))}", file=sys.stderr)
            return 1
        print(f"waiting for topics: {', '.join(sorted(missing))}", flush=True)
        time.sleep(5)
    print("every contract topic exists", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
