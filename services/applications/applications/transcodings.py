"""How the aggregate's value objects are stored in events (JSON), and read back with their exact types."""

from __future__ import annotations

import types
from dataclasses import fields, is_dataclass
from enum import Enum
from typing import Any, Union, get_args, get_origin, get_type_hints
from uuid import UUID

from eventsourcing.persistence import Transcoding

from .domain import Applicant, Attestation, EducationEntry, FeePayment, Membership, RscEntry, TrainingEntry, WorkEntry

STORED_VALUES: dict[str, type] = {
    "membership": Membership,
    "education_entry": EducationEntry,
    "work_entry": WorkEntry,
    "training_entry": TrainingEntry,
    "rsc_entry": RscEntry,
    "attestation": Attestation,
    "fee_payment": FeePayment,
}
"""Stored name -> class. A name, once used, must keep meaning the same thing (events are forever)."""


class DataclassAsDict(Transcoding):
    """A frozen dataclass as a dict of its fields; nested dates, Decimals and UUIDs use their own transcodings."""

    def __init__(self, cls: type, name: str) -> None:
        if not is_dataclass(cls):
            raise TypeError(f"{cls} is not a dataclass")
        self.type = cls
        self.name = name
        self._hints = get_type_hints(cls)

    def encode(self, obj: Any) -> dict[str, Any]:
        return {f.name: getattr(obj, f.name) for f in fields(obj)}

    def decode(self, data: dict[str, Any]) -> Any:
        return self.type(**{key: _typed(self._hints[key], value) for key, value in data.items()})


class ApplicantAsDict(Transcoding):
    """The walking skeleton's format for the applicant (kept: stored `Started` events use it)."""

    type = Applicant
    name = "applicant"

    def encode(self, obj: Applicant) -> dict[str, str]:
        return {"account_id": str(obj.account_id), "name": obj.name, "email": obj.email}

    def decode(self, data: dict[str, str]) -> Applicant:
        return Applicant(account_id=UUID(data["account_id"]), name=data["name"], email=data["email"])


def stored_value_transcodings() -> list[Transcoding]:
    return [ApplicantAsDict(), *(DataclassAsDict(cls, name) for name, cls in STORED_VALUES.items())]


def _typed(hint: Any, value: Any) -> Any:
    """JSON gives back str for enums and list for tuples; restore what the dataclass declares."""
    if value is None:
        return None
    origin = get_origin(hint)
    if origin is Union or origin is types.UnionType:
        candidates = [arg for arg in get_args(hint) if arg is not type(None)]
        return _typed(candidates[0], value) if len(candidates) == 1 else value
    if origin is tuple:
        item = get_args(hint)[0] if get_args(hint) else Any
        return tuple(_typed(item, v) for v in value)
    if isinstance(hint, type) and issubclass(hint, Enum):
        return hint(value)
    return value
