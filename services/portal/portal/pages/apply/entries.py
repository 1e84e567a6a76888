"""The tab forms: which fields each has, how a posted form becomes the API's JSON body, and back.

Only the shape is checked here (a number where a number goes, a real date) so the person hears about a typo
in their language before the call; every rule is the applications service's, and its refusals come back as
field errors on the same names.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from .phrasing import N_

FormValues = Mapping[str, str | list[str]]
"""A posted form: one value per field, a list for checkboxes."""

REQUIRED = N_("Complete this field.")
WHOLE_NUMBER = N_("Enter a whole number, like 12.")
HOURS = N_("Enter a number of hours, like 1.5.")
MONEY = N_("Enter an amount, like 20.00.")
REAL_DATE = N_("Enter a real date, like 2024-03-31.")
CHOOSE = N_("Select an option.")
YEAR = N_("Enter a year, like 2019.")


@dataclass(frozen=True)
class Field:
    name: str
    kind: str = "text"
    """text | int | year | hours | money | date | bool | yesno | choice | multi | codes"""
    required: bool = False
    api: str | None = None
    """The API's name when it differs (money is sent in cents)."""

    @property
    def api_name(self) -> str:
        return self.api or self.name


TAB_FIELDS: dict[str, tuple[Field, ...]] = {
    "education": (
        Field("kind", "choice", required=True), Field("institution", required=True),
        Field("year", "year", required=True), Field("level", "choice"), Field("field"),
        Field("related_field", "bool"), Field("transcript_document_id", "choice"),
    ),
    "work": (
        Field("employer", required=True), Field("role", required=True), Field("start", "date", required=True),
        Field("end", "date"), Field("paid", "yesno", required=True), Field("supervised", "yesno", required=True),
        Field("families_served", "int", required=True), Field("age_band", "choice", required=True),
        Field("activities", "multi", required=True), Field("specialized_training", "bool"),
    ),
    "training": (
        Field("title", required=True), Field("provider", required=True),
        Field("completed_on", "date", required=True), Field("hours", "hours", required=True),
        Field("competencies", "multi"), Field("dei_hours", "hours"), Field("rsc_provision_hours", "hours"),
    ),
    "rsc": (
        Field("provider_name", required=True), Field("provider_category", "choice", required=True),
        Field("provider_addons", "codes"), Field("provider_emerging", "bool"), Field("hours", "hours", required=True),
        Field("start", "date", required=True), Field("end", "date", required=True),
        Field("format", "choice", required=True), Field("hours_about_providing_rsc", "hours"),
    ),
    "membership": (
        Field("association", required=True), Field("member_id"), Field("expires_on", "date", required=True),
        Field("individual", "yesno"), Field("other_association", "bool"),
    ),
    "fee": (
        Field("amount", "money", required=True, api="amount_cents"), Field("reference", required=True),
        Field("paid_on", "date", required=True),
    ),
    "details": (Field("phone"), Field("county"), Field("statement")),
}

VOCABULARIES: dict[str, tuple[tuple[str, str], ...]] = {
    "education.kind": (("degree", N_("Degree")), ("cda", N_("Child Development Associate (CDA)")),
                       ("licence", N_("Licence"))),
    "education.level": (("associate", N_("Associate")), ("bachelor", N_("Bachelor's")), ("master", N_("Master's")),
                        ("doctorate", N_("Doctorate"))),
    "work.age_band": (("0-3", N_("Infants and toddlers (0 to 3)")), ("3-6", N_("Young children (3 to 6)")),
                      ("0-6", N_("Both (0 to 6)"))),
    "work.activities": (("direct_service", N_("Direct service with families")),
                        ("infant_parent_intervention", N_("Infant-parent intervention")),
                        ("rsc_provision", N_("Providing reflective supervision/consultation")),
                        ("leadership", N_("Leadership")),
                        ("policy_administration", N_("Policy and administration")),
                        ("teaching_research", N_("Teaching and research"))),
    "rsc.format": (("individual", N_("Individual")), ("group", N_("Group"))),
}


def _one(values: FormValues, name: str) -> str:
    value = values.get(name, "")
    if isinstance(value, list):
        value = value[-1] if value else ""
    return value.strip()


def _many(values: FormValues, name: str) -> list[str]:
    value = values.get(name, [])
    items = value if isinstance(value, list) else [value]
    return [v.strip() for v in items if v and v.strip()]


def _date(text: str) -> str | None:
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        return None


def parse(fields: Sequence[Field], values: FormValues) -> tuple[dict[str, Any], dict[str, str]]:
    """The API body of a posted form, and the errors (field -> untranslated message) of what cannot be sent."""
    body: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for spec in fields:
        if spec.kind == "multi":
            items = _many(values, spec.name)
            if spec.required and not items:
                errors[spec.name] = CHOOSE
            body[spec.api_name] = items
            continue
        if spec.kind == "bool":
            body[spec.api_name] = _one(values, spec.name) in ("true", "on", "yes", "1")
            continue
        text = _one(values, spec.name)
        if not text:
            if spec.required:
                errors[spec.name] = CHOOSE if spec.kind in ("choice", "yesno") else REQUIRED
            elif spec.kind == "codes":
                body[spec.api_name] = []
            elif spec.kind in ("text", "choice", "date"):
                body[spec.api_name] = None
            continue
        try:
            body[spec.api_name] = _convert(spec, text)
        except ValueError as invalid:
            errors[spec.name] = str(invalid)
    return {k: v for k, v in body.items() if v is not None or k in ("end",)}, errors


def _whole(text: str) -> int:
    if not text.isdigit():
        raise ValueError(WHOLE_NUMBER)
    return int(text)


def _year(text: str) -> int:
    if not (text.isdigit() and len(text) == 4):
        raise ValueError(YEAR)
    return int(text)


def _decimal(text: str, message: str) -> Decimal:
    decimal_comma = text.count(",") == 1 and "." not in text
    try:
        number = Decimal(text.replace(",", ".") if decimal_comma else text.replace(",", ""))
    except InvalidOperation:
        raise ValueError(message) from None
    if not number.is_finite() or number < 0:
        raise ValueError(message)
    return number


def _real_date(text: str) -> str:
    day = _date(text)
    if day is None:
        raise ValueError(REAL_DATE)
    return day


def _yes_no(text: str) -> bool:
    if text not in ("yes", "no"):
        raise ValueError(CHOOSE)
    return text == "yes"


CONVERTERS: dict[str, Any] = {
    "int": _whole,
    "year": _year,
    "hours": lambda text: float(_decimal(text, HOURS)),
    "money": lambda text: int((_decimal(text, MONEY) * 100).to_integral_value()),
    "date": _real_date,
    "yesno": _yes_no,
    "codes": lambda text: [c.strip().upper() for c in text.replace(";", ",").split(",") if c.strip()],
}


def _convert(spec: Field, text: str) -> Any:
    converter = CONVERTERS.get(spec.kind)
    return converter(text) if converter else text


def form_values(fields: Sequence[Field], entry: Mapping[str, Any]) -> dict[str, str | list[str]]:
    """An API entry as form values (for editing an entry, or showing what is saved)."""
    values: dict[str, str | list[str]] = {}
    for spec in fields:
        raw = entry.get(spec.api_name)
        if spec.kind in ("multi",):
            values[spec.name] = [str(v) for v in raw or []]
        elif spec.kind == "codes":
            values[spec.name] = ", ".join(str(v) for v in raw or [])
        elif spec.kind == "bool":
            values[spec.name] = "true" if raw else ""
        elif spec.kind == "yesno":
            values[spec.name] = "" if raw is None else ("yes" if raw else "no")
        elif spec.kind == "money":
            values[spec.name] = "" if raw is None else f"{Decimal(int(raw)) / 100:.2f}"
        elif spec.kind == "hours":
            values[spec.name] = "" if raw is None else _plain_number(raw)
        else:
            values[spec.name] = "" if raw is None else str(raw)
    return values


def _plain_number(value: Any) -> str:
    number = Decimal(str(value)).normalize()
    text = format(number, "f")
    return text


def posted(multi_items: Sequence[tuple[str, Any]]) -> dict[str, str | list[str]]:
    """A Starlette form's items as FormValues (repeated names become lists; files are left out)."""
    values: dict[str, str | list[str]] = {}
    for name, value in multi_items:
        if not isinstance(value, str):
            continue
        if name in values:
            current = values[name]
            values[name] = [*current, value] if isinstance(current, list) else [current, value]
        else:
            values[name] = value
    return values


def api_field_errors(field_errors: Mapping[str, str], fields: Sequence[Field]) -> dict[str, str]:
    """The API's field errors on the form's names (`amount_cents` is the form's `amount`)."""
    by_api = {f.api_name: f.name for f in fields}
    return {by_api.get(name, name): message for name, message in field_errors.items()}
