"""Requirement-checker latency for an application with 200 training entries (prints milliseconds).

    .venv/bin/python services/applications/bench_requirements.py [--entries 200] [--runs 200]

Measures (1) the checker alone on an ITMHCA IMHM-C application (every kind of requirement, incl. the RSC
window search over 20 RSC periods), and (2) what `GET /applications/{id}/requirements` does per call:
rebuild the aggregate from its stored (JSON-encoded) events in the in-memory event store, then check.
No timing is asserted anywhere; this is a measurement.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from uuid import UUID, uuid4

from applications.application import ApplicationsService
from applications.config import load_tenants
from applications.domain import (
    Actor,
    AgeBand,
    Applicant,
    AttestationKind,
    DegreeLevel,
    EducationEntry,
    EducationKind,
    FeeKind,
    FeePayment,
    Membership,
    RscEntry,
    RscFormat,
    TrainingEntry,
    WorkActivity,
    WorkEntry,
)
from applications.rulesets import load_rule_book

sys.path.insert(0, str(Path(__file__).resolve().parent / "tests"))  # the test data builders
from reference_builders import complete_references

CONFIG = Path(__file__).resolve().parents[2] / "config"
TODAY = date(2026, 3, 1)
NOW = datetime(2026, 3, 1, 19, 0, tzinfo=UTC)


def build(entries: int) -> tuple[ApplicationsService, Actor, str]:
    tenants = load_tenants(CONFIG / "tenants")
    rules, competencies = load_rule_book(CONFIG / "rulesets", {t.slug: t.categories.keys() for t in tenants})
    service = ApplicationsService(tenants, rules, competencies, env={"PERSISTENCE_MODULE": "eventsourcing.popo"},
                                  clock=lambda: NOW)
    account = uuid4()
    actor = Actor(account, "itmhca", frozenset({"applicant"}))
    application_id = service.start(actor, Applicant(account, "Dana Reyes", "dana@example.org"), "IMHM-C").id
    service.add_entry(application_id, actor, EducationEntry(EducationKind.DEGREE, "ASU", 2010, DegreeLevel.MASTER,
                                                            "Social work"))
    for activity in (WorkActivity.INFANT_PARENT_INTERVENTION, WorkActivity.RSC_PROVISION, WorkActivity.LEADERSHIP):
        service.add_entry(application_id, actor, WorkEntry("Southwest Human Development", activity.value,
                                                           date(2015, 1, 5), None, True, True, 40,
                                                           AgeBand.INFANT_TODDLER, (activity,)))
    tags = tuple(sorted(competencies.ids))
    for i in range(entries):
        service.add_entry(application_id, actor, TrainingEntry(
            f"Training {i}", "ITMHCA", TODAY - timedelta(days=3 * i + 1), Decimal("1.5"), tags[i % 50: i % 50 + 3],
            dei_hours=Decimal("0.25"), rsc_provision_hours=Decimal("0.5")))
    for i in range(20):
        start = TODAY - timedelta(days=30 * (i + 1))
        service.add_entry(application_id, actor, RscEntry(f"Provider {i % 2}", "IMHM-C", Decimal("2.5"), start,
                                                          start + timedelta(days=27), RscFormat.INDIVIDUAL,
                                                          hours_about_providing_rsc=Decimal("1.25")))
    service.record_membership(application_id, actor, Membership("ITMHCA", date(2026, 12, 31)))
    for kind in AttestationKind:
        service.attest(application_id, actor, kind)
    service.record_fee(application_id, actor, FeePayment(FeeKind.REGISTRATION, 2500, "R-1", TODAY))
    service.record_fee(application_id, actor, FeePayment(FeeKind.PROCESSING, 30000, "P-1", TODAY))
    complete_references(service, actor, application_id)  # a rater per slot, each answering through the link
    service.register(application_id, actor)
    service.accept_registration(application_id, Actor(uuid4(), "itmhca", frozenset({"coordinator"})))
    return service, actor, str(application_id)


def timed(action: Callable[[], object], runs: int) -> list[float]:
    for _ in range(5):
        action()  # warm-up
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def describe(label: str, samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[max(0, int(len(ordered) * 0.95) - 1)]
    return f"{label}: median {statistics.median(ordered):.2f} ms, p95 {p95:.2f} ms, max {ordered[-1]:.2f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=200, help="training entries (default 200)")
    parser.add_argument("--runs", type=int, default=200, help="timed runs per measurement (default 200)")
    args = parser.parse_args()
    service, actor, application_id = build(args.entries)
    application = service.get(UUID(application_id), actor)
    report = service.requirements(application, TODAY)
    print(f"IMHM-C application: {args.entries} training entries, 20 RSC periods, {application.version} events; "
          f"rules {report.rule_set_version}; unmet: {[r.code for r in report.unmet] or 'none'}")
    print(describe("checker only", timed(lambda: service.requirements(application, TODAY), args.runs)))
    print(describe("load from event store + check",
                   timed(lambda: service.requirements(service.get(UUID(application_id), actor), TODAY), args.runs)))
    service.close()


if __name__ == "__main__":
    main()
