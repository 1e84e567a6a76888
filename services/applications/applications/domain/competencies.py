"""The Competency Guidelines® structure by id: 8 domains and their knowledge/skill areas.

Only ids and short public names live here (loaded from `config/rulesets/competencies.yaml`); the licensed
"as demonstrated by" text is not ours to embed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType


@dataclass(frozen=True)
class Area:
    id: str
    domain: str
    name: str


@dataclass(frozen=True)
class CompetencyFramework:
    domains: Mapping[str, str] = field(default_factory=dict)
    """Domain id -> short name."""
    areas: Mapping[str, Area] = field(default_factory=dict)
    """Knowledge/skill-area id -> area."""
    translations: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    """Language (e.g. `es`) -> id (domain or area) -> name in that language."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "domains", MappingProxyType(dict(self.domains)))
        object.__setattr__(self, "areas", MappingProxyType(dict(self.areas)))
        object.__setattr__(self, "translations", MappingProxyType(
            {language: MappingProxyType(dict(names)) for language, names in self.translations.items()}))

    def name_of(self, competency_id: str, language: str = "en") -> str:
        """A domain's or area's name in `language`, or in English when it has none there."""
        translated = self.translations.get(language, {}).get(competency_id)
        if translated is not None:
            return translated
        area = self.areas.get(competency_id)
        return area.name if area is not None else self.domains[competency_id]

    @property
    def ids(self) -> frozenset[str]:
        """Every id a training may be tagged with: a whole domain or one of its areas."""
        return frozenset(self.domains) | frozenset(self.areas)
