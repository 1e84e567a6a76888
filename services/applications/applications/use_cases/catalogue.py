"""What an association offers an applicant today: its categories, the competency list, the tabs and the
requirements each holds, and the limits on documents (the portal builds its forms from it)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..domain import CompetencyFramework, RuleBook
from ..domain.checks import Evidence, RegistrationState, check_requirements
from ..domain.errors import NoRuleSetInForce

TAB_ORDER = ("details", "membership", "education", "work", "training", "rsc", "references", "documents",
             "attestations", "fees", "registration")
"""The application's tabs, in the order applicants fill them in; `details` and `documents` hold no requirement."""


@dataclass(frozen=True)
class OfferedCategory:
    code: str
    name: str
    can_start: bool
    """A rule set is in force today, so an application can be started now."""
    rule_set_version: str | None
    requirements: tuple[tuple[str, str], ...]
    """(requirement code, tab) under today's rules, in tab order."""


def offered_categories(categories: dict[str, str], tenant: str, rules: RuleBook, today: date
                       ) -> list[OfferedCategory]:
    offered = []
    for code, name in categories.items():
        try:
            version = rules.in_force(tenant, code, today)
        except NoRuleSetInForce:
            offered.append(OfferedCategory(code, name, False, None, ()))
            continue
        # an empty application lists every requirement of the rules (registration: when they ask for it)
        report = check_requirements(Evidence(registration=RegistrationState.NOT_REGISTERED), version, today)
        offered.append(OfferedCategory(code, name, True, version.id,
                                       tuple((r.code, r.tab) for r in report.results)))
    return offered


def tabs_of(categories: list[OfferedCategory]) -> list[tuple[str, list[str]]]:
    """Each tab with the requirement codes it holds in any offered category (first seen first)."""
    tabs: dict[str, list[str]] = {tab: [] for tab in TAB_ORDER}
    for category in categories:
        for code, tab in category.requirements:
            codes = tabs.setdefault(tab, [])
            if code not in codes:
                codes.append(code)
    return list(tabs.items())


def competency_list(framework: CompetencyFramework) -> list[tuple[str, str, str, str]]:
    """(id, domain, English name, Spanish name) of every domain, then its areas."""
    rows = []
    for domain_id, name in framework.domains.items():
        rows.append((domain_id, domain_id, name, framework.name_of(domain_id, "es")))
        rows.extend((area.id, domain_id, area.name, framework.name_of(area.id, "es"))
                    for area in framework.areas.values() if area.domain == domain_id)
    return rows
