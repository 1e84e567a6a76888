"""Reference ratings: one counted reference per slot of the rule set, and an endorsed rater among them.

A reference counts on `on` when its rater completed it (with at most `max_not_enough_information` "not enough
information" answers), no more than `valid_for_months` before (12 months = 365 days, completion day included:
completed 2024-03-01, it counts up to 2025-02-28), its rater is still of a kind the slot takes, and a rater below
the slot's required endorsement was vetted by the coordinator.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from ..reference_data import Reference, ReferenceStatus, Vetting, endorsed_at_or_above, vetting_for
from ..rules import ReferenceRule, ReferenceSlot
from .report import Progress, Reason, RequirementResult

Params = dict[str, str | int | float]
CODE = "REFERENCES"
TAB = "references"


def check_references(rule: ReferenceRule, references: Sequence[Reference], on: date) -> list[RequirementResult]:
    if not rule.slots:
        return []
    counted: list[Reference] = []
    reasons: list[Reason] = []
    for number, slot in enumerate(rule.slots, start=1):
        in_slot = [r for r in references if r.slot == number]
        problem = _slot_problem(rule, slot, number, in_slot, on)
        if problem is None:
            counted.extend(r for r in in_slot if r.active)
        else:
            reasons.append(problem)
    needed = rule.at_least_one_endorsed_at_or_above
    named = [r for r in references if r.active]  # an endorsed rater whose reference does not count has a reason
    if needed is not None and not any(endorsed_at_or_above(r.rater.endorsed_category, needed) for r in named):
        reasons.append(Reason("REFERENCES_NO_ENDORSED_RATER", f"at least one rater must be endorsed {needed} or "
                              "higher", {"endorsed_at_or_above": needed}))
    progress = Progress(Decimal(len(counted)), Decimal(len(rule.slots)), "references")
    detail = f"{progress} complete"
    return [RequirementResult(CODE, TAB, not reasons, detail, progress, tuple(reasons))]


def _slot_problem(rule: ReferenceRule, slot: ReferenceSlot, number: int, in_slot: Sequence[Reference],
                  on: date) -> Reason | None:
    where = f"slot {number} ({', '.join(k.value for k in slot.raters)})"
    params: Params = {"slot": number, "raters": ",".join(k.value for k in slot.raters)}
    active = next((r for r in in_slot if r.active), None)
    if active is None:
        if in_slot:
            last = in_slot[-1]
            return Reason("REFERENCE_VOIDED", f"{where}: the reference from {last.rater.shown_name} was voided "
                          f"({last.void_reason}); name another rater",
                          {**params, "rater": last.rater.shown_name, "void_reason": str(last.void_reason or "")})
        return Reason("REFERENCE_MISSING", f"{where}: name a rater", params)
    params["rater"] = active.rater.shown_name
    if active.status is ReferenceStatus.REQUESTED:
        return Reason("REFERENCE_PENDING", f"{where}: {active.rater.shown_name} has not completed the reference yet",
                      params)
    return _answer_problem(rule, where, params, active, on) or _rater_problem(rule, slot, where, params, active)


def _answer_problem(rule: ReferenceRule, where: str, params: Params, reference: Reference,
                    on: date) -> Reason | None:
    answer, rater = reference.answer, reference.rater.shown_name
    assert answer is not None
    if answer.not_enough_information > rule.max_not_enough_information:
        return Reason("REFERENCE_NOT_ENOUGH_INFORMATION", f"{where}: {rater} could not rate more items than "
                      f"the rules in force allow ({rule.max_not_enough_information}); ask another rater",
                      {**params, "max_not_enough_information": rule.max_not_enough_information})
    if answer.completed_on > on:
        return Reason("REFERENCE_AFTER_DATE", f"{where}: {rater} completed the reference after {on.isoformat()}",
                      {**params, "completed_on": answer.completed_on.isoformat(), "on": on.isoformat()})
    valid_until = reference.valid_until(rule)
    if valid_until is not None and valid_until < on:
        return Reason("REFERENCE_EXPIRED", f"{where}: the reference {rater} completed on "
                      f"{answer.completed_on.isoformat()} counted until {valid_until.isoformat()}; ask for a new one",
                      {**params, "completed_on": answer.completed_on.isoformat(),
                       "valid_until": valid_until.isoformat()})
    return None


def _rater_problem(rule: ReferenceRule, slot: ReferenceSlot, where: str, params: Params,
                   reference: Reference) -> Reason | None:
    """The rules judged may differ from those the rater was named under: the rater is checked again."""
    rater = reference.rater
    params = {**params, "rater_kind": rater.kind.value}
    if rater.kind not in slot.raters:
        return Reason("REFERENCE_RATER_NOT_ALLOWED", f"{where}: {rater.shown_name} is a {rater.kind}, which the rules "
                      "in force do not accept for this slot", params)
    vetting = vetting_for(rule, slot, rater)
    needed = {"endorsed_at_or_above": slot.endorsed_at_or_above} if slot.endorsed_at_or_above else {}
    if vetting is None:
        return Reason("REFERENCE_RATER_NOT_ALLOWED", f"{where}: the slot needs a rater endorsed "
                      f"{slot.endorsed_at_or_above} or higher", {**params, **needed})
    if vetting is Vetting.PENDING and reference.vetting is not Vetting.APPROVED:
        return Reason("REFERENCE_VETTING_PENDING", f"{where}: {rater.shown_name} is not endorsed "
                      f"{slot.endorsed_at_or_above} or higher; the coordinator must vet the rater first",
                      {**params, **needed})
    return None
