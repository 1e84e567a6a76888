"""Given/when/then for FINGERPRINT_KEY and REVIEWER_SUBJECT_KEY (`reviews.config.pseudonym_keys`): pinned, they are
used as set whatever the master key; unset, development and tests derive them from the master key as every
deployment did before; `python -m reviews fingerprint-key` prints the ones in use. The rotation itself, on
PostgreSQL: tests/integration/test_master_key_rotation.py."""

from __future__ import annotations

import base64
import os
from typing import Any

import pytest
from devstack.secrets import generate
from reviews.__main__ import pseudonym_key_lines
from reviews.config import MissingPseudonymKeys, PseudonymKeys, ReviewsSettings


def b64(key: bytes) -> str:
    return base64.b64encode(key).decode()


def settings(**values: Any) -> ReviewsSettings:
    return ReviewsSettings(database_url="postgresql://unused/db", kafka_bootstrap_servers="unused:9092",
                           gateway_public_key="unused", **values)


def test_pinned_keys_are_used_as_set_whatever_the_master_key() -> None:
    fingerprint, reviewers = os.urandom(32), os.urandom(32)
    for environment in ("production", "test"):
        pinned = settings(environment=environment, personal_data_master_key=b64(os.urandom(32)),
                          fingerprint_key=b64(fingerprint), reviewer_subject_key=b64(reviewers))
        assert pinned.pseudonym_keys() == PseudonymKeys(fingerprint, reviewers)
        assert pseudonym_key_lines(pinned)[0] == [f"FINGERPRINT_KEY={b64(fingerprint)}",
                                                  f"REVIEWER_SUBJECT_KEY={b64(reviewers)}"]


def test_unset_development_and_tests_derive_them_from_the_master_key_as_before() -> None:
    master = os.urandom(32)
    derived = settings(environment="test", personal_data_master_key=b64(master)).pseudonym_keys()
    assert derived == PseudonymKeys.derived_from(master)
    assert derived.fingerprint != derived.reviewer_subjects  # one key per use
    assert PseudonymKeys.derived_from(os.urandom(32)) != derived  # which is why a rotation must pin them first


def test_unset_in_production_the_service_does_not_start_but_the_keys_in_use_can_be_printed() -> None:
    master = os.urandom(32)
    unpinned = settings(environment="production", personal_data_master_key=b64(master))
    with pytest.raises(MissingPseudonymKeys, match="fingerprint-key"):
        unpinned.pseudonym_keys()
    lines, origin = pseudonym_key_lines(unpinned)
    assert lines == [f"{name}={value}" for name, value in PseudonymKeys.derived_from(master).as_settings().items()]
    assert "derived from PERSONAL_DATA_MASTER_KEY" in origin


def test_the_devstack_pins_the_keys_its_reviews_derived_before() -> None:
    stack = generate(["itmhca"])
    master = base64.b64decode(stack.personal_data_master_key("reviews"))
    assert stack.reviews_pseudonym_keys() == PseudonymKeys.derived_from(master).as_settings()
