"""Subject ids: the same person gets the same id in every service, and the id holds nothing readable."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from uuid import UUID

import pytest
from endorsement_contracts.events.erasures import SUBJECT_PATTERN
from servicekit.subjects import (
    DEVELOPMENT_RATER_INDEX_KEY,
    account_subject,
    parse_rater_index_key,
    rater_subject,
)

ACCOUNT = UUID("6f1c2b0e-3d4a-4e5f-8a9b-0c1d2e3f4a5b")


def test_an_account_subject_is_the_account_id() -> None:
    assert account_subject(ACCOUNT) == "account:6f1c2b0e-3d4a-4e5f-8a9b-0c1d2e3f4a5b"
    assert re.match(SUBJECT_PATTERN, account_subject(ACCOUNT))


def test_a_rater_subject_is_the_same_for_any_spelling_of_the_address_and_holds_none_of_it() -> None:
    subject = rater_subject("itmhca", "Rita.Moreno@Example.org ", DEVELOPMENT_RATER_INDEX_KEY)
    assert subject == rater_subject("itmhca", "rita.moreno@example.org", DEVELOPMENT_RATER_INDEX_KEY)
    expected = hmac.new(DEVELOPMENT_RATER_INDEX_KEY, b"rita.moreno@example.org", hashlib.sha256).hexdigest()
    assert subject == f"rater:itmhca:{expected}"
    assert "rita" not in subject and "example" not in subject
    assert re.match(SUBJECT_PATTERN, subject)  # what PersonErased accepts


def test_a_rater_subject_depends_on_the_tenant_and_the_key() -> None:
    base = rater_subject("itmhca", "rita@example.org", DEVELOPMENT_RATER_INDEX_KEY)
    assert rater_subject("other", "rita@example.org", DEVELOPMENT_RATER_INDEX_KEY) != base
    assert rater_subject("itmhca", "rita@example.org", bytes(32)) != base
    with pytest.raises(ValueError, match="32 bytes"):
        rater_subject("itmhca", "rita@example.org", b"short")


def test_the_development_key_is_the_documented_constant() -> None:
    # every service (gateway, applications, notifications) must compute the same ids in development and tests
    assert hashlib.sha256(b"endorsement development rater index key").digest() == DEVELOPMENT_RATER_INDEX_KEY


def test_a_rater_index_key_is_32_bytes_of_base64() -> None:
    key = bytes(range(32))
    assert parse_rater_index_key(base64.b64encode(key).decode()) == key
    assert parse_rater_index_key(base64.urlsafe_b64encode(key).decode().rstrip("=")) == key
    with pytest.raises(ValueError, match="rater index key must be 32 bytes"):
        parse_rater_index_key(base64.b64encode(bytes(16)).decode())
    with pytest.raises(ValueError, match="rater index key must be base64"):
        parse_rater_index_key("not base64!")
