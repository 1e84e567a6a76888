"""Emails caused by the gateway's account events (`endorsement.accounts.v2`, read in the v1 shape): event -> Notice.

Each event carries the person's address, name and chosen language, so these emails need no contact. The
links are bearer secrets: they go into the email verbatim and nowhere else (no log line, no error message),
and the support API withholds the bodies of the emails that carry them. An erased person's address, name and link
open to None: no email (and no `str(None)` address).
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from endorsement_contracts.events.accounts import (
    EmailVerificationRequested,
    PasswordChanged,
    PasswordResetRequested,
)

from ..config import Tenant
from ..domain import InvalidEmail, Recipient
from ..notices import Notice
from ..templates import Links
from ..templates import kinds as k


def local_time(moment: datetime, tenant: Tenant) -> datetime:
    """The moment on the association's clock (a link expiring at 03:30 UTC expires the evening before in Phoenix)."""
    return moment.astimezone(ZoneInfo(tenant.timezone))


def _erased(*values: object) -> bool:
    """Whether a personal value opened to None: its person was erased before the event was relayed."""
    return any(value is None for value in values)


def _web_link(link: str, what: str, request_id: object) -> str:
    if not link.startswith(("https://", "http://")):
        raise InvalidEmail(f"the {what} link of request {request_id} is not an http(s) URL")
    return link


def email_verification_requested(
    event: EmailVerificationRequested, tenant: Tenant, links: Links
) -> Notice | list[Notice]:
    """The person gets the link that confirms their address, and when it expires; one email per request."""
    if _erased(event.email, event.link):
        return []
    return Notice(
        kind=k.EMAIL_VERIFICATION,
        about=event.request_id,
        occurrence="requested",
        tenant=tenant,
        recipient=Recipient(address=str(event.email), name=event.name),
        language=event.language,
        account_id=event.account_id,
        values={
            "person_name": event.name,
            "link": _web_link(event.link, "confirmation", event.request_id),
            "expires_at": local_time(event.expires_at, tenant),
        },
    )


def password_reset_requested(
    event: PasswordResetRequested, tenant: Tenant, links: Links
) -> Notice | list[Notice]:
    """The person gets the link that lets them choose a new password, its expiry, and "if it was not you"."""
    if _erased(event.email, event.link):
        return []
    return Notice(
        kind=k.PASSWORD_RESET,
        about=event.request_id,
        occurrence="requested",
        tenant=tenant,
        recipient=Recipient(address=str(event.email), name=event.name),
        language=event.language,
        account_id=event.account_id,
        values={
            "person_name": event.name,
            "link": _web_link(event.link, "password reset", event.request_id),
            "expires_at": local_time(event.expires_at, tenant),
        },
    )


def password_changed(event: PasswordChanged, tenant: Tenant, links: Links) -> Notice | list[Notice]:
    """The person hears their password was changed (or reset), when, and what to do if it was not them."""
    if _erased(event.email):
        return []
    return Notice(
        kind=k.PASSWORD_CHANGED if event.how == "changed" else k.PASSWORD_WAS_RESET,
        id_kind=k.PASSWORD_CHANGED,
        about=event.change_id,
        occurrence=event.how,
        tenant=tenant,
        recipient=Recipient(address=str(event.email), name=event.name),
        language=event.language,
        account_id=event.account_id,
        values={
            "person_name": event.name,
            "changed_at": local_time(event.occurred_at, tenant),
            "portal_url": links.portal(),
        },
    )
