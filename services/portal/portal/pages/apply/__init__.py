"""The applicant's pages: start, task list, tab forms, checker, documents, references, submission, holders."""

from __future__ import annotations

from fastapi import APIRouter

from . import documents, holder, overview, references, submission, tabs

router = APIRouter()
# the fixed paths first: /apply/{id}/{tab} would take them otherwise
for module in (overview, documents, references, submission, holder, tabs):
    router.include_router(module.router)
