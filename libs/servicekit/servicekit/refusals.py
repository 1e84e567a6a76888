"""Domain refusals as RFC 9457 problems, the same way in every service: the family picks the status, the code passes.

A service declares its `Refusals`: the base class of its refusals and its families, each one of its own domain
classes (the domain imports no servicekit) with the HTTP status and title it answers; optional per-code overrides,
for a refusal whose status is more specific than its family's (a 413 among the 422s); and a hook that adds what
one refusal carries beyond its code and detail (a list of `errors`, extra members, headers). `install` adds the
exception handler. A refusal takes the first family, in the order declared, that it is an instance of.

A refusal of no family is 400 `Refused` in every service. 400 says that the server will not process the request
for something about the request, and no more; 409 (applications' old default) claims a conflict with the current
state of the resource, which only a service's conflict family knows, and a 5xx would tell clients to retry a request
that will be refused again. No refusal should get there: each service's tests check, with `unmapped`, that every
refusal class it declares has a family or a code of its own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from .problems import Problem, problem_response

E = TypeVar("E", bound=Exception)

DEFAULT_STATUS = 400
DEFAULT_TITLE = "Refused"
DEFAULT_CODE = "REFUSED"


@dataclass(frozen=True)
class Family:
    """Refusals that are instances of `refusal` answer `status` with `title`."""

    refusal: type[Exception]
    status: int
    title: str


@dataclass(frozen=True)
class Details:
    """What a service's hook adds to one refusal's problem: another title, the `errors` list, extra members of the
    body, response headers."""

    title: str | None = None
    errors: list[dict[str, Any]] | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)
    headers: Mapping[str, str] = field(default_factory=dict)


class Refusals(Generic[E]):
    """One service's mapping from refusal to problem (see the module docstring)."""

    def __init__(self, base: type[E], families: Sequence[Family], *,
                 by_code: Mapping[str, tuple[int, str]] | None = None,
                 details: Callable[[E], Details | None] | None = None) -> None:
        self.base = base
        self.families = tuple(families)
        self.by_code = dict(by_code or {})
        """Codes whose status is more specific than their family's: code -> (status, title)."""
        self.details = details

    def status_of(self, error: E) -> tuple[int, str]:
        """The status and title: the code's own, else the first family's, else 400 `Refused`."""
        override = self.by_code.get(code_of(error))
        if override is not None:
            return override
        for family in self.families:
            if isinstance(error, family.refusal):
                return family.status, family.title
        return DEFAULT_STATUS, DEFAULT_TITLE

    def problem(self, error: E) -> Problem:
        status, title = self.status_of(error)
        details = self.details(error) if self.details is not None else None
        if details is None:
            return Problem(status, title, str(error), code=code_of(error))
        return Problem(status, details.title or title, str(error), code=code_of(error), errors=details.errors,
                       extra=dict(details.extra), headers=details.headers)

    def install(self, app: FastAPI) -> None:
        """Answer every refusal the app's routes raise with its problem."""

        async def on_refusal(request: Request, exc: Exception) -> JSONResponse:
            assert isinstance(exc, self.base)
            return problem_response(self.problem(exc), request.url.path)

        app.add_exception_handler(self.base, on_refusal)

    def unmapped(self, refusals: Iterable[type[E]]) -> list[type[E]]:
        """Those of `refusals` that would be answered with the default: no family, no code of their own mapped."""
        return [r for r in refusals
                if not any(issubclass(r, family.refusal) for family in self.families)
                and getattr(r, "code", None) not in self.by_code]


def code_of(error: Exception) -> str:
    """The refusal's stable code (`code`, a class attribute in every service)."""
    return str(getattr(error, "code", DEFAULT_CODE))


def subclasses(base: type[E]) -> list[type[E]]:
    """Every class below `base`, for a test that checks each has a family (`Refusals.unmapped`); the modules that
    declare them must have been imported."""
    found: list[type[E]] = []
    for sub in base.__subclasses__():
        found.extend((sub, *subclasses(sub)))
    return list(dict.fromkeys(found))
