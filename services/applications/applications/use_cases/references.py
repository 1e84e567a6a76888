"""Use cases of the references tab, over the applications store: the applicant's, the coordinator's, the
rater's (who has no account: the link is the only credential) and the reminder sweep's."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from uuid import UUID, uuid4

from ..application import ApplicationsService, ensure_expected_version
from ..domain import Actor, Application
from ..domain.errors import ApplicationNotFound
from ..domain.reference_data import Rater, Reference, ReferenceForm
from ..domain.reference_drafts import ReferenceDraft, draft_id
from ..domain.reference_errors import ReferenceLinkInvalid
from ..domain.reference_links import LinkToken
from ..domain.references import IssueLink


@dataclass(frozen=True)
class RaterVisit:
    """What a valid link opens: the application (for the applicant's name and category), the reference, the form,
    and the rater's draft (unfinished answers) if they saved one."""

    application: Application
    reference: Reference
    form: ReferenceForm
    draft: ReferenceDraft | None = None


class ReferenceCases:
    """The link key and reminder policy are the store's (`reference_links`, `reference_policy`)."""

    def __init__(self, store: ApplicationsService) -> None:
        self.store = store

    # The applicant ----------------------------------------------------------------------------------

    def name_rater(self, application_id: UUID, actor: Actor, slot: int, rater: Rater, *, waived: bool,
                   replaces: UUID | None = None) -> tuple[Application, UUID]:
        """Ask a rater for the reference of `slot`; the link goes out by email only (`ReferenceRequested`)."""
        reference_id = uuid4()

        def name(application: Application) -> None:
            at = self.store.clock()
            subject = self.store.rater_subject(application.tenant, rater.email or "")
            named = replace(rater, subject=subject)  # their identity is sealed under it
            rules = self.store.rules_on(application, self.store.local_date(application.tenant, at)).references
            application.name_rater(reference_id, slot, named, waived=waived, rules=rules, at=at,
                                   issue=self._issuer(application.id), policy=self.store.reference_policy,
                                   replaces=replaces)

        return self.store.change(application_id, actor, name), reference_id

    def resend_reference(self, application_id: UUID, actor: Actor, reference_id: UUID) -> Application:
        return self.store.change(application_id, actor, lambda a: a.resend_reference(
            reference_id, self.store.clock(), self._issuer(a.id), self.store.reference_policy))

    def choose_waiver(self, application_id: UUID, actor: Actor, reference_id: UUID, waived: bool) -> Application:
        return self.store.change(application_id, actor,
                                 lambda a: a.choose_waiver(reference_id, waived, self.store.clock()))

    def withdraw_reference(self, application_id: UUID, actor: Actor, reference_id: UUID) -> Application:
        return self.store.change(application_id, actor,
                                 lambda a: a.withdraw_reference(reference_id, self.store.clock()))

    # The coordinator ------------------------------------------------------------------------------------

    def vet_rater(self, application_id: UUID, actor: Actor, reference_id: UUID, *, approved: bool,
                  reason: str | None) -> Application:
        application = self.store.load(application_id)
        actor.ensure_coordinator_of(application)
        ensure_expected_version(application)
        application.vet_rater(reference_id, approved=approved, reason=reason, by=actor.account_id,
                              at=self.store.clock())
        self.store.commit(application)
        return application

    # The rater ---------------------------------------------------------------------------------------------

    def open_reference(self, token: str) -> RaterVisit:
        """The form behind a rater's link; refused alike for any link that is not the latest genuine one."""
        link = self._link(token)
        application = self._linked_application(link)
        at = self.store.clock()
        reference = application.reference_by_link(link.reference_id, link.request_number, link.secret, at)
        return RaterVisit(application, reference, self._form(application, at), self._draft(reference.id))

    def save_reference_draft(self, token: str, ratings: Mapping[str, str], comments: str | None) -> RaterVisit:
        """Keep the rater's unfinished answers (any items, or none); the link stays usable. The application is
        not changed (its version neither): the draft is an aggregate of its own."""
        link = self._link(token)
        application = self._linked_application(link)
        at = self.store.clock()
        reference = application.reference_by_link(link.reference_id, link.request_number, link.secret, at)
        form = self._form(application, at)
        comments = (comments or "").strip() or None
        checked = application.check_draft(ratings, comments, form)
        draft = self._draft(reference.id) or ReferenceDraft.start(application.tenant, reference.id, application.id)
        draft.save(checked, comments, application.applicant.subject, at)
        self.store.commit(draft)
        return RaterVisit(application, reference, form, draft)

    def decline_reference(self, token: str, reason: str | None) -> RaterVisit:
        """The rater declines: the reference is void (`declined`), the link spent, the applicant names another."""
        link = self._link(token)
        application = self._linked_application(link)
        at = self.store.clock()
        reference = application.decline_reference(link.reference_id, link.request_number, link.secret,
                                                  reason=reason, at=at)
        self.store.commit(application)
        return RaterVisit(application, reference, self._form(application, at))

    def answer_reference(self, token: str, ratings: Mapping[str, str], comments: str | None) -> RaterVisit:
        """Record the rater's answers; the link is spent."""
        link = self._link(token)
        application = self._linked_application(link)
        at = self.store.clock()
        form = self._form(application, at)
        reference = application.answer_reference(link.reference_id, link.request_number, link.secret,
                                                 ratings=ratings, comments=comments, form=form, at=at,
                                                 on=self.store.local_date(application.tenant, at))
        self.store.commit(application)
        return RaterVisit(application, reference, form)

    # The reminder sweep ------------------------------------------------------------------------------------

    def remind_if_due(self, application_id: UUID, reference_id: UUID) -> bool:
        """Email a new link to a rater who has not answered for a while; False when not due (nothing saved)."""
        try:
            application = self.store.load(application_id)
        except ApplicationNotFound:
            return False
        if not application.remind_if_due(reference_id, self.store.clock(), self._issuer(application.id),
                                         self.store.reference_policy):
            return False
        self.store.commit(application)
        return True

    # Helpers ------------------------------------------------------------------------------------------------

    def _form(self, application: Application, at: datetime) -> ReferenceForm:
        rules = self.store.rules_on(application, self.store.local_date(application.tenant, at)).references
        return ReferenceForm.of(rules, self.store.competencies)

    def _draft(self, reference_id: UUID) -> ReferenceDraft | None:
        return self.store.find(ReferenceDraft, draft_id(reference_id))

    def _issuer(self, application_id: UUID) -> IssueLink:
        links = self.store.reference_links
        return lambda reference_id, number: links.secret_hash(application_id, reference_id, number)

    def _link(self, token: str) -> LinkToken:
        link = self.store.reference_links.parse(token)
        if link is None:
            raise ReferenceLinkInvalid("this reference link is not valid")
        return link

    def _linked_application(self, link: LinkToken) -> Application:
        try:
            return self.store.load(link.application_id)
        except ApplicationNotFound:  # cannot happen with a genuine secret, unless the key leaked: say the same
            raise ReferenceLinkInvalid("this reference link is not valid") from None
