"""The filesystem document store: keyed by owner and digest, atomic (a reader sees all or nothing), and an owner's
documents go with their erasure; documents stored before sealing stay readable."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from applications.bootstrap import open_document_store
from applications.config import DocumentSettings
from applications.documents.errors import DocumentContentMissing
from applications.documents.filesystem import TEMP_PREFIX, FilesystemDocumentStore
from applications.documents.media import DocumentPolicy
from applications.documents.store import digest
from document_samples import pdf, png

OWNER = "account:7f0c2b9e-0d8e-4c35-9d3b-9a3f1c7e6a01"
OTHER = "account:1b5e9d4a-3c2f-4e6d-8a7b-0c9d8e7f6a5b"


@pytest.fixture
def store(tmp_path: Path) -> FilesystemDocumentStore:
    store = FilesystemDocumentStore(tmp_path / "documents")
    store.setup()
    return store


def test_bytes_come_back_as_stored_under_their_owner_and_digest(store: FilesystemDocumentStore) -> None:
    content = pdf()

    store.put(OWNER, digest(content), b"sealed-bytes", "application/pdf")

    assert store.get(OWNER, digest(content)) == b"sealed-bytes"
    assert store.path_of(OWNER, digest(content)).parent.parent == store.root / "subjects"
    assert OWNER not in str(store.path_of(OWNER, digest(content)))  # the path names no subject
    with pytest.raises(DocumentContentMissing):
        store.get(OTHER, digest(content))  # another person's upload of the same bytes is theirs


def test_storing_again_replaces_the_copy_whole(store: FilesystemDocumentStore) -> None:
    content = png()
    store.put(OWNER, digest(content), b"damaged", "image/png")

    store.put(OWNER, digest(content), b"sealed again", "image/png")

    assert store.get(OWNER, digest(content)) == b"sealed again"
    assert _temporaries(store) == []


def test_a_crash_before_the_rename_leaves_no_document_and_no_temporary(store: FilesystemDocumentStore,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    content = pdf("crash")

    def power_cut(source: str, target: str) -> None:
        raise OSError("power cut before rename")

    monkeypatch.setattr(os, "replace", power_cut)
    with pytest.raises(OSError, match="power cut"):
        store.put(OWNER, digest(content), b"sealed", "application/pdf")
    monkeypatch.undo()

    assert not store.path_of(OWNER, digest(content)).exists()
    assert _temporaries(store) == []
    with pytest.raises(DocumentContentMissing):
        store.get(OWNER, digest(content))
    store.put(OWNER, digest(content), b"sealed", "application/pdf")  # the retry stores it whole
    assert store.get(OWNER, digest(content)) == b"sealed"


def test_forgetting_an_owner_deletes_their_documents_only(store: FilesystemDocumentStore) -> None:
    content = pdf("mine")
    store.put(OWNER, digest(content), b"mine", "application/pdf")
    store.put(OTHER, digest(content), b"theirs", "application/pdf")

    store.forget(OWNER)
    store.forget(OWNER)  # idempotent

    with pytest.raises(DocumentContentMissing):
        store.get(OWNER, digest(content))
    assert store.get(OTHER, digest(content)) == b"theirs"


def test_a_document_stored_before_sealing_is_still_read_by_its_digest(store: FilesystemDocumentStore) -> None:
    content = pdf("legacy")
    legacy = store.root / digest(content)[:2] / digest(content)
    legacy.parent.mkdir(parents=True)
    legacy.write_bytes(content)

    assert store.path_of(None, digest(content)) == legacy
    assert store.get(None, digest(content)) == content


def test_paths_are_made_only_of_digests(store: FilesystemDocumentStore) -> None:
    with pytest.raises(ValueError, match="SHA-256"):
        store.get(OWNER, "../../etc/passwd")
    with pytest.raises(ValueError, match="subject"):
        store.put("", digest(b"x"), b"x", "application/pdf")


def test_the_settings_choose_the_filesystem_store_and_need_its_directory(tmp_path: Path) -> None:
    base = {"documents_storage": "filesystem"}
    with pytest.raises(ValueError, match="DOCUMENTS_DIR"):
        DocumentSettings.model_validate(base)
    settings = DocumentSettings.model_validate({**base, "documents_dir": str(tmp_path / "docs"),
                                                "documents_allowed_types": "PDF, png"})

    store = open_document_store(settings, "postgresql://unused", "applications")

    assert isinstance(store, FilesystemDocumentStore) and store.root.is_dir()
    assert DocumentPolicy.from_settings(settings).allowed_types == {"application/pdf", "image/png"}
    with pytest.raises(ValueError, match="unknown"):
        DocumentSettings.model_validate({"documents_allowed_types": "pdf,exe"})


def _temporaries(store: FilesystemDocumentStore) -> list[Path]:
    return [p for p in store.root.rglob("*") if p.name.startswith(TEMP_PREFIX)]
