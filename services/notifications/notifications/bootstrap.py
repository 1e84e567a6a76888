"""Composition root: the one place the notifications service's parts are built and connected."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from servicekit.clock import business_clock
from servicekit.consumer import IdempotentConsumer, Unsealer
from servicekit.outbox import OutboxRelay
from servicekit.postgres import DEFAULT_DATABASE_WAIT_SECONDS, ensure_schema, eventsourcing_env
from servicekit.runtime import Service, relay_producer
from servicekit.shredding import SubjectKeys
from servicekit.unseal import UnsealClient

from .application import NotificationsApplication
from .config import SCHEMA, SERVICE_NAME, NotificationsSettings, Tenant, load_tenants
from .delivery import MailSender, SmtpServer, SmtpTransport, Transport
from .entrypoints.api import create_api
from .entrypoints.consumer import handlers
from .notices import Notifier
from .projections import EmailsProjection
from .relay import EVENT_SOURCE, translate
from .templates import Links


def build(
    settings: NotificationsSettings,
    *,
    tenants: dict[str, Tenant] | None = None,
    transport: Transport | None = None,
    unsealer: Unsealer | None = None,
) -> Service:
    """The service as `serve()` runs it; tests may pass tenants, a transport or an unsealer of their own (e.g. a
    `servicekit.sealed_twins.LocalUnsealer` over the test producers' keys)."""
    tenants = tenants if tenants is not None else load_tenants(Path(settings.tenants_dir))
    rater_index_key = settings.rater_index_key_bytes()  # a missing key outside development/test stops start-up
    # the sealed topics' tokens are opened at their producers (gateway, applications, reviews): SERVICE_IDENTITY_KEY
    # and UNSEAL_URLS; a missing identity key outside development/test stops start-up here. The runtime closes it.
    unsealer = unsealer if unsealer is not None else UnsealClient.from_settings(SERVICE_NAME, settings)
    app = open_app(settings)
    notifier = Notifier(app, tenants, Links(settings.public_base_url), rater_index_key=rater_index_key)
    smtp = SmtpServer.from_url(settings.smtp_url, timeout=settings.smtp_timeout_seconds)
    transport = transport or SmtpTransport(smtp)
    sender = MailSender(app, transport, settings.mail_from, clock=business_clock(settings))
    producer = relay_producer(settings)
    return Service(
        name=SERVICE_NAME,
        schema=SCHEMA,
        settings=settings,
        app=app,
        api=create_api(app),
        consumer=IdempotentConsumer(app, group_id=settings.consumer_group, handlers=handlers(notifier),
                                    unsealer=unsealer),
        relays=[OutboxRelay(app, translate, producer, source=EVENT_SOURCE)],
        projections=[EmailsProjection()],
        once_per_cluster={"mail-sender": _sending(sender, settings)},
    )


def open_app(
    settings: NotificationsSettings, *, wait_seconds: float = DEFAULT_DATABASE_WAIT_SECONDS,
) -> NotificationsApplication:
    """The application in the service's schema, with its key store (`notifications.subject_keys`, under
    `PERSONAL_DATA_MASTER_KEY`: a missing key outside development/test stops start-up here); `close()` closes both."""
    master_key = settings.master_key()
    ensure_schema(settings.database_url, SCHEMA)
    keys = SubjectKeys(settings.database_url, SCHEMA, master_key,
                       previous_master_keys=settings.previous_master_keys())  # rotation (docs/erasure.md)
    keys.setup()
    env = eventsourcing_env(settings.database_url, SCHEMA, wait_seconds=wait_seconds)
    return NotificationsApplication(env, keys=keys)


def _sending(sender: MailSender, settings: NotificationsSettings) -> Callable[[threading.Event], None]:
    def run(stop: threading.Event) -> None:
        sender.run_forever(stop, settings.mail_poll_seconds, settings.mail_retry_max_seconds)

    return run

