"""Use cases of the references tab, mixed into `ApplicationsService`: the applicant's, the coordinator's, the
rater's (who has no account: the link is the only credential) and the reminder sweep's."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID, uuid4

from eventsourcing.application import AggregateNotFoundError

from .domain import Actor, Application, CompetencyFramework, RuleVersion
from .domain.errors import ApplicationNotFound
from .domain.reference_data import Rater, Reference, ReferenceForm, ReferencePolicy
from .domain.reference_drafts import ReferenceDraft, draft_id
from .domain.reference_errors import ReferenceLinkInvalid
from .domain.references import IssueLink
from .preconditions import ensure_expected_version
from .reference_links import LinkToken, ReferenceLinks


@dataclass(frozen=True)
class RaterVisit:
    """What a valid link opens: the application (for the applicant's name and category), the reference, the form,
    and the rater's draft (unfinished answers) if they saved one."""

    application: Application
    reference: Reference
    form: ReferenceForm
    draft: ReferenceDraft | None = None


class ReferenceCases:
    """Mixed into ApplicationsService."""

    if TYPE_CHECKING:
        competencies: CompetencyFramework
        clock: Callable[[], datetime]

        def local_date(self, tenant: str, at: datetime | None = None) -> date: ...

        def rules_on(self, application: Application, on: date) -> RuleVersion: ...

        def _change(self, application_id: UUID, actor: Actor,
                    command: Callable[[Application], None]) -> Application: ...

        def _load(self, application_id: UUID) -> Application: ...

        def _save(self, *aggregates: Any) -> None: ...

        repository: Any

    _reference_links: ReferenceLinks | None = None
    reference_policy: ReferencePolicy = ReferencePolicy()

    def configure_references(self, links: ReferenceLinks, policy: ReferencePolicy) -> None:
        """The link key, public URL and reminder policy from the settings (before serving anything)."""
        self._reference_links = links
        self.reference_policy = policy

    @property
    def reference_links(self) -> ReferenceLinks:
        """Unconfigured (tests, tools), a random per-process key: links work until the process ends."""
        if self._reference_links is None:
            self._reference_links = ReferenceLinks.ephemeral()
        return self._reference_links

    # The applicant ----------------------------------------------------------------------------------

    def name_rater(self, application_id: UUID, actor: Actor, slot: int, rater: Rater, *, waived: bool,
                   replaces: UUID | None = None) -> tuple[Application, UUID]:
        """Ask a rater for the reference of `slot`; the link goes out by email only (`ReferenceRequested`)."""
        reference_id = uuid4()

        def name(application: Application) -> None:
            at = self.clock()
            rules = self.rules_on(application, self.local_date(application.tenant, at)).references
            application.name_rater(reference_id, slot, rater, waived=waived, rules=rules, at=at,
                                   issue=self._issuer(application.id), policy=self.reference_policy,
                                   replaces=replaces)

        return self._change(application_id, actor, name), reference_id

    def resend_reference(self, application_id: UUID, actor: Actor, reference_id: UUID) -> Application:
        return self._change(application_id, actor, lambda a: a.resend_reference(
            reference_id, self.clock(), self._issuer(a.id), self.reference_policy))

    def choose_waiver(self, application_id: UUID, actor: Actor, reference_id: UUID, waived: bool) -> Application:
        return self._change(application_id, actor, lambda a: a.choose_waiver(reference_id, waived, self.clock()))

    def withdraw_reference(self, application_id: UUID, actor: Actor, reference_id: UUID) -> Application:
        return self._change(application_id, actor, lambda a: a.withdraw_reference(reference_id, self.clock()))

    # The coordinator ------------------------------------------------------------------------------------

    def vet_rater(self, application_id: UUID, actor: Actor, reference_id: UUID, *, approved: bool,
                  reason: str | None) -> Application:
        application = self._load(application_id)
        actor.ensure_coordinator_of(application)
        ensure_expected_version(application)
        application.vet_rater(reference_id, approved=approved, reason=reason, by=actor.account_id, at=self.clock())
        self._save(application)
        return application

    # The rater ---------------------------------------------------------------------------------------------

    def open_reference(self, token: str) -> RaterVisit:
        """The form behind a rater's link; refused alike for any link that is not the latest genuine one."""
        link = self._link(token)
        application = self._linked_application(link)
        at = self.clock()
        reference = application.reference_by_link(link.reference_id, link.request_number, link.secret, at)
        return RaterVisit(application, reference, self._form(application, at), self._draft(reference.id))

    def save_reference_draft(self, token: str, ratings: Mapping[str, str], comments: str | None) -> RaterVisit:
        """Keep the rater's unfinished answers (any items, or none); the link stays usable. The application is
        not changed (its version neither): the draft is an aggregate of its own."""
        link = self._link(token)
        application = self._linked_application(link)
        at = self.clock()
        reference = application.reference_by_link(link.reference_id, link.request_number, link.secret, at)
        form = self._form(application, at)
        comments = (comments or "").strip() or None
        checked = application.check_draft(ratings, comments, form)
        draft = self._draft(reference.id) or ReferenceDraft.start(application.tenant, reference.id)
        draft.save(checked, comments, at)
        self._save(draft)
        return RaterVisit(application, reference, form, draft)

    def decline_reference(self, token: str, reason: str | None) -> RaterVisit:
        """The rater declines: the reference is void (`declined`), the link spent, the applicant names another."""
        link = self._link(token)
        application = self._linked_application(link)
        at = self.clock()
        reference = application.decline_reference(link.reference_id, link.request_number, link.secret,
                                                  reason=reason, at=at)
        self._save(application)
        return RaterVisit(application, reference, self._form(application, at))

    def answer_reference(self, token: str, ratings: Mapping[str, str], comments: str | None) -> RaterVisit:
        """Record the rater's answers; the link is spent."""
        link = self._link(token)
        application = self._linked_application(link)
        at = self.clock()
        form = self._form(application, at)
        reference = application.answer_reference(link.reference_id, link.request_number, link.secret,
                                                 ratings=ratings, comments=comments, form=form, at=at,
                                                 on=self.local_date(application.tenant, at))
        self._save(application)
        return RaterVisit(application, reference, form)

    # The reminder sweep ------------------------------------------------------------------------------------

    def remind_if_due(self, application_id: UUID, reference_id: UUID) -> bool:
        """Email a new link to a rater who has not answered for a while; False when not due (nothing saved)."""
        try:
            application = self._load(application_id)
        except ApplicationNotFound:
            return False
        if not application.remind_if_due(reference_id, self.clock(), self._issuer(application.id),
                                         self.reference_policy):
            return False
        self._save(application)
        return True

    # Helpers ------------------------------------------------------------------------------------------------

    def reference_form(self, application: Application) -> ReferenceForm:
        """The form a rater of this application fills in today."""
        return self._form(application, self.clock())

    def _form(self, application: Application, at: datetime) -> ReferenceForm:
        rules = self.rules_on(application, self.local_date(application.tenant, at)).references
        return ReferenceForm.of(rules, self.competencies)

    def _draft(self, reference_id: UUID) -> ReferenceDraft | None:
        try:
            draft: ReferenceDraft = self.repository.get(draft_id(reference_id))
        except AggregateNotFoundError:
            return None
        return draft

    def _issuer(self, application_id: UUID) -> IssueLink:
        links = self.reference_links
        return lambda reference_id, number: links.secret_hash(application_id, reference_id, number)

    def _link(self, token: str) -> LinkToken:
        link = self.reference_links.parse(token)
        if link is None:
            raise ReferenceLinkInvalid("this reference link is not valid")
        return link

    def _linked_application(self, link: LinkToken) -> Application:
        try:
            return self._load(link.application_id)
        except ApplicationNotFound:  # cannot happen with a genuine secret, unless the key leaked: say the same
            raise ReferenceLinkInvalid("this reference link is not valid") from None
