"""Friendly HTML pages for people whose link leads nowhere: an unknown credential (404), a removed one (410),
an unknown association's registry (404). JSON clients get the RFC 9457 problem instead (see the routes)."""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum

from credentials.public.i18n import DEFAULT_LANGUAGE
from credentials.public.layout import html_page, language_switch, text
from credentials.public.messages import message


class Missing(StrEnum):
    CREDENTIAL = "missing"
    """404: no credential with this id was issued here (or the id is malformed)."""
    REMOVED = "gone"
    """410: the credential existed and its record was removed."""
    REGISTRY = "missing.registry"
    """404: no association with this slug keeps a registry here."""


def render_missing_page(
    kind: Missing, *, lang: str = DEFAULT_LANGUAGE, href: Callable[[str], str] = lambda code: f"?lang={code}"
) -> str:
    verify = "" if kind is Missing.REGISTRY else f"\n<p>{message(lang, 'missing.verify')}</p>"
    body = f"""<header class="top">
{language_switch(lang, href)}
</header>
<main>
<h1>{text(message(lang, f"{kind.value}.heading"))}</h1>
<p>{text(message(lang, f"{kind.value}.body"))}</p>{verify}
</main>"""
    return html_page(message(lang, f"{kind.value}.title"), body, lang=lang)
