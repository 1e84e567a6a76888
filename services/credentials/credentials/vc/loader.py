"""A JSON-LD document loader that serves bundled contexts and never touches the network."""

import copy
import threading
from collections.abc import Mapping
from typing import Any

from credentials.vc.contexts import BUNDLED_CONTEXTS, load_bundled_context
from credentials.vc.errors import UnknownContextError

ContextCache = dict[str, Any]


class OfflineDocumentLoader:
    """Serves the bundled contexts (plus `extra` ones, e.g. in tests) and refuses any other URL.

    URLs must match exactly: no redirects, no trailing-slash or http/https aliases.
    The loader also owns the cache of processed contexts, one per thread (pyld's
    cache is not thread-safe), so that contexts resolved through one loader are
    never visible to another.
    """

    def __init__(self, extra: Mapping[str, Mapping[str, Any]] | None = None) -> None:
        self._extra = {url: copy.deepcopy(dict(document)) for url, document in (extra or {}).items()}
        self._local = threading.local()

    @property
    def urls(self) -> frozenset[str]:
        return frozenset(BUNDLED_CONTEXTS) | frozenset(self._extra)

    def load(self, url: str) -> dict[str, Any]:
        """Return a fresh copy of the context document for `url`."""
        if url in self._extra:
            return copy.deepcopy(self._extra[url])
        if url in BUNDLED_CONTEXTS:
            return load_bundled_context(url)
        raise UnknownContextError(url)

    def __call__(self, url: str, options: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """The pyld `documentLoader` interface: a RemoteDocument for `url`."""
        return {
            "contextUrl": None,
            "documentUrl": url,
            "document": self.load(url),
            "contentType": "application/ld+json",
            "tag": "static",  # lets pyld keep the processed context in `context_cache`
        }

    def context_cache(self) -> ContextCache:
        """This thread's cache of processed contexts."""
        cache: ContextCache | None = getattr(self._local, "cache", None)
        if cache is None:
            cache = {}
            self._local.cache = cache
        return cache

    def reset_context_cache(self) -> None:
        """Drop this thread's cache (after an interrupted run may have left it half-written)."""
        self._local.cache = {}


DEFAULT_LOADER = OfflineDocumentLoader()
