"""The event store's connections give up on a vanished server: libpq's connect timeout and TCP settings are set on
every connection eventsourcing's pool opens (without them a host that stopped answering held a new connection for
the kernel's ~130 s, past every bound the services promise)."""

from __future__ import annotations

from eventsourcing.domain import Aggregate
from servicekit.eventstore import TrackedApplication, open_application


class Things(TrackedApplication):
    pass


def test_every_event_store_connection_has_a_connect_timeout_and_tcp_timeouts(database_url: str) -> None:
    app = open_application(Things, database_url, "connections")
    try:
        app.save(Aggregate())
        with app.recorder.datastore.get_connection() as conn:  # type: ignore[attr-defined]
            parameters = conn.info.get_parameters()  # what libpq connected with (client-side socket options)
            assert int(parameters["connect_timeout"]) >= 1
            assert parameters["tcp_user_timeout"] == "30000"
            assert parameters["keepalives_idle"] == "10"
    finally:
        app.close()
