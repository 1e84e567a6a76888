"""The filesystem document store: content-addressed, idempotent, and atomic (a reader sees all or nothing)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from applications.documents.filesystem import TEMP_PREFIX, FilesystemDocumentStore
from applications.documents.settings import DocumentSettings, open_store
from applications.documents.store import DocumentContentMissing, digest
from document_samples import pdf, png


@pytest.fixture
def store(tmp_path: Path) -> FilesystemDocumentStore:
    store = FilesystemDocumentStore(tmp_path / "documents")
    store.setup()
    return store


def test_bytes_come_back_as_stored_under_their_digest(store: FilesystemDocumentStore) -> None:
    content = pdf()

    store.put(digest(content), content, "application/pdf")

    assert store.get(digest(content)) == content
    assert store.path_of(digest(content)) == store.root / digest(content)[:2] / digest(content)


def test_storing_the_same_bytes_again_changes_nothing(store: FilesystemDocumentStore) -> None:
    content = png()
    store.put(digest(content), content, "image/png")
    written = store.path_of(digest(content)).stat().st_mtime_ns

    store.put(digest(content), content, "image/png")

    assert store.path_of(digest(content)).stat().st_mtime_ns == written
    assert _temporaries(store) == []


def test_a_crash_before_the_rename_leaves_no_document_and_no_temporary(store: FilesystemDocumentStore,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    content = pdf("crash")

    def power_cut(source: str, target: str) -> None:
        raise OSError("power cut before rename")

    monkeypatch.setattr(os, "replace", power_cut)
    with pytest.raises(OSError, match="power cut"):
        store.put(digest(content), content, "application/pdf")
    monkeypatch.undo()

    assert not store.path_of(digest(content)).exists()
    assert _temporaries(store) == []
    with pytest.raises(DocumentContentMissing):
        store.get(digest(content))
    store.put(digest(content), content, "application/pdf")  # the retry stores it whole
    assert store.get(digest(content)) == content


def test_a_damaged_copy_is_replaced_by_the_next_upload_of_the_same_bytes(store: FilesystemDocumentStore) -> None:
    content = pdf("damaged")
    store.put(digest(content), content, "application/pdf")
    store.path_of(digest(content)).write_bytes(b"%PDF-rotten")

    store.put(digest(content), content, "application/pdf")

    assert store.get(digest(content)) == content


def test_bytes_are_never_filed_under_another_digest(store: FilesystemDocumentStore) -> None:
    with pytest.raises(ValueError, match="does not match"):
        store.put(digest(b"other"), pdf(), "application/pdf")
    with pytest.raises(ValueError, match="SHA-256"):
        store.get("../../etc/passwd")


def test_the_settings_choose_the_filesystem_store_and_need_its_directory(tmp_path: Path) -> None:
    base = {"documents_storage": "filesystem"}
    with pytest.raises(ValueError, match="DOCUMENTS_DIR"):
        DocumentSettings.model_validate(base)
    settings = DocumentSettings.model_validate({**base, "documents_dir": str(tmp_path / "docs"),
                                                "documents_allowed_types": "PDF, png"})

    store = open_store(settings, "postgresql://unused", "applications")

    assert isinstance(store, FilesystemDocumentStore) and store.root.is_dir()
    assert settings.document_policy().allowed_types == {"application/pdf", "image/png"}
    with pytest.raises(ValueError, match="unknown"):
        DocumentSettings.model_validate({"documents_allowed_types": "pdf,exe"})


def _temporaries(store: FilesystemDocumentStore) -> list[Path]:
    return [p for p in store.root.rglob("*") if p.name.startswith(TEMP_PREFIX)]
