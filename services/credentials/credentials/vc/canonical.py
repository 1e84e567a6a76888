"""RDFC-1.0 canonicalization that refuses anything JSON-LD would silently change.

pyld drops a property that no context defines, and leaves a type or id that is
not an absolute IRI relative (to_rdf then drops it). Signing such a document
would sign less than it shows, so both are reported as `UndefinedTermError`.
Work is bounded by `bounds` (size, depth) and by a wall-clock time budget.
"""

import re
from collections.abc import Iterator, Mapping
from typing import Any

from credentials.vc import jsonld_processor
from credentials.vc.bounds import check_document_bounds
from credentials.vc.deadline import DeadlineExceededError, run_with_deadline
from credentials.vc.errors import CanonicalizationTimeoutError, UndefinedTermError
from credentials.vc.loader import DEFAULT_LOADER, OfflineDocumentLoader

CANONICALIZATION_TIME_BUDGET_SECONDS = 1.0
"""Wall-clock budget for one canonicalization; a credential normally takes a few ms."""

ISSUER_DEPENDENT_VOCAB = "https://www.w3.org/ns/credentials/issuer-dependent#"
"""Where a catch-all `@vocab` would map undefined terms; treated as undefined."""

_ABSOLUTE_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")
_JSON_LD_KEYWORDS = frozenset(
    {
        "@base", "@container", "@context", "@direction", "@graph", "@id", "@import", "@included",
        "@index", "@json", "@language", "@list", "@nest", "@none", "@prefix", "@propagate",
        "@protected", "@reverse", "@set", "@type", "@value", "@version", "@vocab",
    }
)  # fmt: skip


def canonicalize(
    document: Mapping[str, Any],
    *,
    loader: OfflineDocumentLoader = DEFAULT_LOADER,
    time_budget: float = CANONICALIZATION_TIME_BUDGET_SECONDS,
) -> str:
    """Canonical N-Quads (RDFC-1.0) of `document`; raises a MalformedDocumentError subclass."""
    check_document_bounds(document)
    try:
        return run_with_deadline(lambda: _canonicalize(document, loader), time_budget)
    except DeadlineExceededError as error:
        loader.reset_context_cache()
        raise CanonicalizationTimeoutError(f"canonicalization {error}") from None


def _canonicalize(document: Mapping[str, Any], loader: OfflineDocumentLoader) -> str:
    dropped: list[str | None] = []
    expanded = jsonld_processor.expand(document, loader, dropped.append)
    problems = _dropped_term_paths(document, set(dropped)) + list(_unresolved_iris(expanded, document))
    if problems:
        raise UndefinedTermError(problems)
    return jsonld_processor.canonize_nquads(expanded, loader)


def _dropped_term_paths(document: Mapping[str, Any], dropped: set[str | None]) -> list[str]:
    if not dropped:
        return []

    def is_dropped(key: str) -> bool:
        keyword_like = key.startswith("@") and key not in _JSON_LD_KEYWORDS
        return key in dropped or (None in dropped and keyword_like)

    paths = [path for path, key, _ in _walk(document) if is_dropped(key)]
    return paths or sorted(str(term) for term in dropped)


def _unresolved_iris(expanded: Any, document: Mapping[str, Any]) -> Iterator[str]:
    """Ids and types that did not expand to absolute IRIs, and issuer-dependent terms."""
    if isinstance(expanded, list):
        for item in expanded:
            yield from _unresolved_iris(item, document)
        return
    if not isinstance(expanded, dict):
        return
    for key, value in expanded.items():
        if key in ("@id", "@type"):
            for iri in value if isinstance(value, list) else [value]:
                if not _is_resolved(iri):
                    yield _locate_value(document, iri)
        elif key.startswith(ISSUER_DEPENDENT_VOCAB):
            yield key.removeprefix(ISSUER_DEPENDENT_VOCAB)
        elif key != "@value":  # a literal's value holds no IRIs
            yield from _unresolved_iris(value, document)


def _is_resolved(iri: Any) -> bool:
    if not isinstance(iri, str):
        return True  # a non-string id or type is a JSON-LD syntax error, reported by pyld
    return iri in _JSON_LD_KEYWORDS or iri.startswith("_:") or bool(_ABSOLUTE_IRI.match(iri))


def _locate_value(document: Mapping[str, Any], value: str) -> str:
    paths = [path for path, _, found in _walk(document) if found == value]
    return f"{paths[0]} ({value!r})" if paths else repr(value)


def _walk(node: Any, prefix: str = "") -> Iterator[tuple[str, str, Any]]:
    """(path, key, scalar) for every key of every object; list items are searched too."""
    if isinstance(node, Mapping):
        for key, value in node.items():
            path = f"{prefix}.{key}" if prefix else key
            yield path, key, value
            yield from _walk(value, path)
    elif isinstance(node, list):
        for index, item in enumerate(node):
            if isinstance(item, Mapping | list):
                yield from _walk(item, f"{prefix}[{index}]")
            else:
                yield f"{prefix}[{index}]", "", item
