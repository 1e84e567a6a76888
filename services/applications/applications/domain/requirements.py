"""What an application needs before it can be submitted.

Walking-skeleton rules, the same for every category. A later issue replaces `SKELETON_REQUIREMENTS`
with per-association, effective-dated rule sets loaded as data; `submit` already records which
rule set version was applied.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .values import Details

SKELETON_RULE_SET = "skeleton-1"


@dataclass(frozen=True)
class UnmetRequirement:
    """One reason an application cannot be submitted yet."""

    code: str
    message: str
    field: str


@dataclass(frozen=True)
class Requirement:
    code: str
    message: str
    field: str
    is_met: Callable[[Details], bool]

    def check(self, details: Details) -> UnmetRequirement | None:
        return None if self.is_met(details) else UnmetRequirement(self.code, self.message, self.field)


SKELETON_REQUIREMENTS: tuple[Requirement, ...] = (
    Requirement(
        code="STATEMENT_MISSING",
        message="Write a statement summarising your work with infants, toddlers and their families.",
        field="statement",
        is_met=lambda d: bool(d.statement and d.statement.strip()),
    ),
    Requirement(
        code="ETHICS_NOT_ATTESTED",
        message="Attest that you will follow the Code of Ethics and sign the Endorsement Agreement.",
        field="ethics_attested",
        is_met=lambda d: d.ethics_attested,
    ),
)


def unmet_requirements(details: Details) -> list[UnmetRequirement]:
    return [unmet for r in SKELETON_REQUIREMENTS if (unmet := r.check(details)) is not None]


def skeleton_rule_set_version(tenant: str, category: str) -> str:
    """The identifier of the rule set in force: `<tenant>/<category>/skeleton-1` for now."""
    return f"{tenant}/{category}/{SKELETON_RULE_SET}"
