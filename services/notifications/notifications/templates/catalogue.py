"""Every kind of email in every language the platform writes. A new kind is an English template and its
translations, plus a handler that fills it."""

from __future__ import annotations

from collections.abc import Mapping

from ..domain import EmailContent
from . import en, es
from .template import EmailTemplate, Locale, Value

LOCALES: dict[str, tuple[Locale, Mapping[str, EmailTemplate]]] = {
    "en": (en.ENGLISH, en.TEMPLATES),
    "es": (es.SPANISH, es.TEMPLATES),
}
FALLBACK = "en"
TEMPLATES: Mapping[str, EmailTemplate] = en.TEMPLATES
"""The English templates: one per kind, the fallback for a kind a language lacks."""


def template_for(kind: str, language: str) -> tuple[Locale, EmailTemplate]:
    """The template of `kind` in `language`, else in English (the whole email then English, footer included)."""
    locale, templates = LOCALES.get(language, LOCALES[FALLBACK])
    if kind not in templates:
        locale, templates = LOCALES[FALLBACK]
    return locale, templates[kind]


def render(kind: str, values: Mapping[str, Value], language: str = FALLBACK) -> EmailContent:
    """Render the email of `kind`; raises KeyError for an unknown kind or a missing value."""
    locale, template = template_for(kind, language)
    return template.render(values, locale)
