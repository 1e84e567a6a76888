"""`GET /applications/catalogue`: the association's offer today, for forms (signed in, any role)."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, Field

from ..documents.media import EXTENSIONS, describe
from ..use_cases.catalogue import competency_list, offered_categories, tabs_of
from .dependencies import CurrentActor, Documents, Service
from .schemas import problems

router = APIRouter(prefix="/applications", tags=["applications"])


class CategoryOut(BaseModel):
    code: str
    name: str
    can_start: bool = Field(description="Rules are in force today, so an application can be started now.")
    rule_set_version: str | None


class CompetencyOut(BaseModel):
    id: str
    domain: str = Field(description="The domain's id (a domain's own row has its id here too).")
    name: dict[str, str] = Field(description="`en` and `es` (English where no Spanish name is known).")


class TabOut(BaseModel):
    code: str
    requirements: list[str] = Field(description="Requirement codes of the report that this tab fixes.")


class DocumentTypeOut(BaseModel):
    media_type: str
    name: str
    extensions: list[str]


class DocumentRulesOut(BaseModel):
    types: list[DocumentTypeOut]
    max_bytes: int
    max_per_application: int


class CatalogueOut(BaseModel):
    tenant: str
    categories: list[CategoryOut]
    competencies: list[CompetencyOut]
    tabs: list[TabOut]
    documents: DocumentRulesOut


@router.get("/catalogue", response_model=CatalogueOut, responses=problems(403))
def get_catalogue(actor: CurrentActor, service: Service, documents: Documents) -> CatalogueOut:
    """The categories the caller's association offers today, the competency list (training tags), each tab's
    requirement codes, and the limits on documents."""
    tenant = service.tenant(actor.tenant)
    offered = offered_categories(dict(tenant.categories), tenant.slug, service.rules, service.local_date(tenant.slug))
    policy = documents.policy
    return CatalogueOut(
        tenant=tenant.slug,
        categories=[CategoryOut(code=c.code, name=c.name, can_start=c.can_start,
                                rule_set_version=c.rule_set_version) for c in offered],
        competencies=[CompetencyOut(id=i, domain=d, name={"en": en, "es": es})
                      for i, d, en, es in competency_list(service.competencies)],
        tabs=[TabOut(code=code, requirements=codes) for code, codes in tabs_of(offered)],
        documents=DocumentRulesOut(
            types=[DocumentTypeOut(media_type=t, name=describe(t), extensions=sorted(EXTENSIONS[t]))
                   for t in sorted(policy.allowed_types)],
            max_bytes=policy.max_bytes, max_per_application=policy.max_per_application),
    )
