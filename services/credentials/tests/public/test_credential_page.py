"""The verification page: escaped, accessible plain HTML with the status, the verification, a QR code of
its own address and a LinkedIn link carrying the certification's fields."""

from __future__ import annotations

import copy
import dataclasses
import io
import re
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import pytest
import segno
from credentials.adapters.keyring import IssuerDirectory
from credentials.config import TenantProfile
from credentials.domain.credential import Credential
from credentials.domain.grant import EndorsementGrant
from credentials.public.credential_page import render_credential_page
from credentials.public.qr import qr_png, qr_svg
from credentials.vc.verifier import verify_credential

from .helpers import Elements, issue, observe

NOW = datetime(2025, 6, 1, 12, tzinfo=UTC)
HOSTILE = '<script>alert("x")</script> Zoë Ñúñez 山田® & <b>co</b>'


def page(tenants: dict[str, TenantProfile], issuers: IssuerDirectory, credential: Credential,
         read_model: str | None = None, now: datetime = NOW, lang: str = "en") -> str:
    view, status = observe(tenants, credential, now, read_model)
    verification = verify_credential(credential.document, issuer_resolver=issuers.resolve, now=now)
    return render_credential_page(view, status, verification, now, zone=tenants[credential.tenant].timezone,
                                  lang=lang)


@pytest.fixture
def credential(
    tenants: dict[str, TenantProfile], issuers: IssuerDirectory, endorsement_grant: EndorsementGrant
) -> Credential:
    holder = dataclasses.replace(endorsement_grant.holder, name=HOSTILE)
    return issue(tenants, issuers, dataclasses.replace(endorsement_grant, holder=holder))


def test_everything_is_escaped_and_non_ascii_text_is_kept(
    tenants: dict[str, TenantProfile], issuers: IssuerDirectory, credential: Credential
) -> None:
    html = page(tenants, issuers, credential)

    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; Zoë Ñúñez 山田® &amp; &lt;b&gt;co&lt;/b&gt;" in html
    elements = Elements(html)
    assert not elements.all("script") and not elements.all("b")
    assert not [attrs for _, attrs in elements.tags if any(name.startswith("on") for name in attrs)]
    assert "Ana.Nunez@Example.org" not in html  # the e-mail address stays private


def test_the_page_is_plain_accessible_html(
    tenants: dict[str, TenantProfile], issuers: IssuerDirectory, credential: Credential
) -> None:
    elements = Elements(page(tenants, issuers, credential))

    assert elements.all("html") == [{"lang": "en"}]
    assert {"name": "viewport", "content": "width=device-width, initial-scale=1"} in elements.all("meta")
    assert len(elements.all("h1")) == 1 and len(elements.all("h2")) == 4
    assert elements.all("main") and elements.all("dl")
    [qr_holder] = [attrs for name, attrs in elements.tags if attrs.get("role") == "img"]
    assert qr_holder["aria-label"] == "QR code of this page's address"


def test_the_page_shows_the_facts_the_status_and_how_it_was_established(
    tenants: dict[str, TenantProfile], issuers: IssuerDirectory, credential: Credential
) -> None:
    html = page(tenants, issuers, credential)

    assert "Status: <strong>Active</strong>" in html
    for fact in ("Infant Mental Health Mentor - Clinical Endorsement® (IMH-E®)", "(IMHM-C)", "Clinical",
                 "<dt>Issued by</dt><dd>Infant Toddler Mental Health Coalition of Arizona</dd>",
                 "<dd>March 1, 2025</dd>", "<dd>December 15, 2026 (the last day it is valid)</dd>",
                 str(credential.id), credential.document["issuer"]["id"]):
        assert fact in html, fact
    assert "Association&#x27;s records (event store):</strong> Active" in html
    assert "valid from March 1, 2025 through December 15, 2026: in force now" in html
    assert "Checked June 1, 2025 at 5:00 AM MST" in html  # 12:00 UTC is 05:00 in Arizona
    assert "Public read model:</strong> no entry yet" in html
    assert "Signature (Data Integrity, eddsa-rdfc-2022):</strong> passed" in html


def test_the_qr_code_on_the_page_encodes_the_page_address(
    tenants: dict[str, TenantProfile], issuers: IssuerDirectory, credential: Credential
) -> None:
    html = page(tenants, issuers, credential)

    assert qr_svg(credential.verification_url) in html
    reference = segno.make(credential.verification_url, error="m", micro=False, boost_error=False)
    assert reference.svg_inline(scale=4, border=4, dark="#000", light="#fff", svgclass="qr", lineclass=None) in html
    zxingcpp = pytest.importorskip("zxingcpp", reason="zxing-cpp decodes the QR code")
    from PIL import Image

    decoded = zxingcpp.read_barcodes(Image.open(io.BytesIO(qr_png(credential.verification_url))))
    assert [barcode.text for barcode in decoded] == [credential.verification_url]


def test_the_linkedin_link_carries_the_certification_fields(
    tenants: dict[str, TenantProfile], issuers: IssuerDirectory, credential: Credential
) -> None:
    elements = Elements(page(tenants, issuers, credential))

    [link] = [attrs["href"] for attrs in elements.all("a") if (attrs.get("href") or "").startswith("https://www.li")]
    assert link is not None
    url = urlsplit(link)
    assert (url.netloc, url.path) == ("www.linkedin.com", "/profile/add")
    assert parse_qs(url.query) == {
        "startTask": ["CERTIFICATION_NAME"],
        "name": ["Infant Mental Health Mentor - Clinical Endorsement® (IMH-E®)"],
        "organizationName": ["Infant Toddler Mental Health Coalition of Arizona"],
        "issueYear": ["2025"], "issueMonth": ["3"], "expirationYear": ["2026"], "expirationMonth": ["12"],
        "certUrl": [credential.verification_url], "certId": [str(credential.id)],
    }
    assert f"{credential.verification_url}/certificate.pdf?lang=en" in [attrs["href"] for attrs in elements.all("a")]


@pytest.mark.parametrize(
    ("read_model", "now", "headline"),
    [
        ("suspended", NOW, "Suspended"),
        ("revoked", NOW, "Revoked"),
        ("frozen", NOW, "Unknown"),  # a status this page does not know is never shown as active
        ("active", datetime(2027, 1, 1, tzinfo=UTC), "Expired"),
        (None, datetime(2025, 1, 1, tzinfo=UTC), "Not yet valid"),
    ],
)
def test_the_gravest_finding_of_any_source_is_the_status(
    tenants: dict[str, TenantProfile], issuers: IssuerDirectory, credential: Credential,
    read_model: str | None, now: datetime, headline: str,
) -> None:
    html = page(tenants, issuers, credential, read_model, now)
    assert f"Status: <strong>{headline}</strong>" in html


def test_a_stored_credential_that_no_longer_verifies_is_shown_as_not_verified(
    tenants: dict[str, TenantProfile], issuers: IssuerDirectory, credential: Credential
) -> None:
    credential.document = copy.deepcopy(credential.document)
    credential.document["credentialSubject"]["name"] = "Someone Else"

    html = page(tenants, issuers, credential)

    assert "Status: <strong>Not verified</strong>" in html
    assert re.search(r"Signature \(Data Integrity, eddsa-rdfc-2022\):</strong> failed \(INVALID_SIGNATURE\)", html)


ISO_INSTANT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


def test_the_issuer_is_named_and_its_did_is_a_technical_detail(
    tenants: dict[str, TenantProfile], issuers: IssuerDirectory, credential: Credential
) -> None:
    html = page(tenants, issuers, credential)

    did = credential.document["issuer"]["id"]
    assert html.count(did) == 1
    details = html[html.index("<details>"):html.index("</details>")]
    assert "<summary>Technical details</summary>" in details and did in details
    assert "Issuer identifier (DID)" in details


@pytest.mark.parametrize("now", [NOW, datetime(2026, 12, 16, 6, 59, tzinfo=UTC), datetime(2026, 12, 16, 7, tzinfo=UTC)])
def test_every_date_is_an_arizona_calendar_day_in_one_format(
    tenants: dict[str, TenantProfile], issuers: IssuerDirectory, credential: Credential, now: datetime
) -> None:
    html = page(tenants, issuers, credential, now=now)

    assert not ISO_INSTANT.search(html) and not re.search(r"\d{4}-\d{2}-\d{2}", html.replace(str(credential.id), ""))
    # validUntil is the first instant after the last valid day: 2026-12-16T07:00Z is midnight in Phoenix
    assert credential.document["validUntil"].startswith("2026-12-16T07:00:00")
    assert "through December 15, 2026" in html and "December 16, 2026" not in html.split("Checked")[0]
    expired = now >= datetime(2026, 12, 16, 7, tzinfo=UTC)
    assert ("Status: <strong>Expired</strong>" in html) is expired


def test_the_page_in_spanish(
    tenants: dict[str, TenantProfile], issuers: IssuerDirectory, credential: Credential
) -> None:
    html = page(tenants, issuers, credential, lang="es")

    assert Elements(html).all("html") == [{"lang": "es"}]
    for fact in ("Estado: <strong>Vigente</strong>", "<dd>1 de marzo de 2025</dd>",
                 "15 de diciembre de 2026 (último día de validez)", "Detalles técnicos",
                 "Comprobada el 1 de junio de 2025 a las 05:00 (MST)", "Otorgada por"):
        assert fact in html, fact
    switch = {attrs["hreflang"]: attrs for attrs in Elements(html).all("a") if attrs.get("hreflang")}
    assert switch["en"]["href"] == "?lang=en" and switch["es"].get("aria-current") == "true"


def test_the_stylesheet_is_allowed_by_its_hash_and_nothing_else_is_inline(
    tenants: dict[str, TenantProfile], issuers: IssuerDirectory, credential: Credential
) -> None:
    import base64
    import hashlib

    from credentials.public.layout import PAGE_CSP

    html = page(tenants, issuers, credential)
    style = html[html.index("<style>") + len("<style>"):html.index("</style>")]
    digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
    assert f"style-src 'sha256-{digest}'" in PAGE_CSP and "unsafe-inline" not in PAGE_CSP
    assert not [attrs for _, attrs in Elements(html).tags if "style" in attrs]
