"""Optimistic concurrency over HTTP on the real engines: reads carry the application's version as `ETag`, a write
with a stale `If-Match` is refused with 412 `APPLICATION_CHANGED` and writes nothing, every write answers the new
`ETag`, and a write without `If-Match` behaves as before."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING

from journeys import assert_problem, complete_ifs_calls

if TYPE_CHECKING:
    from conftest import Person, Running

TRAINING = complete_ifs_calls(date.today())[4].body


def events_written(running: Running) -> int:
    return int(running.service.app.recorder.max_notification_id() or 0)


async def test_a_stale_write_is_refused_and_a_fresh_one_answers_the_new_etag(
        running: Running, person: Callable[..., Person]) -> None:
    dana = person()
    created = await running.http.post("/applications", json={"category": "IFS"}, headers=dana.headers)
    url = f"/applications/{created.json()['id']}"
    read = await running.http.get(url, headers=dana.headers)
    tag = read.headers["etag"]
    assert tag == '"1"'

    patched = await running.http.patch(url, json={"phone": "555-0100"}, headers={**dana.headers, "If-Match": tag})
    assert patched.status_code == 200, patched.text
    assert patched.headers["etag"] == '"2"'

    before = events_written(running)
    for method, path, body in (("PATCH", "", {"county": "Pima"}), ("POST", "/training", TRAINING),
                               ("PUT", "/attestations/code_of_ethics", None), ("POST", "/submit", None),
                               ("POST", "/withdraw", {"reason": "moving"}), ("POST", "/register", None)):
        stale = await running.http.request(method, f"{url}{path}", json=body,
                                           headers={**dana.headers, "If-Match": tag})
        problem = assert_problem(stale, 412, "APPLICATION_CHANGED")
        assert "reload" in problem["detail"]
    assert events_written(running) == before  # nothing written

    weak = await running.http.post(f"{url}/training", json=TRAINING, headers={**dana.headers, "If-Match": 'W/"2"'})
    assert weak.status_code == 201, weak.text
    assert weak.headers["etag"] == '"3"'
    entry = weak.headers["location"]
    listed = await running.http.get(f"{url}/references", headers=dana.headers)
    assert listed.headers["etag"] == '"3"'
    removed = await running.http.delete(entry, headers={**dana.headers, "If-Match": '"1", "3"'})
    assert removed.status_code == 200 and removed.headers["etag"] == '"4"'
    assert_problem(await running.http.patch(url, json={"county": "Pima"},
                                            headers={**dana.headers, "If-Match": "garbage"}),
                   412, "APPLICATION_CHANGED")

    anyway = await running.http.patch(url, json={"county": "Pima"}, headers=dana.headers)  # no If-Match: as before
    assert anyway.status_code == 200 and anyway.headers["etag"] == '"5"'
    star = await running.http.patch(url, json={"county": "Yuma"}, headers={**dana.headers, "If-Match": "*"})
    assert star.status_code == 200 and star.headers["etag"] == '"6"'


async def test_references_and_a_stranger_get_their_usual_answers_before_the_version_is_checked(
        running: Running, person: Callable[..., Person]) -> None:
    dana, stranger = person(), person()
    created = await running.http.post("/applications", json={"category": "IFS"}, headers=dana.headers)
    url = f"/applications/{created.json()['id']}"
    assert_problem(await running.http.patch(url, json={"county": "Pima"},
                                            headers={**stranger.headers, "If-Match": '"9"'}),
                   404, "APPLICATION_NOT_FOUND")
    rater = {"slot": 1, "name": "Sam Ortiz", "email": "sam@example.org", "kind": "supervisor", "waived": False}
    stale = await running.http.post(f"{url}/references", json=rater, headers={**dana.headers, "If-Match": '"9"'})
    assert_problem(stale, 412, "APPLICATION_CHANGED")
    named = await running.http.post(f"{url}/references", json=rater, headers={**dana.headers, "If-Match": '"1"'})
    assert named.status_code == 201, named.text
    assert named.headers["etag"] == '"2"'
