"""Idempotency-Key rules and the sign-up / password reset request limits, without engines."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from gateway.application.idempotency_docs import document_idempotency_key
from gateway.domain.errors import IdempotencyKeyInUse, IdempotencyKeyReused, InvalidIdempotencyKey
from gateway.domain.idempotency import (
    Remembered,
    StoredResponse,
    answer_for_repeat,
    checked_key,
    fingerprint,
    request_key,
    worth_keeping,
)
from gateway.domain.throttle import AddressLimit, FailureWindow

SECRET = b"k" * 32
NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
ANSWER = StoredResponse(201, (("content-type", "application/json"),), b"{}")


def multipart(boundary: str, content: bytes) -> tuple[str, bytes]:
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.pdf\"\r\n\r\n".encode()
            + content + f"\r\n--{boundary}--\r\n".encode())
    return f"multipart/form-data; boundary={boundary}", body


def test_a_key_is_one_value_of_printable_ascii() -> None:
    assert checked_key(["order 42: try 1"]) == "order 42: try 1"
    for values in ([""], ["x" * 256], ["caf\u00e9"], ["tab\there"], ["a", "b"]):
        with pytest.raises(InvalidIdempotencyKey):
            checked_key(values)


def test_keys_are_scoped_by_caller_method_and_path() -> None:
    one = request_key("account:1", "POST", "/applications", "k")
    assert one == request_key("account:1", "POST", "/applications", "k")
    assert one != request_key("account:2", "POST", "/applications", "k")
    assert one != request_key("account:1", "POST", "/applications/1/submit", "k")


def test_an_upload_keeps_its_fingerprint_whatever_the_boundary() -> None:
    first = fingerprint(SECRET, *multipart("a1b2c3", b"%PDF same"))
    assert first == fingerprint(SECRET, *multipart("zz-99", b"%PDF same"))
    assert first != fingerprint(SECRET, *multipart("zz-99", b"%PDF other"))
    assert fingerprint(SECRET, "application/json", b"{}") != fingerprint(b"another secret", "application/json", b"{}")


def test_a_repeat_gets_the_answer_or_a_refusal() -> None:
    body = fingerprint(SECRET, "application/json", b"{}")
    assert answer_for_repeat(Remembered(body, NOW, ANSWER), body) == ANSWER
    with pytest.raises(IdempotencyKeyReused):
        answer_for_repeat(Remembered(body, NOW, ANSWER), fingerprint(SECRET, "application/json", b"[]"))
    with pytest.raises(IdempotencyKeyInUse):
        answer_for_repeat(Remembered(body, NOW, None), body)


def test_only_answers_that_say_what_happened_are_kept() -> None:
    assert [worth_keeping(s) for s in (200, 201, 204, 404, 409, 422, 429, 500, 502, 503, 504)] == [
        True] * 7 + [False] * 4


def test_the_public_document_shows_the_header_on_keyed_posts_only() -> None:
    signup: dict[str, object] = {"responses": {"201": {"description": "created"}}}
    document_idempotency_key("/auth/signup", "post", signup)
    assert [p["name"] for p in signup["parameters"]] == ["Idempotency-Key"]  # type: ignore[index]
    assert set(signup["responses"]) == {"201", "409", "422"}  # type: ignore[arg-type]
    login: dict[str, object] = {}
    document_idempotency_key("/auth/login", "post", login)
    read: dict[str, object] = {}
    document_idempotency_key("/applications", "get", read)
    assert login == read == {}


def test_an_address_limit_counts_every_request_in_its_window() -> None:
    limit = AddressLimit("signup", max_requests=2, window=timedelta(hours=1))
    assert limit.key("198.51.100.1") == "signup\n198.51.100.1"
    assert limit.retry_after_seconds(FailureWindow(2, NOW), NOW) is None
    assert limit.retry_after_seconds(FailureWindow(3, NOW), NOW + timedelta(minutes=20)) == 40 * 60
    assert limit.retry_after_seconds(FailureWindow(3, NOW), NOW + timedelta(hours=1)) is None
