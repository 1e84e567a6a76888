"""Text PostgreSQL cannot store (NUL, unpaired surrogates) is refused at the edge with 422 UNSUPPORTED_CHARACTERS."""

from __future__ import annotations

from typing import Annotated

import httpx
import pytest
from fastapi import FastAPI, Form
from pydantic import BaseModel
from servicekit.edge import install_edge_guards
from servicekit.problems import install_problem_handlers
from servicekit.text_guard import StorableText


class Note(BaseModel):
    text: str
    tags: list[str] = []


def _app() -> FastAPI:
    app = FastAPI()
    install_problem_handlers(app)
    install_edge_guards(app)

    @app.get("/things/{name}")
    def thing(name: str, category: str | None = None) -> dict[str, str | None]:
        return {"name": name, "category": category}

    @app.post("/notes")
    def note(body: Note) -> Note:
        return body

    @app.post("/raw")
    async def raw(body: dict[str, object]) -> dict[str, object]:
        return body

    @app.post("/form")
    def form(title: Annotated[StorableText, Form()]) -> dict[str, str]:
        return {"title": title}

    return app


async def _send(method: str, url: str, **kwargs: object) -> httpx.Response:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=_app()), base_url="http://svc") as client:
        return await client.request(method, url, **kwargs)  # type: ignore[arg-type]


def _refused(response: httpx.Response, location: str) -> None:
    assert response.status_code == 422, response.text
    problem = response.json()
    assert response.headers["content-type"] == "application/problem+json"
    assert problem["code"] == "UNSUPPORTED_CHARACTERS"
    assert [e["location"] for e in problem["errors"]] == [location]


@pytest.mark.parametrize(("method", "url", "kwargs", "location"), [
    ("GET", "/things/x?category=%00", {}, "query.category"),
    ("GET", "/things/x?category=a%00b&limit=2", {}, "query.category"),
    ("GET", "/things/a%00b", {}, "path"),
    ("POST", "/notes", {"content": b'{"text": "a\\u0000b"}', "headers": {"content-type": "application/json"}},
     "body.text"),
    ("POST", "/notes", {"content": b'{"text": "ok", "tags": ["x", "\\ud800"]}'}, "body.tags.1"),
    ("POST", "/raw", {"content": b'{"a\\u0000": 1}', "headers": {"content-type": "application/ld+json"}},
     "body.a?"),
    ("POST", "/form", {"data": {"title": "a\x00b"}}, "body.title"),
])
async def test_unstorable_text_is_refused_naming_the_field(method: str, url: str, kwargs: dict[str, object],
                                                          location: str) -> None:
    _refused(await _send(method, url, **kwargs), location)


async def test_multipart_fields_are_refused_by_the_pydantic_guard() -> None:
    response = await _send("POST", "/form", files={"title": (None, b"a\x00b")})
    _refused(response, "body.title")


@pytest.mark.parametrize(("method", "url", "kwargs"), [
    ("GET", "/things/caf%C3%A9?category=IFS%20%F0%9F%98%80", {}),
    ("POST", "/notes", {"json": {"text": "a \\u0000 literal backslash, a pair \U0001F600 and tabs\t\n"}}),
    ("POST", "/form", {"data": {"title": "plain"}}),
    ("POST", "/form", {"files": {"title": (None, b"plain")}}),
    ("POST", "/notes", {"content": b'{"text": "\\ud83d\\ude00 escaped pair"}',
                        "headers": {"content-type": "application/json"}}),
])
async def test_storable_text_passes(method: str, url: str, kwargs: dict[str, object]) -> None:
    response = await _send(method, url, **kwargs)
    assert response.status_code == 200, response.text


async def test_malformed_json_is_left_to_the_route() -> None:
    response = await _send("POST", "/notes", content=b'{"text": "\\u00', headers={"content-type": "application/json"})
    assert response.status_code == 422 and response.json()["code"] == "VALIDATION_FAILED"
