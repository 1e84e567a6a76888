"""Rater links: tokens derived with the key (nothing secret stored), forgeries refused, and the translated
`ReferenceRequested` carrying a link that opens the reference; `ReferenceCompleted`/`ReferenceVoided` follow."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import pytest
from applications.domain import Applicant, Application, CategoryOffer
from applications.domain.reference_data import Rater, ReferencePolicy
from applications.domain.reference_links import ReferenceLinks
from applications.domain.rules import RaterRole
from applications.translation import Translator
from endorsement_contracts import decode, encode
from endorsement_contracts.events.applications import ReferenceCompleted, ReferenceRequested, ReferenceVoided
from reference_builders import form, ratings
from rule_builders import shipped

LINKS = ReferenceLinks(b"k" * 32, "https://endorse.example/")
OTHER_KEY = ReferenceLinks(b"o" * 32, "https://endorse.example")
APPLICATION, REFERENCE = uuid4(), uuid4()
NOW = datetime(2026, 3, 1, 17, 0, tzinfo=UTC)
IFA = shipped("IFA", date(2026, 3, 1))
OFFER = CategoryOffer({"IFA": "Infant Family Associate"})


def test_a_token_names_its_reference_and_request_and_carries_a_keyed_secret() -> None:
    token = LINKS.token(APPLICATION, REFERENCE, 3)

    parsed = LINKS.parse(token)

    assert parsed is not None
    assert (parsed.application_id, parsed.reference_id, parsed.request_number) == (APPLICATION, REFERENCE, 3)
    assert parsed.secret == LINKS.secret(APPLICATION, REFERENCE, 3) != LINKS.secret(APPLICATION, REFERENCE, 4)
    assert LINKS.url(APPLICATION, REFERENCE, 3) == f"https://endorse.example/rate/{token}"


def forgeries() -> list[str]:
    token = LINKS.token(APPLICATION, REFERENCE, 1)
    app, ref, number, secret = token.split(".")
    flipped = ("A" if secret[0] != "A" else "B") + secret[1:]
    return [
        f"{app}.{ref}.{number}.{flipped}",  # one character of the secret
        f"{app}.{ref}.2.{secret}",  # another request
        f"{uuid4().hex}.{ref}.{number}.{secret}",  # another application
        f"{app}.{uuid4().hex}.{number}.{secret}",  # another reference
        OTHER_KEY.token(APPLICATION, REFERENCE, 1),  # made with another key
        token + "x", token[:-1], "", "../../etc/passwd", f"{app}.{ref}.0.{secret}", token.upper(), "x" * 5000,
    ]


@pytest.mark.parametrize("token", forgeries())
def test_a_forged_or_malformed_token_parses_to_nothing(token: str) -> None:
    assert LINKS.parse(token) is None


def test_a_key_must_be_long_enough() -> None:
    with pytest.raises(ValueError, match="32 bytes"):
        ReferenceLinks(b"short", "https://endorse.example")


# translation ------------------------------------------------------------------------------------------------


def history() -> tuple[Application, list[Any], dict[str, UUID]]:
    """An IFA draft: a supervisor reminded once and answering, a rater refused at vetting, one withdrawn, and one
    with too little information."""
    application = Application.start("itmhca", Applicant(uuid4(), "Dana Reyes", "dana@example.org"), "IFA", OFFER)

    def issue(reference_id: UUID, number: int) -> str:
        return LINKS.secret_hash(application.id, reference_id, number)

    policy = ReferencePolicy()
    ids = {name: uuid4() for name in ("supervisor", "unvetted", "colleague", "unknowing")}
    rule = IFA.references
    application.name_rater(ids["supervisor"], 1, Rater("Sam Ortiz", "sam@example.org", RaterRole.SUPERVISOR),
                           waived=True, rules=rule, at=NOW, issue=issue, policy=policy)
    application.name_rater(ids["unvetted"], 2, Rater("Bo Diaz", "bo@example.org", RaterRole.ENDORSED_OR_VETTED),
                           waived=False, rules=rule, at=NOW, issue=issue, policy=policy)
    application.name_rater(ids["colleague"], 3, Rater("Lee Park", "lee@example.org", RaterRole.COLLEAGUE),
                           waived=False, rules=rule, at=NOW, issue=issue, policy=policy)
    later = NOW + timedelta(days=8)
    application.remind_if_due(ids["supervisor"], later, issue, policy)
    application.answer_reference(ids["supervisor"], 2, LINKS.secret(application.id, ids["supervisor"], 2),
                                 ratings=ratings(rule, unknown=2), comments="Steady.", form=form(rule), at=later,
                                 on=later.date())
    application.vet_rater(ids["unvetted"], approved=False, reason="Not familiar with the Guidelines", by=uuid4(),
                          at=later)
    application.name_rater(ids["unknowing"], 3, Rater("Kim Wu", "kim@example.org", RaterRole.TRAINER),
                           waived=False, rules=rule, at=later, issue=issue, policy=policy, replaces=ids["colleague"])
    application.answer_reference(ids["unknowing"], 1, LINKS.secret(application.id, ids["unknowing"], 1),
                                 ratings=ratings(rule, unknown=6), comments=None, form=form(rule), at=later,
                                 on=later.date())
    return application, list(application.collect_events()), ids


def translator(events: list[Any]) -> Translator:
    def load_version(application_id: UUID, version: int) -> Application:
        aggregate: Any = None
        for stored in events:
            if stored.originator_version <= version:
                aggregate = stored.mutate(aggregate)
        assert isinstance(aggregate, Application)
        return aggregate

    return Translator(load_version, LINKS)


def test_each_request_publishes_the_raters_working_link_and_nothing_secret_is_stored() -> None:
    _, events, ids = history()
    translate = translator(events)

    requested = [p for e in events if isinstance(p := translate(e), ReferenceRequested)]

    assert [(r.reference_id, r.request_number, r.reminder) for r in requested] == [
        (ids["supervisor"], 1, False), (ids["unvetted"], 1, False), (ids["colleague"], 1, False),
        (ids["supervisor"], 2, True), (ids["unknowing"], 1, False)]
    reminder = requested[3]
    assert (reminder.slot, reminder.rater.name, reminder.rater.email, reminder.rater.role) == (
        1, "Sam Ortiz", "sam@example.org", "supervisor")
    assert (reminder.applicant.name, reminder.category, reminder.category_name) == (
        "Dana Reyes", "IFA", "Infant Family Associate")
    assert reminder.expires_at == NOW + timedelta(days=8 + 30)
    link = LINKS.parse(reminder.form_url.removeprefix("https://endorse.example/rate/"))
    assert link is not None and (link.reference_id, link.request_number) == (ids["supervisor"], 2)
    assert all(link.secret not in repr(e.__dict__) for e in events)  # only its hash was stored
    assert decode(*_record(reminder)).event == reminder


def _record(event: ReferenceRequested) -> tuple[Any, bytes]:
    record = encode(event, event_id=uuid4(), source="/services/applications")
    return record.headers, record.value


def test_answers_withdrawals_and_vetting_refusals_publish_completed_or_voided() -> None:
    _, events, ids = history()
    translate = translator(events)

    outcomes = [p for e in events if isinstance(p := translate(e), ReferenceCompleted | ReferenceVoided)]

    completed, refused, withdrawn, unknowing = outcomes
    assert isinstance(completed, ReferenceCompleted)
    assert (completed.reference_id, completed.waived, completed.not_enough_information) == (ids["supervisor"], True, 2)
    assert completed.completed_on == (NOW + timedelta(days=8)).date()
    assert completed.valid_until == completed.completed_on + timedelta(days=364)
    assert completed.ratings == ratings(IFA.references, unknown=2)
    assert [(o.reference_id, o.reason) for o in (refused, withdrawn, unknowing)] == [  # type: ignore[union-attr]
        (ids["unvetted"], "vetting_refused"), (ids["colleague"], "withdrawn"), (ids["unknowing"],
                                                                               "not_enough_information")]
    assert refused.detail == "Not familiar with the Guidelines"  # type: ignore[union-attr]
