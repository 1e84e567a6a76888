"""Accounts as the integration events of `endorsement.accounts.v1`: the only place the account meets the contract.
Their sealed `endorsement.accounts.v2` twins, what the outbox stores, are made when they are written
(`application/outbox.py`), under the subject `sealing_subject` names."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from endorsement_contracts import IntegrationEvent
from endorsement_contracts.events.accounts import (
    AccountProfileChanged,
    AccountRegistered,
    EmailVerificationRequested,
    PasswordChanged,
    PasswordResetRequested,
)
from servicekit.sealed_twins import FieldPath

from ..domain.accounts import Account
from ..domain.links import IssuedLink
from ..domain.subjects import account_subject

VERIFY_PATH = "/account/verify/"
RESET_PATH = "/account/password/reset/"


def _person(account: Account, now: datetime) -> dict[str, object]:
    return {"tenant": account.tenant, "occurred_at": now, "account_id": account.id, "email": account.email,
            "name": account.name, "language": account.language}


def registered(account: Account, now: datetime) -> AccountRegistered:
    return AccountRegistered.model_validate({**_person(account, now), "roles": sorted(account.roles)})


def profile_changed(account: Account, now: datetime) -> AccountProfileChanged:
    return AccountProfileChanged.model_validate(_person(account, now))


def verification_requested(account: Account, link: IssuedLink, base_url: str) -> EmailVerificationRequested:
    return EmailVerificationRequested.model_validate({
        **_person(account, link.created_at), "request_id": link.id,
        "link": f"{base_url}{VERIFY_PATH}{link.secret}", "expires_at": link.expires_at})


def reset_requested(account: Account, link: IssuedLink, base_url: str) -> PasswordResetRequested:
    return PasswordResetRequested.model_validate({
        **_person(account, link.created_at), "request_id": link.id,
        "link": f"{base_url}{RESET_PATH}{link.secret}", "expires_at": link.expires_at})


def password_changed(account: Account, how: Literal["changed", "reset"], now: datetime) -> PasswordChanged:
    return PasswordChanged.model_validate({**_person(account, now), "change_id": uuid.uuid4(), "how": how})


def sealing_subject(event: IntegrationEvent, path: FieldPath) -> str:
    """Whose key seals a value of an account event's v2 twin (`servicekit.sealed_twins.SubjectPolicy`): the
    account's own, `account:<account_id>`, for the email, the name and the links alike (contracts README)."""
    account_id = getattr(event, "account_id", None)
    if not isinstance(account_id, uuid.UUID):
        raise TypeError(f"{event.type_name()} has no account_id to seal {'/'.join(map(str, path))} under")
    return account_subject(account_id)
