"""The document store on a filesystem path (`DOCUMENTS_DIR`): `<dir>/<first 2 hex digits>/<sha256>`.

A write goes to a temporary file in the target directory, is flushed and fsynced, then renamed over the final
name (atomic on POSIX) and the directory fsynced: a reader sees the whole file or none, even after a crash.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from ..domain.documents import SHA256_HEX
from .store import DocumentContentMissing, digest, ensure_digest

TEMP_PREFIX = ".incoming-"


class FilesystemDocumentStore:
    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)

    def setup(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        if not os.access(self.root, os.W_OK):
            raise PermissionError(f"the documents directory {self.root} is not writable")

    def path_of(self, sha256: str) -> Path:
        if not SHA256_HEX.match(sha256):
            raise ValueError("not a SHA-256 hex digest")
        return self.root / sha256[:2] / sha256

    def put(self, sha256: str, content: bytes, media_type: str) -> None:
        ensure_digest(sha256, content)
        path = self.path_of(sha256)
        if path.is_file() and digest(path.read_bytes()) == sha256:
            return  # already there and intact; a damaged copy is replaced below
        if not path.parent.is_dir():
            path.parent.mkdir(parents=True, exist_ok=True)
            _fsync_directory(self.root)
        descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=TEMP_PREFIX)
        try:
            with os.fdopen(descriptor, "wb") as file:
                file.write(content)
                file.flush()
                os.fsync(file.fileno())
            os.replace(temporary, path)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)
            raise
        _fsync_directory(path.parent)

    def get(self, sha256: str) -> bytes:
        try:
            return self.path_of(sha256).read_bytes()
        except FileNotFoundError:
            raise DocumentContentMissing(f"no stored content for checksum {sha256}") from None

    def close(self) -> None:
        return None


def _fsync_directory(directory: Path) -> None:
    """Make a rename or a new entry in `directory` durable."""
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
