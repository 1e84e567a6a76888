"""Rotating reviews' personal-data master key on PostgreSQL (services/reviews/README.md, "Master key rotation"):
with the pseudonym keys pinned first (`python -m reviews fingerprint-key`), a case stored before the rotation still
finds its conflicts of interest afterwards; derived from the new master key instead, the stored fingerprints would
no longer match. Outside development and tests the service refuses to start without them."""

from __future__ import annotations

import base64
import os
from datetime import UTC, datetime
from typing import Any
from uuid import uuid4

import pytest
from pydantic import ValidationError
from reviews.__main__ import main
from reviews.application import Reviews, Submission
from reviews.bootstrap import open_reviews, open_reviews_at
from reviews.config import SCHEMA, MissingPseudonymKeys, PseudonymKeys, ReviewsSettings, load_tenants
from reviews.domain import Applicant, conflict_of
from servicekit.shredding import SubjectKeys

from .conftest import TENANTS_DIR

MENTOR = "reviewer.mentor@itmhca.example"
MENTOR_EMPLOYER = "Example Infant Mental Health Clinic"
PSEUDONYM_SETTINGS = ("FINGERPRINT_KEY", "REVIEWER_SUBJECT_KEY", "PERSONAL_DATA_PREVIOUS_MASTER_KEYS")


def b64(key: bytes) -> str:
    return base64.b64encode(key).decode()


RATER_INDEX_KEY = b64(os.urandom(32))
"""Production needs it too (reviewers' address subjects); a master key rotation leaves it as it is."""


def production(database_url: str, master_key: bytes, **more: Any) -> ReviewsSettings:
    return ReviewsSettings(database_url=database_url, kafka_bootstrap_servers="unused:9092",
                           gateway_public_key="unused", environment="production",
                           personal_data_master_key=b64(master_key), rater_index_key=RATER_INDEX_KEY, **more)


def printed_keys(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
                 env: dict[str, str]) -> dict[str, str]:
    """What `python -m reviews fingerprint-key` prints with this environment, by setting name."""
    for name in PSEUDONYM_SETTINGS:
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    main(["fingerprint-key"])
    return dict(line.split("=", 1) for line in capsys.readouterr().out.splitlines())


def mentor_conflict(reviews: Reviews, case_id: Any) -> str | None:
    itmhca = load_tenants(TENANTS_DIR).get("itmhca")
    assert itmhca is not None
    case = reviews.get_case(case_id, "itmhca")
    return conflict_of(itmhca.reviewers[MENTOR], case.relations, reviews.fingerprint)


def test_after_a_master_key_rotation_with_the_pseudonym_keys_pinned_a_conflict_is_still_found(
        database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    old, new = os.urandom(32), os.urandom(32)

    # given a deployment from before the pseudonym keys were settings (both derived from its master key), with a
    # case whose applicant works where the mentor reviewer works
    reviews = open_reviews_at(database_url, old, PseudonymKeys.derived_from(old))
    case = reviews.intake.case_for(Submission(
        tenant="itmhca", application_id=uuid4(), submission_number=1,
        applicant=Applicant(account_id=uuid4(), name="Rhea Rotation", email="rhea@example.org"), category="IFS",
        category_name="Infant Family Specialist", rule_set_version="itmhca-IFS-2026",
        received_at=datetime(2026, 3, 1, tzinfo=UTC), employer=MENTOR_EMPLOYER,
    ))
    assert case is not None
    reviews.save(case)
    assert mentor_conflict(reviews, case.id) == "the reviewer works for the applicant's employer"
    reviews.close()

    # when the operator prints the keys in use and pins them, then rotates the master key and re-wraps
    env = {"DATABASE_URL": database_url, "KAFKA_BOOTSTRAP_SERVERS": "unused:9092", "GATEWAY_PUBLIC_KEY": "unused",
           "ENVIRONMENT": "production", "PERSONAL_DATA_MASTER_KEY": b64(old)}
    pinned = printed_keys(monkeypatch, capsys, env)
    assert pinned == PseudonymKeys.derived_from(old).as_settings()  # the values the deployment used so far
    rotating = production(database_url, new, personal_data_previous_master_keys=[b64(old)],
                          fingerprint_key=pinned["FINGERPRINT_KEY"],
                          reviewer_subject_key=pinned["REVIEWER_SUBJECT_KEY"])
    reviews = open_reviews(rotating)  # keys wrapped under the old master key open meanwhile
    assert reviews.get_case(case.id, "itmhca").applicant.name == "Rhea Rotation"
    reviews.close()
    keys = SubjectKeys(database_url, SCHEMA, new, previous_master_keys=[old])  # `python -m reviews rewrap-keys`
    assert keys.rewrap() >= 1
    keys.close()

    # then with the old master key gone, the case still opens and the conflict is still found
    rotated = production(database_url, new, fingerprint_key=pinned["FINGERPRINT_KEY"],
                         reviewer_subject_key=pinned["REVIEWER_SUBJECT_KEY"])
    reviews = open_reviews(rotated)
    assert reviews.get_case(case.id, "itmhca").applicant.name == "Rhea Rotation"
    assert mentor_conflict(reviews, case.id) == "the reviewer works for the applicant's employer"
    reviews.close()
    rotated_env = {**env, "PERSONAL_DATA_MASTER_KEY": b64(new), **pinned}
    assert printed_keys(monkeypatch, capsys, rotated_env) == pinned  # printed again: the pinned ones, not new ones

    # and keys derived from the new master key would have missed it: the reason to pin them first
    unpinned = open_reviews_at(database_url, new, PseudonymKeys.derived_from(new))
    assert mentor_conflict(unpinned, case.id) is None
    unpinned.close()


def test_outside_development_and_tests_the_pseudonym_keys_are_required_and_set_together(database_url: str) -> None:
    with pytest.raises(MissingPseudonymKeys, match="python -m reviews fingerprint-key"):
        open_reviews(production(database_url, os.urandom(32)))
    with pytest.raises(ValidationError, match="together"):
        production(database_url, os.urandom(32), fingerprint_key=b64(os.urandom(32)))
    with pytest.raises(ValidationError, match="FINGERPRINT_KEY must be 32 bytes"):
        production(database_url, os.urandom(32), fingerprint_key="c2hvcnQ=", reviewer_subject_key=b64(os.urandom(32)))
