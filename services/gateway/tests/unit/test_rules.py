"""Password policy, login throttling windows and forwarding targets, without engines."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from gateway.domain.accounts import check_password_policy, normalise_email
from gateway.domain.errors import WeakPassword
from gateway.domain.throttle import FailureWindow, LoginThrottle
from gateway.forwarding.targets import has_dot_segment, target_url

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def test_emails_are_compared_without_case_or_surrounding_space() -> None:
    assert normalise_email("  Ada@Example.ORG ") == "ada@example.org"


@pytest.mark.parametrize("password", ["", "short", "elevenchars", "ADA@example.org", " ada@example.org "])
def test_weak_passwords_are_refused(password: str) -> None:
    with pytest.raises(WeakPassword):
        check_password_policy(password, "ada@example.org")


def test_a_twelve_character_password_is_enough() -> None:
    check_password_policy("twelve chars", "ada@example.org")


def test_throttling_refuses_the_attempt_after_the_limit_until_the_window_ends() -> None:
    """Windows include the attempt being decided: the 10th failure may go on, the 11th attempt may not."""
    throttle = LoginThrottle(max_failures_per_account=10, max_failures_per_address=30, window=timedelta(minutes=15))
    assert throttle.retry_after_seconds(None, None, NOW) is None
    assert throttle.retry_after_seconds(FailureWindow(10, NOW), FailureWindow(10, NOW), NOW) is None
    assert throttle.retry_after_seconds(FailureWindow(11, NOW), None, NOW) == 900
    late = NOW - timedelta(minutes=14, seconds=59.5)
    assert throttle.retry_after_seconds(FailureWindow(11, late), None, NOW) == 1
    assert throttle.retry_after_seconds(FailureWindow(50, NOW - timedelta(minutes=15)), None, NOW) is None


def test_an_address_over_its_limit_is_refused_whatever_the_account() -> None:
    throttle = LoginThrottle(max_failures_per_account=10, max_failures_per_address=30, window=timedelta(minutes=15))
    assert throttle.retry_after_seconds(FailureWindow(1, NOW), FailureWindow(30, NOW), NOW) is None
    assert throttle.retry_after_seconds(FailureWindow(1, NOW), FailureWindow(31, NOW), NOW) == 900
    # both locked: the later end
    assert throttle.retry_after_seconds(FailureWindow(11, NOW - timedelta(minutes=10)), FailureWindow(31, NOW),
                                        NOW) == 900


def test_targets_keep_path_and_query_byte_for_byte() -> None:
    url = target_url("http://svc:8001", b"/applications/a%20b", b"x=1&y=%2F")
    assert str(url) == "http://svc:8001/applications/a%20b?x=1&y=%2F"
    assert str(target_url("http://svc:8001/base/", b"/reviews/1", b"")) == "http://svc:8001/base/reviews/1"


@pytest.mark.parametrize(("raw", "dotted"), [
    (b"/credentials/../admin", True),
    (b"/credentials/%2e%2e/admin", True),
    (b"/credentials/%2E/x", True),
    (b"/credentials/a..b/c", False),
    (b"/credentials/verify", False),
])
def test_dot_segments_are_recognised_even_encoded(raw: bytes, dotted: bool) -> None:
    assert has_dot_segment(raw) is dotted


def test_each_refusal_keeps_its_status_and_only_the_middleware_s_reach_the_default() -> None:
    from gateway.domain import errors
    from gateway.entrypoints.errors import REFUSALS
    from servicekit.refusals import subclasses

    assert REFUSALS.status_of(errors.EmailTaken("x")) == (409, "Email already registered")
    assert REFUSALS.status_of(errors.LinkExpired("x")) == (410, "Link expired")
    assert set(REFUSALS.unmapped(subclasses(errors.GatewayError))) == {
        errors.InvalidIdempotencyKey, errors.IdempotencyKeyReused, errors.IdempotencyKeyInUse}
    assert REFUSALS.status_of(errors.InvalidIdempotencyKey("x"))[0] == 400
    locked = REFUSALS.problem(errors.TooManyAttempts("wait", 300))
    assert (locked.status, locked.extra, locked.headers) == (429, {"retry_after_seconds": 300}, {"Retry-After": "300"})
