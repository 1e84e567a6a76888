"""Read `RULESETS_DIR` into a `RuleBook`; any bad file stops the service, naming the file and the path in it.

Layout: `<dir>/competencies.yaml`, `<dir>/<tenant>/<CATEGORY>.yaml` (a `/` in a code is written `_`, so
`IMHM-R/F` lives in `IMHM-R_F.yaml`). Directories starting with `_` (e.g. `_alliance`) hold templates: they
are validated like the others but serve no tenant. Every category a served tenant offers needs a file.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from ..domain import CompetencyFramework, RuleBook, RuleSet, RuleVersion
from .competencies import load_competencies
from .convert import to_rule_version
from .schema import PER_VERSION_KEYS, RuleSetFile, VersionFile

COMPETENCIES_FILE = "competencies.yaml"
M = TypeVar("M", bound=BaseModel)


class RuleSetDataError(Exception):
    """A rule-set file is missing, unreadable or invalid; the service refuses to start."""


def file_name(category: str) -> str:
    return category.replace("/", "_") + ".yaml"


def load_rule_book(directory: str | Path, offers: Mapping[str, Iterable[str]]) -> tuple[RuleBook, CompetencyFramework]:
    """Every rule set under `directory`; `offers` maps each served tenant to the categories it offers."""
    folder = Path(directory)
    if not folder.is_dir():
        raise RuleSetDataError(f"rule-set directory {folder.resolve()} does not exist")
    competencies = load_competencies(folder / COMPETENCIES_FILE, RuleSetDataError)
    rule_sets: dict[tuple[str, str], RuleSet] = {}
    for tenant_dir in sorted(p for p in folder.iterdir() if p.is_dir()):
        offered = set(offers.get(tenant_dir.name, ()))
        for path in sorted(tenant_dir.glob("*.yaml")):
            rule_set = load_rule_set(path, tenant_dir.name)
            check_competency_ids(path, rule_set, competencies)
            served = tenant_dir.name in offers
            if served and not rule_set.addon and rule_set.category not in offered:
                raise RuleSetDataError(f"{path}: {tenant_dir.name} does not offer {rule_set.category}; offer it in "
                                       "its tenant file or remove this rule set")
            if served:
                rule_sets[(tenant_dir.name, rule_set.category)] = rule_set
    for tenant, categories in offers.items():
        for category in categories:
            if (tenant, category) not in rule_sets:
                raise RuleSetDataError(f"{folder / tenant / file_name(category)}: missing; {tenant} offers "
                                       f"{category}, so it needs a rule set")
    return RuleBook(rule_sets), competencies


def load_rule_set(path: Path, tenant: str) -> RuleSet:
    """One file: its versions resolved (each inherits omitted sections from the one before) and validated."""
    document = _parse(path, RuleSetFile, _read(path))
    if file_name(document.category) != path.name:
        raise RuleSetDataError(f"{path}: category {document.category!r} belongs in {file_name(document.category)}")
    versions: list[RuleVersion] = []
    inherited: dict[str, Any] = {}
    for index, raw in enumerate(document.versions):
        resolved = {**{k: v for k, v in inherited.items() if k not in PER_VERSION_KEYS}, **raw}
        version = _parse(path, VersionFile, resolved, where=f"versions[{index}]")
        versions.append(to_rule_version(version, tenant, document.category))
        inherited = resolved
    try:
        return RuleSet(tenant=tenant, category=document.category, versions=tuple(versions),
                       addon=document.kind == "addon")
    except ValueError as exc:
        raise RuleSetDataError(f"{path}: versions: {exc}") from exc


def check_competency_ids(path: Path, rule_set: RuleSet, competencies: CompetencyFramework) -> None:
    """The reference form rates areas of `rated_domains`: each must be a domain of competencies.yaml."""
    for index, version in enumerate(rule_set.versions):
        unknown = sorted(set(version.references.rated_domains) - set(competencies.domains))
        if unknown:
            raise RuleSetDataError(f"{path}: invalid rule set: versions[{index}].references.rated_domains: "
                                   f"unknown competency domain(s) {', '.join(unknown)}")


def _read(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise RuleSetDataError(f"{path}: cannot read rule-set data: {exc}") from exc


def _parse(path: Path, model: type[M], raw: Any, *, where: str = "") -> M:
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        problems = "; ".join(f"{_location(where, e['loc'])}: {e['msg']}" for e in exc.errors())
        raise RuleSetDataError(f"{path}: invalid rule set: {problems}") from exc


def _location(prefix: str, loc: tuple[int | str, ...]) -> str:
    parts = [prefix] if prefix else []
    for part in loc:
        if isinstance(part, int) and parts:
            parts[-1] += f"[{part}]"
        else:
            parts.append(str(part))
    return ".".join(parts) or "<file>"
