"""The Application aggregate: one applicant's application for endorsement in one category."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import date, datetime
from types import MappingProxyType
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, CanMutateAggregate, event

from .checks import Evidence, RequirementReport, check_requirements
from .documents import DocumentsMixin
from .entries import (
    PERSONAL_TEXTS,
    RECORD_TEXTS,
    TAB_OF,
    Attestation,
    AttestationKind,
    Entry,
    FeeKind,
    FeePayment,
    Membership,
    PersonalEntry,
    PersonalRecord,
    Tab,
)
from .entry_checks import EntryContext, checked_entry, checked_fee, checked_membership
from .errors import (
    AlreadySubmitted,
    EntryNotFound,
    InvalidApplicant,
    InvalidDetails,
    InvalidWithdrawalReason,
    NotEditable,
    NotSubmittable,
    NotWithdrawable,
    RequirementsNotMet,
    TooManyEntries,
    UnknownCategory,
)
from .legacy import applicant_subject, applicant_text, is_erased, unless_erased, without_texts
from .lifecycle import EDITABLE, PREPARING, WITHDRAWABLE, Status
from .outcomes import ReviewOutcomes
from .reference_data import Reference
from .references import References
from .registration import RegistrationMixin
from .renewals import RenewalsMixin
from .review_cycles import ReviewCycles
from .reviewer_access import ReviewerAccess
from .rules import RuleVersion
from .values import Applicant, CategoryOffer, Details, PersonalText, Profile

MAX_NAME = 200
MAX_EMAIL = 320
MAX_PHONE = 40
MAX_COUNTY = 100
MAX_STATEMENT = 4000
MAX_WITHDRAWAL_REASON = 1000
MAX_ENTRIES_PER_TAB = 500
ERASURE_WITHDRAWAL = "erasure"
"""The reason of the withdrawal recorded when the applicant is erased (docs/erasure.md)."""
BOTH_ATTESTATIONS = (AttestationKind.CODE_OF_ETHICS, AttestationKind.ENDORSEMENT_AGREEMENT)


class Application(RenewalsMixin, RegistrationMixin, DocumentsMixin, ReviewOutcomes, ReviewCycles, ReviewerAccess,
                  References, Aggregate):
    """Guards check the command first, then it triggers one event, whose `apply` changes the aggregate (`Started`
    alone is bound with `@event`, to `__init__`)."""

    class Event(Aggregate.Event):
        """Every event after `Started` names the tenant too, so readers can scope it without loading."""

        tenant: str

    class Started(Aggregate.Created):
        class_version = 2
        tenant: str
        applicant: Applicant
        category: str
        category_name: str
        kind: str
        """`initial`, `renewal` or `reinstatement` (see `renewals`); absent on older events (initial)."""
        endorsement_id: UUID | None
        renewal_year: int | None
        lapsed_on: date | None

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            """Version 1 may hold the applicant in plaintext (the `applicant` transcoding): stored again, it is
            sealed (`applicant_v2`); an erased applicant's plaintext reads as erased."""
            applicant: Applicant = state["applicant"]
            if is_erased(applicant.subject):
                state["applicant"] = replace(applicant, name=None, email=None)

    class DetailsUpdated(Event):
        class_version = 2
        profile: Profile
        """Phone, county and statement, sealed under the applicant's subject (None once erased)."""
        ethics_attested: bool

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            """Stored before sealing: plaintext `phone`, `county` and `statement` (no subject recorded)."""
            subject = applicant_subject(state)
            phone, county, statement = (unless_erased(subject, state.pop(name))
                                        for name in ("phone", "county", "statement"))
            state["profile"] = Profile(subject, phone, county, statement)

        def apply(self, aggregate: Any) -> None:
            aggregate.details = Details(phone=self.profile.phone, county=self.profile.county,
                                        statement=self.profile.statement, ethics_attested=self.ethics_attested)

    class MembershipRecorded(Event):
        class_version = 2
        membership: PersonalRecord
        """The membership, its member id sealed under the applicant's subject (None once erased)."""

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            """Stored before sealing: the member id in plaintext."""
            state["membership"] = _legacy_record(state, state["membership"])

        def apply(self, aggregate: Any) -> None:
            recorded = self.membership.record
            if not isinstance(recorded, Membership):
                raise TypeError("MembershipRecorded holds a membership")
            aggregate.membership = recorded

    class EntryAdded(Event):
        class_version = 2
        tab: str
        entry_id: UUID
        entry: PersonalEntry
        """The entry, its free texts sealed under the applicant's subject (None once erased)."""

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            """Stored before sealing: the entry in plaintext (no subject recorded)."""
            state["entry"] = _legacy_entry(state, state["entry"])

        def apply(self, aggregate: Any) -> None:
            aggregate._entries[Tab(self.tab)][self.entry_id] = self.entry.entry

    class EntryReplaced(Event):
        class_version = 2
        tab: str
        entry_id: UUID
        entry: PersonalEntry

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            """Stored before sealing: the entry in plaintext (no subject recorded)."""
            state["entry"] = _legacy_entry(state, state["entry"])

        def apply(self, aggregate: Any) -> None:
            aggregate._entries[Tab(self.tab)][self.entry_id] = self.entry.entry

    class EntryRemoved(Event):
        tab: str
        entry_id: UUID

        def apply(self, aggregate: Any) -> None:
            del aggregate._entries[Tab(self.tab)][self.entry_id]

    class Attested(Event):
        attestation: Attestation

        def apply(self, aggregate: Any) -> None:
            aggregate.attestations[self.attestation.kind] = self.attestation
            aggregate._sync_ethics_checkbox()

    class AttestationWithdrawn(Event):
        kind: str

        def apply(self, aggregate: Any) -> None:
            del aggregate.attestations[AttestationKind(self.kind)]
            aggregate._sync_ethics_checkbox()

    class FeeRecorded(Event):
        class_version = 2
        fee: PersonalRecord
        """The payment, its reference sealed under the applicant's subject (None once erased)."""

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            """Stored before sealing: the payment's reference in plaintext."""
            state["fee"] = _legacy_record(state, state["fee"])

        def apply(self, aggregate: Any) -> None:
            payment = self.fee.record
            if not isinstance(payment, FeePayment):
                raise TypeError("FeeRecorded holds a fee payment")
            aggregate.fees[payment.kind] = payment

    class Submitted(Event):
        class_version = 2
        submission_number: int
        rule_set_version: str
        submitted_at: datetime
        requirement_report: list[dict[str, Any]]
        """Each requirement as `{code, tab, met, detail}` (absent on events stored before rule sets); `detail` is a
        `PersonalText` under the applicant, since it may name an institution or a provider."""

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            """Stored before sealing: each line's `detail` in plaintext (no subject recorded)."""
            if state.get("requirement_report") is not None:
                state["requirement_report"] = [{**line, "detail": applicant_text(state, line["detail"])}
                                               for line in state["requirement_report"]]
        exam_required: bool | None
        in_response_to: str | None
        """`information_request` or `deferral` for a resubmission (see `outcomes`); absent on older events."""

        def apply(self, aggregate: Any) -> None:
            aggregate.status = Status.SUBMITTED
            aggregate.in_response_to = getattr(self, "in_response_to", None)  # with the report: absent on older events
            aggregate.submission_number = self.submission_number
            aggregate.rule_set_version = self.rule_set_version
            aggregate.submitted_at = self.submitted_at
            report = getattr(self, "requirement_report", None) or []
            aggregate.requirement_report = [{**line, "detail": line["detail"].text} for line in report]
            """Each line's `detail` is None once the applicant is erased."""
            aggregate.exam_required = getattr(self, "exam_required", None)

    class Withdrawn(Event):
        class_version = 2
        why: PersonalText
        """The applicant's words, sealed under their subject (None for a withdrawal on erasure, and once erased)."""
        erasure: bool
        """Withdrawn because the applicant was erased (reason `erasure`)."""

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            """Stored before sealing: a plaintext `reason` (`erasure` for a withdrawal on erasure)."""
            reason = state.pop("reason")
            state["erasure"] = reason == ERASURE_WITHDRAWAL
            state["why"] = applicant_text(state, None if state["erasure"] else reason)

        @property
        def reason(self) -> str | None:
            """`erasure`, or the applicant's words (None once they are erased)."""
            return ERASURE_WITHDRAWAL if self.erasure else self.why.text

        def apply(self, aggregate: Any) -> None:
            aggregate.status = Status.WITHDRAWN
            aggregate.withdrawal_reason = self.reason

    @event(Started)
    def __init__(self, tenant: str, applicant: Applicant, category: str, category_name: str, kind: str = "initial",
                 endorsement_id: UUID | None = None, renewal_year: int | None = None,
                 lapsed_on: date | None = None) -> None:
        self._set_kind(kind, endorsement_id, renewal_year, lapsed_on)
        self.tenant = tenant
        self.applicant = applicant
        self.category = category
        self.category_name = category_name
        self.status = Status.DRAFT
        self.details = Details()
        self.membership: Membership | None = None
        self._entries: dict[Tab, dict[UUID, Entry]] = {tab: {} for tab in Tab}
        self.attestations: dict[AttestationKind, Attestation] = {}
        self.fees: dict[FeeKind, FeePayment] = {}
        self.submission_number = 0
        self.rule_set_version: str | None = None
        self.requirement_report: list[dict[str, Any]] = []
        self.exam_required: bool | None = None
        self.submitted_at: datetime | None = None
        self.withdrawal_reason: str | None = None
        self.references: dict[UUID, Reference] = {}

    # Commands -----------------------------------------------------------------------------------

    @classmethod
    def start(cls, tenant: str, applicant: Applicant, category: str, offer: CategoryOffer) -> Application:
        """Open a draft application in a category the association offers."""
        category_name = offer.name_of(category)
        if category_name is None:
            raise UnknownCategory(f"the association does not offer a category {category!r}")
        applicant = _checked(applicant)
        return cls(tenant=tenant, applicant=applicant, category=category, category_name=category_name)

    def update_details(self, details: Details, at: datetime) -> None:
        """Replace the profile details. A changed `ethics_attested` is shorthand for signing (or withdrawing)
        both the Code of Ethics and the Endorsement Agreement at `at`."""
        self._ensure_editable()
        cleaned = _cleaned(details)
        profile = replace(cleaned, ethics_attested=self.details.ethics_attested)
        if profile != self.details:
            sealed = Profile(self.applicant.subject, profile.phone, profile.county, profile.statement)
            self.trigger_event(self.DetailsUpdated, profile=sealed, ethics_attested=profile.ethics_attested)
        if cleaned.ethics_attested != self.details.ethics_attested:
            for kind in BOTH_ATTESTATIONS:
                if cleaned.ethics_attested:
                    self.attest(kind, at)
                else:
                    self.withdraw_attestation(kind)

    def record_membership(self, membership: Membership) -> None:
        self._ensure_editable()
        membership = checked_membership(membership)
        if membership != self.membership:
            self.trigger_event(self.MembershipRecorded, membership=PersonalRecord(self.applicant.subject, membership))

    def add_entry(self, entry_id: UUID, entry: Entry, context: EntryContext) -> None:
        self._ensure_editable()
        tab = TAB_OF[type(entry)]
        if len(self._entries[tab]) >= MAX_ENTRIES_PER_TAB:
            raise TooManyEntries(f"the {tab} tab holds at most {MAX_ENTRIES_PER_TAB} entries")
        if any(entry_id in entries for entries in self._entries.values()):
            raise ValueError(f"entry id {entry_id} is already used")
        self.ensure_documents_attached(entry)
        self.trigger_event(self.EntryAdded, tab=tab.value, entry_id=entry_id,
                           entry=PersonalEntry(self.applicant.subject, checked_entry(entry, context)))

    def replace_entry(self, entry_id: UUID, entry: Entry, context: EntryContext) -> None:
        self._ensure_editable()
        tab = TAB_OF[type(entry)]
        current = self._entry(tab, entry_id)
        self.ensure_documents_attached(entry)
        entry = checked_entry(entry, context)
        if entry != current:
            self.trigger_event(self.EntryReplaced, tab=tab.value, entry_id=entry_id,
                               entry=PersonalEntry(self.applicant.subject, entry))

    def remove_entry(self, tab: Tab, entry_id: UUID) -> None:
        self._ensure_editable()
        self._entry(tab, entry_id)
        self.trigger_event(self.EntryRemoved, tab=tab.value, entry_id=entry_id)

    def attest(self, kind: AttestationKind, at: datetime) -> None:
        """Sign an attestation (signing again keeps the first signature's time)."""
        self._ensure_editable()
        _ensure_aware(at)
        if kind not in self.attestations:
            self.trigger_event(self.Attested, attestation=Attestation(kind, at))

    def withdraw_attestation(self, kind: AttestationKind) -> None:
        self._ensure_editable()
        if kind in self.attestations:
            self.trigger_event(self.AttestationWithdrawn, kind=kind.value)

    def record_fee(self, fee: FeePayment, today: date) -> None:
        """Record a fee payment; recording a kind again replaces the earlier record."""
        self._ensure_editable()
        fee = checked_fee(fee, today)
        if self.fees.get(fee.kind) != fee:
            self.trigger_event(self.FeeRecorded, fee=PersonalRecord(self.applicant.subject, fee))

    def submit(self, rules: RuleVersion, at: datetime, on: date) -> None:
        """Submit when every requirement of `rules` is met on `on`; otherwise refuse with all unmet ones."""
        _ensure_aware(at)
        if (rules.tenant, rules.category) != (self.tenant, self.category):
            raise ValueError(f"rules {rules.id} do not belong to this application")
        if self.status is Status.SUBMITTED:
            raise AlreadySubmitted("the application is already submitted")
        in_response_to = self.resubmission_answers(on)  # returned or deferred: a resubmission (maybe too early)
        if self.status not in PREPARING and in_response_to is None:
            raise NotSubmittable(f"an application that is {self.status} cannot be submitted")
        report = self.requirement_report_on(rules, on)
        if not report.all_met:
            raise RequirementsNotMet(report.unmet)
        subject = self.applicant.subject
        lines = [{"code": r.code, "tab": r.tab, "met": r.met, "detail": PersonalText(subject, r.detail)}
                 for r in report.results]
        self.trigger_event(self.Submitted, submission_number=self.submission_number + 1, rule_set_version=rules.id,
                           submitted_at=at, requirement_report=lines, exam_required=report.exam_required,
                           in_response_to=in_response_to)

    def withdraw(self, reason: str) -> None:
        """Withdraw before a decision, saying why."""
        if self.status not in WITHDRAWABLE:
            raise NotWithdrawable(f"an application that is {self.status} cannot be withdrawn")
        reason = reason.strip()
        if not reason or len(reason) > MAX_WITHDRAWAL_REASON:
            raise InvalidWithdrawalReason(f"give a reason of 1 to {MAX_WITHDRAWAL_REASON} characters")
        self.trigger_event(self.Withdrawn, why=PersonalText(self.applicant.subject, reason), erasure=False)

    def withdraw_on_erasure(self) -> bool:
        """The applicant was erased: an application still open is withdrawn (reason `erasure`), so that the review
        case closes too; a decided or withdrawn one stays as it is. True when it was withdrawn now."""
        if self.status not in WITHDRAWABLE:
            return False
        self.trigger_event(self.Withdrawn, why=PersonalText(self.applicant.subject, None),  # nothing to seal
                           erasure=True)
        return True

    def trigger_event(self, event_class: type[CanMutateAggregate[UUID]], **kwargs: Any) -> None:
        if issubclass(event_class, Application.Event):
            kwargs.setdefault("tenant", self.tenant)
        super().trigger_event(event_class, **kwargs)

    # Queries ------------------------------------------------------------------------------------

    def entries(self, tab: Tab) -> Mapping[UUID, Entry]:
        """The tab's entries in the order they were added."""
        return MappingProxyType(self._entries[tab])

    def evidence(self) -> Evidence:
        def listed(tab: Tab) -> tuple[Any, ...]:
            return tuple(self._entries[tab].values())

        return Evidence(education=listed(Tab.EDUCATION), work=listed(Tab.WORK), training=listed(Tab.TRAINING),
                        rsc=listed(Tab.RSC), membership=self.membership,
                        attestations=MappingProxyType(self.attestations), fees=MappingProxyType(self.fees),
                        registration=self.registration_state(), references=self.reference_list(),
                        renewal=self.renewal_context())

    def requirement_report_on(self, rules: RuleVersion, on: date) -> RequirementReport:
        return check_requirements(self.evidence(), rules, on)

    def is_applicant(self, account_id: UUID) -> bool:
        return self.applicant.account_id == account_id

    def _ensure_editable(self) -> None:
        if self.status not in EDITABLE:
            raise NotEditable(f"an application that is {self.status} can no longer be edited")

    def _entry(self, tab: Tab, entry_id: UUID) -> Entry:
        try:
            return self._entries[tab][entry_id]
        except KeyError:
            raise EntryNotFound(f"no {tab} entry {entry_id}") from None

    # Helpers of the events' apply ---------------------------------------------------------------

    def _sync_ethics_checkbox(self) -> None:
        """The profile's `ethics_attested` box shows whether both attestations are signed."""
        signed = all(kind in self.attestations for kind in BOTH_ATTESTATIONS)
        self.details = replace(self.details, ethics_attested=signed)


def _legacy_entry(state: dict[str, Any], entry: Entry) -> PersonalEntry:
    """An entry stored in plaintext, as now stored: sealed under the applicant (its texts None once erased)."""
    subject = applicant_subject(state)
    return PersonalEntry(subject, without_texts(subject, entry, PERSONAL_TEXTS[type(entry)]))


def _legacy_record(state: dict[str, Any], record: Membership | FeePayment) -> PersonalRecord:
    """A membership or payment stored in plaintext, as now stored: sealed under the applicant."""
    subject = applicant_subject(state)
    return PersonalRecord(subject, without_texts(subject, record, RECORD_TEXTS[type(record)]))


def _ensure_aware(at: datetime) -> None:
    if at.tzinfo is None:
        raise ValueError("times must be timezone-aware")


def _checked(applicant: Applicant) -> Applicant:
    name, email = (applicant.name or "").strip(), (applicant.email or "").strip()
    if not name or len(name) > MAX_NAME:
        raise InvalidApplicant(f"the applicant's name must have 1 to {MAX_NAME} characters")
    local, _, domain = email.partition("@")
    if not local or "." not in domain or len(email) > MAX_EMAIL:
        raise InvalidApplicant("the applicant's email address is not valid")
    return replace(applicant, name=name, email=email)


def _cleaned(details: Details) -> Details:
    def text(value: str | None, limit: int, label: str) -> str | None:
        value = (value or "").strip() or None
        if value is not None and len(value) > limit:
            raise InvalidDetails(f"{label} is longer than {limit} characters")
        return value

    return replace(
        details,
        phone=text(details.phone, MAX_PHONE, "the phone number"),
        county=text(details.county, MAX_COUNTY, "the county"),
        statement=text(details.statement, MAX_STATEMENT, "the statement"),
    )
