"""Stored domain events -> public integration events: the only place the two meet.

`translator` publishes the application's own events and hands reference events to `references` and renewal or
reinstatement submissions to `renewals`; `common` holds what they all publish alike (the applicant, the report).
"""

from .common import LoadVersion
from .translator import Translator

__all__ = ["LoadVersion", "Translator"]
