"""The shell every public page shares: language, a language switch, viewport, one stylesheet, no scripts.

The stylesheet is inline but allowed by its SHA-256 hash in the Content-Security-Policy, never by
`unsafe-inline`; no element carries a `style` attribute. Colours meet WCAG AA contrast (4.5:1 or better for
text); status is always spelled out in words, never carried by colour alone.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable
from html import escape

from credentials.public.i18n import LANGUAGE_NAMES, LANGUAGES
from credentials.public.messages import message

SECURITY_HEADERS = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"}

STYLE = """
:root { color: #1a1a1a; background: #fff; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
        line-height: 1.5; }
body { margin: 0 auto; max-width: 46rem; padding: 1rem; }
header p { margin: 0; color: #474747; }
h1 { font-size: 1.6rem; margin: .2rem 0 1rem; } h2 { font-size: 1.2rem; margin-top: 2rem; }
a { color: #0b57d0; } a:focus-visible, input:focus-visible, select:focus-visible, button:focus-visible
  { outline: 3px solid #0b57d0; outline-offset: 2px; }
dl { display: grid; grid-template-columns: minmax(8rem, max-content) 1fr; gap: .3rem 1rem; margin: 0; }
dt { font-weight: 600; } dd { margin: 0; overflow-wrap: anywhere; }
@media (max-width: 30rem) { dl { grid-template-columns: 1fr; } dd { margin-bottom: .5rem; } }
.banner { padding: .8rem 1rem; border-left: .4rem solid; border-radius: .2rem; font-size: 1.1rem; }
.good { background: #e6f4ea; border-color: #1e7b34; color: #0f3d1a; }
.warn { background: #fff4e5; border-color: #b35c00; color: #4d2800; }
.bad { background: #fdeaea; border-color: #b3261e; color: #5c0f0b; }
.checks { padding-left: 1.2rem; } .checks li { margin-bottom: .3rem; overflow-wrap: anywhere; }
.actions { display: flex; flex-wrap: wrap; gap: .6rem; padding: 0; list-style: none; }
.actions a { display: inline-block; padding: .5rem .9rem; border: 1px solid #0b57d0; border-radius: .3rem;
             text-decoration: none; }
.actions a.linkedin { background: #0a66c2; border-color: #0a66c2; color: #fff; }
figure { margin: 1rem 0; } svg.qr { display: block; }
code { overflow-wrap: anywhere; font-size: .9em; }
table { border-collapse: collapse; width: 100%; margin-top: 1.2rem; }
caption { text-align: left; font-weight: 600; padding-bottom: .4rem; }
th, td { text-align: left; padding: .4rem .5rem; border-bottom: 1px solid #c4c4c4; vertical-align: top; }
@media (max-width: 40rem) {  /* each result becomes a stacked card: label, then value */
  thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); }
  tr, th, td { display: block; border: 0; padding: .1rem 0; }
  tbody tr { border-bottom: 1px solid #c4c4c4; padding: .6rem 0; }
  td[data-label]::before { content: attr(data-label) ": "; font-weight: 600; }
  td[data-label]:empty { display: none; }
}
form { display: grid; grid-template-columns: repeat(auto-fit, minmax(10rem, 1fr)); gap: .6rem; align-items: end; }
label { display: flex; flex-direction: column; font-weight: 600; gap: .2rem; }
input, select, button { font: inherit; padding: .4rem; border: 1px solid #6b6b6b; border-radius: .2rem; }
button { background: #0b57d0; color: #fff; border-color: #0b57d0; cursor: pointer; }
footer { margin-top: 2.5rem; color: #474747; font-size: .9rem; }
.top { display: flex; flex-wrap: wrap; justify-content: space-between; gap: .5rem; align-items: baseline; }
.languages ul { display: flex; gap: .8rem; margin: 0; padding: 0; list-style: none; }
.languages a[aria-current] { font-weight: 600; color: #1a1a1a; }
details { margin-top: 1rem; } summary { cursor: pointer; font-weight: 600; color: #0b57d0; }
summary:focus-visible { outline: 3px solid #0b57d0; outline-offset: 2px; }
.note { color: #474747; font-size: .95rem; }
"""

STYLE_HASH = "sha256-" + base64.b64encode(hashlib.sha256(STYLE.encode("utf-8")).digest()).decode("ascii")
PAGE_CSP = (f"default-src 'none'; style-src '{STYLE_HASH}'; base-uri 'none'; "
            "form-action 'none'; frame-ancestors 'none'")
"""Pages with no form: nothing but the one stylesheet, allowed by its hash (the QR code is inline SVG)."""
SEARCH_PAGE_CSP = PAGE_CSP.replace("form-action 'none'", "form-action 'self'")
"""The registry's search form submits to the page itself."""


def language_switch(lang: str, href: Callable[[str], str]) -> str:
    """A link to this page in each language; `href(code)` gives the page's address in that language."""
    items = []
    for code in LANGUAGES:
        current = ' aria-current="true"' if code == lang else ""
        items.append(f'<li><a href="{text(href(code))}" hreflang="{code}" lang="{code}"{current}>'
                     f"{text(LANGUAGE_NAMES[code])}</a></li>")
    return (f'<nav class="languages" aria-label="{text(message(lang, "language_switch"))}">'
            f"<ul>{''.join(items)}</ul></nav>")


def html_page(title: str, body: str, *, lang: str = "en") -> str:
    """A complete HTML document; `title` is escaped here, `body` must already be safe HTML."""
    return f"""<!doctype html>
<html lang="{escape(lang)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>{escape(title)}</title>
<style>{STYLE}</style>
</head>
<body>
{body}
</body>
</html>
"""


def text(value: object) -> str:
    """Any value as escaped HTML text (quotes included, so it is also safe inside attributes)."""
    return escape(str(value), quote=True)
