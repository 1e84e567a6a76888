"""Sealed twins: an integration event's `.v2` copy with every personal field sealed, and the way back.

The v2 switch (docs/erasure.md, slice 7b). A producer of a sealed topic relays each stored event twice while its
consumers move: the v1 event as before, and its v2 twin (`endorsement_contracts.events.twin_of`), made here from
the v1 event by sealing each value the twin types `Sealed` under the subject the producer's policy names for that
field (`TwinSealer`). Both records carry the same `ce_id`, so a consumer that moves from v1 to v2 finds the
decisions it already applied. Tokens are `SubjectKeys.seal_stable` tokens for the context `<ce_id>/<field path>`:
a republished record (after a broker lost its data) has the same bytes. A value whose subject was erased before it
was relayed travels as `erased_token(subject)`, which opens to None.

Consumers handle v2 records through `opened_handlers`: the tokens the consumer's unseal step opened at the
producer are put back into the v1 shape, so handlers keep their v1 types. A value whose subject was erased is None
there, even where v1 types it `str` (the model is then built without validation: handlers must expect None in
personal fields, as they already do for their own erased copies).
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Callable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from typing import Annotated, Any, TypeVar
from uuid import UUID

from endorsement_contracts import Envelope, IntegrationEvent
from endorsement_contracts.events import twin_of
from endorsement_contracts.events.common import SEALED
from pydantic import BaseModel, ValidationError

from .shredding import InvalidToken, SubjectErased, SubjectKeys, WrongMasterKey, erased_token, key_batch
from .unseal import (  # one walk over types for finding and for sealing
    ProducerUnavailable,
    UnsealRefused,
    _containers,
    _item_type,
    _shapes,
    plaintext,
)

__all__ = ["FieldPath", "LocalUnsealer", "SubjectPolicy", "TwinSealer", "opened_handlers", "opened_twin",
           "sealed_twin"]

E = TypeVar("E", bound=BaseModel)
FieldPath = tuple[str | int, ...]
"""Where a value sits in an event: field names, list positions and `details` keys, from the event's root."""
SubjectPolicy = Callable[[IntegrationEvent, FieldPath], str]
"""The subject (e.g. `account:<uuid>`, `rater:<tenant>:<hmac>`) whose key seals the value at a path of the event.
Each producer writes its own, following the per-field table of the contracts README."""
Seal = Callable[[FieldPath, str], str]
HandlerOf = Callable[[Envelope], Sequence[Any]]


# --- v1 -> sealed v2 (the producer) -----------------------------------------------------------------------------

def sealed_twin(event: BaseModel, twin: type[E], seal: Seal) -> E:
    """`twin` built from `event`'s fields of the same names, each value the twin types `Sealed` replaced by
    `seal(path, value)`. Fields the twin does not have are left out; the twin validates the result."""
    return twin.model_validate(_sealed_fields(event, twin, (), seal))


def _sealed_fields(value: BaseModel, model: type[BaseModel], path: FieldPath, seal: Seal) -> dict[str, Any]:
    return {name: _sealed(getattr(value, name), _annotation(field), (*path, name), seal)
            for name, field in model.model_fields.items() if name in type(value).model_fields}


def _sealed(value: Any, annotation: Any, path: FieldPath, seal: Seal) -> Any:
    if value is None:
        return None
    shapes = _shapes(annotation, sealed=False)
    if isinstance(value, BaseModel):
        model = _model_in(shapes)
        return _sealed_fields(value, model, path, seal) if model is not None else value
    if isinstance(value, str):
        return seal(path, value) if any(sealed for _, sealed in shapes) else value
    if isinstance(value, Mapping):
        values = [args[1] for args in _containers(shapes, Mapping) if len(args) == 2]
        return {key: _sealed(item, _first(values), (*path, key), seal) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [args for args in _containers(shapes, Sequence | AbstractSet) if args]
        return [_sealed(item, _first([_item_type(args, i) for args in items]), (*path, i), seal)
                for i, item in enumerate(value)]
    return value


class TwinSealer:
    """The relay's `twin` step for one producer: the v2 twin of a v1 event of a sealed topic (None for events
    without a twin), its values sealed with `keys` under the subjects `policy` names."""

    def __init__(self, keys: SubjectKeys, policy: SubjectPolicy) -> None:
        self.keys = keys
        self.policy = policy

    def __call__(self, event: IntegrationEvent, event_id: UUID) -> IntegrationEvent | None:
        twin = twin_of(type(event))
        if twin is None or twin.version <= event.version:
            return None

        def seal(path: FieldPath, text: str) -> str:
            subject = self.policy(event, path)
            try:
                return self.keys.seal_stable(subject, text, f"{event_id}/{'/'.join(map(str, path))}")
            except SubjectErased:
                return erased_token(subject)

        return sealed_twin(event, twin, seal)


# --- sealed v2 -> v1 shape (the consumer) -----------------------------------------------------------------------

def opened_twin(event: BaseModel, original: type[E], opened: Callable[[str], str | None]) -> E:
    """`original` (the v1 shape) built from the sealed `event`, each token replaced by `opened(token)`."""
    return _built(original, _opened_fields(event, original, opened))


def _opened_fields(value: BaseModel, model: type[BaseModel], opened: Callable[[str], str | None]) -> dict[str, Any]:
    sealed_fields = type(value).model_fields
    return {name: _opened(getattr(value, name), _annotation(sealed_fields[name]), _annotation(field), opened)
            for name, field in model.model_fields.items() if name in sealed_fields}


def _opened(value: Any, sealed_annotation: Any, annotation: Any, opened: Callable[[str], str | None]) -> Any:
    if value is None:
        return None
    sealed_shapes, shapes = _shapes(sealed_annotation, sealed=False), _shapes(annotation, sealed=False)
    if isinstance(value, BaseModel):
        model = _model_in(shapes)
        return _built(model, _opened_fields(value, model, opened)) if model is not None else value
    if isinstance(value, str):
        return opened(value) if any(sealed for _, sealed in sealed_shapes) else value
    if isinstance(value, Mapping):
        sealed_values = [args[1] for args in _containers(sealed_shapes, Mapping) if len(args) == 2]
        values = [args[1] for args in _containers(shapes, Mapping) if len(args) == 2]
        return {key: _opened(item, _first(sealed_values), _first(values), opened) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        sealed_items = [args for args in _containers(sealed_shapes, Sequence | AbstractSet) if args]
        items = [args for args in _containers(shapes, Sequence | AbstractSet) if args]
        return [_opened(item, _first([_item_type(args, i) for args in sealed_items]),
                        _first([_item_type(args, i) for args in items]), opened) for i, item in enumerate(value)]
    return value


def _built(model: type[E], fields: dict[str, Any]) -> E:
    try:
        return model.model_validate(fields)
    except ValidationError:  # an erased value (None) where the v1 shape wants text: built as it is
        return model.model_construct(**fields)


def opened_handlers(handlers: Mapping[type[IntegrationEvent], HandlerOf]) -> dict[type[IntegrationEvent], HandlerOf]:
    """Handlers for the v2 twins of `handlers`' v1 events: each record's event is given to the v1 handler in its v1
    shape, its tokens opened by the consumer's unseal step (`servicekit.unseal.plaintext`). Events without a twin
    are left out. The consumer needs an `unsealer` for these."""
    twinned: dict[type[IntegrationEvent], HandlerOf] = {}
    for original, handler in handlers.items():
        twin = twin_of(original)
        if twin is not None and twin.version > original.version:
            twinned[twin] = _reading_v1(original, handler)
    return twinned


class LocalUnsealer:
    """A consumer's `unsealer` that opens tokens with keys at hand instead of calling the producer: for a consumer's
    tests (the producer's keys in the test database) and for a service reading its own sealed topic."""

    def __init__(self, keys_by_producer: Mapping[str, SubjectKeys]) -> None:
        self.keys_by_producer = dict(keys_by_producer)

    async def open_many(self, producer: str, tokens: Sequence[str]) -> dict[str, str | None]:
        keys = self.keys_by_producer.get(producer)
        if keys is None:
            raise ProducerUnavailable(producer, "no keys for it here")
        try:
            return await asyncio.to_thread(_open_all, keys, tokens)
        except InvalidToken as exc:  # as the producer's 422 UNSEALABLE_TOKEN: the record is dead-lettered
            raise UnsealRefused(producer, "UNSEALABLE_TOKEN") from exc
        except WrongMasterKey as exc:  # its configuration, not the record: the record waits
            raise ProducerUnavailable(producer, "its master key does not open these keys") from exc


def _open_all(keys: SubjectKeys, tokens: Sequence[str]) -> dict[str, str | None]:
    with key_batch():  # as the producer's route: each subject's key row read once per record
        return {token: keys.open(token) for token in dict.fromkeys(tokens)}


def _reading_v1(original: type[IntegrationEvent], handler: HandlerOf) -> HandlerOf:
    def handle(envelope: Envelope) -> Sequence[Any]:
        return handler(dataclasses.replace(envelope, event=opened_twin(envelope.event, original, plaintext)))

    return handle


# --- types --------------------------------------------------------------------------------------------------------

def _annotation(field: Any) -> Any:
    """A field's type, with the `SEALED` marker pydantic moved into its metadata put back."""
    return Annotated[field.annotation, SEALED] if any(item is SEALED for item in field.metadata) else field.annotation


def _model_in(shapes: list[tuple[Any, bool]]) -> type[BaseModel] | None:
    return next((shape for shape, _ in shapes if isinstance(shape, type) and issubclass(shape, BaseModel)), None)


def _first(candidates: list[Any]) -> Any:
    return candidates[0] if candidates else Any
