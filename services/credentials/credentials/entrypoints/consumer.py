"""Integration-event handlers: the reviews service's decisions become credential changes, exactly once.

A grant becomes a signed credential (its id derived from the endorsement). Renewal, lapse, reinstatement
and revocation change that credential; each is recorded with the upstream event's `ce_id` as its decision
id, so a republished copy finds the decision applied and changes nothing. A decision that the credential
already reflects (a revocation of a revoked credential, a lapse of a suspended one) changes nothing either.
Decisions that can never apply (no such credential, renewing a revoked one) go to the dead-letter topic.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from endorsement_contracts import EndorsementGranted, Envelope, IntegrationEvent
from endorsement_contracts.events import EndorsementLapsed, EndorsementReinstated, EndorsementRevoked, RenewalApproved
from servicekit.consumer import Handler, IdempotentConsumer, RejectedMessage

from credentials.application import CredentialsApplication
from credentials.domain.credential import Credential, Decision, SuspensionCause
from credentials.domain.errors import CredentialError, UnchangedError
from credentials.domain.grant import EndorsementGrant, Holder
from credentials.lifecycle import Effects, Lifecycle, ReissueTerms

GROUP_ID = "credentials"

Change = Callable[[Lifecycle, Credential, Envelope], Effects]


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


def on_decision(lifecycle: Lifecycle, change: Change) -> Handler:
    """A handler that applies `change` to the credential of the event's endorsement, once."""

    def handle(envelope: Envelope) -> Sequence[Any]:
        event: Any = envelope.event
        try:
            credential = lifecycle.credential_of(event.tenant, event.endorsement_id)
            if credential.has_applied(envelope.id):
                return []
            if credential.category != event.category:
                raise RejectedMessage(f"CATEGORY_MISMATCH: the credential is for {credential.category}, "
                                      f"the decision for {event.category}")
            return change(lifecycle, credential, envelope)
        except UnchangedError:
            return []
        except CredentialError as error:
            raise RejectedMessage(f"{error.code}: {error.detail}") from error

    return handle


def _renew(lifecycle: Lifecycle, credential: Credential, envelope: Envelope) -> Effects:
    event = envelope.event
    assert isinstance(event, RenewalApproved)
    terms = ReissueTerms(str(event.renewal_id), event.renewed_on, event.renewal_date)
    return lifecycle.renew(credential, terms, envelope.id)


def _lapse(lifecycle: Lifecycle, credential: Credential, envelope: Envelope) -> Effects:
    event = envelope.event
    assert isinstance(event, EndorsementLapsed)
    decision = Decision(envelope.id, f"lapsed on {event.lapsed_on.isoformat()}: {event.reason}", event.occurred_at)
    return lifecycle.suspend(credential, decision, SuspensionCause.LAPSE)


def _reinstate(lifecycle: Lifecycle, credential: Credential, envelope: Envelope) -> Effects:
    event = envelope.event
    assert isinstance(event, EndorsementReinstated)
    terms = ReissueTerms(str(event.reinstatement_id), event.reinstated_on, event.renewal_date)
    return lifecycle.reinstate(credential, terms, envelope.id)


def _revoke(lifecycle: Lifecycle, credential: Credential, envelope: Envelope) -> Effects:
    event = envelope.event
    assert isinstance(event, EndorsementRevoked)
    return lifecycle.revoke(credential, Decision(envelope.id, event.reason, event.occurred_at, event.revoked_by))


def build_consumer(app: CredentialsApplication, group_id: str = GROUP_ID) -> IdempotentConsumer:
    lifecycle = Lifecycle(app)
    handlers: dict[type[IntegrationEvent], Handler] = {
        EndorsementGranted: on_endorsement_granted(app),
        RenewalApproved: on_decision(lifecycle, _renew),
        EndorsementLapsed: on_decision(lifecycle, _lapse),
        EndorsementReinstated: on_decision(lifecycle, _reinstate),
        EndorsementRevoked: on_decision(lifecycle, _revoke),
    }
    return IdempotentConsumer(app, group_id=group_id, handlers=handlers)
