"""The same document API with the filesystem store (`DOCUMENTS_STORAGE=filesystem`): the bytes land sealed under
`DOCUMENTS_DIR` by owner and checksum, nothing is written to the database table, and damage is detected the same
way."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from applications.config import ApplicationsSettings
from document_samples import docx
from journeys import assert_problem

if TYPE_CHECKING:
    from conftest import Person, Running

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture
def documents_dir(tmp_path: Path) -> Path:
    return tmp_path / "documents"


@pytest.fixture
def settings(settings: ApplicationsSettings, documents_dir: Path) -> ApplicationsSettings:
    return settings.model_copy(update={"documents_storage": "filesystem", "documents_dir": str(documents_dir)})


async def test_documents_are_kept_sealed_on_the_filesystem_by_owner_and_checksum(
        running: Running, person: Callable[..., Person], documents_dir: Path) -> None:
    dana = person()
    created = await running.http.post("/applications", json={"category": "IFS"}, headers=dana.headers)
    application_id = created.json()["id"]
    content = docx()
    sha256 = hashlib.sha256(content).hexdigest()

    uploaded = await running.http.post(f"/applications/{application_id}/documents", headers=dana.headers,
                                       data={"kind": "cv"}, files={"file": ("cv.docx", content, DOCX)})

    assert uploaded.status_code == 201, uploaded.text
    owner = hashlib.sha256(f"account:{dana.account_id}".encode()).hexdigest()
    stored = documents_dir / "subjects" / owner / sha256
    assert stored.read_bytes().startswith(b"pd1b.") and content not in stored.read_bytes()  # sealed
    assert files_in(documents_dir) == [sha256]  # no temporary left behind
    downloaded = await running.http.get(uploaded.json()["href"], headers=dana.headers)
    assert (downloaded.content, downloaded.headers["content-type"]) == (content, DOCX)
    sealed = stored.read_bytes()
    stored.write_bytes(sealed[:-10] + bytes([sealed[-10] ^ 0xFF]) + sealed[-9:])  # one flipped byte
    assert_problem(await running.http.get(uploaded.json()["href"], headers=dana.headers), 500, "DOCUMENT_CORRUPTED")
    stored.unlink()
    assert_problem(await running.http.get(uploaded.json()["href"], headers=dana.headers), 500,
                   "DOCUMENT_CONTENT_MISSING")


def files_in(directory: Path) -> list[str]:
    return [p.name for p in directory.rglob("*") if p.is_file()]
