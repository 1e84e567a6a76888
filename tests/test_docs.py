"""The repository's documents stand on their own: nothing cites a file outside the checkout, and every citation of a
domain rule (`docs/domain.md §x.y`, or the older `domain §x.y`) names a section that docs/domain.md has."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOMAIN = ROOT / "docs" / "domain.md"

SKIPPED_DIRECTORIES = frozenset({
    ".git", ".venv", ".data", ".artifacts", ".mypy_cache", ".ruff_cache", ".pytest_cache", ".import_linter_cache",
    "__pycache__", "node_modules", "build", "dist",
})
"""Tool caches, local data and build output: not part of what the repository says."""

OUTSIDE_THE_CHECKOUT = re.compile(r"\.\./shared/|endorsement-domain\.md")
"""The sibling `shared` directory (the domain research, the style notes): readers of the repository do not have it."""

RULE_CITATION = re.compile(r"(?:docs/domain\.md|\bdomain)[\s#*]*§(\d+(?:\.\d+)?)")
"""A citation and the first section it names; the comment markers of a wrapped line may sit in between."""

SECTION_HEADING = re.compile(r"^#{2,3} (\d+(?:\.\d+)?) ", re.MULTILINE)


def repository_texts() -> Iterator[tuple[str, str]]:
    """Every text file of the checkout, as (path relative to the root, content)."""
    for path in sorted(_files(ROOT)):
        data = path.read_bytes()
        if b"\0" in data[:8192]:
            continue  # binary: images, fonts, PDFs
        yield path.relative_to(ROOT).as_posix(), data.decode("utf-8", errors="replace")


def _files(directory: Path) -> Iterator[Path]:
    for entry in directory.iterdir():
        if entry.is_dir():
            if entry.name not in SKIPPED_DIRECTORIES and not entry.name.endswith(".egg-info"):
                yield from _files(entry)
        elif entry.is_file():
            yield entry


def test_no_file_cites_a_path_outside_the_repository() -> None:
    citing = [
        f"{name}:{text.count(chr(10), 0, match.start()) + 1}: {match.group(0)}"
        for name, text in repository_texts()
        for match in OUTSIDE_THE_CHECKOUT.finditer(text)
    ]
    assert citing == [], "cite docs/domain.md §x.y (or another file of the repository) instead:\n" + "\n".join(citing)


def test_every_rule_citation_names_a_section_of_the_domain_document() -> None:
    sections = set(SECTION_HEADING.findall(DOMAIN.read_text()))
    assert {"2.4", "3.6", "5.2"} <= sections  # the numbering the code cites
    dangling = [
        f"{name}: §{section}"
        for name, text in repository_texts()
        for section in RULE_CITATION.findall(text)
        if section not in sections
    ]
    assert dangling == [], "no such section in docs/domain.md:\n" + "\n".join(dangling)
