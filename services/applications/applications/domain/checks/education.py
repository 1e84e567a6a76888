"""Education: any one of the rule's options (a degree level, a CDA, a licence, or years of work)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from ..entries import DegreeLevel, EducationEntry, EducationKind, WorkEntry
from ..rules import EducationOption, EducationOptionKind, EducationRule
from ..spans import format_number
from .report import Reason, RequirementResult
from .work import check_work, describe

CODE = "EDUCATION"


def check_education(rule: EducationRule, education: Sequence[EducationEntry], work: Sequence[WorkEntry],
                    on: date) -> RequirementResult | None:
    """None when the category needs no particular education."""
    if not rule.options:
        return None
    wanted = "; ".join(_describe(o) for o in rule.options)
    reasons: list[Reason] = []
    for option in rule.options:
        if option.kind is EducationOptionKind.WORK and option.work is not None:
            result = check_work(option.work, work, on)
            if result.met:
                return RequirementResult(CODE, "education", True, f"met by {result.detail}")
            reasons.extend(r for r in result.reasons if r.code != "WORK_ENTRY_NOT_COUNTED")
            continue
        entry = next((e for e in education if e.year <= on.year and _meets(option, e)), None)
        if entry is not None:
            return RequirementResult(CODE, "education", True, f"met by {_name(entry)}")
    options = ";".join(_option_code(o) for o in rule.options)
    reasons.insert(0, Reason("EDUCATION_NO_QUALIFYING_ENTRY", f"none of the entries is {wanted}",
                             {"options": options}))
    return RequirementResult(CODE, "education", False, f"needs one of: {wanted}", reasons=tuple(reasons))


def _meets(option: EducationOption, entry: EducationEntry) -> bool:
    if option.kind is EducationOptionKind.CDA:
        return entry.kind is EducationKind.CDA
    if option.kind is EducationOptionKind.LICENCE:
        return entry.kind is EducationKind.LICENCE
    if entry.kind is not EducationKind.DEGREE or entry.level is None:
        return False
    minimum = option.min_level or DegreeLevel.ASSOCIATE
    return entry.level.rank >= minimum.rank and (entry.related_field or not option.related_field_required)


def _describe(option: EducationOption) -> str:
    if option.kind is EducationOptionKind.CDA:
        return "a CDA credential"
    if option.kind is EducationOptionKind.LICENCE:
        return "a professional mental-health licence"
    if option.kind is EducationOptionKind.WORK and option.work is not None:
        return f"{option.work.min_years} years of {describe(option.work)}"
    level = (option.min_level or DegreeLevel.ASSOCIATE).value
    related = " in a related field" if option.related_field_required else ""
    return f"a degree at {level} level or higher{related}"


def _option_code(option: EducationOption) -> str:
    """An option as a code: `cda`, `licence`, `work:<years>`, `degree:<min level>` (+ `:related`)."""
    if option.kind is EducationOptionKind.WORK and option.work is not None:
        return f"work:{format_number(option.work.min_years)}"
    if option.kind in (EducationOptionKind.CDA, EducationOptionKind.LICENCE):
        return option.kind.value
    level = (option.min_level or DegreeLevel.ASSOCIATE).value
    return f"degree:{level}" + (":related" if option.related_field_required else "")


def _name(entry: EducationEntry) -> str:
    if entry.kind is EducationKind.DEGREE and entry.level is not None:
        subject = f" in {entry.field}" if entry.field else ""
        return f"a {entry.level.value} degree{subject} ({entry.institution}, {entry.year})"
    label = "a CDA credential" if entry.kind is EducationKind.CDA else f"a licence ({entry.field or 'unnamed'})"
    return f"{label} ({entry.institution}, {entry.year})"
