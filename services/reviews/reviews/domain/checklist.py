"""A reviewer's competency checklist: per knowledge/skill area (and optionally per application section), met or
not, with an optional note. Area ids come from the Competency Guidelines® structure (`competencies.yaml`)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from .errors import InvalidChecklist
from .values import MAX_ITEM_LENGTH

MAX_CHECKLIST_ITEMS = 400
SECTION = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


@dataclass(frozen=True)
class Competencies:
    """The 8 domains and their knowledge/skill areas, by id (the licensed text is not ours to hold)."""

    domains: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    """Domain id -> short name."""
    areas: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    """Area id -> its domain's id."""

    @property
    def ids(self) -> frozenset[str]:
        """What a checklist may tick: an area, or a whole domain (some domains list no areas yet)."""
        return frozenset(self.domains) | frozenset(self.areas)

    def domain_of(self, competency_id: str) -> str | None:
        return competency_id if competency_id in self.domains else self.areas.get(competency_id)


@dataclass(frozen=True)
class ChecklistItem:
    area: str
    met: bool
    section: str | None = None
    """The application section the tick is about (e.g. `training`); None: the application as a whole."""
    note: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"area": self.area, "met": self.met, "section": self.section, "note": self.note}

    @classmethod
    def of(cls, data: Mapping[str, Any]) -> ChecklistItem:
        return cls(area=data["area"], met=bool(data["met"]), section=data.get("section"), note=data.get("note"))


def cleaned_checklist(items: Iterable[ChecklistItem], competencies: Competencies) -> list[ChecklistItem]:
    """Known ids only, each area once per section, notes trimmed and bounded; in a stable order."""
    cleaned: dict[tuple[str, str], ChecklistItem] = {}
    for item in items:
        if item.area not in competencies.ids:
            raise InvalidChecklist(f"unknown competency area {item.area!r}")
        if item.section is not None and not SECTION.match(item.section):
            raise InvalidChecklist(f"a section is a short lower-case id, not {item.section!r}")
        note = " ".join((item.note or "").split()) or None
        if note is not None and len(note) > MAX_ITEM_LENGTH:
            raise InvalidChecklist(f"a checklist note has at most {MAX_ITEM_LENGTH} characters")
        key = (item.section or "", item.area)
        if key in cleaned:
            raise InvalidChecklist(f"{item.area} is ticked twice" + (f" in {item.section}" if item.section else ""))
        cleaned[key] = ChecklistItem(area=item.area, met=item.met, section=item.section, note=note)
    if len(cleaned) > MAX_CHECKLIST_ITEMS:
        raise InvalidChecklist(f"a checklist has at most {MAX_CHECKLIST_ITEMS} items")
    return [cleaned[key] for key in sorted(cleaned)]
