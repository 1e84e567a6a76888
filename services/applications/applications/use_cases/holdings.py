"""Use cases of holdings, renewals, reinstatements and second categories, over the applications store.

The consumer side follows the reviews service's endorsement events into `Holding` aggregates (each method returns
the aggregates to save with the record's position, none when the event was applied before). The holder side
starts renewals and reinstatements, asks for inactive status; every start of an application goes through the
person's `Portfolio`, saved with the new application in one transaction.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from ..application import ApplicationsService
from ..domain import Actor, Applicant, Application
from ..domain.errors import NoRuleSetInForce
from ..domain.holdings import Holding
from ..domain.renewal_errors import EndorsementNotHeld, ReinstatementNotOffered, RenewalNotOffered
from ..domain.renewals import ApplicationKind, RenewalDates


class HoldingCases:
    def __init__(self, store: ApplicationsService) -> None:
        self.store = store

    # Following the reviews service (the consumer saves what these return) --------------------------------------

    def holding_granted(
        self,
        tenant: str,
        endorsement_id: UUID,
        holder: Applicant,
        category: str,
        category_name: str,
        application_id: UUID,
        effective_date: date,
        renewal_date: date,
        emerging: bool = False,
        designation: str | None = None,
    ) -> list[Any]:
        if self.store.find(Holding, endorsement_id) is not None:
            return []
        holding = Holding.grant(
            endorsement_id,
            tenant,
            holder,
            category,
            category_name,
            application_id,
            effective_date,
            renewal_date,
            self._removal_date(tenant, category, renewal_date),
            emerging,
            designation,
        )
        portfolio = self.store.portfolio(tenant, holder.account_id)
        portfolio.add_endorsement(endorsement_id, category, application_id)
        return [holding, portfolio]

    def holding_renewed(
        self, tenant: str, endorsement_id: UUID, renewal_id: UUID, renewed_on: date, renewal_date: date
    ) -> list[Any]:
        holding = self._followed(tenant, endorsement_id)
        removal = self._removal_date(tenant, holding.category, renewal_date)
        return [holding] if holding.renew(renewal_id, renewed_on, renewal_date, removal) else []

    def holding_lapsed(self, tenant: str, endorsement_id: UUID, lapsed_on: date, reason: str) -> list[Any]:
        holding = self._followed(tenant, endorsement_id)
        return [holding] if holding.lapse(lapsed_on, self._kept(holding, reason)) else []

    def holding_reinstated(
        self, tenant: str, endorsement_id: UUID, reinstatement_id: UUID, reinstated_on: date, renewal_date: date
    ) -> list[Any]:
        holding = self._followed(tenant, endorsement_id)
        removal = self._removal_date(tenant, holding.category, renewal_date)
        return [holding] if holding.reinstate(reinstatement_id, reinstated_on, renewal_date, removal) else []

    def holding_revoked(self, tenant: str, endorsement_id: UUID, revoked_on: date, reason: str) -> list[Any]:
        holding = self._followed(tenant, endorsement_id)
        return [holding] if holding.revoke(revoked_on, self._kept(holding, reason)) else []

    # The holder's use cases --------------------------------------------------------------------------------------

    def start_renewal(self, actor: Actor, applicant: Applicant, endorsement_id: UUID) -> Application:
        """Open the renewal due now, while the rule set's window is open (domain §5.2)."""
        actor.ensure_applicant()
        holding = self._own_holding(actor, endorsement_id)
        today = self.store.local_date(holding.tenant)
        rule = self.store.rules.in_force(holding.tenant, holding.category, today).renewal
        if rule is None:
            raise RenewalNotOffered(f"{holding.tenant} takes no {holding.category} renewals under today's rules")
        dates = RenewalDates.of(rule, holding.renewal_date.year)
        application = Application.open_for_holding(
            ApplicationKind.RENEWAL,
            holding.tenant,
            applicant,
            holding.category,
            holding.category_name,
            holding.id,
            renewal_year=dates.year,
        )
        holding.start_renewal(application.id, dates, today, self.store.is_open)
        return self._save_opened(actor, holding, application)

    def start_reinstatement(self, actor: Actor, applicant: Applicant, endorsement_id: UUID) -> Application:
        """Open a reinstatement of a lapsed endorsement (domain §5.3)."""
        actor.ensure_applicant()
        holding = self._own_holding(actor, endorsement_id)
        today = self.store.local_date(holding.tenant)
        if self.store.rules.in_force(holding.tenant, holding.category, today).reinstatement is None:
            raise ReinstatementNotOffered(
                f"{holding.tenant} takes no {holding.category} reinstatements under today's rules"
            )
        application = Application.open_for_holding(
            ApplicationKind.REINSTATEMENT,
            holding.tenant,
            applicant,
            holding.category,
            holding.category_name,
            holding.id,
            lapsed_on=holding.lapsed_on or today,
        )  # refused unless lapsed
        holding.start_reinstatement(application.id, today, self.store.is_open)
        return self._save_opened(actor, holding, application)

    def get_holding(self, actor: Actor, endorsement_id: UUID) -> Holding:
        """The holder's own, or any of the association's for a coordinator; 404 otherwise."""
        holding = self.store.find(Holding, endorsement_id)
        if (
            holding is None
            or holding.tenant != actor.tenant
            or not (actor.is_coordinator or holding.is_holder(actor.account_id))
        ):
            raise EndorsementNotHeld(f"no endorsement {endorsement_id} of yours")
        return holding

    def renewal_window(self, holding: Holding) -> RenewalDates | None:
        """The renewal now due under today's rules, while the endorsement is held."""
        if not holding.held:
            return None
        try:
            today = self.store.local_date(holding.tenant)
            rule = self.store.rules.in_force(holding.tenant, holding.category, today).renewal
        except NoRuleSetInForce:
            return None
        return None if rule is None else RenewalDates.of(rule, holding.renewal_date.year)

    def request_inactive(self, actor: Actor, endorsement_id: UUID, reason: str) -> Holding:
        holding = self._own_holding(actor, endorsement_id)
        holding.make_inactive(reason, self.store.local_date(holding.tenant))
        self.store.commit(holding)
        return holding

    def declare_rsc_provision(self, application_id: UUID, actor: Actor, provides_rsc: bool) -> Application:
        return self.store.change(application_id, actor, lambda a: a.declare_rsc_provision(provides_rsc))

    # Plumbing ----------------------------------------------------------------------------------------------------

    def _save_opened(self, actor: Actor, holding: Holding, application: Application) -> Application:
        portfolio = self.store.portfolio(holding.tenant, actor.account_id)
        portfolio.add_application(application.id, application.category, application.kind)
        self.store.commit(application, holding, portfolio)
        return application

    def _kept(self, holding: Holding, reason: str) -> str | None:
        """The reason, sealed under the holder when stored; None once the holder is erased here (the reviews service
        may still lapse or revoke their endorsement, and nothing can be sealed for them any more)."""
        return None if self.store.keys.is_erased(holding.holder.subject) else reason

    def _own_holding(self, actor: Actor, endorsement_id: UUID) -> Holding:
        holding = self.store.find(Holding, endorsement_id)
        if holding is None or holding.tenant != actor.tenant or not holding.is_holder(actor.account_id):
            raise EndorsementNotHeld(f"you hold no endorsement {endorsement_id}")
        return holding

    def _followed(self, tenant: str, endorsement_id: UUID) -> Holding:
        holding = self.store.find(Holding, endorsement_id)
        if holding is None or holding.tenant != tenant:
            raise EndorsementNotHeld(f"no endorsement {endorsement_id} of association {tenant!r} is known here")
        return holding

    def _removal_date(self, tenant: str, category: str, renewal_date: date) -> date | None:
        """When an endorsement due for renewal on `renewal_date` is removed if not renewed (rules of that day)."""
        try:
            rule = self.store.rules.in_force(tenant, category, renewal_date).renewal
        except NoRuleSetInForce:
            return None
        return None if rule is None else rule.removal.on_or_after(renewal_date)
