"""What every application page shares: reading the application and its report, the catalogue, If-Match,
autosave answers, and the phrasing in the person's language."""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

from fastapi import Request
from starlette.responses import JSONResponse, Response

from ...gateway_client import ApiError, GatewayClient
from ...web import i18n
from ...web.templating import render
from .phrasing import Phraser

_ = i18n.gettext
N_ = i18n.N_
STALE = "APPLICATION_CHANGED"
CATALOGUE_TTL_SECONDS = 300.0
_catalogues: dict[str, tuple[float, dict[str, Any]]] = {}
NUMBER_LOCALES = {"en": "en_US", "es": "es"}


def phraser() -> Phraser:
    lang = i18n.current_language.get()
    return Phraser(i18n.gettext, NUMBER_LOCALES.get(lang, lang))


def if_match(version: object) -> dict[str, str]:
    """The If-Match header for the version the person's form was read at (none when unknown)."""
    text = str(version or "").strip().strip('"')
    return {"if-match": f'"{text}"'} if text.isdigit() else {}


async def application(api: GatewayClient, app_id: str) -> dict[str, Any]:
    found: dict[str, Any] = await api.get(f"/applications/{app_id}")
    return found


async def report(api: GatewayClient, app_id: str) -> dict[str, Any] | None:
    """The requirement report, or None when no rule set is in force (the page says so)."""
    try:
        found: dict[str, Any] = await api.get(f"/applications/{app_id}/requirements")
    except ApiError as error:
        if error.status in (404, 409):
            return None
        raise
    return found


async def references(api: GatewayClient, app_id: str) -> dict[str, Any]:
    try:
        found: dict[str, Any] = await api.get(f"/applications/{app_id}/references")
    except ApiError as error:
        if error.status in (404, 409):
            return {"rules": {"slots": []}, "items": []}
        raise
    return found


DEFAULT_EXTENSIONS = ("docx", "jpeg", "jpg", "pdf", "png")
"""Used only while the catalogue cannot be read: the applications service checks every upload anyway."""
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
DEFAULT_MAX_DOCUMENTS = 50
DOCUMENT_KINDS = ("transcript", "cv", "certificate", "licence", "other")


def tenant_categories(tenant: Mapping[str, Any]) -> list[dict[str, str]]:
    raw = tenant.get("categories") or {}
    if isinstance(raw, Mapping):
        return [{"code": str(k), "name": str(v)} for k, v in raw.items()]
    return [{"code": str(c.get("code")), "name": str(c.get("name", c.get("code")))} for c in raw
            if isinstance(c, Mapping)]


async def catalogue(api: GatewayClient, tenant: Mapping[str, Any]) -> dict[str, Any]:
    """The association's catalogue (categories, competencies, document rules), cached a few minutes; built
    from the tenant profile when the API has none."""
    key = str(tenant.get("slug") or "")
    cached = _catalogues.get(key)
    if cached and time.monotonic() - cached[0] < CATALOGUE_TTL_SECONDS:
        return cached[1]
    try:
        found = await api.get("/applications/catalogue")
    except ApiError:
        found = None
    result = normalise_catalogue(found if isinstance(found, Mapping) else {}, tenant)
    if found is not None:
        _catalogues[key] = (time.monotonic(), result)
    return result


def normalise_catalogue(raw: Mapping[str, Any], tenant: Mapping[str, Any]) -> dict[str, Any]:
    """`GET /applications/catalogue` in the shape the templates use: categories [{code, name, can_start}],
    competencies [{id, name, domain, is_domain}] (names in the current language), documents {extensions, accept,
    max_bytes, max_mb, max_count}, tabs {code: [requirement codes]}. The tenant's categories when the API had none."""
    lang = i18n.current_language.get()
    categories = [{"code": str(item["code"]), "name": str(item.get("name") or item["code"]),
                   "can_start": bool(item.get("can_start", True))}
                  for item in raw.get("categories") or [] if isinstance(item, Mapping) and item.get("code")]
    if not categories:
        categories = [{**c, "can_start": True} for c in tenant_categories(tenant)]
    competencies = []
    for item in raw.get("competencies") or []:
        if isinstance(item, Mapping) and item.get("id"):
            names = item.get("name")
            name = (names.get(lang) or names.get("en")) if isinstance(names, Mapping) else names
            competencies.append({"id": str(item["id"]), "name": str(name or item["id"]),
                                 "domain": str(item.get("domain") or ""),
                                 "is_domain": item.get("domain") == item.get("id")})
    found_docs = raw.get("documents")
    docs: Mapping[str, Any] = found_docs if isinstance(found_docs, Mapping) else {}
    extensions = sorted({str(e).lstrip(".").lower() for t in docs.get("types") or [] if isinstance(t, Mapping)
                         for e in t.get("extensions") or []}) or list(DEFAULT_EXTENSIONS)
    max_bytes = int(docs.get("max_bytes") or DEFAULT_MAX_BYTES)
    tabs = {str(t["code"]): list(t.get("requirements") or []) for t in raw.get("tabs") or []
            if isinstance(t, Mapping) and t.get("code")}
    return {
        "categories": categories,
        "competencies": competencies,
        "documents": {
            "kinds": list(DOCUMENT_KINDS),
            "extensions": extensions,
            "accept": ",".join(f".{e}" for e in extensions),
            "max_bytes": max_bytes,
            "max_mb": round(max_bytes / (1024 * 1024), 1),
            "max_count": int(docs.get("max_per_application") or DEFAULT_MAX_DOCUMENTS),
        },
        "tabs": tabs,
    }


def wants_json(request: Request) -> bool:
    """An autosave from apply.js (the page's own form, sent in the background)."""
    return request.headers.get("x-autosave") == "1"


def autosave_answer(*, saved: bool, version: object = None, errors: Mapping[str, str] | None = None,
                    message: str = "", status_code: int = 200) -> Response:
    return JSONResponse({"saved": saved, "version": version, "errors": dict(errors or {}), "message": message},
                        status_code=status_code)


def translated_errors(errors: Mapping[str, str]) -> dict[str, str]:
    return {name: _(message) for name, message in errors.items()}


STALE = N_("Someone else changed this application while you were editing it. What you typed is still here: "
           "check it and save again.")


def stale_message() -> str:
    return _(STALE)


def not_editable(request: Request, app: Mapping[str, Any]) -> Response:
    return render(request, "apply/not_editable.html", status_code=409, app=app)


def editable(app: Mapping[str, Any]) -> bool:
    return str(app.get("status")) in ("draft", "registered", "accepted", "returned", "deferred")
