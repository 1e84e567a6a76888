"""Email templates: one plain-text and one HTML body per kind and language, filled with escaped values."""

from . import kinds
from .catalogue import LOCALES, TEMPLATES, render, template_for
from .formatting import long_date, long_moment, one_line
from .links import Links
from .template import EmailTemplate, Locale, Phrase, Value

__all__ = [
    "LOCALES",
    "TEMPLATES",
    "EmailTemplate",
    "Links",
    "Locale",
    "Phrase",
    "Value",
    "kinds",
    "long_date",
    "long_moment",
    "one_line",
    "render",
    "template_for",
]
