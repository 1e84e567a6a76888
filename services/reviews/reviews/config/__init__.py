"""The reviews service's configuration, all of it: settings from the environment (`settings.py`), the associations'
tenant files (`tenants.py`) with their review data (`review_data.py`, exam rules included), the Competency
Guidelines® ids (`competencies.py`), and the keys of the service's pseudonyms (`pseudonym_keys.py`). Every file is
read and validated at start-up: bad data stops the service."""

from servicekit.settings import MissingRaterIndexKeyError

from .competencies import CompetencyDataError, competencies_path, load_competencies
from .pseudonym_keys import MissingPseudonymKeys, PseudonymKeys
from .review_data import ReviewData, ReviewDataError, load_review_data
from .settings import CONSUMER_GROUP, EVENT_SOURCE, SCHEMA, SERVICE_NAME, ReviewsSettings
from .tenants import Tenant, TenantCatalog, TenantDataError, load_tenants

__all__ = [
    "CONSUMER_GROUP",
    "EVENT_SOURCE",
    "SCHEMA",
    "SERVICE_NAME",
    "CompetencyDataError",
    "MissingPseudonymKeys",
    "MissingRaterIndexKeyError",
    "PseudonymKeys",
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
