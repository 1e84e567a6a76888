"""The `application_timeline` table: the applicant's status timeline, one row per meaningful event.

Each row says when it happened, the status after it and an applicant-facing summary (English), with structured
`details` holding every value the summary names, so the portal can say it in the person's language.
Never in it: reference contents (ratings, comments, how many items a rater could not rate, waived or not),
reviewers' notes (the reviews service never publishes them), link secrets. Tab edits are left out. Once the applicant
is erased, what the review wrote to them (items, message, reasons, recommendations) and their withdrawal reason are
gone from their rows (`Erasure.SubjectErased`), as from a rebuild (those values no longer open).

Events of other parts of the aggregate are recognised by class name, so they can evolve separately; names this
module does not know are ignored (see `ASSUMED_NAMES`).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg
from eventsourcing.domain import DomainEventProtocol

from ..domain import Application, Status
from ..domain.erasure import Erasure
from ..domain.model import ERASURE_WITHDRAWAL
from ..domain.outcomes import ReviewOutcomes
from ..domain.reference_data import ERASED, RaterIdentity
from ..domain.review_cycles import ReviewCycles

DDL = """
CREATE TABLE IF NOT EXISTS application_timeline (
    seq bigint GENERATED ALWAYS AS IDENTITY,
    application_id uuid NOT NULL,
    version integer NOT NULL,
    tenant text NOT NULL,
    at timestamptz NOT NULL,
    kind text NOT NULL,
    status text NOT NULL,
    summary text NOT NULL,
    details jsonb NOT NULL DEFAULT '{}',
    PRIMARY KEY (application_id, version)
);
CREATE INDEX IF NOT EXISTS application_timeline_by_application ON application_timeline (application_id, seq);
ALTER TABLE application_timeline ADD COLUMN IF NOT EXISTS rater_subject text;
CREATE INDEX IF NOT EXISTS application_timeline_by_rater ON application_timeline (rater_subject)
    WHERE rater_subject IS NOT NULL;
"""
# rater_subject: whom a reference row names (never served), so erasing that rater rewrites their name as "erased"

IN_RESPONSE_TO_TEXT = {"information_request": "the request for more information", "deferral": "the deferral"}


@dataclass(frozen=True)
class Entry:
    kind: str
    at: datetime
    summary: str
    status: str | None = None
    """The status after the event; None keeps the one before."""
    details: dict[str, Any] = field(default_factory=dict)


def _listed(items: Sequence[str]) -> str:
    return "; ".join(items)


def _returned_summary(stage: str, items: Sequence[str], message: str | None) -> str:
    what = "as incomplete" if stage == "completeness" else "for more information"
    summary = f"Returned {what}: {_listed(items)}." if items else f"Returned {what}."
    if message:
        summary += f" {message}"
    return summary + " Edit the application and resubmit it."


def _returned(event: Any, status: str | None) -> Entry:
    return Entry(
        "returned",
        event.requested_at,
        _returned_summary(event.stage, event.items, event.message),
        status,
        {
            "stage": event.stage,
            "items": list(event.items),
            "message": event.message,
            "submission_number": event.submission_number,
        },
    )


def _deferred_summary(reasons: Sequence[str], recommendations: Sequence[str], earliest: str) -> str:
    summary = f"Deferred: {_listed(reasons)}." if reasons else "Deferred."
    if recommendations:
        summary += f" Recommended: {_listed(recommendations)}."
    return f"{summary} You may amend and resubmit from {earliest}."


def _deferred(event: Any, status: str | None) -> Entry:
    earliest = event.earliest_rereview_on.isoformat()
    return Entry(
        "deferred",
        event.deferred_at,
        _deferred_summary(event.reasons, event.recommendations, earliest),
        status,
        {
            "reasons": list(event.reasons),
            "recommendations": list(event.recommendations),
            "earliest_rereview_on": earliest,
        },
    )


def _approved_for_exam(event: Any, status: str | None) -> Entry:
    return Entry("approved_for_exam", event.approved_at, "Approved to sit the endorsement exam.", status)


def _exam_result(event: Any, status: str | None) -> Entry:
    attempt = f"Exam attempt {event.attempt} ({event.taken_on.isoformat()})"
    retake = event.retake_eligible_on.isoformat() if event.retake_eligible_on else None
    if event.passed:
        summary = f"{attempt}: every part passed."
    else:
        summary = f"{attempt}: not passed yet." + (f" You may retake it from {retake}." if retake else "")
    return Entry(
        "exam_result",
        event.timestamp,
        summary,
        status,
        {
            "attempt": event.attempt,
            "taken_on": event.taken_on.isoformat(),
            "passed": event.passed,
            "retake_eligible_on": retake,
        },
    )


def _endorsed(event: Any, status: str | None) -> Entry:
    summary = (
        f"Endorsed from {event.effective_date.isoformat()}; the first renewal is due by "
        f"{event.renewal_date.isoformat()}."
    )
    if event.emerging_until is not None:
        summary += f" Emerging: meet the remaining requirements by {event.emerging_until.isoformat()}."
    return Entry(
        "endorsed",
        event.endorsed_at,
        summary,
        status,
        {
            "endorsement_id": str(event.endorsement_id),
            "effective_date": event.effective_date.isoformat(),
            "renewal_date": event.renewal_date.isoformat(),
            "emerging_until": event.emerging_until.isoformat() if event.emerging_until is not None else None,
        },
    )


def _denied_summary(reasons: Sequence[str]) -> str:
    return f"Not endorsed: {_listed(reasons)}." if reasons else "Not endorsed."


def _denied(event: Any, status: str | None) -> Entry:
    return Entry("denied", event.denied_at, _denied_summary(event.reasons), status, {"reasons": list(event.reasons)})


def _withdrawn_summary(reason: str | None) -> str:
    return f"Withdrawn: {reason}" if reason else "Withdrawn."


OUTCOME_ENTRIES: tuple[tuple[type[Any], Callable[[Any, str | None], Entry]], ...] = (
    (ReviewOutcomes.ReturnedForInformation, _returned),
    (ReviewOutcomes.Deferred, _deferred),
    (ReviewOutcomes.ApprovedForExam, _approved_for_exam),
    (ReviewOutcomes.ExamResultRecorded, _exam_result),
    (ReviewOutcomes.Endorsed, _endorsed),
    (ReviewOutcomes.Denied, _denied),
)


def _review_opened(event: Any) -> Entry | None:
    """The review case's cycle: the applicant learns when review starts. Rolling intake (no cycle) adds nothing to
    "Submitted for review"."""
    if event.cycle_id is None:
        return None
    opens_at = event.cycle_opens_at
    waiting = opens_at is not None and event.opened_at < opens_at
    if waiting:
        summary = (f"Your application waits for review cycle {event.cycle_id}, which opens on "
                   f"{opens_at.date().isoformat()}.")
    else:
        summary = f"Review opened in cycle {event.cycle_id}."
    return Entry(
        "review_opened",
        event.opened_at,
        summary,
        None,
        {
            "review_case_id": str(event.review_case_id),
            "submission_number": event.submission_number,
            "cycle_id": event.cycle_id,
            "opens_at": opens_at.isoformat() if opens_at is not None else None,
            "deadline": event.cycle_deadline.isoformat() if event.cycle_deadline is not None else None,
            "waiting": waiting,
        },
    )


def _outcome_entry(event: Any) -> Entry | None:
    status = event.status_after.value if event.status_after is not None else None
    for kind, entry in OUTCOME_ENTRIES:
        if isinstance(event, kind):
            return entry(event, status)
    return None


def _own_entry(event: Any) -> Entry | None:
    """The Application's own lifecycle events."""
    if isinstance(event, Application.Started):
        return Entry(
            "started",
            event.timestamp,
            f"Application started for {event.category_name} ({event.category}).",
            Status.DRAFT.value,
            {
                "category": event.category,
                "category_name": event.category_name,
                "application_kind": getattr(event, "kind", None) or "initial",
            },
        )
    if isinstance(event, Application.Submitted):
        in_response_to = getattr(event, "in_response_to", None)
        if event.submission_number >= 2 and in_response_to:
            summary = (
                f"Resubmitted in response to {IN_RESPONSE_TO_TEXT.get(in_response_to, in_response_to)} "
                f"(submission {event.submission_number})."
            )
            kind = "resubmitted"
        else:
            summary, kind = "Submitted for review.", "submitted"
        return Entry(
            kind,
            event.submitted_at,
            summary,
            Status.SUBMITTED.value,
            {"submission_number": event.submission_number, "in_response_to": in_response_to},
        )
    if isinstance(event, Application.Withdrawn):
        return Entry("withdrawn", event.timestamp, _withdrawn_summary(event.reason), Status.WITHDRAWN.value,
                      {"reason": event.reason})
    if isinstance(event, ReviewOutcomes.ReviewOutcome):
        return _outcome_entry(event)
    if isinstance(event, ReviewCycles.ReviewCaseOpened):
        return _review_opened(event)
    return None


def _registered(event: Any, rater: str | None) -> Entry:
    return Entry(
        "registered",
        getattr(event, "registered_at", event.timestamp),
        "Registered; the association will check your membership and registration fee.",
        "registered",
    )


def _registration_accepted(event: Any, rater: str | None) -> Entry:
    return Entry(
        "registration_accepted",
        getattr(event, "accepted_at", event.timestamp),
        "Registration accepted: complete the application and submit it.",
        "accepted",
    )


def _reference_requested(event: Any, rater: str | None) -> Entry | None:
    if getattr(event, "reminder", False):
        return None  # automatic reminders are not the applicant's doing
    again = type(event).__name__ == "ReferenceRequestedAgain"
    summary = f"Reference request {'sent again' if again else 'sent'} to {rater or 'the rater'}."
    return Entry("reference_requested", getattr(event, "at", event.timestamp), summary, None, {"again": again})


def _reference_answered(event: Any, rater: str | None) -> Entry:
    who = rater or "the rater"
    if getattr(event, "counted", True):
        return Entry("reference_completed", getattr(event, "at", event.timestamp), f"Reference from {who} received.")
    return Entry(
        "reference_voided",
        getattr(event, "at", event.timestamp),
        f"The reference from {who} cannot be counted; please ask another rater.",
        None,
        {"cause": "not_counted"},
    )


def _reference_withdrawn(event: Any, rater: str | None) -> Entry:
    return Entry(
        "reference_voided",
        getattr(event, "at", event.timestamp),
        f"You withdrew the reference from {rater or 'the rater'}.",
        None,
        {"cause": "withdrawn"},
    )


def _reference_voided(event: Any, rater: str | None) -> Entry:
    return Entry(
        "reference_voided",
        getattr(event, "at", event.timestamp),
        f"The reference from {rater or 'the rater'} no longer counts; please ask another rater.",
        None,
        {"cause": "no_longer_counts"},
    )


def _reference_declined(event: Any, rater: str | None) -> Entry:
    return Entry(
        "reference_declined",
        getattr(event, "at", event.timestamp),
        f"{rater or 'The rater'} declined to give the reference; please ask another rater.",
    )


def _rater_vetted(event: Any, rater: str | None) -> Entry | None:
    if getattr(event, "approved", True):
        return None
    return Entry(
        "reference_voided",
        getattr(event, "at", event.timestamp),
        f"The association could not accept {rater or 'the rater'} as a rater; please ask another rater.",
        None,
        {"cause": "rater_not_accepted"},
    )


NamedEntry = Callable[[Any, str | None], Entry | None]

ASSUMED_NAMES: dict[str, NamedEntry] = {
    "Registered": _registered,
    "RegistrationAccepted": _registration_accepted,
    "RaterNamed": _reference_requested,
    "ReferenceRequested": _reference_requested,
    "ReferenceRequestedAgain": _reference_requested,
    "ReferenceAnswered": _reference_answered,
    "ReferenceCompleted": _reference_answered,
    "ReferenceWithdrawn": _reference_withdrawn,
    "ReferenceVoided": _reference_voided,
    "ReferenceExpired": _reference_voided,
    "ReferenceDeclined": _reference_declined,
    "RaterVetted": _rater_vetted,
}
"""Event class names (last part) of the registration and references mixins, with their entries. The rater's
name comes from the event (`rater_name`) or from the reference's first row (`details.reference_id`)."""


def entry_for(event: DomainEventProtocol[UUID], rater: str | None = None) -> Entry | None:
    """The timeline entry of one stored event, or None when it is not shown."""
    own = _own_entry(event)
    if own is not None:
        return own
    named = ASSUMED_NAMES.get(type(event).__name__)
    if named is None:
        return None
    name = getattr(event, "rater_name", None) or rater
    entry = named(event, name)
    if entry is None:
        return None
    reference_id = getattr(event, "reference_id", None)
    if reference_id is not None:
        details = {"reference_id": str(reference_id)}
        if name:  # the event's own, else the reference's first row's: every entry can name the rater
            details["rater_name"] = name
        entry = Entry(entry.kind, entry.at, entry.summary, entry.status, {**entry.details, **details})
    return entry


class TimelineProjection:
    """Projection of Application events into `application_timeline`."""

    name: str = "application_timeline"
    tables: tuple[str, ...] = ("application_timeline",)
    ddl: str = DDL

    async def apply(self, conn: asyncpg.Connection, event: DomainEventProtocol[UUID]) -> None:
        if isinstance(event, Erasure.SubjectErased):
            await _scrub_rater(conn, event)
            await _scrub_applicant(conn, event.applications)
            return
        tenant = getattr(event, "tenant", None)
        if tenant is None:
            return
        rater = None
        named = getattr(event, "rater", None)
        rater_subject = named.subject if isinstance(named, RaterIdentity) else None
        reference_id = getattr(event, "reference_id", None)
        if reference_id is not None and not getattr(event, "rater_name", None):
            first = await conn.fetchrow(
                "SELECT details->>'rater_name' AS name, rater_subject FROM application_timeline"
                " WHERE application_id = $1 AND details->>'reference_id' = $2 ORDER BY seq LIMIT 1",
                event.originator_id,
                str(reference_id),
            )
            if first is not None:
                rater, rater_subject = first["name"], rater_subject or first["rater_subject"]
        entry = entry_for(event, rater)
        if entry is None:
            return
        status = (
            entry.status
            or await conn.fetchval(
                "SELECT status FROM application_timeline WHERE application_id = $1 ORDER BY seq DESC LIMIT 1",
                event.originator_id,
            )
            or Status.DRAFT.value
        )
        await conn.execute(
            "INSERT INTO application_timeline (application_id, version, tenant, at, kind, status, summary, details,"
            " rater_subject) VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9)"
            " ON CONFLICT (application_id, version) DO NOTHING",
            event.originator_id,
            event.originator_version,
            tenant,
            entry.at,
            entry.kind,
            status,
            entry.summary,
            json.dumps(entry.details),
            rater_subject if reference_id is not None else None,
        )


async def _scrub_rater(conn: asyncpg.Connection, erased: Erasure.SubjectErased) -> None:
    """The rows naming an erased rater say "erased" instead of their name (rows replayed after the erasure never
    had it: the name no longer opens)."""
    await conn.execute(
        "UPDATE application_timeline SET summary = replace(summary, details->>'rater_name', $3),"
        " details = details || jsonb_build_object('rater_name', $3::text)"
        " WHERE tenant = $1 AND rater_subject = $2 AND details ? 'rater_name'",
        erased.tenant, erased.subject, ERASED,
    )


def _without_texts(kind: str, details: dict[str, Any]) -> tuple[str, dict[str, Any]] | None:
    """The summary and details of a row once its applicant is erased: the review's texts and the applicant's
    reason gone (as a rebuild from the erased events gives them); None for a row that holds none."""
    if kind == "returned":
        return (_returned_summary(details.get("stage", ""), (), None), {**details, "items": [], "message": None})
    if kind == "deferred":
        return (_deferred_summary((), (), details.get("earliest_rereview_on", "")),
                {**details, "reasons": [], "recommendations": []})
    if kind == "denied":
        return _denied_summary(()), {**details, "reasons": []}
    if kind == "withdrawn":
        reason = ERASURE_WITHDRAWAL if details.get("reason") == ERASURE_WITHDRAWAL else None
        return _withdrawn_summary(reason), {**details, "reason": reason}
    return None


async def _scrub_applicant(conn: asyncpg.Connection, applications: Sequence[UUID]) -> None:
    """The rows of an erased applicant's applications no longer say what the review wrote to them, nor why they
    withdrew."""
    if not applications:
        return
    rows = await conn.fetch("SELECT application_id, version, kind, details FROM application_timeline"
                            " WHERE application_id = ANY($1::uuid[]) AND kind = ANY($2::text[])",
                            list(applications), ["returned", "deferred", "denied", "withdrawn"])
    for row in rows:
        scrubbed = _without_texts(row["kind"], json.loads(row["details"]))
        if scrubbed is not None:
            await conn.execute("UPDATE application_timeline SET summary = $3, details = $4::jsonb"
                               " WHERE application_id = $1 AND version = $2",
                               row["application_id"], row["version"], scrubbed[0], json.dumps(scrubbed[1]))


async def timeline_of(pool: asyncpg.Pool, application_id: UUID) -> list[dict[str, Any]]:
    """The application's rows, oldest first (the table may lag the event store by a moment)."""
    async with pool.acquire() as conn:
        rows = await conn.fetch(
            "SELECT at, kind, status, summary, details FROM application_timeline WHERE application_id = $1"
            " ORDER BY seq",
            application_id,
        )
    return [{**dict(row), "details": json.loads(row["details"])} for row in rows]
