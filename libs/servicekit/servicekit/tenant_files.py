"""Tenant files: `config/tenants/<slug>.yaml`, one per association, read by every service at start-up.

`read_tenant_files(directory, Model)` reads every `*.yaml` and `*.yml` file in `directory` (sorted by name),
validates each with the service's own pydantic model of the parts it needs (other sections are the model's to
ignore), and checks that each file's `slug` equals its file name without the extension. Any fault raises one
error type, `TenantFileError` (or the subclass a service passes as `error`), naming the file and the fault and
never the values read: a YAML fault gives its line and column, not the line's text; a validation fault the field
and pydantic's message, not the input.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

TENANT_FILE_SUFFIXES = (".yaml", ".yml")
"""The one extension rule: both spellings are tenant files (applications and reviews read both before)."""

M = TypeVar("M", bound=BaseModel)


class TenantFileError(Exception):
    """A tenant file, or the directory of them, cannot be used: the service must not start."""


def tenant_file_paths(directory: str | Path, *, error: type[TenantFileError] = TenantFileError) -> list[Path]:
    """The tenant files in `directory`, sorted; the directory must exist and hold at least one."""
    folder = Path(directory)
    if not folder.is_dir():
        raise error(f"tenant directory {folder.resolve()} does not exist")
    files = sorted(path for path in folder.iterdir() if path.suffix in TENANT_FILE_SUFFIXES and path.is_file())
    if not files:
        raise error(f"no tenant files (*.yaml, *.yml) in {folder.resolve()}")
    return files


def read_tenant_file(path: Path, model: type[M], *, error: type[TenantFileError] = TenantFileError) -> M:
    """One tenant file as `model` (which has a `slug` field); its slug must equal the file name."""
    try:
        raw: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise error(f"{path}: cannot read tenant data: {_yaml_fault(exc)}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise error(f"{path}: cannot read tenant data: {exc}") from exc
    try:
        data = model.model_validate(raw)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or '<file>'}: {e['msg']}" for e in exc.errors())
        raise error(f"{path}: invalid tenant data: {problems}") from None
    slug = getattr(data, "slug", None)
    if not isinstance(slug, str):
        raise TypeError(f"{model.__name__} must have a `slug: str` field to read tenant files with")
    if slug != path.stem:
        raise error(f"{path}: slug {slug!r} does not match the file name; a tenant file's slug must match the file "
                    f"name, here {path.stem!r}")
    return data


def read_tenant_files(directory: str | Path, model: type[M], *,
                      error: type[TenantFileError] = TenantFileError) -> dict[str, M]:
    """Every tenant file in `directory` as `model`, by slug, in file-name order; a slug given twice is refused."""
    tenants: dict[str, M] = {}
    for path in tenant_file_paths(directory, error=error):
        data = read_tenant_file(path, model, error=error)
        slug = path.stem  # equal to data.slug, checked
        if slug in tenants:
            raise error(f"{path}: tenant {slug!r} is defined twice")
        tenants[slug] = data
    return tenants


def _yaml_fault(exc: yaml.YAMLError) -> str:
    """What is wrong and where, without the snippet of the line PyYAML would quote."""
    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark is not None else ""
        return f"{exc.problem or exc.context or 'not YAML'}{where}"
    return "not YAML"
