"""Webhook signatures (HMAC-SHA256 over "t.body") and the URLs a coordinator may register."""

from __future__ import annotations

import hashlib
import hmac
import time
from pathlib import Path
from typing import Any

import pytest
from credentials.webhooks.signature import SignatureError, signature_header, verify_signature
from credentials.webhooks.urls import WebhookUrlError, validate_webhook_url

SECRET = "whsec_test"
BODY = '{"specversion":"1.0","data":{"name":"Zoë"}}'.encode()
NOW = 1_750_000_000


def test_a_signature_is_hex_hmac_sha256_of_the_timestamp_a_dot_and_the_body() -> None:
    header = signature_header(SECRET, BODY, NOW)
    expected = hmac.new(SECRET.encode(), f"{NOW}.".encode() + BODY, hashlib.sha256).hexdigest()
    assert header == f"t={NOW},v1={expected}"
    assert verify_signature(SECRET, BODY, header, now=NOW + 299) == NOW


@pytest.mark.parametrize(
    ("header", "now", "message"),
    [
        (None, NOW, "no Webhook-Signature"),
        ("v1=abc", NOW, "must be"),
        (f"t={NOW}", NOW, "must be"),
        (signature_header(SECRET, BODY, NOW), NOW + 301, "tolerance"),  # stale: a replayed delivery
        (signature_header(SECRET, BODY, NOW + 400), NOW, "tolerance"),  # from the future
        (signature_header("whsec_other", BODY, NOW), NOW, "does not match"),  # forged with another secret
        (signature_header(SECRET, BODY + b" ", NOW), NOW, "does not match"),  # another body
        (signature_header(SECRET, BODY, NOW).replace(f"t={NOW}", f"t={NOW + 1}"), NOW, "does not match"),
    ],
)
def test_forged_stale_and_malformed_signatures_are_refused(header: str | None, now: int, message: str) -> None:
    with pytest.raises(SignatureError, match=message):
        verify_signature(SECRET, BODY, header, now=now)


def test_one_matching_signature_among_several_is_enough() -> None:
    good = signature_header(SECRET, BODY, NOW)
    assert verify_signature(SECRET, BODY, f"{good},v1={'0' * 64}", now=NOW) == NOW


@pytest.mark.parametrize(
    "url",
    [
        "http://partner.example/hooks",  # not https
        "ftp://partner.example/hooks",
        "https://user:pass@partner.example/hooks",
        "https://partner.example/hooks#frag",
        "https:///hooks",
        "https://localhost/hooks",
        "https://api.localhost/hooks",
        "https://intranet/hooks",
        "https://127.0.0.1/hooks",
        "https://10.0.0.8/hooks",
        "https://169.254.169.254/latest/meta-data",
        "https://[::1]/hooks",
        "https://partner.example:0/hooks",
        "https://partner.example/ho oks",
        "https://partner.example/" + "a" * 2000,
    ],
)
def test_unsafe_urls_are_refused(url: str) -> None:
    with pytest.raises(WebhookUrlError):
        validate_webhook_url(url)


def test_public_https_urls_are_accepted_and_insecure_ones_only_when_allowed() -> None:
    assert validate_webhook_url("https://partner.example:8443/hooks?v=1") == "https://partner.example:8443/hooks?v=1"
    assert validate_webhook_url("https://93.184.216.34/hooks")
    assert validate_webhook_url("http://127.0.0.1:8080/hooks", allow_insecure=True)
    with pytest.raises(WebhookUrlError):
        validate_webhook_url("ftp://127.0.0.1/hooks", allow_insecure=True)


def test_the_partners_helper_in_the_readme_accepts_genuine_deliveries_only() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    code = readme.split("```python", 1)[1].split("```", 1)[0]
    namespace: dict[str, Any] = {}
    exec(code, namespace)  # noqa: S102 - the documented snippet, run as a partner would
    verify_webhook = namespace["verify_webhook"]
    now = int(time.time())
    assert verify_webhook(SECRET, BODY, signature_header(SECRET, BODY, now))
    assert not verify_webhook("whsec_other", BODY, signature_header(SECRET, BODY, now))
    assert not verify_webhook(SECRET, BODY + b"x", signature_header(SECRET, BODY, now))
    assert not verify_webhook(SECRET, BODY, signature_header(SECRET, BODY, now - 600))
    assert not verify_webhook(SECRET, BODY, "garbage")
