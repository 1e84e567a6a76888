"""Specialized in-service training: total hours and the DEI and RSC-provision sub-minimums."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from decimal import Decimal

from ..entries import TrainingEntry
from ..rules import TrainingRule
from ..spans import format_number
from .report import Progress, Reason, RequirementResult


def check_training(rule: TrainingRule, entries: Sequence[TrainingEntry], on: date) -> list[RequirementResult]:
    done = [e for e in entries if e.completed_on <= on]
    counted = [e for e in done if e.competencies or not rule.competency_tagging_required]
    untagged = [e for e in done if not e.competencies and rule.competency_tagging_required]
    parts: list[tuple[str, str, str, Decimal, Callable[[TrainingEntry], Decimal]]] = [
        ("TRAINING_HOURS", "TRAINING_HOURS_SHORT", "of specialized in-service training", rule.min_hours,
         lambda e: e.hours),
        ("TRAINING_DEI_HOURS", "TRAINING_DEI_HOURS_SHORT", "of training on diversity, equity and inclusion",
         rule.min_dei_hours, lambda e: e.dei_hours),
        ("TRAINING_RSC_PROVISION_HOURS", "TRAINING_RSC_PROVISION_HOURS_SHORT", "of training on providing RSC",
         rule.min_rsc_provision_hours, lambda e: e.rsc_provision_hours),
    ]
    results = []
    for code, short, what, need, hours_of in parts:
        if need <= 0 and code != "TRAINING_HOURS":
            continue
        have = sum((hours_of(e) for e in counted), Decimal(0))
        progress = Progress(have, need, "hours")
        reasons: list[Reason] = []
        if have < need:
            reasons.append(Reason(short, f"{progress} {what}", {"have": float(have), "need": float(need)}))
            missed = sum((hours_of(e) for e in untagged), Decimal(0))
            if missed:
                reasons.append(Reason("TRAINING_UNTAGGED", f"{len(untagged)} training(s) with {format_number(missed)}"
                                      " such hours are not tagged with a competency and do not count",
                                      {"count": len(untagged), "hours": float(missed)}))
        results.append(RequirementResult(code, "training", not reasons, f"{progress} {what}", progress,
                                         tuple(reasons)))
    return results
