"""Building credentials without engines, and reading the HTML the public pages produce."""

from __future__ import annotations

from datetime import datetime
from html.parser import HTMLParser

from credentials.adapters.keyring import IssuerDirectory
from credentials.adapters.signer import OpenBadgeSigner
from credentials.application import CredentialsApplication
from credentials.config import TenantProfile
from credentials.domain.credential import Credential
from credentials.domain.grant import EndorsementGrant
from credentials.public.status import PublicStatus, public_status
from credentials.public.view import CredentialView, view_of
from servicekit.testing_keys import MemoryKeys

BASE_URL = "https://verify.example.org"


def issue(tenants: dict[str, TenantProfile], issuers: IssuerDirectory, grant: EndorsementGrant) -> Credential:
    app = CredentialsApplication({"PERSISTENCE_MODULE": "eventsourcing.popo"}, tenants=tenants,
                                 signer=OpenBadgeSigner(issuers), public_base_url=BASE_URL, keys=MemoryKeys())
    credential = app.issue(grant)
    assert credential is not None
    return credential


def observe(tenants: dict[str, TenantProfile], credential: Credential, now: datetime,
            read_model: str | None = None) -> tuple[CredentialView, PublicStatus]:
    view = view_of(credential, tenants[credential.tenant].timezone, holder_name=credential.holder_name)
    return view, public_status(credential, now, read_model)


class Elements(HTMLParser):
    """Every start tag of a document with its attributes, in order."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def all(self, tag: str) -> list[dict[str, str | None]]:
        return [attrs for name, attrs in self.tags if name == tag]
