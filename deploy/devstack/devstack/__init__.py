"""Local engines for `make up` and the test suite: PostgreSQL, a Kafka-compatible broker
(tansu, persistent on SeaweedFS for `make up`), an SMTP sink, and a small supervisor.

    from devstack import start_engines
    with start_engines(Path(".data"), mode="up") as engines:
        print(engines.env())

Submodules are imported lazily so that `python -m devstack.smtp_sink` stays light.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from devstack.engines import Engines, start_engines
    from devstack.mailbox import read_messages, wait_for_messages
    from devstack.postgres import create_database, drop_database, fresh_database
    from devstack.processes import ChildSpec, Supervisor
    from devstack.topics import TopicPartitionMismatchError, ensure_topics

__all__ = [
    "ChildSpec",
    "Engines",
    "Supervisor",
    "TopicPartitionMismatchError",
    "create_database",
    "drop_database",
    "ensure_topics",
    "fresh_database",
    "read_messages",
    "start_engines",
    "wait_for_messages",
]

_HOME_MODULE = {
    "ChildSpec": "devstack.processes",
    "Engines": "devstack.engines",
    "Supervisor": "devstack.processes",
    "TopicPartitionMismatchError": "devstack.topics",
    "create_database": "devstack.postgres",
    "drop_database": "devstack.postgres",
    "ensure_topics": "devstack.topics",
    "fresh_database": "devstack.postgres",
    "read_messages": "devstack.mailbox",
    "start_engines": "devstack.engines",
    "wait_for_messages": "devstack.mailbox",
}


def __getattr__(name: str) -> Any:
    module = _HOME_MODULE.get(name)
    if module is None:
        raise AttributeError(f"module 'devstack' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
