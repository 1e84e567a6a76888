"""The registry as an HTML page: a search form that works without scripts, a results table, paging."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlencode

from credentials.public.layout import html_page, text
from credentials.public.registry import RegistryPage, RegistryQuery
from credentials.public.status import PublicState

STATUS_CHOICES = tuple(state for state in PublicState if state is not PublicState.UNKNOWN)


def render_registry_page(page: RegistryPage, association: str, categories: Mapping[str, str]) -> str:
    query = page.query
    shown = f"{query.offset + 1} to {query.offset + len(page.entries)} of {page.total}" if page.entries else "none"
    body = f"""<header>
<p>{text(association)}</p>
<h1>Endorsement registry</h1>
</header>
<main>
<p>People endorsed by {text(association)} who chose to be listed here. Each name links to the
credential's verification page, which shows its live status.</p>
<form method="get" role="search" aria-label="Search the registry">
<label>Name <input type="search" name="q" maxlength="100" value="{text(query.q or "")}"></label>
<label>Category {_select("category", {"": "Any", **categories}, query.category or "")}</label>
<label>Status {_select("status", {"": "Any", **{s.value: s.value.capitalize() for s in STATUS_CHOICES}},
                          query.status.value if query.status else "")}</label>
<label>City <input type="text" name="city" maxlength="100" value="{text(query.city or "")}"></label>
<label>County <input type="text" name="county" maxlength="100" value="{text(query.county or "")}"></label>
<button type="submit">Search</button>
</form>
<table>
<caption>Listed holders: {text(shown)}</caption>
<thead><tr><th scope="col">Name</th><th scope="col">Endorsement</th><th scope="col">Status</th>
<th scope="col">City</th><th scope="col">County</th><th scope="col">Valid through</th></tr></thead>
<tbody>
{_rows(page)}
</tbody>
</table>
{_paging(page)}
</main>
<footer><p>Endorsement is not a licence. The registry lists only holders who opted in; absence from it
says nothing. To verify a credential someone shows you, use its verification page.</p></footer>"""
    return html_page(f"Endorsement registry of {association}", body)


def _select(name: str, options: Mapping[str, str], selected: str) -> str:
    items = "".join(
        f'<option value="{text(value)}"{" selected" if value == selected else ""}>{text(label)}</option>'
        for value, label in options.items()
    )
    return f'<select name="{text(name)}">{items}</select>'


def _rows(page: RegistryPage) -> str:
    if not page.entries:
        return '<tr><td colspan="6">No listed holder matches this search.</td></tr>'
    rows = []
    for entry in page.entries:
        endorsement = f"{entry.category_name} ({entry.category})"
        if entry.designation:
            endorsement += f", {entry.designation}"
        rows.append(
            f'<tr><th scope="row"><a href="{text(entry.verification_url)}">{text(entry.name)}</a></th>'
            f'<td data-label="Endorsement">{text(endorsement)}</td>'
            f'<td data-label="Status">{text(entry.status.capitalize())}</td>'
            f'<td data-label="City">{text(entry.city or "")}</td>'
            f'<td data-label="County">{text(entry.county or "")}</td>'
            f'<td data-label="Valid through">{text(entry.valid_until.isoformat())}</td></tr>'
        )
    return "\n".join(rows)


def _paging(page: RegistryPage) -> str:
    query = page.query
    links = []
    if query.offset > 0:
        links.append(f'<a href="{text(_href(query, max(query.offset - query.limit, 0)))}" rel="prev">Previous</a>')
    if page.has_next:
        links.append(f'<a href="{text(_href(query, query.offset + query.limit))}" rel="next">Next</a>')
    return f'<nav aria-label="Result pages"><p>{" · ".join(links)}</p></nav>' if links else ""


def _href(query: RegistryQuery, offset: int) -> str:
    parameters = {
        "q": query.q, "category": query.category, "status": query.status.value if query.status else None,
        "city": query.city, "county": query.county, "limit": str(query.limit), "offset": str(offset),
    }
    return "?" + urlencode({name: value for name, value in parameters.items() if value})
