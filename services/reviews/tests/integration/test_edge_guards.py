"""Issue 10 item 3 through the reviews service: text PostgreSQL cannot store is refused with 422
UNSUPPORTED_CHARACTERS, in a query or in a JSON body, before any route reads it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import uuid4


async def test_unstorable_text_is_refused_at_the_edge(running_api: Any, auth: Callable[..., dict[str, str]]) -> None:
    headers = auth()
    listed = await running_api.client.get("/reviews/cases?category=%00", headers=headers)
    assert listed.status_code == 422 and listed.json()["code"] == "UNSUPPORTED_CHARACTERS", listed.text
    assert listed.json()["errors"][0]["location"] == "query.category"
    posted = await running_api.client.post(f"/reviews/cases/{uuid4()}/decision", headers={
        **headers, "content-type": "application/json"}, content=b'{"outcome": "deny", "reason": "no\\u0000"}')
    assert posted.status_code == 422 and posted.json()["code"] == "UNSUPPORTED_CHARACTERS", posted.text
    assert posted.json()["errors"][0]["location"] == "body.reason"
