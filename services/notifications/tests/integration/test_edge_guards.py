"""Issue 10 item 3 through the notifications service: a NUL in a filter is refused with 422 (it gave 503)."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from uuid import uuid4

import httpx
from notifications.config import NotificationsSettings
from servicekit.identity import Identity, issue_token
from servicekit.runtime import Service

Running = Callable[[NotificationsSettings], AbstractAsyncContextManager[Service]]


async def test_a_nul_in_the_recipient_filter_is_refused_not_unavailable(
    *, make_settings: Callable[..., NotificationsSettings], kafka_bootstrap: str, mailbox: object, running: Running,
    gateway_keys: tuple[str, str],
) -> None:
    identity = Identity(account_id=uuid4(), tenant="itmhca", roles=frozenset({"coordinator"}),
                        email="staff@example.org", name="Staff")
    headers = {"Authorization": f"Bearer {issue_token(identity, gateway_keys[0])}"}
    settings = make_settings(kafka_bootstrap_servers=kafka_bootstrap, smtp_url=mailbox.url)  # type: ignore[attr-defined]
    async with running(settings) as service, httpx.AsyncClient(
        transport=httpx.ASGITransport(app=service.api), base_url="http://n"
    ) as http:
        response = await http.get("/notifications/emails?recipient=%00dana@example.org", headers=headers)
        assert response.status_code == 422, response.text
        problem = response.json()
        assert problem["code"] == "UNSUPPORTED_CHARACTERS"
        assert problem["errors"][0]["location"] == "query.recipient"
        assert (await http.get("/notifications/emails?recipient=dana@example.org", headers=headers)).status_code == 200
