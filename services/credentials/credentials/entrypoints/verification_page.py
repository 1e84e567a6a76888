"""A plain HTML page for people who follow a credential's verification link: no scripts, everything escaped."""

from __future__ import annotations

from datetime import datetime
from html import escape
from typing import Any

from credentials.domain.credential import Credential, Standing

CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"

_STYLE = """
body { font-family: system-ui, sans-serif; max-width: 42rem; margin: 2rem auto; padding: 0 1rem; color: #222; }
dt { font-weight: 600; margin-top: .6rem; } dd { margin: 0; }
.status { padding: .5rem .8rem; border-radius: .3rem; font-size: 1.1rem; }
.active { background: #e3f5e1; } .inactive { background: #fbe3e1; }
code { word-break: break-all; }
"""


def render_verification_page(credential: Credential, now: datetime) -> str:
    document: dict[str, Any] = credential.document
    standing = credential.standing_at(now)
    issuer = document.get("issuer") or {}
    association = str(issuer.get("name") or credential.tenant)
    holder = credential.holder_name or "erased"
    rows = [
        ("Holder", holder),
        ("Endorsement", f"{document.get('name', credential.category_name)} ({credential.category})"),
        ("Designation", credential.designation),
        ("Association", association),
        ("Effective", credential.effective_date.isoformat()),
        ("Valid through", credential.renewal_date.isoformat()),
        ("Issued", credential.issued_at.date().isoformat()),
        ("Credential id", str(document.get("id", ""))),
        ("Issuer", str(issuer.get("id", ""))),
    ]
    items = "\n".join(
        f"<dt>{escape(label)}</dt><dd>{escape(value)}</dd>" for label, value in rows if value is not None
    )
    css_class = "active" if standing is Standing.ACTIVE else "inactive"
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Credential verification: {escape(holder)}</title>
<style>{_STYLE}</style>
</head>
<body>
<main>
<h1>Endorsement credential</h1>
<p class="status {css_class}">Status: <strong>{escape(standing.value.capitalize())}</strong></p>
<dl>
{items}
</dl>
<p>This page shows what {escape(association)} recorded for this credential. The credential itself is a
signed Open Badges 3.0 document: request this address as JSON to get it, and POST it as
<code>{{"verifiableCredential": ...}}</code> to <code>/credentials/verify</code> to check its signature.</p>
</main>
</body>
</html>
"""
