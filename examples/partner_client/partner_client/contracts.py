"""The platform's published contracts: CloudEvents headers (from the AsyncAPI document) and event data
(the JSON Schemas), both checked with jsonschema."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker

DEFAULT_CONTRACTS_DIR = Path(__file__).resolve().parents[3] / "contracts" / "endorsement_contracts"
"""`contracts/endorsement_contracts` of the platform repository (schemas/ and asyncapi.json)."""


class ContractViolation(Exception):
    """A record that does not follow the published contracts."""


@dataclass(frozen=True)
class Event:
    id: str
    type: str
    tenant: str | None
    data: dict[str, Any]


class Contracts:
    def __init__(self, directory: Path = DEFAULT_CONTRACTS_DIR) -> None:
        asyncapi = json.loads((directory / "asyncapi.json").read_text(encoding="utf-8"))
        self._headers: dict[str, Draft202012Validator] = {}
        self._data: dict[str, Draft202012Validator] = {}
        for message in asyncapi["components"]["messages"].values():
            header_schema = message["headers"]
            event_type = header_schema["properties"]["ce_type"]["const"]
            payload = json.loads((directory / message["payload"]["$ref"]).read_text(encoding="utf-8"))
            self._headers[event_type] = Draft202012Validator(header_schema, format_checker=FormatChecker())
            self._data[event_type] = Draft202012Validator(payload, format_checker=FormatChecker())

    @property
    def event_types(self) -> frozenset[str]:
        return frozenset(self._data)

    def read(self, headers: Mapping[str, str], value: bytes | None) -> Event:
        """The record as a validated event; raises ContractViolation naming the first problem."""
        event_type = headers.get("ce_type")
        if event_type not in self._data:
            raise ContractViolation(f"ce_type {event_type!r} has no published schema")
        _check(self._headers[event_type], dict(headers), "headers")
        try:
            datetime.fromisoformat(headers["ce_time"])
        except ValueError:
            raise ContractViolation(f"ce_time {headers['ce_time']!r} is not an RFC 3339 time") from None
        try:
            data = json.loads(value or b"")
        except ValueError:
            raise ContractViolation("the value is not JSON") from None
        _check(self._data[event_type], data, "data")
        return Event(headers["ce_id"], event_type, headers.get("ce_tenant"), data)


def _check(validator: Draft202012Validator, instance: Any, what: str) -> None:
    error = next(iter(validator.iter_errors(instance)), None)
    if error is not None:
        where = "/".join(str(part) for part in error.absolute_path) or "<root>"
        raise ContractViolation(f"{what} at {where}: {error.message[:200]}")
