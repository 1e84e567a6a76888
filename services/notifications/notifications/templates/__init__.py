"""Email templates: one plain-text and one HTML body per kind, filled with escaped values."""

from .catalogue import APPLICATION_SUBMITTED, ENDORSEMENT_GRANTED, TEMPLATES, render
from .formatting import long_date, one_line
from .links import Links
from .template import EmailTemplate

__all__ = [
    "APPLICATION_SUBMITTED",
    "ENDORSEMENT_GRANTED",
    "TEMPLATES",
    "EmailTemplate",
    "Links",
    "long_date",
    "one_line",
    "render",
]
