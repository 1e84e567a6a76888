"""Create the contract topics with their partition counts before anything produces or consumes.

Brokers that auto-create topics (tansu does, with 4 partitions) would otherwise pick the count.
"""

from __future__ import annotations

import contextlib

from endorsement_contracts import partition_counts
from kafka.admin import KafkaAdminClient, NewTopic
from kafka.errors import TopicAlreadyExistsError


def ensure_topics(bootstrap_servers: str) -> None:
    """Create every missing contract topic; existing ones are left as they are."""
    admin = KafkaAdminClient(bootstrap_servers=bootstrap_servers.split(","), client_id="topic-setup")
    try:
        existing = set(admin.list_topics())
        for name, partitions in partition_counts().items():
            if name not in existing:
                with contextlib.suppress(TopicAlreadyExistsError):
                    admin.create_topics([NewTopic(name, partitions, 1)])
    finally:
        admin.close()
