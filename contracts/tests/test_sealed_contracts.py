"""The v2 events carry no readable personal data: every v1 event of the applications, reviews and accounts producers
has a sealed twin on the v2 topic, no personal field is left plain, plaintext is refused where a token belongs,
and the twins round-trip through the CloudEvents binding."""

from __future__ import annotations

import base64
import json
import secrets
from collections.abc import Iterator
from datetime import UTC, date, datetime
from types import UnionType
from typing import Annotated, Any, Literal, Union, get_args, get_origin
from uuid import uuid4

import pytest
from endorsement_contracts import (
    ACCOUNTS,
    APPLICATIONS,
    EVENTS_BY_TYPE,
    REVIEWS,
    IntegrationEvent,
    SealedPerson,
    UndeliverableMessage,
    accounts_v2,
    applications_v2,
    decode,
    encode,
    partition_counts,
    reviews_v2,
)
from endorsement_contracts.events import SEALED, SealedMarker, accounts, applications, reviews
from endorsement_contracts.events.applications_v2 import SealedRater, SealedRequirementOutcome
from pydantic import BaseModel, EmailStr, ValidationError

PRODUCERS = (
    (applications.EVENTS, applications_v2.EVENTS, APPLICATIONS.replaced_by),
    (reviews.EVENTS, reviews_v2.EVENTS, REVIEWS.replaced_by),
    (accounts.EVENTS, accounts_v2.EVENTS, ACCOUNTS.replaced_by),
)
V1_EVENTS = tuple(e for v1, _, _ in PRODUCERS for e in v1)
V2_EVENTS = tuple(e for _, v2, _ in PRODUCERS for e in v2)

PERSONAL_WORDS = frozenset({
    "name", "email", "phone", "statement", "employer", "comment", "comments", "details", "detail", "reason",
    "reasons", "recommendations", "items", "message", "answer", "answers", "url", "link", "address", "county",
})
"""A plain string field whose name holds one of these words (`reviewer_email`, `form_url`) is presumed personal."""

NOT_PERSONAL = {
    "category_name": "the category's display name, from the association's configuration",
    "EndorsementLapsed.reason": "written by the platform from the renewal and removal dates, never by a person",
}
"""Plain string fields that the deny-list would flag but that hold nothing about a person (see the README table)."""


# -- walking the models by type ---------------------------------------------------------------------------------


def string_leaves(model: type[BaseModel], path: str = "") -> Iterator[tuple[str, str, bool]]:
    """Every string a model can hold, nested models, lists and dict values included: `(path, field name, sealed)`."""
    for name, field in model.model_fields.items():
        sealed = any(isinstance(m, SealedMarker) for m in field.metadata)
        yield from _leaves(field.annotation, f"{path}.{name}" if path else name, name, sealed=sealed)


def _leaves(annotation: Any, path: str, name: str, *, sealed: bool) -> Iterator[tuple[str, str, bool]]:
    origin = get_origin(annotation)
    if origin is Annotated:
        base, *metadata = get_args(annotation)
        yield from _leaves(base, path, name, sealed=sealed or any(isinstance(m, SealedMarker) for m in metadata))
    elif origin is Literal:
        return  # machine codes, fixed by the contract
    elif isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield from string_leaves(annotation, path)
    elif annotation is str or annotation is EmailStr:
        yield path, name, sealed
    elif origin is dict:
        yield from _leaves(get_args(annotation)[1], f"{path}[*]", name, sealed=sealed)
    elif origin in (list, tuple, set, frozenset, Union, UnionType):
        for argument in get_args(annotation):
            yield from _leaves(argument, f"{path}[*]" if origin not in (Union, UnionType) else path, name,
                               sealed=sealed)


def field_paths(model: type[BaseModel], path: str = "") -> set[str]:
    """The names of every field, nested models' fields included (`applicant.email`, `rater.role`)."""
    paths: set[str] = set()
    for name, field in model.model_fields.items():
        here = f"{path}.{name}" if path else name
        paths.add(here)
        for nested in _models_in(field.annotation):
            paths |= field_paths(nested, here)
    return paths


def _models_in(annotation: Any) -> Iterator[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
    for argument in get_args(annotation):
        yield from _models_in(argument)


def plain_personal_strings(event: type[IntegrationEvent]) -> list[str]:
    return [f"{event.event_type}.{path}" for path, name, sealed in string_leaves(event)
            if not sealed and PERSONAL_WORDS & set(name.split("_"))
            and name not in NOT_PERSONAL and f"{event.event_type}.{path}" not in NOT_PERSONAL]


# -- the contracts ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("v1", V1_EVENTS, ids=lambda e: e.type_name())
def test_every_v1_event_has_a_sealed_twin_on_the_v2_topic(v1: type[IntegrationEvent]) -> None:
    twin = EVENTS_BY_TYPE[f"{v1.event_type}.v2"]
    assert twin.version == 2
    v2_topic = next(topic for events, _, topic in PRODUCERS if v1 in events)
    assert twin.topic == v2_topic
    assert v2_topic in partition_counts()
    assert twin.key_field == v1.key_field
    assert field_paths(twin) == field_paths(v1)
    assert not issubclass(twin, v1), "a consumer matching the v1 class would take a v2 event for it"


def test_each_producer_publishes_only_twins_on_its_v2_topic() -> None:
    """All of a producer's events share its v2 topic (per-key order across types), and nothing else is there."""
    for v1, v2, topic in PRODUCERS:
        assert [e.event_type for e in v2] == [e.event_type for e in v1]
        assert {e.topic for e in v2} == {topic}
    assert partition_counts()[APPLICATIONS.replaced_by or ""] == APPLICATIONS.partitions
    assert partition_counts()[REVIEWS.replaced_by or ""] == REVIEWS.partitions
    assert partition_counts()[ACCOUNTS.replaced_by or ""] == ACCOUNTS.partitions


def test_the_walk_finds_the_personal_fields_of_v1() -> None:
    """Control: the same walk flags v1's plain personal fields, so a clean v2 means sealed, not unseen."""
    flagged = {path for event in V1_EVENTS for path in plain_personal_strings(event)}
    for expected in ("ApplicationSubmitted.applicant.email", "ApplicationSubmitted.details[*]",
                     "ReferenceRequested.rater.name", "ReferenceRequested.form_url", "ReferenceDeclined.reason",
                     "ReviewerAssigned.reviewer_name", "InformationRequested.items[*]",
                     "PasswordResetRequested.link", "AccountRegistered.email"):
        assert expected in flagged


@pytest.mark.parametrize("event", V2_EVENTS, ids=lambda e: e.type_name())
def test_no_v2_event_has_a_plain_personal_string(event: type[IntegrationEvent]) -> None:
    assert plain_personal_strings(event) == []


def test_sealed_fields_are_found_by_type_in_nested_lists_and_maps() -> None:
    sealed = {path for path, _, is_sealed in string_leaves(applications_v2.ApplicationSubmitted) if is_sealed}
    assert sealed == {"applicant.name", "applicant.email", "details[*]", "requirement_report[*].detail"}
    sealed = {path for path, _, is_sealed in string_leaves(reviews_v2.InformationRequested) if is_sealed}
    assert sealed == {"applicant.name", "applicant.email", "items[*]", "message"}


# -- values -------------------------------------------------------------------------------------------------------


def token(subject: str) -> str:
    """A well-formed token, as `servicekit.shredding` makes them (this package never opens one)."""
    def b64(raw: bytes) -> str:
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
    return f"pd1.{b64(subject.encode())}.{b64(secrets.token_bytes(48))}"


AT = datetime(2026, 12, 8, 9, 0, tzinfo=UTC)


def applicant() -> SealedPerson:
    account_id = uuid4()
    subject = f"account:{account_id}"
    return SealedPerson(account_id=account_id, name=token(subject), email=token(subject))


def rater() -> SealedRater:
    subject = f"rater:itmhca:{secrets.token_hex(32)}"
    return SealedRater(name=token(subject), email=token(subject), role="supervisor", language="es")


def samples() -> list[IntegrationEvent]:
    person = applicant()
    subject = f"account:{person.account_id}"
    account_id = uuid4()
    return [
        applications_v2.ApplicationSubmitted(
            tenant="itmhca", occurred_at=AT, application_id=uuid4(), submission_number=1, applicant=person,
            category="IFS", category_name="Infant Family Specialist", rule_set_version="itmhca/IFS/2026-01-01",
            details={"statement": token(subject), "rater_emails": token(subject)},
            requirement_report=[SealedRequirementOutcome(code="RSC_HOURS", met=True, detail=token(subject))],
            exam_required=False),
        applications_v2.ReferenceRequested(
            tenant="itmhca", occurred_at=AT, application_id=uuid4(), reference_id=uuid4(), request_number=1, slot=1,
            applicant=person, category="IFS", category_name="Infant Family Specialist", rater=rater(),
            form_url=token("rater:itmhca:" + "ab" * 32), expires_at=AT),
        applications_v2.ReferenceDeclined(
            tenant="itmhca", occurred_at=AT, application_id=uuid4(), reference_id=uuid4(), slot=2, applicant=person,
            category="IFS", category_name="Infant Family Specialist", rater=rater(), waived=True,
            reason=token(subject)),
        reviews_v2.InformationRequested(
            tenant="itmhca", occurred_at=AT, review_case_id=uuid4(), application_id=uuid4(), submission_number=1,
            applicant=person, category="IFS", stage="review", items=[token(subject), token(subject)],
            message=token(subject), requested_by=uuid4(), requested_by_role="reviewer"),
        reviews_v2.ReviewerAssigned(
            tenant="itmhca", occurred_at=AT, review_case_id=uuid4(), application_id=uuid4(), category="IFS",
            reviewer_email=token(f"account:{account_id}"), reviewer_name=token(f"account:{account_id}"), slot=1,
            assigned_by=uuid4()),
        reviews_v2.EndorsementRevoked(
            tenant="itmhca", occurred_at=AT, endorsement_id=uuid4(), category="IFS", revoked_on=date(2026, 12, 8),
            reason=token(subject), revoked_by=uuid4()),
        accounts_v2.AccountRegistered(
            tenant="itmhca", occurred_at=AT, account_id=account_id, email=token(f"account:{account_id}"),
            name=token(f"account:{account_id}"), language="en", roles=["applicant"]),
        accounts_v2.PasswordResetRequested(
            tenant="itmhca", occurred_at=AT, account_id=account_id, email=token(f"account:{account_id}"),
            name=token(f"account:{account_id}"), language="es", request_id=uuid4(),
            link=token(f"account:{account_id}"), expires_at=AT),
    ]


def with_each_token_replaced(data: Any, plaintext: str) -> Iterator[tuple[str, Any]]:
    """The event's JSON once per token in it, with that token replaced by plaintext: `(where, data)`."""
    if isinstance(data, dict):
        for key, value in data.items():
            for where, changed in with_each_token_replaced(value, plaintext):
                yield f"{key}.{where}".rstrip("."), {**data, key: changed}
    elif isinstance(data, list):
        for index, value in enumerate(data):
            for where, changed in with_each_token_replaced(value, plaintext):
                yield f"{index}.{where}".rstrip("."), [*data[:index], changed, *data[index + 1:]]
    elif isinstance(data, str) and data.startswith("pd1."):
        yield "", plaintext


@pytest.mark.parametrize("event", samples(), ids=lambda e: e.type_name())
def test_sealed_twins_round_trip_through_the_binding(event: IntegrationEvent) -> None:
    record = encode(event, event_id="e-1", source="/services/test")
    headers = dict(record.headers)
    assert headers["ce_type"] == f"{event.event_type}.v2".encode()
    assert record.topic.endswith(".v2")
    envelope = decode(record.headers, record.value)
    assert envelope.event == event
    assert type(envelope.event) is type(event)


@pytest.mark.parametrize("event", samples(), ids=lambda e: e.type_name())
@pytest.mark.parametrize("plaintext", ["Zelda Quixmarker", "zq@example.org", "pd1.not-a-token", ""])
def test_plaintext_where_a_token_belongs_is_refused(event: IntegrationEvent, plaintext: str) -> None:
    data = json.loads(event.model_dump_json())
    replaced = list(with_each_token_replaced(data, plaintext))
    assert replaced, "every sample carries tokens"
    record = encode(event, event_id="e-2", source="/services/test")
    for where, changed in replaced:
        with pytest.raises(ValidationError):
            type(event).model_validate(changed)
        with pytest.raises(UndeliverableMessage, match="failed validation") as caught:
            decode(record.headers, json.dumps(changed).encode())
        if plaintext:
            assert plaintext not in caught.value.reason, f"{where}: the dead-letter reason repeats the value"


def test_detail_names_are_machine_names() -> None:
    """`details` keys travel unsealed, so a key cannot carry a value."""
    data = json.loads(samples()[0].model_dump_json())
    with pytest.raises(ValidationError):
        applications_v2.ApplicationSubmitted.model_validate({**data, "details": {"Zelda Quixmarker": data["details"][
            "statement"]}})


def test_the_marker_is_the_one_on_the_sealed_type() -> None:
    """Consumers find tokens by `SEALED`: the v2 person's fields carry exactly that marker."""
    assert SEALED in SealedPerson.model_fields["name"].metadata
    assert SEALED in accounts_v2.PasswordResetRequested.model_fields["link"].metadata
