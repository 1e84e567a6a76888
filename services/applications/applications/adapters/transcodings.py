"""How the aggregate's value objects are stored in events (JSON), and read back with their exact types.

Personal values are stored sealed under their subject's key (`servicekit.sealed_transcoding`, docs/erasure.md):
the applicant (`Applicant`, as `applicant_v2`: under `account:<id>`), the profile (`Profile`), raters
(`RaterIdentity`, under the rater's own subject), free texts and lists of texts of a person's file (`PersonalText`,
`PersonalItems`), and the free texts of entries, memberships and fee payments (`PersonalEntry`, `PersonalRecord`:
the value with those fields blank, plus one token). Events stored before sealing keep their plaintext shapes and
still load: `applicant` here, the others through the events' upcasters (`domain/legacy.py`).
"""

from __future__ import annotations

import json
import types
from dataclasses import dataclass, fields, is_dataclass, replace
from enum import Enum
from typing import Any, Union, get_args, get_origin, get_type_hints
from uuid import UUID

from eventsourcing.persistence import Transcoding
from servicekit.sealed_transcoding import Sealer, sealed_transcoding
from servicekit.shredding import InvalidToken, subject_of

from ..domain import Applicant, Attestation, EducationEntry, FeePayment, Membership, RscEntry, TrainingEntry, WorkEntry
from ..domain.entries import PERSONAL_TEXTS, RECORD_TEXTS, PersonalEntry, PersonalRecord
from ..domain.reference_data import RaterIdentity
from ..domain.values import PersonalItems, PersonalText, Profile, account_of_subject

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
    """The applicant as stored before sealing, in plaintext (read only: kept because stored events use it)."""

    type = Applicant
    name = "applicant"

    def encode(self, obj: Applicant) -> dict[str, str | None]:
        return {"account_id": str(obj.account_id), "name": obj.name, "email": obj.email}

    def decode(self, data: dict[str, str]) -> Applicant:
        return Applicant(account_id=UUID(data["account_id"]), name=data["name"], email=data["email"])


@dataclass(frozen=True)
class _SealedPerson:
    """An applicant's stored shape: the subject (their account) in the clear, name and email sealed."""

    subject: str
    name: str | None
    email: str | None


class SealedApplicant(Transcoding):
    """`Applicant` sealed under `account:<account id>`; registered after `ApplicantAsDict`, so new events use it."""

    type = Applicant
    name = "applicant_v2"

    def __init__(self, keys: Sealer) -> None:
        self._person = sealed_transcoding(_SealedPerson, name=self.name, personal=("name", "email"), keys=keys)

    def encode(self, obj: Applicant) -> dict[str, Any]:
        encoded: dict[str, Any] = self._person.encode(_SealedPerson(obj.subject, obj.name, obj.email))
        return encoded

    def decode(self, data: dict[str, Any]) -> Applicant:
        person: _SealedPerson = self._person.decode(data)
        account_id = account_of_subject(person.subject)
        if account_id is None:
            raise ValueError("a stored applicant's subject is not an account")
        return Applicant(account_id, person.name, person.email)


class SealedTexts(Transcoding):
    """A personal wrapper `cls(subject, <value>)` (`PersonalEntry`, `PersonalRecord`): the value with its texts
    (`texts[type(value)]`) blank, encoded by the value's own transcoding, and those texts sealed as one JSON token
    under the subject; decoded with them None once the subject is erased."""

    def __init__(self, cls: type, name: str, value_field: str, texts: dict[type, tuple[str, ...]],
                 keys: Sealer) -> None:
        self.type, self.name = cls, name
        self._value_field, self._texts, self._keys = value_field, texts, keys

    def encode(self, obj: Any) -> dict[str, Any]:
        if obj.subject is None:
            raise ValueError(f"a {self.name} is stored sealed under its applicant's subject")
        value: Any = getattr(obj, self._value_field)  # each kind has its own texts: `replace` cannot be typed
        texts = {name: getattr(value, name) for name in self._texts[type(value)]}
        erased = all(text is None for text in texts.values())
        token = None if erased else self._keys.seal(obj.subject, json.dumps(texts, ensure_ascii=False))
        return {"subject": obj.subject, self._value_field: replace(value, **dict.fromkeys(texts)), "sealed": token}

    def decode(self, data: dict[str, Any]) -> Any:
        subject, value, token = data["subject"], data[self._value_field], data["sealed"]
        if token is not None and subject_of(token) != subject:
            raise InvalidToken(f"a {self.name} token sealed for another subject")
        text = None if token is None else self._keys.open(token)
        names = self._texts[type(value)]
        texts = dict.fromkeys(names) if text is None else json.loads(text)
        return self.type(subject, replace(value, **{name: texts.get(name) for name in names}))


def stored_value_transcodings(keys: Sealer) -> list[Transcoding]:
    """Every transcoding of the applications' events; `keys` seals and opens the personal values."""
    return [
        ApplicantAsDict(),
        SealedApplicant(keys),  # after the plaintext one: encoding an Applicant uses the last registered
        sealed_transcoding(Profile, name="profile_v1", personal=("phone", "county", "statement"), keys=keys),
        sealed_transcoding(RaterIdentity, name="rater_identity_v1", personal=("name", "email"), keys=keys),
        sealed_transcoding(PersonalText, name="personal_text_v1", personal=("text",), keys=keys),
        SealedTexts(PersonalEntry, "personal_entry_v1", "entry", PERSONAL_TEXTS, keys),
        SealedTexts(PersonalRecord, "personal_record_v1", "record", RECORD_TEXTS, keys),
        sealed_transcoding(PersonalItems, name="personal_items_v1", personal=("text",), keys=keys),
        *(DataclassAsDict(cls, name) for name, cls in STORED_VALUES.items()),
    ]


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
