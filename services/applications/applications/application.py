"""Use cases: load an application, let the aggregate decide, save its new events (and nothing on refusal)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import IntegrityError, JSONTranscoder, Transcoding
from eventsourcing.utils import EnvType
from servicekit.eventstore import TrackedApplication

from .config import TenantCatalog
from .domain import Actor, Applicant, Application, Forbidden, StateConflict, skeleton_rule_set_version
from .domain.errors import ApplicationNotFound


class UnknownTenant(Forbidden):
    code = "UNKNOWN_TENANT"


class ConcurrentChange(StateConflict):
    code = "CONCURRENT_CHANGE"


class ApplicantAsDict(Transcoding):
    type = Applicant
    name = "applicant"

    def encode(self, obj: Applicant) -> dict[str, str]:
        return {"account_id": str(obj.account_id), "name": obj.name, "email": obj.email}

    def decode(self, data: dict[str, str]) -> Applicant:
        return Applicant(account_id=UUID(data["account_id"]), name=data["name"], email=data["email"])


class ApplicationsService(TrackedApplication):
    """The applications service's use cases over its event store."""

    def __init__(self, tenants: TenantCatalog, env: EnvType | None = None) -> None:
        self.tenants = tenants
        super().__init__(env)

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        transcoder.register(ApplicantAsDict())

    def start(self, actor: Actor, applicant: Applicant, category: str) -> Application:
        actor.ensure_applicant()
        tenant = self.tenants.get(actor.tenant)
        if tenant is None:
            raise UnknownTenant(f"association {actor.tenant!r} is not served here")
        application = Application.start(actor.tenant, applicant, category, tenant.offer)
        self._save(application)
        return application

    def get(self, application_id: UUID, actor: Actor) -> Application:
        application = self._load(application_id)
        actor.ensure_may_view(application)
        return application

    def update_details(self, application_id: UUID, actor: Actor, changes: Mapping[str, Any]) -> Application:
        """Apply a partial change: fields not in `changes` keep their value."""
        application = self._load_owned(application_id, actor)
        application.update_details(replace(application.details, **changes))
        self._save(application)
        return application

    def submit(self, application_id: UUID, actor: Actor, at: datetime | None = None) -> Application:
        application = self._load_owned(application_id, actor)
        version = skeleton_rule_set_version(application.tenant, application.category)
        application.submit(version, at or datetime.now(UTC))
        self._save(application)
        return application

    def withdraw(self, application_id: UUID, actor: Actor, reason: str) -> Application:
        application = self._load_owned(application_id, actor)
        application.withdraw(reason)
        self._save(application)
        return application

    def load_version(self, application_id: UUID, version: int) -> Application:
        """The application as it was right after its event number `version` (for translation)."""
        application: Application = self.repository.get(application_id, version=version)
        return application

    def _load(self, application_id: UUID) -> Application:
        try:
            application: Application = self.repository.get(application_id)
        except AggregateNotFoundError:
            raise ApplicationNotFound(f"no application {application_id}") from None
        if not isinstance(application, Application):
            raise ApplicationNotFound(f"no application {application_id}")
        return application

    def _load_owned(self, application_id: UUID, actor: Actor) -> Application:
        application = self._load(application_id)
        actor.ensure_owner(application)
        return application

    def _save(self, application: Application) -> None:
        try:
            self.save(application)
        except IntegrityError:
            raise ConcurrentChange("the application was changed at the same time; reload and retry") from None
