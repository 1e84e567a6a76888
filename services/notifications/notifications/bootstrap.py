"""Composition root: the one place the notifications service's parts are built and connected."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from servicekit.clock import business_clock
from servicekit.consumer import IdempotentConsumer
from servicekit.eventstore import open_application
from servicekit.runtime import Service

from .application import NotificationsApplication
from .config import SCHEMA, SERVICE_NAME, Settings, Tenant, load_tenants
from .delivery import MailSender, SmtpServer, SmtpTransport, Transport
from .entrypoints.api import create_api
from .entrypoints.consumer import handlers
from .notices import Notifier
from .projections import EmailsProjection
from .templates import Links


def build(
    settings: Settings, *, tenants: dict[str, Tenant] | None = None, transport: Transport | None = None
) -> Service:
    """The service as `serve()` runs it; tests may pass tenants or a transport of their own."""
    tenants = tenants if tenants is not None else load_tenants(Path(settings.tenants_dir))
    app = open_application(NotificationsApplication, settings.database_url, SCHEMA)
    notifier = Notifier(app, tenants, Links(settings.public_base_url))
    smtp = SmtpServer.from_url(settings.smtp_url, timeout=settings.smtp_timeout_seconds)
    transport = transport or SmtpTransport(smtp)
    sender = MailSender(app, transport, settings.mail_from, clock=business_clock(settings))
    return Service(
        name=SERVICE_NAME,
        schema=SCHEMA,
        settings=settings,
        app=app,
        api=create_api(app),
        consumer=IdempotentConsumer(app, group_id=settings.consumer_group, handlers=handlers(notifier)),
        projections=[EmailsProjection()],
        background=[_sending(sender, settings)],
    )


def _sending(sender: MailSender, settings: Settings) -> Callable[[threading.Event], None]:
    def run(stop: threading.Event) -> None:
        sender.run_forever(stop, settings.mail_poll_seconds, settings.mail_retry_max_seconds)

    return run
