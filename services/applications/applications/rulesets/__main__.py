"""`python -m applications.rulesets [DIR]`: validate every rule set under DIR and list the assumed values.

Exit status 1 (with the file and the path in it) when a file is invalid, so an edit can be checked before deploy.
"""

from __future__ import annotations

import sys
from pathlib import Path

from .competencies import load_competencies
from .loader import COMPETENCIES_FILE, RuleSetDataError, check_competency_ids, load_rule_set


def main(argv: list[str]) -> int:
    folder = Path(argv[1] if len(argv) > 1 else "config/rulesets")
    try:
        competencies = load_competencies(folder / COMPETENCIES_FILE, RuleSetDataError)
        print(f"{folder / COMPETENCIES_FILE}: {len(competencies.domains)} domains, {len(competencies.areas)} areas")
        for path in sorted(folder.glob("*/*.yaml")):
            rule_set = load_rule_set(path, path.parent.name)
            check_competency_ids(path, rule_set, competencies)
            print(f"{path}: {', '.join(v.id for v in rule_set.versions)}")
            seen: set[str] = set()
            for version in rule_set.versions:
                for note in version.assumptions:
                    if note not in seen:
                        seen.add(note)
                        print(f"  assumption ({version.effective_from}): {note}")
    except RuleSetDataError as exc:
        print(exc, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
