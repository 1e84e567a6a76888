"""Applications ready to submit, made over the wire like an applicant, a coordinator and three raters would.

Shared by the stack benchmarks so that what they time starts at `POST /applications/{id}/submit`.
"""

from __future__ import annotations

import sys
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "e2e"))
from stack_client import complete_ifs_calls, complete_references


def prepare_ifs_application(client: httpx.Client, applicant: dict[str, str], coordinator: dict[str, str],
                            mail_dir: Path) -> str:
    """A complete ITMHCA IFS application with its registration accepted: only `submit` is left."""
    created = client.post("/applications", json={"category": "IFS"}, headers=applicant)
    assert created.status_code == 201, created.text
    application_id = str(created.json()["id"])
    details = {"statement": "Home visiting with families of infants for three years.", "ethics_attested": True}
    assert client.patch(f"/applications/{application_id}", json=details, headers=applicant).status_code == 200
    for method, path, body in complete_ifs_calls():
        response = client.request(method, f"/applications/{application_id}/{path}", json=body, headers=applicant)
        assert response.status_code in (200, 201), (path, response.text)
    complete_references(client, applicant, application_id, mail_dir)
    registered = client.post(f"/applications/{application_id}/register", headers=applicant)
    assert registered.status_code == 200, registered.text
    accepted = client.post(f"/applications/{application_id}/registration/accept", headers=coordinator)
    assert accepted.status_code == 200, accepted.text
    return application_id


def submit(client: httpx.Client, applicant: dict[str, str], application_id: str) -> None:
    submitted = client.post(f"/applications/{application_id}/submit", headers=applicant)
    assert submitted.status_code == 200 and submitted.json()["status"] == "submitted", submitted.text
