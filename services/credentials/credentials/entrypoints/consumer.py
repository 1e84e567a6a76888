"""Integration-event handlers: the reviews service's decisions become credential changes, exactly once.

A grant becomes a signed credential (its id derived from the endorsement). Renewal, lapse, reinstatement
and revocation change that credential; each is recorded with the upstream event's `ce_id` as its decision
id, so a republished copy finds the decision applied and changes nothing. A decision that the credential
already reflects (a revocation of a revoked credential, a lapse of a suspended one) changes nothing either.
Decisions that can never apply (no such credential, renewing a revoked one) go to the dead-letter topic, as does
any record of an association not configured here, refused before its handler runs (`unknown tenant '<slug>'`:
`servicekit.handlers.EventHandlers`; `PersonErased` is handled whatever association it names).

`PersonErased` (the erasure ledger) destroys the subject's key and records the erasure once; the read models
scrub on that record and the relay answers `ErasureCompleted`. A grant or re-issue for an erased holder
changes nothing (it is not dead-lettered either: the copy would hold their name again).

The decisions are read from `endorsement.reviews.v2` (docs/erasure.md, slice 7b): each record's sealed fields are
opened at the reviews service (`unsealer`) and the handlers below get the event in its v1 shape
(`servicekit.sealed_twins.opened_handlers`). A v2 record has the `ce_id` of its v1 twin, so a decision read
before from v1 is found applied, and a grant finds its credential. A value whose subject reviews erased opens to
None: a grant without the holder's name or address is a grant for an erased holder (nothing is issued), and a
revocation whose reason was erased still revokes. `PersonErased` stays on `endorsement.erasures.v1`.

Reasons are recorded as codes only (`credentials.domain.reasons`): a lapse as `lapse`, a revocation as `erasure`
(reviews' surrender of an erased holder's endorsement) or `endorsement_revoked`. The text reviews sealed is
opened only to tell the surrender apart and is kept nowhere here: reviews' register keeps it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar
from uuid import UUID

from endorsement_contracts import EndorsementGranted, Envelope, IntegrationEvent
from endorsement_contracts.events import (
    EndorsementLapsed,
    EndorsementReinstated,
    EndorsementRevoked,
    PersonErased,
    RenewalApproved,
)
from servicekit.consumer import Handler, IdempotentConsumer, RejectedMessage, Unsealer
from servicekit.handlers import EventHandlers
from servicekit.sealed_twins import opened_handlers

from credentials.application import CredentialsApplication
from credentials.domain.credential import Credential, Decision, SuspensionCause
from credentials.domain.errors import CredentialError, HolderErasedError, UnchangedError
from credentials.domain.grant import EndorsementGrant, Holder
from credentials.domain.reasons import ReasonCode
from credentials.lifecycle import Effects, Lifecycle, ReissueTerms

GROUP_ID = "credentials"
SURRENDER_REASON = "erasure"
"""The reason reviews records when it revokes (surrenders) an erased holder's endorsement, by the holder's account."""

Table = dict[type[IntegrationEvent], Handler]
D = TypeVar("D", bound=RenewalApproved | EndorsementLapsed | EndorsementReinstated | EndorsementRevoked)
"""A decision about an endorsement's credential."""


def grant_from(event: EndorsementGranted) -> EndorsementGrant:
    return EndorsementGrant(
        tenant=event.tenant,
        endorsement_id=event.endorsement_id,
        holder=Holder.of_account(event.applicant.account_id, event.applicant.name, str(event.applicant.email)),
        category=event.category,
        category_name=event.category_name,
        designation=(event.designation or "").strip() or None,  # a blank designation is no designation
        effective_date=event.effective_date,
        renewal_date=event.renewal_date,
    )


def erased_upstream(event: EndorsementGranted) -> bool:
    """The grant's holder was erased at its producer: their sealed name or address opened to None."""
    return event.applicant.name is None or event.applicant.email is None


def on_endorsement_granted(app: CredentialsApplication) -> Callable[[EndorsementGranted, Envelope], Effects]:
    def handle(event: EndorsementGranted, envelope: Envelope) -> Effects:
        if erased_upstream(event):  # as for a holder erased here: nothing to issue, nothing to dead-letter
            return []
        try:
            credential = app.issue(grant_from(event))
        except HolderErasedError:
            return []
        except CredentialError as error:  # permanent: the same grant would be refused every time
            raise RejectedMessage(f"{error.code}: {error.detail}") from error
        return [credential] if credential is not None else []

    return handle


def on_decision(lifecycle: Lifecycle,
                change: Callable[[Lifecycle, Credential, D, Envelope], Effects]) -> Callable[[D, Envelope], Effects]:
    """A handler that applies `change` to the credential of the event's endorsement, once."""

    def handle(event: D, envelope: Envelope) -> Effects:
        try:
            credential = lifecycle.credential_of(event.tenant, event.endorsement_id)
            if credential.has_applied(envelope.id):
                return []
            if credential.category != event.category:
                raise RejectedMessage(f"CATEGORY_MISMATCH: the credential is for {credential.category}, "
                                      f"the decision for {event.category}")
            return change(lifecycle, credential, event, envelope)
        except (UnchangedError, HolderErasedError):
            return []
        except CredentialError as error:
            raise RejectedMessage(f"{error.code}: {error.detail}") from error

    return handle


def _renew(lifecycle: Lifecycle, credential: Credential, event: RenewalApproved, envelope: Envelope) -> Effects:
    terms = ReissueTerms(str(event.renewal_id), event.renewed_on, event.renewal_date)
    return lifecycle.renew(credential, terms, envelope.id)


def _lapse(lifecycle: Lifecycle, credential: Credential, event: EndorsementLapsed, envelope: Envelope) -> Effects:
    decision = Decision(envelope.id, ReasonCode.LAPSE, event.occurred_at)
    return lifecycle.suspend(credential, decision, SuspensionCause.LAPSE)


def _reinstate(lifecycle: Lifecycle, credential: Credential, event: EndorsementReinstated,
               envelope: Envelope) -> Effects:
    terms = ReissueTerms(str(event.reinstatement_id), event.reinstated_on, event.renewal_date)
    return lifecycle.reinstate(credential, terms, envelope.id)


def _revoke(lifecycle: Lifecycle, credential: Credential, event: EndorsementRevoked, envelope: Envelope) -> Effects:
    code = revocation_code(event.reason, event.revoked_by, credential.holder_account_id)
    return lifecycle.revoke(credential, Decision(envelope.id, code, event.occurred_at, event.revoked_by))


def revocation_code(opened_reason: str | None, revoked_by: UUID, holder_account_id: UUID) -> ReasonCode:
    """`erasure` when the holder was erased: the reason opened to None (sealed under the erased holder), or it is
    reviews' surrender, recorded by the holder's own account; `endorsement_revoked` otherwise. The text itself is
    never recorded or published here."""
    surrendered = opened_reason == SURRENDER_REASON and revoked_by == holder_account_id
    return ReasonCode.ERASURE if opened_reason is None or surrendered else ReasonCode.ENDORSEMENT_REVOKED


def on_person_erased(app: CredentialsApplication) -> Callable[[PersonErased, Envelope], Effects]:
    def handle(event: PersonErased, envelope: Envelope) -> Effects:
        erasure = app.erase(event.erasure_id, event.tenant, event.subject)
        return [erasure] if erasure is not None else []

    return handle


def _registry(app: CredentialsApplication) -> EventHandlers:
    """Handlers behind the refusal of associations this deployment does not serve (`unknown tenant '<slug>'`)."""
    return EventHandlers(serves_tenant=lambda slug: slug in app.tenants)


def reviews_handlers(app: CredentialsApplication) -> Table:
    """The handlers of the reviews service's decisions, by their v1 type (the shape they read)."""
    lifecycle = Lifecycle(app)
    registry = _registry(app)
    registry.on(EndorsementGranted)(on_endorsement_granted(app))
    registry.on(RenewalApproved)(on_decision(lifecycle, _renew))
    registry.on(EndorsementLapsed)(on_decision(lifecycle, _lapse))
    registry.on(EndorsementReinstated)(on_decision(lifecycle, _reinstate))
    registry.on(EndorsementRevoked)(on_decision(lifecycle, _revoke))
    return registry.table()


def erasure_handlers(app: CredentialsApplication) -> Table:
    """`PersonErased`, whatever association it names: the subject's key destroyed and the erasure recorded."""
    registry = _registry(app)
    registry.on(PersonErased, any_tenant=True)(on_person_erased(app))
    return registry.table()


def build_consumer(app: CredentialsApplication, group_id: str = GROUP_ID, *,
                   unsealer: Unsealer) -> IdempotentConsumer:
    """The consumer of `endorsement.reviews.v2` (sealed fields opened by `unsealer` at the reviews service) and of
    `endorsement.erasures.v1`."""
    handlers: Table = {**opened_handlers(reviews_handlers(app)), **erasure_handlers(app)}
    return IdempotentConsumer(app, group_id=group_id, handlers=handlers, unsealer=unsealer)
