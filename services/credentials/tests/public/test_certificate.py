"""The PDF certificate: one page, the facts in extractable text, a QR code that opens the page."""

from __future__ import annotations

import dataclasses
import io
from datetime import UTC, datetime

import pytest
from credentials.adapters.keyring import IssuerDirectory
from credentials.config import TenantProfile
from credentials.domain.grant import EndorsementGrant
from credentials.public.certificate import REPLACEMENT, printable, render_certificate
from pypdf import PdfReader

from .helpers import issue, observe

NOW = datetime(2025, 6, 1, 12, tzinfo=UTC)


def certificate(tenants: dict[str, TenantProfile], issuers: IssuerDirectory, grant: EndorsementGrant,
                holder: str | None = None, lang: str = "en") -> tuple[PdfReader, str, str]:
    if holder is not None:
        grant = dataclasses.replace(grant, holder=dataclasses.replace(grant.holder, name=holder))
    credential = issue(tenants, issuers, grant)
    view, status = observe(tenants, credential, NOW)
    zone = tenants[credential.tenant].timezone
    reader = PdfReader(io.BytesIO(render_certificate(view, status, NOW, zone=zone, lang=lang)))
    return reader, str(credential.id), credential.verification_url


def test_the_certificate_is_one_page_with_the_facts_and_where_to_verify_them(
    tenants: dict[str, TenantProfile], issuers: IssuerDirectory, endorsement_grant: EndorsementGrant
) -> None:
    reader, credential_id, url = certificate(tenants, issuers, endorsement_grant)

    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    for fact in ("Ana Núñez", "Infant Mental Health Mentor - Clinical Endorsement® (IMH-E®)", "(IMHM-C)",
                 "designation Clinical", "Infant Toddler Mental Health Coalition of Arizona",
                 "Awarded March 1, 2025", "valid from March 1, 2025 through December 15, 2026", credential_id, url,
                 "produced (June 1, 2025 at 5:00 AM MST): Active"):
        assert fact in text, fact
    assert REPLACEMENT not in text
    fonts = reader.pages[0]["/Resources"]["/Font"]
    descriptors = [font.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"] for font in fonts.values()]
    assert all("/FontFile2" in descriptor for descriptor in descriptors)  # the bundled font is embedded
    assert reader.metadata is not None and reader.metadata.title == "Endorsement certificate: Ana Núñez"


def test_the_qr_code_on_the_certificate_opens_the_verification_page(
    tenants: dict[str, TenantProfile], issuers: IssuerDirectory, endorsement_grant: EndorsementGrant
) -> None:
    zxingcpp = pytest.importorskip("zxingcpp", reason="zxing-cpp decodes the QR code")
    reader, _, url = certificate(tenants, issuers, endorsement_grant)

    [image] = reader.pages[0].images
    decoded = [barcode.text for barcode in zxingcpp.read_barcodes(image.image)]
    assert decoded == [url]


def test_a_name_in_a_script_the_font_lacks_still_gives_a_certificate_and_stays_exact_in_its_metadata(
    tenants: dict[str, TenantProfile], issuers: IssuerDirectory, endorsement_grant: EndorsementGrant
) -> None:
    reader, credential_id, _ = certificate(tenants, issuers, endorsement_grant, holder="José Ñúñez 山田 太郎")

    text = reader.pages[0].extract_text()
    assert f"José Ñúñez {REPLACEMENT * 2} {REPLACEMENT * 2}" in text  # Latin diacritics drawn, CJK marked
    assert "the verification page shows the exact text" in text
    assert credential_id in text
    assert reader.metadata is not None and reader.metadata.title == "Endorsement certificate: José Ñúñez 山田 太郎"


def test_a_very_long_name_still_fits_on_one_page(
    tenants: dict[str, TenantProfile], issuers: IssuerDirectory, endorsement_grant: EndorsementGrant
) -> None:
    reader, credential_id, url = certificate(tenants, issuers, endorsement_grant, holder="Ñandú-Wolfeschlegel " * 10)

    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    assert credential_id in text and url in text


def test_text_is_normalised_before_its_glyphs_are_checked() -> None:
    decomposed = "Jose\u0301 N\u0303"  # é and Ñ as base letter + combining mark
    assert printable(decomposed).text == "José Ñ"
    assert printable("山").replaced and not printable("é®").replaced


def test_the_certificate_in_spanish_with_the_same_dates_as_the_page(
    tenants: dict[str, TenantProfile], issuers: IssuerDirectory, endorsement_grant: EndorsementGrant
) -> None:
    reader, credential_id, _ = certificate(tenants, issuers, endorsement_grant, lang="es")

    text = reader.pages[0].extract_text()
    for fact in ("Certificado de Acreditación", "Se certifica que", "Otorgada el 1 de marzo de 2025",
                 "válida desde el 1 de marzo de 2025 hasta el 15 de diciembre de 2026", credential_id,
                 "(1 de junio de 2025 a las 05:00 (MST)): Vigente",
                 "Infant Toddler Mental Health Coalition of Arizona (did:web:"):
        assert fact in " ".join(text.split()), fact
    assert reader.metadata is not None and reader.metadata.title == "Certificado de acreditación: Ana Núñez"
