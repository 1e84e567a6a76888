"""Document settings (environment) and the store they choose."""

from __future__ import annotations

from typing import Literal, Self

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from .filesystem import FilesystemDocumentStore
from .media import DEFAULT_MAX_BYTES, SHORT_NAMES, DocumentPolicy
from .packages import ExpansionLimits
from .postgres import PostgresDocumentStore
from .store import DocumentStore


class DocumentSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="", extra="ignore")

    documents_storage: Literal["postgres", "filesystem"] = Field(
        default="postgres", description="Where document bytes live: the service's schema, or DOCUMENTS_DIR.")
    documents_dir: str | None = Field(default=None, description="Directory of the filesystem store.")
    documents_max_bytes: int = Field(default=DEFAULT_MAX_BYTES, ge=1024, le=100 * 1024 * 1024)
    documents_allowed_types: str = Field(default="pdf,png,jpeg,docx",
                                         description="Comma-separated, among: pdf, png, jpeg, docx.")
    documents_max_per_application: int = Field(default=50, ge=1, le=1000)
    documents_max_expanded_bytes: int = Field(
        default=ExpansionLimits.max_total, ge=1024 * 1024, le=1024 * 1024 * 1024,
        description="A DOCX may inflate to at most this many bytes in all (measured while inflating).")
    documents_max_expansion_ratio: int = Field(
        default=ExpansionLimits.max_ratio, ge=10, le=10_000,
        description="No DOCX part over 1 MiB may inflate more than this many times its compressed size.")
    documents_max_archive_entries: int = Field(default=ExpansionLimits.max_entries, ge=10, le=100_000,
                                               description="A DOCX may hold at most this many parts.")

    @field_validator("documents_allowed_types")
    @classmethod
    def _known_types(cls, value: str) -> str:
        names = [n.strip().lower() for n in value.split(",") if n.strip()]
        unknown = sorted(set(names) - SHORT_NAMES.keys())
        if not names or unknown:
            raise ValueError(f"DOCUMENTS_ALLOWED_TYPES takes some of {', '.join(SHORT_NAMES)}; unknown: {unknown}")
        return ",".join(names)

    @model_validator(mode="after")
    def _directory_for_files(self) -> Self:
        if self.documents_storage == "filesystem" and not self.documents_dir:
            raise ValueError("DOCUMENTS_STORAGE=filesystem needs DOCUMENTS_DIR")
        return self

    def document_policy(self) -> DocumentPolicy:
        allowed = frozenset(SHORT_NAMES[n] for n in self.documents_allowed_types.split(","))
        expansion = ExpansionLimits(self.documents_max_expanded_bytes, self.documents_max_expansion_ratio,
                                    self.documents_max_archive_entries)
        return DocumentPolicy(self.documents_max_bytes, allowed, self.documents_max_per_application, expansion)


def open_store(settings: DocumentSettings, database_url: str, schema: str) -> DocumentStore:
    """The configured store, set up (table or directory created if missing)."""
    store: DocumentStore
    if settings.documents_storage == "filesystem":
        assert settings.documents_dir is not None
        store = FilesystemDocumentStore(settings.documents_dir)
    else:
        store = PostgresDocumentStore(database_url, schema)
    store.setup()
    return store
