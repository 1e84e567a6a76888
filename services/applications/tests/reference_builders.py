"""References as test data, from the rule data: one completed reference per slot.

`satisfying_references(rules, on)` gives each slot a rater of its first kind (endorsed where the slot or the rule
set asks for it), completed 30 days before `on` (so a resubmission months later still finds them valid); the
breaker `one_reference_a_day_too_old` moves one to the first day it no longer counts. `enter_references` plays
them through the aggregate's commands (naming, then the rater's answer through the link), `complete_references`
through the use cases and `complete_references_over_http` through the routes.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import httpx
from applications.application import ApplicationsService
from applications.domain import Actor, Application, CompetencyFramework, Evidence, RuleVersion
from applications.domain.reference_data import (
    Answer,
    LinkRequest,
    Rater,
    Reference,
    ReferenceForm,
    ReferencePolicy,
    hash_secret,
)
from applications.domain.rules import ReferenceRule, ReferenceSlot
from applications.rulesets.competencies import load_competencies
from applications.use_cases.references import ReferenceCases
from servicekit.subjects import DEVELOPMENT_RATER_INDEX_KEY, rater_subject

RULESETS = Path(__file__).resolve().parents[3] / "config" / "rulesets"
NOON = time(12, tzinfo=UTC)
COMPLETED_DAYS_AGO = 30


@cache
def framework() -> CompetencyFramework:
    return load_competencies(RULESETS / "competencies.yaml", ValueError)


def form(rule: ReferenceRule) -> ReferenceForm:
    return ReferenceForm.of(rule, framework())


def ratings(rule: ReferenceRule, unknown: int = 0) -> dict[str, str]:
    """Every item rated with the scale's first value, the first `unknown` items 'not enough information'."""
    items = form(rule).items
    return {item.id: "not_enough_information" if n < unknown else rule.rating_scale[0].value
            for n, item in enumerate(items)}


def raters(rule: ReferenceRule) -> list[Rater]:
    """A rater per slot, of its first kind; endorsed at the slot's level, and the first at the rule's level."""
    found = []
    for number, slot in enumerate(rule.slots, start=1):
        endorsed = slot.endorsed_at_or_above or (rule.at_least_one_endorsed_at_or_above if number == 1 else None)
        email = f"rater{number}@example.org"
        found.append(Rater(f"Rater {number}", email, slot.raters[0], endorsed, "worked together for two years",
                           subject=rater_subject("itmhca", email, DEVELOPMENT_RATER_INDEX_KEY)))
    return found


def satisfying_references(rules: RuleVersion, on: date) -> tuple[Reference, ...]:
    rule = rules.references
    completed_on = on - timedelta(days=COMPLETED_DAYS_AGO)
    answered_at = datetime.combine(completed_on, NOON)
    named_at = answered_at - timedelta(days=1)
    references = []
    for number, rater in enumerate(raters(rule), start=1):
        request = LinkRequest(1, hash_secret("unused"), named_at, named_at + timedelta(days=30))
        answer = Answer(1, answered_at, completed_on, ratings(rule), "Thoughtful and reliable.", 0)
        references.append(Reference(uuid4(), number, rater, False, named_at, request, answer=answer))
    return tuple(references)


def one_reference_a_day_too_old(evidence: Evidence, rules: RuleVersion, on: date) -> Evidence:
    """The breaker of `REFERENCES`: the first reference was completed one day before it would still count
    (its last valid day is the day before `on`)."""
    first, *others = evidence.references
    assert first.answer is not None
    older = replace(first.answer, completed_on=on - timedelta(days=rules.references.valid_for_days))
    return replace(evidence, references=(replace(first, answer=older), *others))


def secret_of(reference_id: UUID, number: int) -> str:
    return f"secret-{reference_id}-{number}"


def enter_references(application: Application, references: tuple[Reference, ...],
                     rule: ReferenceRule | None) -> None:
    """Name each rater and let each answer through their link, at the times the references say. Without the
    rule, one that takes exactly these raters in their slots (and the default form) stands in."""
    if rule is None:
        slots = [ReferenceSlot((r.rater.kind,)) for r in sorted(references, key=lambda r: r.slot)]
        rule = ReferenceRule(tuple(slots))
    for reference in references:
        answer = reference.answer
        assert answer is not None
        at = reference.named_at
        application.name_rater(reference.id, reference.slot, reference.rater, waived=reference.waived, rules=rule,
                               at=at, issue=lambda rid, n: hash_secret(secret_of(rid, n)), policy=ReferencePolicy())
        application.answer_reference(reference.id, 1, secret_of(reference.id, 1), ratings=answer.ratings,
                                     comments=answer.comments, form=form(rule), at=answer.answered_at,
                                     on=answer.completed_on)


def complete_references(service: ApplicationsService, actor: Actor, application_id: UUID,
                        on: date | None = None) -> Application:
    """Through the use cases: name a rater per slot and answer each link, today or (for an application judged on
    an earlier date `on`) the day before `on`, with the service's clock set back meanwhile."""
    clock = service.clock
    if on is not None and on < clock().date():
        earlier = datetime.combine(on - timedelta(days=1), NOON)
        service.clock = lambda: earlier
    try:
        application = service.get(application_id, actor)
        rule = service.rules_on(application, service.local_date(application.tenant)).references
        references = ReferenceCases(service)
        for number, rater in enumerate(raters(rule), start=1):
            application, reference_id = references.name_rater(application_id, actor, number, rater, waived=False)
            references.answer_reference(link_token(service, application, reference_id), ratings(rule), None)
    finally:
        service.clock = clock
    return service.get(application_id, actor)


def link_token(service: ApplicationsService, application: Application, reference_id: UUID) -> str:
    """The token of the reference's latest link (the service derives it; it reaches raters by email only)."""
    number = application.reference(reference_id).request.number
    return service.reference_links.token(application.id, reference_id, number)


def name_body(rule: ReferenceRule, number: int, **changes: Any) -> dict[str, Any]:
    """`POST /applications/{id}/references` for slot `number` (1-based)."""
    rater = raters(rule)[number - 1]
    body: dict[str, Any] = {"slot": number, "name": rater.name, "email": rater.email, "kind": rater.kind.value,
                            "endorsed_category": rater.endorsed_category, "relationship": rater.relationship,
                            "waived": False}
    return body | changes


async def complete_references_over_http(http: httpx.AsyncClient, headers: dict[str, str],
                                        service: ApplicationsService, application_id: str) -> None:
    """Name a rater per slot over HTTP, then answer each rater form over HTTP (no identity)."""
    application = service.repository.get(UUID(application_id))
    rule = service.rules_on(application, service.local_date(application.tenant)).references
    for number in range(1, len(rule.slots) + 1):
        named = await http.post(f"/applications/{application_id}/references", json=name_body(rule, number),
                                headers=headers)
        assert named.status_code == 201, named.text
        reference_id = UUID(named.headers["location"].rsplit("/", 1)[1])
        token = link_token(service, service.repository.get(UUID(application_id)), reference_id)
        answered = await http.post(f"/references/{token}", json={"ratings": ratings(rule)})
        assert answered.status_code == 200, answered.text
