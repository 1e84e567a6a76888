"""Form helpers: the API's problem details become field errors a page shows next to its fields."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from starlette.datastructures import FormData

from ..gateway_client import ApiError
from .i18n import gettext as _


@dataclass
class FormErrors:
    """Errors of one form: per field (shown at the field and in the summary) and for the whole form."""

    fields: dict[str, str] = field(default_factory=dict)
    general: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.fields or self.general)

    def add(self, name: str, message: str) -> None:
        self.fields.setdefault(name, message)


def from_api_error(error: ApiError, known_fields: dict[str, str] | None = None,
                   messages: dict[str, tuple[str, str]] | None = None) -> FormErrors:
    """Map a refusal to the form: a code in `messages` goes to its (field, message); field errors to fields
    the form knows (`known_fields` maps API names to form names, same name when absent); the rest to the top."""
    errors = FormErrors()
    if messages and error.code in messages:
        name, message = messages[error.code]
        if name:
            errors.add(name, message)
        else:
            errors.general.append(message)
        return errors
    for api_name, message in error.field_errors.items():
        name = (known_fields or {}).get(api_name, api_name if known_fields is None else "")
        if name:
            errors.add(name, message)
        else:
            errors.general.append(message)
    if not errors:
        errors.general.append(error.detail or _("Something went wrong. Please check your answers and try again."))
    return errors


def values(form: FormData, *names: str) -> dict[str, Any]:
    """The typed values, to show them again when the page comes back with errors (never passwords)."""
    return {name: str(form.get(name) or "") for name in names}
