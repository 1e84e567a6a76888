"""Integration-event handlers: a granted endorsement becomes a signed credential, exactly once."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from endorsement_contracts import EndorsementGranted, Envelope, IntegrationEvent
from servicekit.consumer import Handler, IdempotentConsumer, RejectedMessage

from credentials.application import CredentialsApplication
from credentials.domain.errors import CredentialError
from credentials.domain.grant import EndorsementGrant, Holder

GROUP_ID = "credentials"


def grant_from(event: EndorsementGranted) -> EndorsementGrant:
    return EndorsementGrant(
        tenant=event.tenant,
        endorsement_id=event.endorsement_id,
        holder=Holder(event.applicant.account_id, event.applicant.name, str(event.applicant.email)),
        category=event.category,
        category_name=event.category_name,
        designation=(event.designation or "").strip() or None,  # a blank designation is no designation
        effective_date=event.effective_date,
        renewal_date=event.renewal_date,
    )


def on_endorsement_granted(app: CredentialsApplication) -> Handler:
    def handle(envelope: Envelope) -> Sequence[Any]:
        event = envelope.event
        assert isinstance(event, EndorsementGranted)
        try:
            credential = app.issue(grant_from(event))
        except CredentialError as error:  # permanent: the same grant would be refused every time
            raise RejectedMessage(f"{error.code}: {error.detail}") from error
        return [credential] if credential is not None else []

    return handle


def build_consumer(app: CredentialsApplication, group_id: str = GROUP_ID) -> IdempotentConsumer:
    handlers: dict[type[IntegrationEvent], Handler] = {EndorsementGranted: on_endorsement_granted(app)}
    return IdempotentConsumer(app, group_id=group_id, handlers=handlers)
