"""The Competency Guidelines® structure by id, read from the shared rule data (`config/rulesets/competencies.yaml`).

The reviews service reads the file itself (services share data files, never code). Only ids and short names are
there; bad data stops the service from starting.
"""

from __future__ import annotations

from pathlib import Path
from types import MappingProxyType
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from ..domain import Competencies
from .files import read_model

COMPETENCIES_FILE = Path("rulesets") / "competencies.yaml"
"""Where the file is, relative to the folder that holds TENANTS_DIR (i.e. `config/`)."""

Id = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{1,63}$")]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]


class CompetencyDataError(Exception):
    """The competency file is missing or invalid; the service refuses to start."""


class _Domain(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Id
    name: Name
    areas: dict[Id, Name] = Field(default_factory=dict)


class _File(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    format: int = Field(ge=1, le=1)
    domains: list[_Domain] = Field(min_length=1)


def competencies_path(tenants_dir: str | Path, competencies_file: str | Path | None) -> Path:
    """The setting when given, else `rulesets/competencies.yaml` next to the tenant folder."""
    if competencies_file is not None:
        return Path(competencies_file)
    return Path(tenants_dir).resolve().parent / COMPETENCIES_FILE


def load_competencies(path: Path) -> Competencies:
    document = read_model(path, _File, "competency data", CompetencyDataError)
    ids = [d.id for d in document.domains] + [a for d in document.domains for a in d.areas]
    if len(ids) != len(set(ids)):
        raise CompetencyDataError(f"{path}: invalid competency data: an id is used twice")
    return Competencies(
        domains=MappingProxyType({d.id: d.name for d in document.domains}),
        areas=MappingProxyType({area: d.id for d in document.domains for area in d.areas}),
    )
