"""Operator command: re-publish every partner event from the event store to the partner topic.

    python -m credentials.replay --from-start [--tenant SLUG]

For when the broker lost data (or a partner topic was recreated). It reads the service's notification log
from its first position and publishes each partner event exactly as the outbox relay did: the same key
(credential id), the same `ce_*` headers (the same `ce_id`, derived from the stored event), the same value,
in the same order per key. Consumers that deduplicate on `ce_id` see no new effects. It needs the service's
own environment (DATABASE_URL, KAFKA_BOOTSTRAP_SERVERS, CREDENTIALS_SIGNING_KEYS, ...); the running
service may keep running. The relay's own position is not touched.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from typing import Any

from endorsement_contracts import encode
from kafka import KafkaProducer
from pydantic import ValidationError
from servicekit.outbox import Translator, event_id
from servicekit.topics import ensure_topics

from credentials.application import CredentialsApplication
from credentials.bootstrap import build_application, partner_events
from credentials.config import ConfigurationError, CredentialsSettings
from credentials.translation import SOURCE

BATCH_SIZE = 500
Send = Callable[[str, bytes, bytes, list[tuple[str, bytes]]], Any]
"""(topic, key, value, headers) -> a future with `.get(timeout)`."""


def replay(app: CredentialsApplication, translate: Translator, send: Send, flush: Callable[[], None], *,
           tenant: str | None = None) -> int:
    """Publish every partner event (of `tenant`, when given) in store order; returns how many."""
    position, published = 0, 0
    while notifications := app.process_recorder.select_notifications(start=position + 1, limit=BATCH_SIZE):
        futures = []
        for notification in notifications:
            partner_event = translate(app.mapper.to_domain_event(notification))
            if partner_event is None or (tenant is not None and partner_event.tenant != tenant):
                continue
            record = encode(partner_event, event_id=event_id(SOURCE, notification), source=SOURCE)
            futures.append(send(record.topic, record.key, record.value, record.headers))
        flush()
        for future in futures:
            future.get(timeout=30)
        published += len(futures)
        position = notifications[-1].id
    return published


def ordered_producer(bootstrap_servers: str, *, enable_idempotence: bool) -> KafkaProducer:
    """A producer that never reorders records of a key, even on retries (one request in flight)."""
    return KafkaProducer(bootstrap_servers=bootstrap_servers.split(","), acks="all", retries=5, linger_ms=5,
                         enable_idempotence=enable_idempotence, max_in_flight_requests_per_connection=1,
                         client_id="credentials-replay")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m credentials.replay", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--from-start", action="store_true", required=True,
                        help="re-publish from the first stored event (the only mode)")
    parser.add_argument("--tenant", help="only this association's events")
    args = parser.parse_args(argv)
    try:
        settings = CredentialsSettings()  # type: ignore[call-arg]  # required values come from the environment
        app, _ = build_application(settings)
    except ValidationError as error:  # name the settings, never echo their values (they include signing keys)
        names = ", ".join(".".join(map(str, e["loc"])) or "settings" for e in error.errors())
        print(f"credentials.replay: invalid settings: {names}", file=sys.stderr)
        return 2
    except ConfigurationError as error:
        print(f"credentials.replay: {error}", file=sys.stderr)
        return 2
    if args.tenant is not None and args.tenant not in app.tenants:
        print(f"credentials.replay: unknown tenant {args.tenant!r}", file=sys.stderr)
        return 2
    ensure_topics(settings.kafka_bootstrap_servers)
    producer = ordered_producer(settings.kafka_bootstrap_servers, enable_idempotence=settings.kafka_enable_idempotence)
    try:
        count = replay(app, partner_events(app),
                       lambda topic, key, value, headers: producer.send(topic, key=key, value=value, headers=headers),
                       producer.flush, tenant=args.tenant)
    finally:
        producer.close(10)
        app.close()
    scope = f"of {args.tenant} " if args.tenant else ""
    print(f"re-published {count} partner events {scope}from the start of the event store")
    return 0


if __name__ == "__main__":
    sys.exit(main())
