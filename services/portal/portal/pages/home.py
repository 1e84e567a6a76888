"""The landing page and the language switch."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from ..gateway_client import ApiError, ApiUnavailable
from ..web.context import use_language
from ..web.deps import ApiDep, CsrfChecked, SessionDep
from ..web.i18n import LANGUAGES
from ..web.templating import redirect, render

router = APIRouter()


def safe_next(value: object, default: str = "/") -> str:
    """Only a path on this site (never //evil.example or https://…): no open redirect."""
    text = str(value or "")
    if text.startswith("/") and not text.startswith("//") and "\\" not in text:
        return text
    return default


@router.get("/")
async def landing(request: Request) -> Response:
    return render(request, "home.html")


@router.post("/language")
async def switch_language(request: Request, _csrf: CsrfChecked, session: SessionDep, api: ApiDep) -> Response:
    form = await request.form()
    language = str(form.get("language") or "")
    if language in LANGUAGES:
        session.set_language(language)
        use_language(request, language)
        if session.signed_in:
            try:
                account = await api.patch("/auth/me", json={"language": language})
                if isinstance(account, dict):
                    session.set_account(account)
            except (ApiError, ApiUnavailable):
                pass  # the session keeps the choice; the account learns it next time
    return redirect(request, _without_lang(safe_next(form.get("next"))))


def _without_lang(path: str) -> str:
    """A rater's link carries ?lang=: after a switch, the person's choice wins."""
    base, _, query = path.partition("?")
    kept = "&".join(part for part in query.split("&") if part and not part.startswith("lang="))
    return f"{base}?{kept}" if kept else base
