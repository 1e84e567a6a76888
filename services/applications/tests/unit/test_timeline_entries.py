"""What the applicant's timeline says for each stored event, and what it never says."""

from __future__ import annotations

import ast
import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import uuid4

from applications.domain import Applicant, Application, CategoryOffer
from applications.projections import timeline
from applications.projections.timeline import Entry, entry_for
from rule_builders import context, fill, satisfying, shipped

OFFER = CategoryOffer({"IFS": "Infant Family Specialist"})
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
TODAY = date(2026, 3, 1)
IFS = shipped("IFS", TODAY)


def journey() -> list[Any]:
    """Started, filled (references included), submitted, returned, resubmitted, deferred, resubmitted, approved for
    the exam, failed once, passed, endorsed."""
    application = Application.start("itmhca", Applicant(uuid4(), "Dana Reyes", "dana@example.org"), "IFS", OFFER)
    fill(application, satisfying(IFS, TODAY), context(TODAY), NOW, IFS)
    application.submit(IFS, NOW, TODAY)
    first_case = uuid4()
    application.return_for_information(
        review_case_id=first_case,
        submission_number=1,
        stage="completeness",
        items=["Transcript"],
        message="Upload it as a PDF.",
        requested_at=NOW + timedelta(hours=1),
    )
    application.submit(IFS, NOW + timedelta(hours=2), TODAY)
    application.defer(
        review_case_id=first_case,
        reasons=["More RSC hours"],
        recommendations=["12 hours of RSC"],
        earliest_rereview_on=TODAY,
        deferred_at=NOW + timedelta(hours=3),
    )
    application.submit(IFS, NOW + timedelta(hours=4), TODAY)
    second_case = uuid4()
    application.approve_for_exam(review_case_id=second_case, approved_at=NOW + timedelta(hours=5))
    application.record_exam_result(
        review_case_id=second_case, attempt=1, taken_on=TODAY, passed=False, retake_eligible_on=date(2027, 3, 1)
    )
    application.record_exam_result(
        review_case_id=second_case, attempt=2, taken_on=date(2027, 3, 2), passed=True, retake_eligible_on=None
    )
    application.endorse(
        review_case_id=second_case,
        endorsement_id=uuid4(),
        effective_date=date(2027, 3, 10),
        renewal_date=date(2028, 1, 15),
        emerging_until=None,
        endorsed_at=NOW + timedelta(days=380),
    )
    return list(application.collect_events())


def entries(events: list[Any]) -> list[Entry]:
    """As the projection does: the rater's name from the reference's first entry."""
    raters: dict[str, str] = {}
    shown = []
    for event in events:
        reference_id = str(getattr(event, "reference_id", ""))
        entry = entry_for(event, raters.get(reference_id))
        if entry is None:
            continue
        if "rater_name" in entry.details:
            raters[entry.details["reference_id"]] = entry.details["rater_name"]
        shown.append(entry)
    return shown


def test_a_journey_reads_as_one_entry_per_meaningful_event_with_the_status_after_it() -> None:
    shown = entries(journey())

    assert [(e.kind, e.status) for e in shown] == [
        ("started", "draft"),
        ("reference_requested", None),
        ("reference_completed", None),
        ("reference_requested", None),
        ("reference_completed", None),
        ("reference_requested", None),
        ("reference_completed", None),
        ("registered", "registered"),
        ("registration_accepted", "accepted"),
        ("submitted", "submitted"),
        ("returned", "returned"),
        ("resubmitted", "submitted"),
        ("deferred", "deferred"),
        ("resubmitted", "submitted"),
        ("approved_for_exam", "approved_for_exam"),
        ("exam_result", None),
        ("exam_result", None),
        ("endorsed", "endorsed"),
    ]


def test_returns_and_deferrals_say_what_to_do_and_from_when() -> None:
    by_kind = {e.kind: e for e in entries(journey())}

    returned = by_kind["returned"]
    assert (
        returned.summary == "Returned as incomplete: Transcript. Upload it as a PDF. Edit the application and "
        "resubmit it."
    )
    assert returned.details["items"] == ["Transcript"]
    assert returned.at == NOW + timedelta(hours=1)
    deferred = by_kind["deferred"]
    assert deferred.summary == (
        "Deferred: More RSC hours. Recommended: 12 hours of RSC. You may amend and resubmit from 2026-03-01."
    )
    assert deferred.details["earliest_rereview_on"] == "2026-03-01"
    resubmissions = [e for e in entries(journey()) if e.kind == "resubmitted"]
    assert [e.summary for e in resubmissions] == [
        "Resubmitted in response to the request for more information (submission 2).",
        "Resubmitted in response to the deferral (submission 3).",
    ]


def test_references_name_the_rater_but_never_show_what_the_rater_wrote() -> None:
    events = journey()
    answered = [e for e in events if type(e).__name__ == "ReferenceAnswered"]
    assert answered and all(e.ratings for e in answered)
    shown = [e for e in entries(events) if e.kind.startswith("reference")]

    assert [e.summary for e in shown[:2]] == ["Reference request sent to Rater 1.", "Reference from Rater 1 received."]
    text = json.dumps([[e.summary, e.details] for e in shown])
    for event in answered:
        for item, rating in event.ratings.items():
            assert item not in text and rating not in text
        assert not event.comments.text or event.comments.text not in text
    assert "not enough information" not in text


def test_edits_on_the_tabs_are_not_on_the_timeline() -> None:
    names = {type(e).__name__ for e in journey() if entry_for(e) is None}

    assert {"EntryAdded", "MembershipRecorded", "Attested", "FeeRecorded"} <= names


TIMELINE_KINDS = {
    "started", "registered", "registration_accepted", "reference_requested", "reference_completed",
    "reference_voided", "reference_declined", "submitted", "resubmitted", "review_opened", "returned", "deferred",
    "approved_for_exam", "exam_result", "endorsed", "denied", "withdrawn",
}
"""Every `kind` the projection can write: the portal keeps the same list and says each in English and Spanish."""


def produced_kinds() -> set[str]:
    """The kinds timeline.py can produce: the first argument of every `Entry(...)` and every string given to `kind`."""
    tree = ast.parse(Path(timeline.__file__).read_text())
    kinds: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "Entry" and node.args:
            first = node.args[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                kinds.add(first.value)
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
            pairs = (zip(target.elts, value.elts, strict=False)
                     if isinstance(target, ast.Tuple) and isinstance(value, ast.Tuple) else [(target, value)])
            for name, given in pairs:  # `kind = "resubmitted"`, `summary, kind = "...", "submitted"`
                if isinstance(name, ast.Name) and name.id == "kind" and isinstance(given, ast.Constant):
                    kinds.add(given.value)
    return kinds


def test_the_kinds_the_projection_can_produce_are_the_listed_ones() -> None:
    assert produced_kinds() == TIMELINE_KINDS
    assert {e.kind for e in entries(journey())} <= TIMELINE_KINDS


def test_details_hold_every_value_the_summary_names() -> None:
    shown = entries(journey())
    by_kind = {e.kind: e for e in shown}

    assert by_kind["started"].details == {"category": "IFS", "category_name": "Infant Family Specialist",
                                          "application_kind": "initial"}
    exams = [e.details for e in shown if e.kind == "exam_result"]
    assert [(d["taken_on"], d["passed"]) for d in exams] == [("2026-03-01", False), ("2027-03-02", True)]
    assert by_kind["endorsed"].details["emerging_until"] is None
    requested = [e.details for e in shown if e.kind == "reference_requested"]
    assert all(d["again"] is False and d["rater_name"] for d in requested)
    completed = [e for e in shown if e.kind == "reference_completed"]
    assert all(e.details["rater_name"] in e.summary for e in completed)
