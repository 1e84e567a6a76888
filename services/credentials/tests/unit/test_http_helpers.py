"""Content negotiation and reading verification requests."""

import pytest
from credentials.entrypoints.negotiation import preferred_media_type
from credentials.entrypoints.verify_request import parse_verify_request
from servicekit.problems import Problem

OFFERED = ("application/json", "application/vc", "text/html")


@pytest.mark.parametrize(
    ("accept", "chosen"),
    [
        (None, "application/json"),
        ("", "application/json"),
        ("*/*", "application/json"),
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "text/html"),  # a browser
        ("application/json, text/html;q=0.5", "application/json"),
        ("text/*", "text/html"),
        ("application/vc", "application/vc"),
        ("text/html;q=0.2, application/*;q=0.1", "text/html"),
        ("text/html;q=0, */*", "application/json"),
        ("text/html;q=oops, application/json;q=0.1", "application/json"),
        ("image/png", "application/json"),  # nothing acceptable: the default rather than a 406
        ("garbage", "application/json"),
    ],
)
def test_the_preferred_offered_type_is_chosen(accept: str | None, chosen: str) -> None:
    assert preferred_media_type(accept, OFFERED) == chosen


def test_a_verification_request_gives_the_credential_and_options() -> None:
    request = parse_verify_request(b'{"verifiableCredential": {"id": "urn:x", "n": null}, "options": {"a": 1}}')
    assert request.credential == {"id": "urn:x", "n": None}  # judged by the verifier, not refused here
    assert request.options == {"a": 1}
    assert parse_verify_request(b'{"verifiableCredential": {}}').options == {}


@pytest.mark.parametrize(
    ("body", "status", "detail"),
    [
        (b"", 400, "not JSON"),
        (b"\xff\xfe", 400, "not JSON"),
        (b'{"verifiableCredential": {"a": NaN}}', 400, "not JSON"),
        (b'{"verifiableCredential": {"a": 1, "a": 2}}', 400, "repeats"),
        (b"[" * 100_000, 400, "not JSON"),
        (b'"text"', 422, "JSON object"),
        (b'{"options": {}}', 422, "verifiableCredential"),
        (b'{"verifiableCredential": []}', 422, "verifiableCredential"),
        (b'{"verifiableCredential": {}, "options": "x"}', 422, "options"),
        (b'{"verifiableCredential": {}, "verifiablePresentation": {}}', 422, "verifiablePresentation"),
    ],
)
def test_requests_that_are_not_verification_requests_are_malformed(body: bytes, status: int, detail: str) -> None:
    with pytest.raises(Problem) as refused:
        parse_verify_request(body)
    assert (refused.value.status, refused.value.code) == (status, "MALFORMED")
    assert detail in refused.value.detail
