"""The registry as an HTML page: a search form that works without scripts, a results table, paging; in
English or Spanish, dates as the association's calendar days in the one long format."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlencode

from credentials.public.i18n import DEFAULT_LANGUAGE, long_date
from credentials.public.layout import html_page, language_switch, text
from credentials.public.messages import message
from credentials.public.registry import RegistryPage, RegistryQuery
from credentials.public.status import PublicState

STATUS_CHOICES = tuple(state for state in PublicState if state is not PublicState.UNKNOWN)


def render_registry_page(
    page: RegistryPage, association: str, categories: Mapping[str, str], *, lang: str = DEFAULT_LANGUAGE
) -> str:
    query = page.query
    shown = (message(lang, "registry.shown", first=query.offset + 1, last=query.offset + len(page.entries),
                     total=page.total) if page.entries else message(lang, "registry.none"))
    statuses = {s.value: message(lang, f"state.{s.value}") for s in STATUS_CHOICES}
    any_label = message(lang, "registry.any")
    def m(key: str) -> str:
        return text(message(lang, key))

    headings = "".join(f'<th scope="col">{m(f"registry.{key}")}</th>'
                       for key in ("name", "endorsement", "status", "city", "county", "valid_through"))
    status_select = _select("status", {"": any_label, **statuses}, query.status.value if query.status else "")
    body = f"""<header class="top">
<p>{text(association)}</p>
{language_switch(lang, lambda code: _href(query, query.offset, code))}
</header>
<main>
<h1>{m("registry.heading")}</h1>
<p>{text(message(lang, "registry.intro", association=association))}</p>
<form method="get" role="search" aria-label="{m("registry.search")}">
<input type="hidden" name="lang" value="{text(lang)}">
<label>{m("registry.name")} <input type="search" name="q" maxlength="100" value="{text(query.q or "")}"></label>
<label>{m("registry.category")} {_select("category", {"": any_label, **categories}, query.category or "")}</label>
<label>{m("registry.status")} {status_select}</label>
<label>{m("registry.city")} <input type="text" name="city" maxlength="100" value="{text(query.city or "")}"></label>
<label>{m("registry.county")}
<input type="text" name="county" maxlength="100" value="{text(query.county or "")}"></label>
<button type="submit">{m("registry.submit")}</button>
</form>
<table>
<caption>{text(message(lang, "registry.caption", shown=shown))}</caption>
<thead><tr>{headings}</tr></thead>
<tbody>
{_rows(page, lang)}
</tbody>
</table>
{_paging(page, lang)}
</main>
<footer><p>{m("registry.footer")}</p></footer>"""
    return html_page(message(lang, "registry.title", association=association), body, lang=lang)


def _select(name: str, options: Mapping[str, str], selected: str) -> str:
    items = "".join(
        f'<option value="{text(value)}"{" selected" if value == selected else ""}>{text(label)}</option>'
        for value, label in options.items()
    )
    return f'<select name="{text(name)}">{items}</select>'


def _rows(page: RegistryPage, lang: str) -> str:
    if not page.entries:
        return f'<tr><td colspan="6">{text(message(lang, "registry.no_match"))}</td></tr>'
    labels = {key: text(message(lang, f"registry.{key}"))
              for key in ("endorsement", "status", "city", "county", "valid_through")}
    rows = []
    for entry in page.entries:
        endorsement = f"{entry.category_name} ({entry.category})"
        if entry.designation:
            endorsement += f", {entry.designation}"
        try:
            status = message(lang, f"state.{entry.status}")
        except KeyError:
            status = entry.status.capitalize()
        rows.append(
            f'<tr><th scope="row"><a href="{text(_with_lang(entry.verification_url, lang))}">'
            f'{text(entry.name)}</a></th>'
            f'<td data-label="{labels["endorsement"]}">{text(endorsement)}</td>'
            f'<td data-label="{labels["status"]}">{text(status)}</td>'
            f'<td data-label="{labels["city"]}">{text(entry.city or "")}</td>'
            f'<td data-label="{labels["county"]}">{text(entry.county or "")}</td>'
            f'<td data-label="{labels["valid_through"]}">{text(long_date(entry.valid_until, lang))}</td></tr>'
        )
    return "\n".join(rows)


def _with_lang(url: str, lang: str) -> str:
    return f"{url}?lang={lang}"


def _paging(page: RegistryPage, lang: str) -> str:
    query = page.query
    links = []
    if query.offset > 0:
        links.append(f'<a href="{text(_href(query, max(query.offset - query.limit, 0), lang))}" rel="prev">'
                     f'{text(message(lang, "registry.previous"))}</a>')
    if page.has_next:
        links.append(f'<a href="{text(_href(query, query.offset + query.limit, lang))}" rel="next">'
                     f'{text(message(lang, "registry.next"))}</a>')
    if not links:
        return ""
    return f'<nav aria-label="{text(message(lang, "registry.pages"))}"><p>{" · ".join(links)}</p></nav>'


def _href(query: RegistryQuery, offset: int, lang: str) -> str:
    parameters = {
        "q": query.q, "category": query.category, "status": query.status.value if query.status else None,
        "city": query.city, "county": query.county, "limit": str(query.limit), "offset": str(offset), "lang": lang,
    }
    return "?" + urlencode({name: value for name, value in parameters.items() if value})
