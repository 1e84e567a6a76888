"""QR codes that point at a credential's verification page: inline SVG for the page, PNG for the PDF."""

from __future__ import annotations

import io

import segno

ERROR_CORRECTION = "m"  # survives ~15 % damage: a creased or smudged printout still scans


def qr_code(url: str) -> segno.QRCode:
    """The QR code whose payload is exactly `url` (never a Micro QR: phones do not all read those)."""
    return segno.make(url, error=ERROR_CORRECTION, micro=False, boost_error=False)


def qr_svg(url: str) -> str:
    """An inline `<svg>` element (no XML declaration), dark modules on a white quiet zone."""
    svg: str = qr_code(url).svg_inline(scale=4, border=4, dark="#000", light="#fff", svgclass="qr",
                                      lineclass=None, omitsize=False)
    return svg


def qr_png(url: str, scale: int = 10) -> bytes:
    """A PNG of the code, `scale` pixels per module, with the standard 4-module quiet zone."""
    buffer = io.BytesIO()
    qr_code(url).save(buffer, kind="png", scale=scale, border=4, dark="#000", light="#fff")
    return buffer.getvalue()
