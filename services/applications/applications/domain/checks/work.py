"""Work experience: years of qualifying work (overlaps counted once), families served, age band."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from ..entries import WorkEntry
from ..rules import WorkRequirement
from ..spans import as_years, covered_days
from .report import Progress, Reason, RequirementResult


def check_work(requirement: WorkRequirement, entries: Sequence[WorkEntry], on: date) -> RequirementResult:
    counted = [e for e in entries if e.start <= on and exclusion(e, requirement) is None]
    days = covered_days((e.start, min(e.end or on, on)) for e in counted)
    families = sum(e.families_served for e in counted)
    reasons: list[Reason] = []
    if days < requirement.min_days:
        reasons.append(Reason("WORK_YEARS_SHORT", f"{as_years(days)} of {as_years(requirement.min_days)} years "
                              f"({days} of {requirement.min_days} days) of {describe(requirement)}",
                              {"have_days": days, "need_days": requirement.min_days,
                               "have_years": float(as_years(days)), "need_years": float(as_years(requirement.min_days)),
                               "work": describe(requirement), **_work_params(requirement)}))
    if families < requirement.min_families:
        reasons.append(Reason("WORK_FAMILIES_SHORT",
                              f"{families} of {requirement.min_families} families served in that work",
                              {"have": families, "need": requirement.min_families, **_work_params(requirement)}))
    if reasons:
        reasons.extend(_not_counted(entries, requirement, on))
    detail = f"{as_years(days)} of {as_years(requirement.min_days)} years of {describe(requirement)}"
    if requirement.min_families:
        detail += f"; {families} of {requirement.min_families} families served"
    return RequirementResult(code=requirement.code, tab="work", met=not reasons, detail=detail,
                             progress=Progress(Decimal(days), Decimal(requirement.min_days), "days"),
                             reasons=tuple(reasons))


def exclusion(entry: WorkEntry, requirement: WorkRequirement) -> str | None:
    """Why an entry does not count toward the requirement, or None when it does."""
    found = _exclusion(entry, requirement)
    return None if found is None else found[1]


def _exclusion(entry: WorkEntry, requirement: WorkRequirement) -> tuple[str, str] | None:
    """`(why, message)`: `why` is a stable code (`not_activity`, `age_band`, `not_supervised`, `volunteer_not_counted`,
    `volunteer_unsupervised`, `volunteer_untrained`) for readers that phrase it in another language."""
    if requirement.activity not in entry.activities:
        return "not_activity", f"it is not {requirement.activity.value.replace('_', ' ')} work"
    if requirement.age_band is not None and not entry.age_band.covers(requirement.age_band):
        return "age_band", f"it was with children aged {entry.age_band.value}, not {requirement.age_band.value}"
    if requirement.supervised_required and not entry.supervised:
        return "not_supervised", "the work must have been supervised"
    return None if entry.paid else _volunteer_exclusion(entry, requirement)


def _volunteer_exclusion(entry: WorkEntry, requirement: WorkRequirement) -> tuple[str, str] | None:
    volunteer = requirement.volunteer
    if not volunteer.counts:
        return "volunteer_not_counted", "only paid work counts"
    if volunteer.requires_supervision and not entry.supervised:
        return "volunteer_unsupervised", "volunteer work counts only when it was supervised"
    if volunteer.requires_specialized_training and not entry.specialized_training:
        return "volunteer_untrained", "volunteer work counts only when it included specialized training"
    return None


def describe(requirement: WorkRequirement) -> str:
    words = ["paid" if not requirement.volunteer.counts else "paid or qualifying volunteer"]
    if requirement.supervised_required:
        words.append("supervised")
    words.append(requirement.activity.value.replace("_", " ") + " work")
    if requirement.age_band is not None:
        words.append(f"with children aged {requirement.age_band.value}")
    return " ".join(words)


def _work_params(requirement: WorkRequirement) -> dict[str, str | int]:
    """The work `describe` names, as codes: activity, age band (empty for any), supervised and volunteer (0/1)."""
    return {"activity": requirement.activity.value,
            "age_band": requirement.age_band.value if requirement.age_band is not None else "",
            "supervised_required": int(requirement.supervised_required),
            "volunteer_counts": int(requirement.volunteer.counts)}


def _not_counted(entries: Sequence[WorkEntry], requirement: WorkRequirement, on: date) -> list[Reason]:
    reasons = []
    for entry in entries:
        found = ("starts_after", "it starts after " + on.isoformat()) if entry.start > on else \
            _exclusion(entry, requirement)
        if found is not None:
            why, message = found
            params: dict[str, str | int | float] = {"role": entry.role or "", "employer": entry.employer or "",
                                                    "why": why,
                                                    "start": entry.start.isoformat(), "on": on.isoformat(),
                                                    "entry_age_band": entry.age_band.value,
                                                    **_work_params(requirement)}
            reasons.append(Reason("WORK_ENTRY_NOT_COUNTED", f"{entry.role} at {entry.employer} does not count: "
                                  f"{message}", params))
    return reasons
