"""Integration events that someone must hear about, each mapped to the email that tells them.

A new kind of email is one function in `application_notices`, `review_notices` or `account_notices` (event ->
Notice), one
line in `v1_handlers`, and a template in `templates/en.py` and in `templates/es.py`.

Every event that names an applicant also teaches this service who the application (and, when the event
says, the endorsement) belongs to: a `Contact`, saved with the event's position like any other effect.
Events that name nobody are sent to that contact; when none is known the event is skipped with a log
line (nobody to tell is not a malformed record, so it is no dead letter).

The gateway's account events teach this service each account's language (an `Account`, saved with the event's
position too); every email to a person named by `account_id` is then written in that language unless the
event itself says one.

`PersonErased` (the gateway's erasure ledger) destroys the person's key, fails their queued emails and records the
erasure once (`NotificationsApplication.erase`); the outbox relay answers it with `ErasureCompleted` (`relay.py`).

Sealed topics (docs/erasure.md, slice 7b): account, application and review events are read from their `.v2` topics,
every personal value a token the consumer's unsealer opens at the producer before the handler runs
(`servicekit.sealed_twins.opened_handlers`). The handlers keep the v1 shape; a value whose person was erased is None
there. An email whose recipient's address or name is None is not queued, nor one that would name another erased
person (their words or name), except a rater's name in the applicant's email, worded "your rater": the applicant must
still hear that a reference needs another rater. A person whose address is None is not learnt as a contact. Such a
record is handled (position recorded), never dead-lettered. The ids of emails, contacts and accounts derive from the
event's ids, so a v2 record whose v1 twin (same `ce_id`) was handled before the switch changes nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any, TypeVar
from uuid import UUID

from endorsement_contracts import ApplicationSubmitted, EndorsementGranted, Envelope, IntegrationEvent, Person
from endorsement_contracts.events import accounts as ac
from endorsement_contracts.events import applications as ap
from endorsement_contracts.events import reviews as rv
from endorsement_contracts.events.erasures import PersonErased
from servicekit.consumer import Handler, RejectedMessage
from servicekit.handlers import Effects, EventHandlers
from servicekit.sealed_twins import opened_handlers

from ..config import Tenant
from ..domain import Cause, Contact, NotificationError, Recipient
from ..notices import Notice, Notifier
from ..templates import Links
from . import account_notices as acn
from . import application_notices as an
from . import review_notices as rn

log = logging.getLogger(__name__)

E = TypeVar("E", bound=IntegrationEvent)
Notices = Notice | Sequence[Notice]
NoticeFor = Callable[[E, Tenant, Links], Notices]
ContactNoticeFor = Callable[[E, Contact, Tenant, Links], Notice]
Learn = Callable[[E, Tenant], list[Any]]
AccountEvent = (
    ac.AccountRegistered
    | ac.AccountProfileChanged
    | ac.EmailVerificationRequested
    | ac.PasswordResetRequested
    | ac.PasswordChanged
)
A = TypeVar("A", bound=AccountEvent)
Table = dict[type[IntegrationEvent], Handler]
OnEvent = Callable[[E, Envelope], Effects]
"""A handler as registered: the event (of its registered type) and its record."""

APPLICATION = "application"
ENDORSEMENT = "endorsement"


def handlers(notifier: Notifier) -> Table:
    """The handlers for `servicekit.consumer.IdempotentConsumer`, one per event type that causes an email or
    names a person to remember: the sealed `.v2` twins of `v1_handlers`' events (the consumer needs an unsealer),
    and `PersonErased` (`endorsement.erasures.v1`, not a sealed topic)."""
    v1 = v1_handlers(notifier)
    twinned = opened_handlers(v1)
    if len(twinned) != len(v1):  # every account, application and review event has a sealed twin
        raise RuntimeError("an event handled by notifications has no sealed v2 twin")
    registry = _registry(notifier)
    registry.on(PersonErased, any_tenant=True)(_erasure(notifier))
    return {**twinned, **registry.table()}


def v1_handlers(notifier: Notifier) -> Table:
    """The account, application and review handlers in the v1 shape (as the consumer read the v1 topics before slice
    7b): what `handlers` gives each v2 record once its tokens are opened. Each is registered with
    `servicekit.handlers.EventHandlers`, which dead-letters a record of an association this deployment does not serve
    (`unknown tenant '<slug>'`) before the handler runs."""
    n, registry = notifier, _registry(notifier)

    def account(event_type: type[A], notice_for: NoticeFor[A]) -> None:
        registry.on(event_type)(_account(notice_for, n))

    def email(event_type: type[E], notice_for: NoticeFor[E]) -> None:
        registry.on(event_type)(_handler(notice_for, n))

    def to_contact(event_type: type[E], subject: str, notice_for: ContactNoticeFor[E]) -> None:
        registry.on(event_type)(_to_contact(subject, notice_for, n))

    # gateway: accounts
    account(ac.AccountRegistered, _nobody)
    account(ac.AccountProfileChanged, _nobody)
    account(ac.EmailVerificationRequested, acn.email_verification_requested)
    account(ac.PasswordResetRequested, acn.password_reset_requested)
    account(ac.PasswordChanged, acn.password_changed)
    # applications service
    email(ap.ApplicationStarted, _nobody)
    email(ap.ApplicationRegistered, an.application_registered)
    email(ap.RegistrationAccepted, an.registration_accepted)
    email(ap.ReferenceRequested, an.reference_requested)
    to_contact(ap.ReferenceVoided, APPLICATION, an.reference_voided)
    to_contact(ap.ReferenceCompleted, APPLICATION, an.reference_completed)
    email(ap.ReferenceDeclined, an.reference_declined)
    email(ApplicationSubmitted, an.application_submitted)
    email(ap.ApplicationResubmitted, an.application_submitted)
    email(ap.ApplicationWithdrawn, an.application_withdrawn)
    email(ap.RenewalSubmitted, an.renewal_submitted)
    email(ap.ReinstatementSubmitted, an.reinstatement_submitted)
    # reviews service: case events
    email(rv.ReviewerAssigned, rn.reviewer_assigned)
    email(rv.InformationRequested, rn.information_requested)
    email(rv.ApplicationDeferred, rn.application_deferred)
    email(rv.ApprovedForExam, rn.approved_for_exam)
    to_contact(rv.ExamRegistered, APPLICATION, rn.exam_registered)
    to_contact(rv.ExamScored, APPLICATION, rn.exam_scored)
    email(rv.EndorsementDenied, rn.endorsement_denied)
    # reviews service: endorsement events
    email(EndorsementGranted, rn.endorsement_granted)
    to_contact(rv.RenewalApproved, ENDORSEMENT, rn.renewal_approved)
    to_contact(rv.EndorsementLapsed, ENDORSEMENT, rn.endorsement_lapsed)
    to_contact(rv.EndorsementReinstated, ENDORSEMENT, rn.endorsement_reinstated)
    to_contact(rv.EndorsementRevoked, ENDORSEMENT, rn.endorsement_revoked)
    return registry.table()


def _registry(notifier: Notifier) -> EventHandlers:
    return EventHandlers(serves_tenant=lambda slug: slug in notifier.tenants)


def _erasure(notifier: Notifier) -> OnEvent[PersonErased]:
    """Erase the person: their key is destroyed at once (idempotent); their queued emails fail as `recipient erased`
    and the erasure is recorded, both saved with the record's position."""

    def handle(event: PersonErased, envelope: Envelope) -> Effects:
        return notifier.app.erase(event.erasure_id, event.tenant, event.subject)

    return handle


def named(event: IntegrationEvent) -> list[tuple[str, UUID, Person]]:
    """Who the event says its application (and endorsement, when it has one) belongs to."""
    applicant = getattr(event, "applicant", None)
    if not isinstance(applicant, Person):
        return []
    application_id = getattr(event, "application_id", None)
    found = [(APPLICATION, application_id, applicant)] if isinstance(application_id, UUID) else []
    endorsement_id = getattr(event, "endorsement_id", None)
    if isinstance(endorsement_id, UUID):
        found.append((ENDORSEMENT, endorsement_id, applicant))
    return found


def _nobody(event: IntegrationEvent, tenant: Tenant, links: Links) -> Notices:
    return []


def _handler(notice_for: NoticeFor[E], notifier: Notifier, learn: Learn[E] | None = None) -> OnEvent[E]:
    """A handler that first learns what the event says of people (`learn`: contacts by default), then queues
    its notices; everything is returned to be saved with the record's position."""

    def learn_contacts(event: IntegrationEvent, tenant: Tenant) -> list[Any]:
        effects: list[Any] = []
        for subject, subject_id, person in named(event):
            if person.email is None or person.name is None:  # erased: nothing to learn, nothing to keep
                continue
            effects += notifier.learn(
                tenant,
                subject,
                subject_id,
                Recipient(person.email, person.name),
                an.preferred_language(person),
                person.account_id,
            )
        return effects

    learn_from = learn or learn_contacts

    def handle(event: E, envelope: Envelope) -> Effects:
        cause = Cause(event_id=envelope.id, event_type=envelope.type)
        try:
            tenant = notifier.tenant(event.tenant)
            effects: list[Any] = learn_from(event, tenant)
            notices = notice_for(event, tenant, notifier.links)
            unique = {n.email_id: n for n in ([notices] if isinstance(notices, Notice) else notices)}
            for notice in unique.values():  # e.g. a coordinator listed twice gets one email
                if _names_someone_erased(notice):
                    log.info("%s email %s not queued: it would write to or name a person who was erased",
                             notice.kind, notice.email_id)
                    continue
                effects += notifier.queue(notice, cause)
        except NotificationError as exc:
            raise RejectedMessage(f"{exc.code}: {exc}") from exc
        return effects

    return handle


def _names_someone_erased(notice: Notice) -> bool:
    """Whether a value the email needs opened to None (a v2 record whose person was erased): its recipient's address
    or name, or another person's name or words."""
    recipient: Any = notice.recipient
    if recipient.address is None or recipient.name is None:
        return True
    values: list[Any] = list(notice.values.values())
    return any(value is None or (isinstance(value, list | tuple) and any(item is None for item in value))
               for value in values)


def _account(notice_for: NoticeFor[A], notifier: Notifier) -> OnEvent[A]:
    """A handler for an account event: it records the account's language (saved first, so the notices it
    causes and every later email to the person read it), then queues its notices."""

    def learn_account(event: A, tenant: Tenant) -> list[Any]:
        return notifier.learn_account(tenant, event.account_id, event.language, event.occurred_at)

    return _handler(notice_for, notifier, learn_account)


def _to_contact(subject: str, notice_for: ContactNoticeFor[E], notifier: Notifier) -> OnEvent[E]:
    """A handler for an event that names nobody: the notice goes to the contact of its application or
    endorsement."""
    id_field = "application_id" if subject == APPLICATION else "endorsement_id"

    def notices(event: E, tenant: Tenant, links: Links) -> Notices:
        subject_id: UUID = getattr(event, id_field)
        contact = notifier.contact(tenant, subject, subject_id)
        if contact is None:
            log.info("%s about %s %s: nobody known to tell, no email", event.type_name(), subject, subject_id)
            return []
        if contact.erased:
            log.info("%s about %s %s: its person was erased, no email", event.type_name(), subject, subject_id)
            return []
        return notice_for(event, contact, tenant, links)

    return _handler(notices, notifier)
