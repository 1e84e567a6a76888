"""HTTP content negotiation (RFC 9110 §12.5.1): which offered media type a client's Accept prefers."""

from __future__ import annotations

from collections.abc import Sequence


def preferred_media_type(accept: str | None, offered: Sequence[str]) -> str:
    """The offered type with the highest quality; the earliest offered wins ties, an absent header and q=0."""
    ranges = _parse(accept or "*/*")
    best, best_quality = offered[0], 0.0
    for media_type in offered:
        quality = _quality(media_type, ranges)
        if quality > best_quality:
            best, best_quality = media_type, quality
    return best


def _parse(accept: str) -> list[tuple[str, float]]:
    ranges = []
    for item in accept.split(","):
        media_range, *params = (part.strip() for part in item.split(";"))
        if "/" not in media_range:
            continue
        quality = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = min(max(float(value), 0.0), 1.0)
                except ValueError:
                    quality = 0.0
        ranges.append((media_range.lower(), quality))
    return ranges


def _quality(media_type: str, ranges: list[tuple[str, float]]) -> float:
    """The quality of the most specific range matching `media_type` (0 when none matches)."""
    kind = media_type.split("/", maxsplit=1)[0]
    for candidate in (media_type, f"{kind}/*", "*/*"):
        matches = [quality for media_range, quality in ranges if media_range == candidate]
        if matches:
            return max(matches)
    return 0.0
