"""Identity tokens for the services: who the caller is, signed by the gateway for each forwarded request."""

from __future__ import annotations

from servicekit.identity import Identity, issue_token

from ..domain.accounts import Account


class IdentitySigner:
    def __init__(self, private_key_pem: str) -> None:
        self._private_key_pem = private_key_pem

    def token_for(self, account: Account) -> str:
        identity = Identity(account_id=account.id, tenant=account.tenant, roles=account.roles,
                            email=account.email, name=account.name, language=account.language)
        return issue_token(identity, self._private_key_pem)
