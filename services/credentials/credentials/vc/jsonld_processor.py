"""The only module that touches pyld: a narrow, typed view of expansion and RDFC-1.0.

Options are fixed here so that no caller can forget them: the offline loader,
its per-thread context cache, no document base (relative IRIs stay relative and
are caught by `canonical`), and the URDNA2015 (= RDFC-1.0) algorithm.
"""

from collections.abc import Callable, Mapping
from typing import Any

from pyld import jsonld  # type: ignore[import-untyped, unused-ignore]
from pyld.canon import URDNA2015  # type: ignore[import-untyped, unused-ignore]
from pyld.context_resolver import ContextResolver  # type: ignore[import-untyped, unused-ignore]

from credentials.vc.blank_nodes import NDegreeBudget, check_blank_nodes
from credentials.vc.errors import MalformedDocumentError, VcError
from credentials.vc.loader import OfflineDocumentLoader


def _options(loader: OfflineDocumentLoader) -> dict[str, Any]:
    return {
        "documentLoader": loader,
        "contextResolver": ContextResolver(loader.context_cache(), loader),
        "base": None,
        "processingMode": "json-ld-1.1",
    }


def _own_error(error: BaseException) -> VcError | None:
    """Our error (e.g. UnknownContextError raised by the loader) that pyld wrapped, if any."""
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, VcError):
            return seen
        seen = seen.__cause__ or seen.__context__
    return None


# pyld raises assorted built-in exceptions on odd input; all of them mean "not acceptable JSON-LD".
_PYLD_FAILURES = (
    jsonld.JsonLdError,
    ValueError,
    TypeError,
    KeyError,
    IndexError,
    AttributeError,
    RecursionError,
)


def _translate(error: Exception) -> VcError:
    return _own_error(error) or MalformedDocumentError(f"invalid JSON-LD: {error}")


def expand(
    document: Mapping[str, Any],
    loader: OfflineDocumentLoader,
    on_property_dropped: Callable[[str | None], None],
) -> list[Any]:
    """Expand `document`, reporting every property pyld drops for lack of a definition."""
    processor = jsonld.JsonLdProcessor(on_property_dropped=on_property_dropped)
    try:
        expanded: list[Any] = processor.expand(dict(document), _options(loader))
    except _PYLD_FAILURES as error:
        raise _translate(error) from error
    return expanded


class _BoundedURDNA2015(URDNA2015):  # type: ignore[misc, unused-ignore]
    """pyld's RDFC-1.0 (URDNA2015), with its N-degree hashing work counted against a budget."""

    def __init__(self, budget: NDegreeBudget) -> None:
        super().__init__()
        self._budget = budget

    def create_hash_to_related(self, id_: str, issuer: Any) -> dict[str, list[str]]:
        hash_to_related: dict[str, list[str]] = super().create_hash_to_related(id_, issuer)
        self._budget.spend(list(hash_to_related.values()))  # before the permutations are tried
        return hash_to_related


def canonize_nquads(expanded: list[Any], loader: OfflineDocumentLoader) -> str:
    """RDFC-1.0 canonical N-Quads of an already expanded document.

    As `normalize` does, but the RDF dataset's blank nodes are checked (`blank_nodes`) before hashing,
    and the hashing's N-degree work is bounded."""
    options = {**_options(loader), "produceGeneralizedRdf": False}
    try:
        dataset = jsonld.JsonLdProcessor().to_rdf(expanded, options)
        check_blank_nodes(dataset)
        nquads: str = _BoundedURDNA2015(NDegreeBudget()).main(dataset, {"format": "application/n-quads"})
    except _PYLD_FAILURES as error:
        raise _translate(error) from error
    return nquads
