"""The Jinja2 environment (autoescape, i18n) and render(): every page goes through here."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, Undefined, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from . import i18n
from .profile import known_profile
from .security import CSRF_FIELD

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"


@lru_cache(maxsize=1)
def environment(strict: bool = False) -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=select_autoescape(("html", "xml"), default_for_string=True),
        extensions=["jinja2.ext.i18n"],
        undefined=StrictUndefined if strict else Undefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_callables(i18n.gettext, i18n.ngettext, newstyle=True)  # type: ignore[attr-defined]
    env.filters["date"] = i18n.date_filter
    env.filters["datetime"] = i18n.datetime_filter
    env.globals["CSRF_FIELD"] = CSRF_FIELD
    env.globals["LANGUAGE_NAMES"] = {"en": "English", "es": "Español"}
    return env


def page_context(request: Request) -> dict[str, Any]:
    """What every template can use: session, account, tenant, lang, csrf_token, flashes, request."""
    session = getattr(request.state, "session", None)
    account = session.account if session is not None and session.signed_in else None
    return {
        "request": request,
        "session": session,
        # the row's id, roles and flags, with the name and email when this request read them from the gateway
        "account": {**account, **(known_profile(request) or {})} if account is not None else None,
        "tenant": getattr(request.state, "tenant", None) or {},
        "lang": getattr(request.state, "lang", i18n.current_language.get()),
        "csrf_token": session.csrf_token if session is not None else "",
        "flashes": [{"message": i18n.gettext(str(notice.get("message", ""))), "kind": notice.get("kind", "success")}
                    for notice in session.pop_flashes()] if session is not None else [],
        "path": request.url.path,
    }


def render(request: Request, template: str, status_code: int = 200, headers: dict[str, str] | None = None,
           **context: Any) -> HTMLResponse:
    """Render a template with the page context; the page's own context wins on a name clash."""
    lang = getattr(request.state, "lang", None)
    if lang:
        i18n.current_language.set(lang)
    html = environment().get_template(template).render({**page_context(request), **context})
    return HTMLResponse(html, status_code=status_code, headers=headers)


def is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


def redirect(request: Request, location: str) -> Response:
    """303 after a form POST; an htmx request gets HX-Redirect instead, so the whole page changes."""
    if is_htmx(request):
        return Response(status_code=204, headers={"HX-Redirect": location})
    return RedirectResponse(location, status_code=303)
