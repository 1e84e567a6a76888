"""The reviews service's configuration, all of it: settings from the environment (`settings.py`), the associations'
tenant files (`tenants.py`) with their review data (`review_data.py`, exam rules included), and the Competency
Guidelines® ids (`competencies.py`). Every file is read and validated at start-up: bad data stops the service."""

from .competencies import CompetencyDataError, competencies_path, load_competencies
from .review_data import ReviewData, ReviewDataError, load_review_data
from .settings import CONSUMER_GROUP, EVENT_SOURCE, SCHEMA, SERVICE_NAME, ReviewsSettings
from .tenants import Tenant, TenantCatalog, TenantDataError, load_tenants

__all__ = [
    "CONSUMER_GROUP",
    "EVENT_SOURCE",
    "SCHEMA",
    "SERVICE_NAME",
    "CompetencyDataError",
    "ReviewData",
    "ReviewDataError",
    "ReviewsSettings",
    "Tenant",
    "TenantCatalog",
    "TenantDataError",
    "competencies_path",
    "load_competencies",
    "load_review_data",
    "load_tenants",
]
