"""One OpenAPI document for the whole public API: the gateway's own routes plus every forwarded service route.

Pure functions over JSON-like dicts (no I/O): the services' documents are fetched elsewhere (`openapi_catalog`).
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any

from ..forwarding.routes import ForwardedRoute
from .idempotency_docs import document_idempotency_key

Document = dict[str, Any]

SESSION_SCHEME = "sessionToken"
SECURITY_SCHEMES: Document = {
    SESSION_SCHEME: {
        "type": "http",
        "scheme": "bearer",
        "description": "The `access_token` answered by `POST /auth/login`, sent as `Authorization: Bearer <token>`. "
                       "The gateway checks the session and forwards the call with its own short-lived identity "
                       "token; a client's token never reaches the services.",
    }
}
GATEWAY = "gateway"
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
COMPONENT_KINDS = ("schemas", "responses", "parameters", "examples", "requestBodies", "headers", "links",
                   "callbacks", "pathItems")
"""Component kinds merged across documents; `securitySchemes` are the gateway's own only."""
_REF = re.compile(r"^#/components/([A-Za-z]+)/([^/]+)$")
_TEMPLATE_PART = re.compile(r"\{([^}:]+)(:path)?\}")

TAG_DESCRIPTIONS = {
    GATEWAY: "Accounts, sessions and health: the gateway itself.",
    "applications": "Applications for endorsement (forwarded to the applications service).",
    "reviews": "Review, exams and endorsement decisions (forwarded to the reviews service).",
    "credentials": "Issued credentials, DID documents and status lists (forwarded to the credentials service).",
    "notifications": "E-mails sent to the caller (forwarded to the notifications service).",
}


class Access(Enum):
    """Whether an operation needs a session."""

    NONE = "none"
    """No session is looked at."""
    OPTIONAL = "optional"
    """Public; a valid session, if sent, adds the caller's identity."""
    REQUIRED = "required"
    """401 without a valid session."""


class Availability(Enum):
    OK = "ok"
    STALE = "stale"
    UNAVAILABLE = "unavailable"


@dataclass(frozen=True)
class UpstreamDocument:
    """A service's own OpenAPI document as last fetched, or why it is missing."""

    service: str
    document: Mapping[str, Any] | None
    availability: Availability = Availability.OK
    detail: str = ""


def merge_openapi(
    gateway: Mapping[str, Any],
    gateway_access: Mapping[tuple[str, str], Access],
    upstreams: Sequence[UpstreamDocument],
    routes: Sequence[ForwardedRoute],
    *,
    server_url: str = "/",
) -> Document:
    """The public document: `gateway_access` maps (path, lower-case method) of the gateway's own operations."""
    sources: list[tuple[str, Document]] = [(GATEWAY, _own_paths(gateway))]
    for upstream in upstreams:
        if upstream.document is not None:
            sources.append((upstream.service, _forwarded_paths(upstream.service, upstream.document, routes)))
    renames, components = _merge_components(sources, {GATEWAY: gateway, **{
        u.service: u.document for u in upstreams if u.document is not None}})

    paths: Document = {}
    operation_ids: set[str] = set()
    for source, source_paths in sources:
        for path, item in source_paths.items():
            target = paths.setdefault(path, {})
            for key, value in _rewrite_refs(item, renames[source]).items():
                if key not in HTTP_METHODS:
                    target.setdefault(key, value)
                elif key not in target:  # the gateway's own route wins: it is matched first
                    access = (gateway_access.get((path, key), Access.NONE) if source == GATEWAY
                              else _route_access(source, path, routes))
                    target[key] = _public_operation(value, source, access, operation_ids)
                    document_idempotency_key(path, key, target[key])

    document: Document = {
        "openapi": "3.1.0",
        "info": _info(gateway, upstreams),
        "servers": [{"url": server_url, "description": "This gateway: the platform's public base URL."}],
        "paths": paths,
        "components": {**components, "securitySchemes": copy.deepcopy(SECURITY_SCHEMES)},
        "tags": [{"name": name, "description": TAG_DESCRIPTIONS.get(name, f"Forwarded to the {name} service.")}
                 for name in _tag_order(paths)],
        "x-upstream-documents": {u.service: {"status": u.availability.value, **({"detail": u.detail}
                                                                                 if u.detail else {})}
                                 for u in upstreams},
    }
    return document


def route_pattern(template: str) -> re.Pattern[str]:
    """A forwarded route template (FastAPI syntax) as a regex over OpenAPI path templates."""
    parts: list[str] = []
    position = 0
    for match in _TEMPLATE_PART.finditer(template):
        parts.append(re.escape(template[position:match.start()]))
        parts.append(".+" if match.group(2) else "[^/]+")
        position = match.end()
    parts.append(re.escape(template[position:]))
    return re.compile("^" + "".join(parts) + "$")


def forwarding_route_for(service: str, path: str, routes: Iterable[ForwardedRoute]) -> ForwardedRoute | None:
    """The forwarded route (of this service) the gateway matches `path` with, if any."""
    for route in routes:
        if route_pattern(route.path).match(path):
            return route if route.upstream == service else None
    return None


def _own_paths(gateway: Mapping[str, Any]) -> Document:
    return copy.deepcopy(dict(gateway.get("paths") or {}))


def _forwarded_paths(service: str, document: Mapping[str, Any], routes: Sequence[ForwardedRoute]) -> Document:
    paths = document.get("paths")
    if not isinstance(paths, Mapping):
        return {}
    return {path: copy.deepcopy(item) for path, item in paths.items()
            if isinstance(item, Mapping) and forwarding_route_for(service, path, routes) is not None}


def _route_access(service: str, path: str, routes: Sequence[ForwardedRoute]) -> Access:
    route = forwarding_route_for(service, path, routes)
    return Access.REQUIRED if route is not None and route.authenticated else Access.OPTIONAL


def _public_operation(operation: Any, source: str, access: Access, operation_ids: set[str]) -> Any:
    if not isinstance(operation, dict):
        return operation
    operation["tags"] = [source]
    operation.pop("security", None)  # the services' identity token is internal: the gateway signs it
    parameters = [p for p in operation.get("parameters", [])
                  if not (isinstance(p, Mapping) and p.get("in") == "header"
                          and str(p.get("name", "")).lower() == "authorization")]
    if parameters:
        operation["parameters"] = parameters
    else:
        operation.pop("parameters", None)
    if access is Access.REQUIRED:
        operation["security"] = [{SESSION_SCHEME: []}]
        operation.setdefault("responses", {}).setdefault("401", {
            "description": "No valid session (RFC 9457 problem): log in with `POST /auth/login` first.",
            "content": {"application/problem+json": {"schema": {"type": "object"}}},
        })
    elif access is Access.OPTIONAL:
        operation["security"] = [{}, {SESSION_SCHEME: []}]
    operation_id = operation.get("operationId")
    if isinstance(operation_id, str):
        if operation_id in operation_ids:
            operation_id = operation["operationId"] = f"{source}_{operation_id}"
        operation_ids.add(operation_id)
    return operation


def _merge_components(
    sources: Sequence[tuple[str, Document]], documents: Mapping[str, Mapping[str, Any]]
) -> tuple[dict[str, dict[tuple[str, str], str]], Document]:
    """Components reachable from the kept paths, renamed `<Service><Name>` only where two sources disagree."""
    used: dict[str, dict[tuple[str, str], Any]] = {
        source: _reachable(paths, _components_of(documents[source])) for source, paths in sources}
    by_name: dict[tuple[str, str], dict[str, str]] = {}
    for source, found in used.items():
        for key, value in found.items():
            by_name.setdefault(key, {})[source] = json.dumps(value, sort_keys=True)
    taken = set(by_name)
    renames: dict[str, dict[tuple[str, str], str]] = {source: {} for source, _ in sources}
    for (kind, name), variants in by_name.items():
        if len(set(variants.values())) == 1:
            continue
        for source in variants:
            new_name = _free_name(kind, source[:1].upper() + source[1:] + name, taken)
            taken.add((kind, new_name))
            renames[source][(kind, name)] = new_name
    merged: Document = {}
    for source, found in used.items():
        for (kind, name), value in found.items():
            new_name = renames[source].get((kind, name), name)
            merged.setdefault(kind, {}).setdefault(new_name, _rewrite_refs(value, renames[source]))
    return renames, {kind: dict(sorted(merged[kind].items())) for kind in COMPONENT_KINDS if kind in merged}


def _free_name(kind: str, wanted: str, taken: set[tuple[str, str]]) -> str:
    name, number = wanted, 2
    while (kind, name) in taken:
        name, number = f"{wanted}{number}", number + 1
    return name


def _components_of(document: Mapping[str, Any]) -> dict[tuple[str, str], Any]:
    components = document.get("components")
    if not isinstance(components, Mapping):
        return {}
    return {(kind, name): value for kind in COMPONENT_KINDS if isinstance(components.get(kind), Mapping)
            for name, value in components[kind].items()}


def _reachable(root: Any, components: Mapping[tuple[str, str], Any]) -> dict[tuple[str, str], Any]:
    found: dict[tuple[str, str], Any] = {}
    pending = list(_refs_in(root))
    while pending:
        key = pending.pop()
        if key in found or key not in components:
            continue
        found[key] = components[key]
        pending.extend(_refs_in(components[key]))
    return found


def _refs_in(value: Any) -> Iterable[tuple[str, str]]:
    if isinstance(value, Mapping):
        for key, item in value.items():
            if key == "$ref" and isinstance(item, str) and (match := _REF.match(item)):
                yield match.group(1), match.group(2)
            elif key == "mapping" and isinstance(item, Mapping):
                for target in item.values():
                    if isinstance(target, str) and (match := _REF.match(target)):
                        yield match.group(1), match.group(2)
            else:
                yield from _refs_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from _refs_in(item)


def _rewrite_refs(value: Any, renames: Mapping[tuple[str, str], str]) -> Any:
    """A deep copy of `value` whose local component references follow `renames`."""
    if isinstance(value, Mapping):
        result: dict[str, Any] = {}
        for key, item in value.items():
            if key == "$ref" and isinstance(item, str):
                result[key] = _renamed(item, renames)
            elif key == "mapping" and isinstance(item, Mapping):
                result[key] = {k: _renamed(v, renames) if isinstance(v, str) else _rewrite_refs(v, renames)
                               for k, v in item.items()}
            else:
                result[key] = _rewrite_refs(item, renames)
        return result
    if isinstance(value, list):
        return [_rewrite_refs(item, renames) for item in value]
    return value


def _renamed(ref: str, renames: Mapping[tuple[str, str], str]) -> str:
    match = _REF.match(ref)
    if match is None or (match.group(1), match.group(2)) not in renames:
        return ref
    return f"#/components/{match.group(1)}/{renames[(match.group(1), match.group(2))]}"


def _info(gateway: Mapping[str, Any], upstreams: Sequence[UpstreamDocument]) -> Document:
    info: Document = copy.deepcopy(dict(gateway.get("info") or {}))
    info.setdefault("title", "Endorsement API")
    info.setdefault("version", "0")
    notes = []
    for upstream in upstreams:
        if upstream.availability is Availability.UNAVAILABLE:
            notes.append(f"* **{upstream.service}**: its routes are missing from this document; the service's own "
                         f"document could not be fetched ({upstream.detail or 'unavailable'}).")
        elif upstream.availability is Availability.STALE:
            notes.append(f"* **{upstream.service}**: shown as last fetched; the service did not answer just now "
                         f"({upstream.detail or 'unavailable'}).")
    if notes:
        info["description"] = (str(info.get("description") or "").rstrip() + "\n\n**Incomplete document.**\n\n"
                               + "\n".join(notes) + "\n").lstrip()
    return info


def _tag_order(paths: Mapping[str, Any]) -> list[str]:
    seen = {tag for item in paths.values() if isinstance(item, Mapping)
            for key, op in item.items() if key in HTTP_METHODS and isinstance(op, Mapping)
            for tag in op.get("tags", [])}
    known = [name for name in TAG_DESCRIPTIONS if name in seen]
    return known + sorted(seen - set(known))
