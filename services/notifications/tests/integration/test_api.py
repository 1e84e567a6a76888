"""The support API on the running service: emails of the caller's association, filters, paging, refusals."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any
from uuid import uuid4

import httpx
from endorsement_contracts import ApplicationSubmitted, Envelope
from notifications.bootstrap import build
from notifications.config import NotificationsSettings, Tenant
from servicekit.identity import Identity, issue_token
from servicekit.runtime import Service, attach

Wait = Callable[..., Awaitable[Any]]
Running = Callable[[NotificationsSettings], AbstractAsyncContextManager[Service]]


def bearer(
    private_key: str, *, tenant: str = "itmhca", roles: frozenset[str] = frozenset({"coordinator"})
) -> dict[str, str]:
    identity = Identity(account_id=uuid4(), tenant=tenant, roles=roles, email="staff@example.org", name="Staff")
    return {"Authorization": f"Bearer {issue_token(identity, private_key)}"}


async def consume(service: Service, producers: Any, event: ApplicationSubmitted, offset: int) -> None:
    """What the consumer does with a record from the broker, minus the broker: the event's sealed v2 twin, its tokens
    opened at the producer first."""
    assert service.consumer is not None
    ce_id = str(uuid4())
    record = producers.sealed(event, ce_id)
    envelope = Envelope(
        id=ce_id, source="/applications", type=record.type_name(), time=datetime.now(UTC), event=record
    )
    opened = await service.consumer.unseal(envelope, record.topic)
    outcome = service.consumer.process(envelope, service.consumer.tracking_for(record.topic, 0, offset), opened)
    assert outcome == "processed"


async def test_coordinators_see_their_associations_emails(
    *,
    make_settings: Callable[..., NotificationsSettings],
    kafka_bootstrap: str,
    mailbox: Any,
    itmhca: Tenant,
    gateway_keys: tuple[str, str],
    submitted: Callable[..., ApplicationSubmitted],
    producers: Any,
    wait: Wait,
) -> None:
    other = replace(itmhca, slug="other-association", name="Other Association", contact_email="hi@other.example")
    settings = make_settings(kafka_bootstrap_servers=kafka_bootstrap, smtp_url=mailbox.url)
    service = build(settings, tenants={"itmhca": itmhca, other.slug: other}, unsealer=producers.unsealer)
    attach(service)
    refused, first, second = submitted(), submitted(), submitted()
    theirs = submitted(tenant=other.slug)
    mailbox.refused[refused.applicant.email] = "550 5.1.1 mailbox unavailable"
    private_key = gateway_keys[0]
    headers = bearer(private_key)
    async with (
        service.api.router.lifespan_context(service.api),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=service.api), base_url="http://n") as http,
    ):
        # given four emails, one of another association and one whose recipient the server refuses
        for offset, event in enumerate((refused, first, theirs, second)):
            await consume(service, producers, event, offset)

        async def settled() -> Any:
            page = (await http.get("/notifications/emails", headers=headers)).json()
            return page if sorted(i["status"] for i in page["items"]) == ["failed", "sent", "sent"] else None

        # when a coordinator of ITMHCA lists emails
        page = await wait(settled)
        # then they see their association's three, newest first, with where each stands
        assert page["total"] == 3
        assert [i["recipient"] for i in page["items"]] == [
            second.applicant.email,
            first.applicant.email,
            refused.applicant.email,
        ]
        failed = page["items"][2]
        assert failed["status"] == "failed"
        assert failed["failure"] == "recipient refused: 550 5.1.1 mailbox unavailable"
        assert failed["sent_at"] is None
        assert page["items"][0]["sent_at"] is not None
        # listed by kind (the template id), never by what an email said
        assert [i["kind"] for i in page["items"]] == ["application-submitted"] * 3
        assert all("subject" not in item for item in page["items"])

        async def listing(**params: Any) -> dict[str, Any]:
            response = await http.get("/notifications/emails", params=params, headers=headers)
            assert response.status_code == 200, response.text
            return dict(response.json())

        # and can filter by status and (any-case) recipient, and page
        assert [i["id"] for i in (await listing(status="failed"))["items"]] == [failed["id"]]
        assert (await listing(status="sent"))["total"] == 2
        by_recipient = await listing(recipient=first.applicant.email.upper())
        assert [i["recipient"] for i in by_recipient["items"]] == [first.applicant.email]
        second_page = await listing(limit=1, offset=1)
        assert (second_page["total"], second_page["limit"], second_page["offset"]) == (3, 1, 1)
        assert [i["id"] for i in second_page["items"]] == [page["items"][1]["id"]]
        assert (await listing(status="queued")) == {"items": [], "total": 0, "limit": 50, "offset": 0}

        # and open one email: once it ended, what it said no longer opens (its own key is destroyed by the sender)
        async def forgotten() -> Any:
            detail = (await http.get(f"/notifications/emails/{failed['id']}", headers=headers)).json()
            return detail if detail["text_body"] is None else None

        detail = await wait(forgotten)
        assert (detail["status"], detail["kind"]) == ("failed", "application-submitted")
        assert (detail["subject"], detail["html_body"]) == (None, None)
        assert detail["recipient_name"] == "Zoë Ñúñez-Łukasiewicz"
        assert detail["reply_to"] == "azendorsement@gmail.com"
        assert detail["cause_type"] == "ApplicationSubmitted.v2"  # read on the sealed topic
        assert detail["message_id"] is None

        # while the other association's coordinator sees only theirs, and not ITMHCA's
        other_headers = bearer(private_key, tenant=other.slug)
        their_page = (await http.get("/notifications/emails", headers=other_headers)).json()
        assert [i["recipient"] for i in their_page["items"]] == [theirs.applicant.email]
        assert (await http.get(f"/notifications/emails/{failed['id']}", headers=other_headers)).status_code == 404

        # and every refusal is a problem document with a stable code
        refusals = [
            (await http.get("/notifications/emails"), 401, "MISSING_IDENTITY"),
            (
                await http.get("/notifications/emails", headers={"Authorization": "Bearer forged"}),
                401,
                "INVALID_IDENTITY",
            ),
            (
                await http.get("/notifications/emails", headers=bearer(private_key, roles=frozenset({"applicant"}))),
                403,
                "FORBIDDEN",
            ),
            (
                await http.get(
                    f"/notifications/emails/{failed['id']}", headers=bearer(private_key, roles=frozenset({"reviewer"}))
                ),
                403,
                "FORBIDDEN",
            ),
            (await http.get(f"/notifications/emails/{uuid4()}", headers=headers), 404, "EMAIL_NOT_FOUND"),
            (await http.get("/notifications/emails/not-a-uuid", headers=headers), 422, "VALIDATION_FAILED"),
            (
                await http.get("/notifications/emails", params={"status": "lost"}, headers=headers),
                422,
                "VALIDATION_FAILED",
            ),
            (await http.get("/notifications/emails", params={"limit": 0}, headers=headers), 422, "VALIDATION_FAILED"),
            (await http.get("/notifications/emails", params={"limit": 201}, headers=headers), 422, "VALIDATION_FAILED"),
            (await http.get("/notifications/emails", params={"offset": -1}, headers=headers), 422, "VALIDATION_FAILED"),
            (
                await http.get("/notifications/emails", params={"sort": "recipient"}, headers=headers),
                422,
                "VALIDATION_FAILED",
            ),
        ]
        for response, status, code in refusals:
            assert (response.status_code, response.json()["code"]) == (status, code), response.text
            assert response.headers["content-type"] == "application/problem+json"
