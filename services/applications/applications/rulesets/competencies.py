"""`competencies.yaml`: the 8 Competency Guidelines® domains and their knowledge/skill areas, ids and short names."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from ..domain.competencies import Area, CompetencyFramework

Id = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{1,63}$")]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]
Language = Annotated[str, StringConstraints(pattern=r"^[a-z]{2}$")]


class _Domain(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Id
    name: Name
    areas: dict[Id, Name] = Field(default_factory=dict)


class _File(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    format: int = Field(ge=1, le=1)
    notes: str | None = None
    domains: list[_Domain] = Field(min_length=1)
    translations: dict[Language, dict[Id, Name]] = Field(
        default_factory=dict, description="Language -> id (domain or area) -> name; English is the fallback.")


def load_competencies(path: Path, error: type[Exception]) -> CompetencyFramework:
    try:
        raw: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise error(f"{path}: cannot read competency data: {exc}") from exc
    try:
        document = _File.model_validate(raw)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or '<file>'}: {e['msg']}" for e in exc.errors())
        raise error(f"{path}: invalid competency data: {problems}") from exc
    domains = {d.id: d.name for d in document.domains}
    areas = {area_id: Area(area_id, d.id, name) for d in document.domains for area_id, name in d.areas.items()}
    ids = [d.id for d in document.domains] + [a for d in document.domains for a in d.areas]
    if len(ids) != len(set(ids)):
        raise error(f"{path}: invalid competency data: an id is used twice")
    for language, names in document.translations.items():
        unknown = sorted(names.keys() - set(ids))
        if unknown:
            raise error(f"{path}: invalid competency data: translations.{language} names unknown ids: "
                        f"{', '.join(unknown)}")
    return CompetencyFramework(domains=domains, areas=areas, translations=document.translations)
