"""A template of one kind of email. Values are made one-line and HTML-escaped here, in one place, so no
template can forget."""

from __future__ import annotations

import html
import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from ..domain import EmailContent
from .formatting import long_date, long_moment, one_line

HTML_LAYOUT = """<!DOCTYPE html>
<html lang="{language}">
<head><meta charset="utf-8"><title>{subject}</title></head>
<body style="font-family: Arial, Helvetica, sans-serif; line-height: 1.5; color: #222;">
{body}
<hr>
<p style="color: #555; font-size: small;">{footer}</p>
</body>
</html>
"""


@dataclass(frozen=True)
class Phrase:
    """A set phrase by key (e.g. a reason code's wording), worded by the language the email is written in."""

    key: str


Value = str | date | datetime | Phrase | Sequence[str]
"""A template value: text (made one line), a date (written long, in the email's language), a moment (its date
and time on its own clock, with the zone), a phrase, or a list of lines (a bulleted list; each line made one
line)."""


@dataclass(frozen=True)
class Locale:
    """What every email in one language shares: the footer, how dates read, and the set phrases."""

    code: str
    html_footer: str
    text_footer: str
    phrases: Mapping[str, str] = field(default_factory=dict)

    def phrase(self, key: str) -> str:
        return self.phrases[key]


@dataclass(frozen=True)
class EmailTemplate:
    """`str.format` templates; every `{name}` must be given when rendering."""

    subject: str
    text: str
    html: str

    def placeholders(self, locale: Locale) -> set[str]:
        sources = (self.subject, self.text + locale.text_footer, self.html + locale.html_footer)
        return {name for source in sources for _, name, _, _ in string.Formatter().parse(source) if name}

    def render(self, values: Mapping[str, Value], locale: Locale) -> EmailContent:
        missing = self.placeholders(locale) - set(values)
        if missing:
            raise KeyError(f"template values missing: {', '.join(sorted(missing))}")
        text_values = {name: _as_text(value, locale) for name, value in values.items()}
        html_values = {name: _as_html(value, locale) for name, value in values.items()}
        subject = one_line(self.subject.format_map(text_values))
        page = HTML_LAYOUT.format_map(
            {
                "language": locale.code,
                "subject": html.escape(subject),
                "body": self.html.format_map(html_values),
                "footer": locale.html_footer.format_map(html_values),
            }
        )
        text = self.text.format_map(text_values) + locale.text_footer.format_map(text_values)
        return EmailContent(subject=subject, text_body=text, html_body=page)


def _as_text(value: Value, locale: Locale) -> str:
    if isinstance(value, str):
        return one_line(value)
    if isinstance(value, datetime):
        return long_moment(value, locale.code)
    if isinstance(value, date):
        return long_date(value, locale.code)
    if isinstance(value, Phrase):
        return locale.phrase(value.key)
    lines = [one_line(line) for line in value] or [locale.phrase("none")]
    return "\n".join(f"- {line}" for line in lines)


def _as_html(value: Value, locale: Locale) -> str:
    if isinstance(value, str | date | Phrase):
        return html.escape(_as_text(value, locale), quote=True)
    if not value:
        return f"<p>{html.escape(locale.phrase('none'))}</p>"
    return "<ul>" + "".join(f"<li>{html.escape(one_line(line), quote=True)}</li>" for line in value) + "</ul>"
