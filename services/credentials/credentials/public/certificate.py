"""The one-page PDF certificate: holder, endorsement, association, dates, credential id, verification URL
and a QR code of that URL. Set in the bundled DejaVu Sans (fonts/, with its licence).

DejaVu Sans covers Latin (all diacritics), Greek, Cyrillic and many symbols (®), but no CJK ideographs or
kana. A character the font cannot draw is printed as U+FFFD and a note says so; the exact name is kept in
the PDF's metadata (title and subject), and the verification page always shows it exactly.
"""

from __future__ import annotations

import io
import unicodedata
from dataclasses import dataclass
from datetime import datetime, tzinfo
from functools import cache
from importlib import resources
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import TTFFont

from credentials.public.credential_page import state_label
from credentials.public.i18n import DEFAULT_LANGUAGE, local_moment, long_date
from credentials.public.messages import message
from credentials.public.qr import qr_png
from credentials.public.status import PublicStatus
from credentials.public.view import CredentialView

FONT_FAMILY = "DejaVuSans"
REPLACEMENT = "\ufffd"
PAGE_WIDTH, MARGIN = 297.0, 20.0
TEXT_WIDTH = PAGE_WIDTH - 2 * MARGIN
QR_SIZE = 42.0


@dataclass(frozen=True)
class Printable:
    text: str
    replaced: bool
    """True when some characters could not be drawn and were printed as U+FFFD."""


def _font_path(name: str) -> Path:
    return Path(str(resources.files("credentials.public").joinpath("fonts", name)))


@cache
def _covered() -> frozenset[int]:
    """The code points the bundled font has glyphs for (as fpdf2 reads its cmap)."""
    probe = FPDF()
    probe.add_font(FONT_FAMILY, "", _font_path("DejaVuSans.ttf"))
    font = probe.fonts[FONT_FAMILY.lower()]
    assert isinstance(font, TTFFont)
    return frozenset(font.cmap)


def printable(value: str) -> Printable:
    """`value` in NFC with every character the bundled font lacks replaced by U+FFFD."""
    covered = _covered()
    chars = [c if ord(c) in covered or c.isspace() else REPLACEMENT for c in unicodedata.normalize("NFC", value)]
    result = "".join(chars)
    return Printable(result, REPLACEMENT in result and REPLACEMENT not in value)


def render_certificate(
    view: CredentialView, status: PublicStatus, produced_at: datetime, *, zone: tzinfo | None = None,
    lang: str = DEFAULT_LANGUAGE,
) -> bytes:
    """The certificate in `lang`; dates are the association's calendar days (`zone`), as on the page."""
    shown_zone = zone if zone is not None else produced_at.tzinfo
    assert shown_zone is not None, "an aware produced_at or a zone is needed"
    pdf = _new_document(view, produced_at, lang)
    pdf.add_page()
    _frame(pdf)
    replaced = False
    pdf.set_y(24)
    replaced |= _line(pdf, view.association, size=15, bold=True)
    pdf.set_y(36)
    _line(pdf, message(lang, "pdf.heading"), size=30, bold=True)
    pdf.set_y(56)
    _line(pdf, message(lang, "pdf.certifies"), size=13)
    pdf.set_y(65)
    replaced |= _line(pdf, view.holder(lang), size=26, bold=True, smallest=14)
    pdf.ln(4)
    _line(pdf, message(lang, "pdf.awarded_the"), size=13)
    pdf.ln(2)
    replaced |= _line(pdf, view.endorsement_name, size=18, bold=True, smallest=11)
    pdf.ln(3)
    category = f"{view.category_name} ({view.category})"
    if view.designation:
        category += " · " + message(lang, "pdf.designation", designation=view.designation)
    replaced |= _line(pdf, category, size=12)
    _line(pdf, _dates(view, lang), size=12)
    moment = local_moment(produced_at, shown_zone, lang)
    _footer(pdf, view, status, moment, replaced, lang)
    return bytes(pdf.output())


def _new_document(view: CredentialView, produced_at: datetime, lang: str) -> FPDF:
    pdf = FPDF(orientation="landscape", unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.add_font(FONT_FAMILY, "", _font_path("DejaVuSans.ttf"))
    pdf.add_font(FONT_FAMILY, "B", _font_path("DejaVuSans-Bold.ttf"))
    pdf.set_title(message(lang, "pdf.title", holder=view.holder(lang)))
    pdf.set_subject(message(lang, "pdf.subject", endorsement=view.endorsement_name, holder=view.holder(lang),
                            association=view.association))
    pdf.set_author(view.association)
    pdf.set_keywords(f"credential {view.credential_id}; verify at {view.page_url}")
    pdf.set_creator("endorsement platform, credentials service")
    pdf.set_lang(lang)
    pdf.set_creation_date(produced_at)
    return pdf


def _frame(pdf: FPDF) -> None:
    pdf.set_draw_color(40, 62, 110)
    pdf.set_line_width(1.2)
    pdf.rect(10, 10, PAGE_WIDTH - 20, 190)
    pdf.set_line_width(0.3)
    pdf.rect(13, 13, PAGE_WIDTH - 26, 184)


def _line(pdf: FPDF, value: str, *, size: float, bold: bool = False, smallest: float | None = None) -> bool:
    """Write `value` centred, shrinking it down to `smallest` points to fit one line, wrapping beyond that."""
    shown = printable(value)
    pdf.set_font(FONT_FAMILY, "B" if bold else "", size)
    while smallest is not None and pdf.font_size_pt > smallest and pdf.get_string_width(shown.text) > TEXT_WIDTH:
        pdf.set_font_size(pdf.font_size_pt - 1)
    pdf.set_x(MARGIN)
    pdf.multi_cell(TEXT_WIDTH, pdf.font_size * 1.35, shown.text, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    return shown.replaced


def _dates(view: CredentialView, lang: str) -> str:
    validity = message(lang, "pdf.validity", start=long_date(view.valid_from, lang),
                       end=long_date(view.valid_through, lang))
    if view.award_date is None:
        return validity
    return f"{message(lang, 'pdf.awarded', date=long_date(view.award_date, lang))} · {validity}"


def _footer(pdf: FPDF, view: CredentialView, status: PublicStatus, moment: str, replaced: bool, lang: str) -> None:
    qr_x, qr_y = PAGE_WIDTH - MARGIN - QR_SIZE, 140.0
    pdf.image(io.BytesIO(qr_png(view.page_url)), x=qr_x, y=qr_y, w=QR_SIZE, h=QR_SIZE,
              link=view.page_url, alt_text=f"QR code: {view.page_url}")
    pdf.set_font(FONT_FAMILY, "", 8)
    pdf.set_xy(qr_x - 4, qr_y + QR_SIZE + 1)
    pdf.cell(QR_SIZE + 8, 4, message(lang, "pdf.scan"), align="C")
    verify_at = message(lang, "pdf.verify_at", url=view.page_url)
    notes = [
        message(lang, "pdf.credential_id", id=view.credential_id),
        verify_at,
        message(lang, "pdf.issuer", issuer=view.association, did=view.issuer_did),
        message(lang, "pdf.produced", moment=moment, state=state_label(status.state.value, lang)),
    ]
    if replaced:
        notes.append(message(lang, "pdf.replaced"))
    pdf.set_font(FONT_FAMILY, "", 9)
    pdf.set_xy(MARGIN, 146)
    for note in notes:
        pdf.set_x(MARGIN)
        link = view.page_url if note == verify_at else None
        pdf.multi_cell(qr_x - MARGIN - 6, 4.6, printable(note).text, align="L", link=link,
                       new_x=XPos.LMARGIN, new_y=YPos.NEXT)
