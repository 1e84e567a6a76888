"""`python -m applications reseal` on the real PostgreSQL event store (docs/erasure.md, slice 9): events stored in
their plaintext shapes before sealing still read (upcasters), are sealed in place by `servicekit.reseal`, and an
erasure then reaches them. An applicant erased before the migration keeps nothing: their plaintext is not sealed
again but dropped.

The stored events of two personal files (`personal_files.py`) are rewritten as an older release stored them: every
value this slice seals in plaintext (membership and fee references, the review's texts, a rater's draft without its
application, vetting and withdrawal reasons, a reviewer's address in the grant and its key, a holding's inactive,
lapse and revocation reasons), as well as the values
sealed before (the applicant, the profile, entries, raters, comments, the requirement report's details).
"""

from __future__ import annotations

import json
from typing import Any
from uuid import UUID, uuid4

import psycopg
from applications.application import ApplicationsService
from applications.bootstrap import open_service
from applications.config import SCHEMA, ApplicationsSettings
from applications.domain import Applicant, Application, Tab
from applications.domain.holdings import Holding
from applications.domain.reference_drafts import ReferenceDraft
from applications.domain.reference_events import (
    RaterNamed,
    RaterVetted,
    ReferenceAnswered,
    ReferenceDeclined,
)
from eventsourcing.domain import DomainEventProtocol
from personal_files import PersonalFile, a_personal_file, draft_comments
from psycopg import sql
from servicekit.reseal import reseal

Rewrite = dict[str, Any]


def _before_sealing(event: Any, addresses: dict[str, str]) -> Rewrite | None:
    """The event's state in its version-1 shape (plaintext), or None for an event whose shape did not change."""
    state: Rewrite = {k: v for k, v in vars(event).items() if k not in ("originator_id", "originator_version")}
    match event:
        case Application.Started():
            pass  # the applicant's plaintext shape is written after encoding (`_encoded`)
        case Application.DetailsUpdated():
            profile = state.pop("profile")
            state.update(phone=profile.phone, county=profile.county, statement=profile.statement)
        case Application.EntryAdded() | Application.EntryReplaced():
            state["entry"] = event.entry.entry
        case Application.MembershipRecorded():
            state["membership"] = event.membership.record
        case Application.FeeRecorded():
            state["fee"] = event.fee.record
        case Application.Submitted():
            state["requirement_report"] = [{**line, "detail": line["detail"].text}
                                           for line in state["requirement_report"]]
        case Application.Withdrawn():
            del state["why"], state["erasure"]
            state["reason"] = event.reason
        case RaterNamed():
            del state["rater"]
            state.update(rater_name=event.rater.name, rater_email=event.rater.email)
        case ReferenceAnswered():
            state["comments"] = event.comments.text
        case ReferenceDeclined():
            state["reason"] = event.reason.text
        case RaterVetted():
            del state["why"]
            state["reason"] = event.reason
        case Application.ReturnedForInformation():
            del state["asked"], state["note"]
            state.update(items=list(event.items), message=event.message)
        case Application.Deferred():
            del state["why"], state["advice"]
            state.update(reasons=list(event.reasons), recommendations=list(event.recommendations))
        case Application.Denied():
            del state["why"]
            state["reasons"] = list(event.reasons)
        case Application.ReviewerAccessGranted() | Application.ReviewerAccessEnded():
            address = addresses[state.pop("reviewer")]
            state["reviewer_email"] = address
            state["event_key"] = event.event_key.replace(event.reviewer, address)
        case Holding.MadeInactive() | Holding.Lapsed() | Holding.Revoked():
            del state["why"]
            state["reason"] = event.reason
        case ReferenceDraft.Started():
            del state["application_id"]  # drafts started before sealing named only their reference
        case ReferenceDraft.Saved():
            state["comments"] = event.comments.text
        case _:
            return None
    return state


def _encoded(app: ApplicationsService, event: Any, state: Rewrite) -> bytes:
    data = json.loads(app.mapper.transcoder.encode(state))
    if isinstance(event, Application.Started):
        applicant: Applicant = event.applicant
        data["applicant"] = {"_type_": "applicant", "_data_": {
            "account_id": str(applicant.account_id), "name": applicant.name, "email": applicant.email}}
    return json.dumps(data).encode()


def store_as_before_sealing(app: ApplicationsService, database_url: str, addresses: dict[str, str]) -> int:
    """Every stored event whose shape changed, rewritten in place in its version-1 shape; how many of them a later
    version replaced (what reseal re-encodes: a draft's `Started` gained a field, not a version)."""
    recorder = app.process_recorder
    table = sql.Identifier(SCHEMA, recorder.events_table_name)
    rewritten = 0
    with psycopg.connect(database_url) as conn, conn.transaction():
        for notification in recorder.select_notifications(1, 10_000):
            event: DomainEventProtocol[UUID] = app.mapper.to_domain_event(notification)
            state = _before_sealing(event, addresses)
            if state is None:
                continue
            conn.execute(sql.SQL("UPDATE {} SET state = %s WHERE originator_id = %s AND originator_version = %s")
                         .format(table), (_encoded(app, event, state), notification.originator_id,
                                          notification.originator_version))
            rewritten += getattr(type(event), "class_version", 1) > 1
    return rewritten


def stored_text(database_url: str, table: str) -> str:
    """Every stored event's state as text, lower-cased (the JSON as escaped bytes)."""
    with psycopg.connect(database_url) as conn:
        row = conn.execute(sql.SQL("SELECT string_agg(encode(state, 'escape'), ' ') FROM {}").format(
            sql.Identifier(SCHEMA, table))).fetchone()
    return str(row[0] if row else "").lower()


def what_it_reads(app: ApplicationsService, file: PersonalFile) -> dict[str, Any]:
    """Every personal value of the file as the aggregates read it."""
    decided, withdrawn = app.load(file.decided), app.load(file.withdrawn)
    holding = app.find(Holding, file.holding)
    assert decided.deferral is not None and decided.membership is not None and holding is not None
    return {
        "applicant": decided.applicant,
        "entries": [vars(entry) for tab in Tab for entry in decided.entries(tab).values()],
        "member_id": decided.membership.member_id,
        "fee_references": sorted(str(fee.reference) for fee in decided.fees.values()),
        "report": [line["detail"] for line in decided.requirement_report],
        "deferral": (decided.deferral.reasons, decided.deferral.recommendations),
        "denial": decided.denial_reasons,
        "reviewer_keys": sorted(decided.handled_reviewer_events),
        "raters": sorted((r.rater.name or "", r.rater.email or "", r.rater.subject or "")
                         for r in decided.reference_list()),
        "comments": sorted(r.answer.comments or "" for r in decided.reference_list() if r.answer is not None),
        "withdrawal": withdrawn.withdrawal_reason,
        "vetting": withdrawn.reference(file.vetted_reference).vetting_reason,
        "draft": draft_comments(app, file.draft_reference),
        "holding": (holding.inactive_reason, [change.detail for change in holding.history
                                              if change.what in ("inactive", "lapsed", "revoked")]),
    }


def test_events_stored_before_sealing_are_sealed_in_place_and_an_erasure_then_reaches_them(
        settings: ApplicationsSettings) -> None:
    database_url = settings.database_url
    app = open_service(settings)
    try:
        zelda = a_personal_file(app, uuid4().hex[:10], "Zelda Quixmarker")
        yuri = a_personal_file(app, uuid4().hex[:10], "Yuri Oldmarker")
        before = what_it_reads(app, zelda)
        addresses = {app.rater_subject("itmhca", f.markers["reviewer"]): f.markers["reviewer"] for f in (zelda, yuri)}
        rewritten = store_as_before_sealing(app, database_url, addresses)
        table = app.process_recorder.events_table_name
    finally:
        app.close()
    markers = [*zelda.markers.values(), *yuri.markers.values(), "quixmarker", "oldmarker"]
    assert all(marker.lower() in stored_text(database_url, table) for marker in markers)  # the control: plaintext again

    app = open_service(settings)  # as after an upgrade: nothing remembered of the events' subjects
    try:
        # the older events still read, every value under its subject (the reviewer's grant keyed by subject)
        assert what_it_reads(app, zelda) == before
        # when Yuri is erased before the migration, and the migration runs (twice)
        app.keys.destroy(yuri.applicant.subject)
        report = reseal(app, database_url)
        assert report.resealed == rewritten
        assert reseal(app, database_url).resealed == 0  # a second run changes nothing
        # then no stored event holds any of it in plaintext
        text = stored_text(database_url, table)
        assert [marker for marker in markers if marker.lower() in text] == []
        assert "pd1." in text
        # and Zelda's file reads as before, while Yuri's reads as erased
        assert what_it_reads(app, zelda) == before
        erased = what_it_reads(app, yuri)
        assert (erased["applicant"].name, erased["member_id"], erased["withdrawal"], erased["draft"],
                erased["holding"]) == (None, None, None, None, (None, ["", "", ""]))
        # and erasing Zelda now reaches what was stored before sealing
        app.keys.destroy(zelda.applicant.subject)
        after = what_it_reads(app, zelda)
        assert (after["applicant"].name, after["member_id"], after["fee_references"], after["deferral"],
                after["denial"], after["withdrawal"], after["vetting"], after["draft"], after["comments"]) == (
            None, None, ["None"] * len(before["fee_references"]), ((), ()), (), None, None, None,
            [""] * len(before["comments"]))
        assert after["holding"] == (None, ["", "", ""])  # the holding still replays, its reasons gone
        assert after["reviewer_keys"] == before["reviewer_keys"]  # the grants still replay
    finally:
        app.close()
