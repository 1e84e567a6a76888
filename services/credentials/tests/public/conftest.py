"""Fixtures for the public pages: the unit fixtures (tenants, keys, a grant) and the running service of the
integration tests, imported so that both suites build credentials the same way."""

from ..integration.conftest import kafka_topics, module_database_url, reviews_twins, running_service, tenants_dir
from ..unit.conftest import endorsement_grant, issuers, tenants

__all__ = [
    "endorsement_grant",
    "issuers",
    "kafka_topics",
    "module_database_url",
    "reviews_twins",
    "running_service",
    "tenants",
    "tenants_dir",
]
