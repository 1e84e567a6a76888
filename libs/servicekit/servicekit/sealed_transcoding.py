"""An eventsourcing Transcoding that stores a personal value object sealed under its subject's key.

A personal value is a frozen dataclass naming its subject, e.g. `Person(subject, name, email)`. Encoded, it is
`{"subject": …, <other fields>…, "sealed": "pd1…"}`: the token holds the JSON of the personal attributes only.
Decoded after the subject's key was destroyed, it is the same type with every personal attribute None, so
aggregates still replay. See docs/erasure.md ("Stored events: one sealed envelope per personal value").
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any, Protocol

from eventsourcing.persistence import Transcoding

from .shredding import InvalidToken, subject_of

__all__ = ["Sealer", "sealed_transcoding"]

SEALED = "sealed"


class Sealer(Protocol):
    """What the transcoding needs of `servicekit.shredding.SubjectKeys`."""

    def seal(self, subject: str, plaintext: str) -> str: ...

    def open(self, token: str) -> str | None: ...


class _SealedValue(Transcoding):
    def __init__(self, cls: type[Any], name: str, personal: tuple[str, ...], keys: Sealer,
                 subject_field: str) -> None:
        self.type, self.name = cls, name
        self._personal, self._keys, self._subject_field = personal, keys, subject_field
        self._plain = tuple(f.name for f in dataclasses.fields(cls) if f.name not in personal)

    def encode(self, obj: Any) -> dict[str, Any]:
        subject = getattr(obj, self._subject_field)
        values = {name: getattr(obj, name) for name in self._personal}
        for name, value in values.items():
            if value is not None and not isinstance(value, str):
                raise TypeError(f"{self.type.__name__}.{name} is personal and must be str or None")
        encoded = {name: getattr(obj, name) for name in self._plain}
        # an already erased value has nothing left to seal (and sealing for an erased subject is refused)
        erased = all(value is None for value in values.values())
        encoded[SEALED] = None if erased else self._keys.seal(subject, json.dumps(values, ensure_ascii=False))
        return encoded

    def decode(self, data: dict[str, Any]) -> Any:
        plain = {name: data[name] for name in self._plain}
        token = data[SEALED]
        if token is not None and subject_of(token) != plain[self._subject_field]:
            raise InvalidToken(f"a {self.name} token sealed for another subject")
        text = None if token is None else self._keys.open(token)
        personal = dict.fromkeys(self._personal) if text is None else json.loads(text)
        return self.type(**plain, **{name: personal.get(name) for name in self._personal})


def sealed_transcoding(cls: type[Any], *, name: str, personal: tuple[str, ...], keys: Sealer,
                       subject_field: str = "subject") -> Transcoding:
    """A transcoding for the dataclass `cls` whose `personal` attributes are sealed under `cls.<subject_field>`."""
    if not dataclasses.is_dataclass(cls):
        raise TypeError(f"{cls!r} is not a dataclass")
    fields = {f.name for f in dataclasses.fields(cls)}
    missing = [field for field in (subject_field, *personal) if field not in fields]
    if missing or not personal or subject_field in personal or SEALED in fields:
        raise ValueError(f"{cls.__name__}: personal fields {personal!r} and subject {subject_field!r} must be "
                         f"distinct fields (missing: {missing}), and no field may be called {SEALED!r}")
    return _SealedValue(cls, name, tuple(personal), keys, subject_field)
