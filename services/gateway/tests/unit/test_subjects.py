"""Subject ids: what the ledger and the erasure events name, matching the contract's pattern."""

from __future__ import annotations

import re
import uuid

from endorsement_contracts.events.erasures import SUBJECT_PATTERN
from gateway.domain.subjects import account_subject, development_rater_index_key, rater_subject


def test_subject_ids_fit_the_contract_and_hold_nothing_readable() -> None:
    key = development_rater_index_key()
    rater = rater_subject("itmhca", " Rita.Rater@Example.org ", key)
    assert re.fullmatch(SUBJECT_PATTERN, rater) and "rita" not in rater
    assert rater == rater_subject("itmhca", "rita.rater@example.org", key)  # one id per tenant and email
    assert rater != rater_subject("other", "rita.rater@example.org", key)
    assert rater != rater_subject("itmhca", "rita.rater@example.org", bytes(32))
    account = uuid.uuid4()
    assert re.fullmatch(SUBJECT_PATTERN, account_subject(account)) and account_subject(account) == f"account:{account}"


def test_the_gateway_computes_the_same_rater_ids_as_servicekit() -> None:
    """Applications (and notifications) compute rater ids with `servicekit.subjects`: the ids must agree."""
    import pytest

    subjects = pytest.importorskip("servicekit.subjects")
    assert development_rater_index_key() == subjects.DEVELOPMENT_RATER_INDEX_KEY
    key = bytes(range(32))
    assert subjects.rater_subject("itmhca", " Rita@Example.org", key) == rater_subject("itmhca", " Rita@Example.org",
                                                                                       key)
