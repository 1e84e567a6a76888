"""The applications service's event store and its core use cases: load an application, let the aggregate decide,
save its new events (and nothing on refusal).

The other use cases are classes in `use_cases/` that receive this store (holdings and renewals, references,
documents); they load, find and save through its public plumbing at the end of this module. A write refuses an
application changed since the caller loaded it (`expecting`, `ensure_expected_version`: HTTP `If-Match`). A command
that met another writer's save runs again on the fresh state (`change`, `servicekit.concurrency`): 409
`CONCURRENT_CHANGE` only after `ON_CONFLICT.attempts` such meetings, and 412 on the retry for a pinned version.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any, Protocol, TypeVar
from uuid import UUID, uuid4

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import IntegrityError, JSONTranscoder, Mapper
from eventsourcing.utils import EnvType
from servicekit.clock import Clock
from servicekit.concurrency import OnConflict
from servicekit.eventstore import TrackedApplication
from servicekit.sealed_transcoding import Sealer
from servicekit.subjects import DEVELOPMENT_RATER_INDEX_KEY, rater_subject

from .adapters.ephemeral_keys import EphemeralSubjectKeys
from .adapters.stored_subjects import StoreSubjects, SubjectResolvingMapper
from .adapters.transcodings import stored_value_transcodings
from .config import Tenant, TenantCatalog
from .domain import (
    Actor,
    Applicant,
    Application,
    AttestationKind,
    CompetencyFramework,
    Entry,
    EntryContext,
    FeePayment,
    Membership,
    RequirementReport,
    RuleBook,
    RuleVersion,
    Tab,
)
from .domain.errors import ApplicationChanged, ApplicationNotFound, ConcurrentChange, UnknownTenant
from .domain.holdings import Holding
from .domain.lifecycle import EDITABLE, SETTLED
from .domain.portfolio import Portfolio, portfolio_id
from .domain.reference_data import ReferencePolicy
from .domain.reference_links import ReferenceLinks
from .domain.renewals import ApplicationKind

A = TypeVar("A")
ON_CONFLICT = OnConflict(ConcurrentChange, detail="the application was changed at the same time; reload and retry")
"""A command that met another writer's save runs again on the fresh state (`servicekit.concurrency`)."""


def utc_now() -> datetime:
    return datetime.now(UTC)


class PersonalDataKeys(Sealer, Protocol):
    """What this service needs of `servicekit.shredding.SubjectKeys` (its own `applications.subject_keys`)."""

    def seal_bytes(self, subject: str, data: bytes) -> bytes: ...

    def open_bytes(self, blob: bytes) -> bytes | None: ...

    def destroy(self, subject: str) -> None: ...

    def is_erased(self, subject: str) -> bool: ...

    def close(self) -> None: ...


# Optimistic concurrency for HTTP writers: a write made "if the application is still at version n" (`If-Match`)
# is refused, with nothing saved, when someone else changed the application meanwhile. The store checks it
# before saving (`change`, `commit`); the routes set it (`entrypoints/dependencies.py`).


class Versioned(Protocol):
    @property
    def version(self) -> int: ...


_expected_versions: ContextVar[frozenset[int] | None] = ContextVar("expected_versions", default=None)
"""The versions the current write accepts (an HTTP `If-Match`); None: any."""


@contextmanager
def expecting(versions: frozenset[int] | None) -> Iterator[None]:
    """Writes inside refuse (`ApplicationChanged`, nothing saved) an application whose version is not one of
    `versions`; None accepts any version."""
    token = _expected_versions.set(versions)
    try:
        yield
    finally:
        _expected_versions.reset(token)


def ensure_expected_version(application: Versioned) -> None:
    versions = _expected_versions.get()
    if versions is not None and application.version not in versions:
        raise ApplicationChanged("someone else changed this application since you loaded it; reload it and "
                                 "make your change again")


class ApplicationsService(TrackedApplication):
    """The event store, the association data and rules it decides with, and the core use cases."""

    def __init__(self, tenants: TenantCatalog, rules: RuleBook, competencies: CompetencyFramework,
                 env: EnvType | None = None, clock: Clock = utc_now, *,
                 reference_links: ReferenceLinks | None = None,
                 reference_policy: ReferencePolicy | None = None,
                 keys: PersonalDataKeys | None = None,
                 rater_index_key: bytes = DEVELOPMENT_RATER_INDEX_KEY) -> None:
        self.keys: PersonalDataKeys = keys or EphemeralSubjectKeys()
        """Seals every personal value of the stored events (before the base class builds the mapper, which uses
        it); unconfigured (tests, tools), an in-memory store: what it sealed dies with the process."""
        self.rater_index_key = rater_index_key
        self.tenants = tenants
        self.rules = rules
        self.competencies = competencies
        self.clock = clock
        self.reference_links = reference_links or ReferenceLinks.ephemeral()
        """The rater links' key; unconfigured (tests, tools), a random per-process key: links die with it."""
        self.reference_policy = reference_policy or ReferencePolicy()
        super().__init__(env)

    def construct_mapper(self) -> Mapper[UUID]:
        """Decodes with the store's answers current for the upcasters of events stored before sealing."""
        mapper = self.factory.mapper(transcoder=self.construct_transcoder(), mapper_class=SubjectResolvingMapper)
        if isinstance(mapper, SubjectResolvingMapper):
            mapper.subjects = StoreSubjects(self)
        return mapper

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        for transcoding in stored_value_transcodings(self.keys):
            transcoder.register(transcoding)

    def close(self) -> None:
        super().close()
        self.keys.close()

    def rater_subject(self, tenant: str, email: str) -> str:
        """A rater's subject id: one per association and address (the same as the gateway's for that rater). Also
        the subject of any other person this service knows by address only: a reviewer."""
        return rater_subject(tenant, email, self.rater_index_key)

    def actor(self, account_id: UUID, tenant: str, roles: frozenset[str], email: str | None = None) -> Actor:
        """The caller, with the subject of their address in the association (how a reviewer is matched)."""
        return Actor(account_id, tenant, roles, email,
                     address_subject=None if email is None else self.rater_subject(tenant, email))

    # Starting and reading -------------------------------------------------------------------------

    def start(self, actor: Actor, applicant: Applicant, category: str) -> Application:
        actor.ensure_applicant()
        application = Application.start(actor.tenant, applicant, category, self.tenant(actor.tenant).offer)
        self._save_started(actor, application)  # refused while the category is held or an application is open
        return application

    def get(self, application_id: UUID, actor: Actor) -> Application:
        application = self.load(application_id)
        actor.ensure_may_view(application)
        return application

    def requirements(self, application: Application, on: date | None = None) -> RequirementReport:
        """The report against the rules in force on `on`: by default today for a draft, else the submission date."""
        if on is None:
            moment = application.submitted_at if application.status not in EDITABLE else None
            on = self.local_date(application.tenant, moment)
        return application.requirement_report_on(self.rules_on(application, on), on)

    def rules_on(self, application: Application, on: date) -> RuleVersion:
        return self.rules.in_force(application.tenant, application.category, on)

    # The tabs ----------------------------------------------------------------------------------------

    def update_details(self, application_id: UUID, actor: Actor, changes: Mapping[str, Any]) -> Application:
        """Apply a partial change: fields not in `changes` keep their value."""
        return self.change(application_id, actor,
                            lambda a: a.update_details(replace(a.details, **changes), self.clock()))

    def record_membership(self, application_id: UUID, actor: Actor, membership: Membership) -> Application:
        return self.change(application_id, actor, lambda a: a.record_membership(membership))

    def add_entry(self, application_id: UUID, actor: Actor, entry: Entry) -> tuple[Application, UUID]:
        entry_id = uuid4()
        application = self.change(application_id, actor,
                                   lambda a: a.add_entry(entry_id, entry, self._entry_context(a.tenant)))
        return application, entry_id

    def replace_entry(self, application_id: UUID, actor: Actor, entry_id: UUID, entry: Entry) -> Application:
        return self.change(application_id, actor,
                            lambda a: a.replace_entry(entry_id, entry, self._entry_context(a.tenant)))

    def remove_entry(self, application_id: UUID, actor: Actor, tab: Tab, entry_id: UUID) -> Application:
        return self.change(application_id, actor, lambda a: a.remove_entry(tab, entry_id))

    def attest(self, application_id: UUID, actor: Actor, kind: AttestationKind) -> Application:
        return self.change(application_id, actor, lambda a: a.attest(kind, self.clock()))

    def withdraw_attestation(self, application_id: UUID, actor: Actor, kind: AttestationKind) -> Application:
        return self.change(application_id, actor, lambda a: a.withdraw_attestation(kind))

    def record_fee(self, application_id: UUID, actor: Actor, fee: FeePayment) -> Application:
        return self.change(application_id, actor, lambda a: a.record_fee(fee, self.local_date(a.tenant)))

    # Submitting and withdrawing ----------------------------------------------------------------------

    def submit(self, application_id: UUID, actor: Actor, at: datetime | None = None) -> Application:
        """Check against the rule version in force on the association's date of `at`, and record it."""
        at = at or self.clock()

        def submit(application: Application) -> None:
            on = self.local_date(application.tenant, at)
            application.submit(self.rules_on(application, on), at, on)

        return self.change(application_id, actor, submit)

    def withdraw(self, application_id: UUID, actor: Actor, reason: str) -> Application:
        return self.change(application_id, actor, lambda a: a.withdraw(reason))

    # Registration ----------------------------------------------------------------------------------

    def register(self, application_id: UUID, actor: Actor) -> Application:
        """Register under the rules in force on the association's today (they say whether it is needed)."""
        at = self.clock()
        return self.change(application_id, actor,
                            lambda a: a.register(self.rules_on(a, self.local_date(a.tenant, at)), at))

    def accept_registration(self, application_id: UUID, actor: Actor) -> Application:
        """A coordinator of the association accepts the registration."""

        def accept() -> Application:
            application = self.load(application_id)
            actor.ensure_coordinator_of(application)
            ensure_expected_version(application)
            application.accept_registration(actor.account_id, self.clock())
            self.save(application)
            return application

        return ON_CONFLICT.run(accept)

    # Review outcomes (the consumer applies them and saves the application with its position) -------

    def outcome_target(self, tenant: str, application_id: UUID) -> Application:
        """The application a review event is about; ApplicationNotFound unless it is this association's."""
        application = self.load(application_id)
        if application.tenant != tenant:
            raise ApplicationNotFound(f"no application {application_id} in association {tenant!r}")
        return application

    # Plumbing ----------------------------------------------------------------------------------------

    def local_date(self, tenant: str, at: datetime | None = None) -> date:
        """The association's calendar date at `at` (now by default)."""
        return (at or self.clock()).astimezone(self.tenant(tenant).timezone).date()

    def load_version(self, application_id: UUID, version: int) -> Application:
        """The application as it was right after its event number `version` (for translation)."""
        application: Application = self.repository.get(application_id, version=version)
        return application

    def tenant(self, slug: str) -> Tenant:
        """The association; `UNKNOWN_TENANT` when this deployment does not serve it."""
        tenant = self.tenants.get(slug)
        if tenant is None:
            raise UnknownTenant(f"association {slug!r} is not served here")
        return tenant

    def change(self, application_id: UUID, actor: Actor, command: Callable[[Application], None]) -> Application:
        """Load the actor's own application, run one aggregate command, save everything it recorded at once; all
        again on the fresh state when another writer saved the application meanwhile (`ON_CONFLICT`)."""

        def attempt() -> Application:
            application = self.load(application_id)
            actor.ensure_owner(application)
            ensure_expected_version(application)
            command(application)
            self.save(application)
            return application

        return ON_CONFLICT.run(attempt)

    def load(self, application_id: UUID) -> Application:
        application = self.find(Application, application_id)
        if application is None:
            raise ApplicationNotFound(f"no application {application_id}")
        return application

    def find(self, kind: type[A], aggregate_id: UUID) -> A | None:
        """The aggregate of that id if it exists and is a `kind`, else None."""
        try:
            found: object = self.repository.get(aggregate_id)
        except AggregateNotFoundError:
            return None
        return found if isinstance(found, kind) else None

    def commit(self, *aggregates: Any) -> None:
        """Save everything the aggregates recorded in one transaction (an application, with its holding...); a
        save that met another writer's is refused at once (the caller loaded outside: only `change` runs again)."""
        try:
            self.save(*aggregates)
        except IntegrityError:
            raise ConcurrentChange("the application was changed at the same time; reload and retry") from None

    def portfolio(self, tenant: str, account_id: UUID) -> Portfolio:
        """The person's applications and endorsements in the association (new and empty for a newcomer)."""
        return self.find(Portfolio, portfolio_id(tenant, account_id)) or Portfolio.open(tenant, account_id)

    def held(self, endorsement_id: UUID) -> bool:
        holding = self.find(Holding, endorsement_id)
        return holding is not None and holding.held

    def is_open(self, application_id: UUID) -> bool:
        application = self.find(Application, application_id)
        return application is not None and application.status not in SETTLED

    def _entry_context(self, tenant: str) -> EntryContext:
        return EntryContext(today=self.local_date(tenant), competency_ids=self.competencies.ids)

    def _save_started(self, actor: Actor, application: Application) -> None:
        """Save a new initial application unless the person holds its category or has an open application that
        blocks it (domain §2.7); the portfolio is saved with it, so two racing starts cannot both pass."""
        portfolio = self.portfolio(application.tenant, actor.account_id)
        portfolio.ensure_may_apply(
            application.category,
            held=self.held,
            is_open=self.is_open,
            one_category_at_a_time=self.tenant(application.tenant).one_category_at_a_time,
        )
        portfolio.add_application(application.id, application.category, ApplicationKind.INITIAL)
        self.commit(application, portfolio)
