"""The document store on a filesystem path (`DOCUMENTS_DIR`).

A document's sealed bytes live at `<dir>/subjects/<SHA-256 of the owner's subject id>/<sha256>`, so an erasure
removes one directory; documents uploaded before sealing stay readable at `<dir>/<first 2 hex digits>/<sha256>`
(plaintext, shared), until the migration (docs/erasure.md, slice 9).

A write goes to a temporary file in the target directory, is flushed and fsynced, then renamed over the final
name (atomic on POSIX) and the directory fsynced: a reader sees the whole file or none, even after a crash.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import tempfile
from pathlib import Path

from ..domain.documents import SHA256_HEX
from .errors import DocumentContentMissing

TEMP_PREFIX = ".incoming-"
SUBJECTS = "subjects"


class FilesystemDocumentStore:
    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)

    def setup(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        if not os.access(self.root, os.W_OK):
            raise PermissionError(f"the documents directory {self.root} is not writable")

    def path_of(self, owner: str | None, sha256: str) -> Path:
        """Where `(owner, sha256)` lives (owner None: a document uploaded before sealing)."""
        if not SHA256_HEX.match(sha256):
            raise ValueError("not a SHA-256 hex digest")
        if owner is None:
            return self.root / sha256[:2] / sha256
        return self.owner_directory(owner) / sha256

    def owner_directory(self, owner: str) -> Path:
        """The owner's directory, named by a digest of the subject id (any text becomes a safe name)."""
        if not owner:
            raise ValueError("a document's owner is a subject id")
        return self.root / SUBJECTS / hashlib.sha256(owner.encode("utf-8")).hexdigest()

    def put(self, owner: str, sha256: str, sealed: bytes, media_type: str) -> None:
        path = self.path_of(owner, sha256)
        if not path.parent.is_dir():
            path.parent.mkdir(parents=True, exist_ok=True)
            _fsync_directory(path.parent.parent)
        descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=TEMP_PREFIX)
        try:
            with os.fdopen(descriptor, "wb") as file:
                file.write(sealed)
                file.flush()
                os.fsync(file.fileno())
            os.replace(temporary, path)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)
            raise
        _fsync_directory(path.parent)

    def get(self, owner: str | None, sha256: str) -> bytes:
        try:
            return self.path_of(owner, sha256).read_bytes()
        except FileNotFoundError:
            raise DocumentContentMissing(f"no stored content for checksum {sha256}") from None

    def forget(self, owner: str) -> None:
        directory = self.owner_directory(owner)
        if directory.is_dir():
            shutil.rmtree(directory)
            _fsync_directory(directory.parent)

    def close(self) -> None:
        return None


def _fsync_directory(directory: Path) -> None:
    """Make a rename or a new entry in `directory` durable."""
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
