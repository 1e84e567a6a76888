"""A template of one kind of email. HTML values are escaped here, in one place, so no template can forget."""

from __future__ import annotations

import html
import string
from collections.abc import Mapping
from dataclasses import dataclass

from ..domain import EmailContent

HTML_LAYOUT = """<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>{subject}</title></head>
<body style="font-family: Arial, Helvetica, sans-serif; line-height: 1.5; color: #222;">
{body}
<hr>
<p style="color: #555; font-size: small;">{tenant_name}. This message was sent automatically; \
write to <a href="mailto:{contact_email}">{contact_email}</a> with any question.</p>
</body>
</html>
"""

TEXT_FOOTER = """
--
{tenant_name}
This message was sent automatically; write to {contact_email} with any question.
"""


@dataclass(frozen=True)
class EmailTemplate:
    """`str.format` templates; every `{name}` must be given when rendering."""

    subject: str
    text: str
    html: str

    def placeholders(self) -> set[str]:
        sources = (self.subject, self.text + TEXT_FOOTER, self.html + HTML_LAYOUT)
        return {field for source in sources for _, field, _, _ in string.Formatter().parse(source) if field}

    def render(self, values: Mapping[str, str]) -> EmailContent:
        missing = self.placeholders() - {"subject", "body"} - set(values)
        if missing:
            raise KeyError(f"template values missing: {', '.join(sorted(missing))}")
        subject = self.subject.format_map(values)
        escaped = {name: html.escape(value, quote=True) for name, value in values.items()}
        body = self.html.format_map(escaped)
        page = HTML_LAYOUT.format_map({**escaped, "subject": html.escape(subject), "body": body})
        text = self.text.format_map(values) + TEXT_FOOTER.format_map(values)
        return EmailContent(subject=subject, text_body=text, html_body=page)
