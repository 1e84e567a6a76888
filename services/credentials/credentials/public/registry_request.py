"""Reading a registry search from query parameters: blank fields (as an HTML form sends them) mean "any"."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from servicekit.problems import Problem

from credentials.public.registry import RegistryQuery
from credentials.public.registry_page import STATUS_CHOICES
from credentials.public.status import PublicState


def registry_query(
    tenant: str,
    *,
    today: date,
    categories: Mapping[str, str],
    q: str | None,
    category: str | None,
    status: str | None,
    city: str | None,
    county: str | None,
    limit: int,
    offset: int,
) -> RegistryQuery:
    """The search, with `category` checked against the association's and `status` against the public states."""
    return RegistryQuery(
        tenant=tenant, today=today, q=_blank_is_none(q), category=_category(_blank_is_none(category), categories),
        status=_status(_blank_is_none(status)), city=_blank_is_none(city), county=_blank_is_none(county),
        limit=limit, offset=offset,
    )


def _blank_is_none(value: str | None) -> str | None:
    return (value.strip() or None) if value is not None else None


def _invalid(parameter: str, message: str) -> Problem:
    return Problem(422, "Invalid request", message, code="VALIDATION_FAILED",
                   errors=[{"location": f"query.{parameter}", "message": message, "type": "value_error"}])


def _category(value: str | None, categories: Mapping[str, str]) -> str | None:
    if value is not None and value not in categories:
        raise _invalid("category", f"category must be one of: {', '.join(categories)}")
    return value


def _status(value: str | None) -> PublicState | None:
    if value is None:
        return None
    choices = {state.value: state for state in STATUS_CHOICES}
    if value.lower() not in choices:
        raise _invalid("status", f"status must be one of: {', '.join(choices)}")
    return choices[value.lower()]
