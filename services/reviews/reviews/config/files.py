"""What every configuration file shares: reading YAML into a pydantic model, and the field types they repeat."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, StringConstraints, ValidationError

CATEGORY_CODE = r"^[A-Z][A-Z/\-]{1,15}$"  # the integration contracts' pattern

CategoryCode = Annotated[str, StringConstraints(pattern=CATEGORY_CODE)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]

M = TypeVar("M", bound=BaseModel)


class Strict(BaseModel):
    """A file section that refuses unknown keys."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def read_model(path: Path, model: type[M], what: str, error: type[Exception]) -> M:
    """The file as `model`; `error` names the file and every problem ("cannot read <what>" / "invalid <what>")."""
    try:
        raw: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise error(f"{path}: cannot read {what}: {exc}") from exc
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or '<file>'}: {e['msg']}" for e in exc.errors())
        raise error(f"{path}: invalid {what}: {problems}") from exc
