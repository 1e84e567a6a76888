"""On the real engines: a reviewer is sealed under the subject of their address, and an erasure request naming that
address erases them here (docs/erasure.md, "Who is a subject").

The gateway files an erasure given an address as `rater:<tenant>:<hex HMAC-SHA256(RATER_INDEX_KEY, lower(email))>`
(`servicekit.subjects`); reviews seals an assigned reviewer's address and name in its stored events and on
`endorsement.reviews.v2` under that same subject. Its `PersonErased` leaves them unreadable everywhere, the read
models never held them, and reviews answers `ErasureCompleted`. A reviewer whose tokens an older version sealed under
`reviewer:<tenant>:<hmac>` (REVIEWER_SUBJECT_KEY) is erased there too, by the pair recorded at start-up
(`reviewer_subjects.py`), also when the address was erased before this version. A reviewers' queue the version
before kept by plain address is built again by subject at start-up.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import asyncpg
import psycopg
from devstack.testing import hits, stored_texts
from endorsement_contracts import ERASURES, REVIEWS_V2, decode
from endorsement_contracts.events import ErasureCompleted, PersonErased, reviews_v2
from reviews.application import Reviews, Submission
from reviews.bootstrap import subject_keys
from reviews.config import SCHEMA, ReviewsSettings, TenantCatalog, load_tenants
from reviews.domain import Actor, Applicant
from reviews.projections import ReviewCasesProjection
from reviews.reviewer_subjects import legacy_reviewer_subject
from servicekit.postgres import asyncpg_server_settings
from servicekit.projection import ProjectionRunner
from servicekit.shredding import SubjectKeys
from servicekit.subjects import DEVELOPMENT_RATER_INDEX_KEY, rater_subject

from .test_erasure import send

Auth = Callable[..., dict[str, str]]
WaitFor = Callable[..., Awaitable[Any]]
Read = Callable[..., list[Any]]
TENANT = "erase-assoc"
COORDINATOR = Actor(uuid4(), "Cora Coordinator")


def association(folder: Path, *reviewers: tuple[str, str]) -> TenantCatalog:
    """`erase-assoc`: one reviewer per case, direct decisions; `reviewers` (email, name) on its roster."""
    tenants, reviews = folder / "tenants", folder / "reviews"
    tenants.mkdir()
    reviews.mkdir()
    (tenants / f"{TENANT}.yaml").write_text(
        f"slug: {TENANT}\nname: Erase Association\ntimezone: America/Phoenix\n"
        "categories: {IFS: Infant Family Specialist}\nreview: {reviewers_per_case: 1}\n"
        'renewal: {due: "12-15", removal: "02-01"}\n')
    roster = "".join(f"  - {{email: {email}, name: {name}, category: IFS, trained: true}}\n"
                     for email, name in reviewers)
    (reviews / f"{TENANT}.yaml").write_text(
        f"tenant: {TENANT}\n"
        "policy: {sequential: false, blind: false, coordinator_decides_directly: true, denial_allowed: true}\n"
        f"categories: {{IFS: {{rank: 2}}}}\nreviewers:\n{roster}")
    return load_tenants(tenants, reviews)


def address_subject(email: str) -> str:
    """What the gateway files for an erasure request giving `email` (the development RATER_INDEX_KEY of tests)."""
    return rater_subject(TENANT, email, DEVELOPMENT_RATER_INDEX_KEY)


def opened_case(reviews: Reviews) -> UUID:
    """A case of `erase-assoc`, opened as a submission would open it, and complete."""
    submission = Submission(
        tenant=TENANT, application_id=uuid4(), submission_number=1,
        applicant=Applicant(account_id=uuid4(), name="Ana Applicant", email=f"ana-{uuid4().hex[:8]}@example.org"),
        category="IFS", category_name="Infant Family Specialist", rule_set_version=f"{TENANT}-IFS-2026",
        received_at=datetime.now(UTC) - timedelta(hours=1))
    case = reviews.intake.case_for(submission)
    assert case is not None
    reviews.save(case)
    return case.id


def erasure(subject: str) -> PersonErased:
    return PersonErased(tenant=TENANT, occurred_at=datetime.now(UTC), erasure_id=uuid4(), subject=subject)


async def answered(read: Read, bootstrap: str, erasure_id: UUID) -> list[Any] | None:
    """Reviews' `ErasureCompleted` for `erasure_id`, once it is on the topic (read in a thread: the service runs on
    this event loop)."""
    def answer(record: Any) -> bool:
        event = decode(list(record.headers), record.value).event
        return isinstance(event, ErasureCompleted) and event.erasure_id == erasure_id

    records = await asyncio.to_thread(read, bootstrap, ERASURES.name, answer, 1, 1.0)
    return [decode(list(r.headers), r.value).event for r in records] or None


async def test_an_erasure_of_a_reviewers_address_leaves_their_name_and_address_unreadable_and_is_answered(
    start: Any, auth: Auth, wait_for: WaitFor, read: Read, tmp_path: Path,
) -> None:
    tag = uuid4().hex[:10]
    mark = {"email": f"rhea-{tag}@erase.example", "name": f"Rhea Erasemark{tag}"}
    subject = address_subject(mark["email"])
    async with start(tenants=association(tmp_path, (mark["email"], mark["name"]))) as running:
        service, client = running.service, running.client
        reviews: Reviews = service.app
        bootstrap, database_url = service.settings.kafka_bootstrap_servers, service.settings.database_url
        coordinator = auth(tenant=TENANT)
        reviewer = auth(roles=("reviewer",), tenant=TENANT, email=mark["email"], name=mark["name"])

        # given a case the reviewer was assigned to, accepted and recommended on
        case_id = opened_case(reviews)
        cases = f"/reviews/cases/{case_id}"
        for path, body, headers in (
            (f"{cases}/completeness", {"outcome": "complete"}, coordinator),
            (f"{cases}/reviewers", {"email": mark["email"]}, coordinator),
            (f"/reviews/assignments/{case_id}/accept", {}, reviewer),
            (f"/reviews/assignments/{case_id}/recommendation", {"recommendation": "endorse"}, reviewer),
        ):
            response = await client.post(path, json=body, headers=headers)
            assert response.status_code == 200, (path, response.text)
        [assignment] = (await client.get(cases, headers=coordinator)).json()["review"]["assignments"]
        assert (assignment["email"], assignment["name"]) == (mark["email"], mark["name"])  # readable until erased
        # and its v2 twin, whose tokens are sealed under the reviewer's address subject
        application_id = reviews.get_case(case_id, TENANT).application_id

        async def assigned_twin() -> list[Any] | None:
            def twin(record: Any) -> bool:
                return (record.key == str(application_id).encode()
                        and dict(record.headers)["ce_type"].startswith(b"ReviewerAssigned"))

            records = await asyncio.to_thread(read, bootstrap, REVIEWS_V2.name, twin, 1, 1.0)
            return [decode(list(r.headers), r.value).event for r in records] or None

        [twin] = await wait_for(assigned_twin, within=60)
        assert isinstance(twin, reviews_v2.ReviewerAssigned)
        keys = service.subject_keys
        assert keys is not None
        assert (keys.open(twin.reviewer_email), keys.open(twin.reviewer_name)) == (mark["email"], mark["name"])
        # and no stored event or table holds their address or name readable: only tokens and the keyed subject
        assert hits(stored_texts(database_url, SCHEMA), *mark.values()) == {}
        with psycopg.connect(database_url) as conn:
            rows = conn.execute(f"SELECT reviewer_subject FROM {SCHEMA}.review_assignments WHERE case_id = %s",
                                (case_id,)).fetchall()
        assert rows == [(subject,)]

        # when an erasure request naming the reviewer's address reaches reviews
        erased = erasure(subject)
        send(bootstrap, ERASURES.name, subject.encode(), erased)

        # then reviews answers it
        [answer] = await wait_for(lambda: answered(read, bootstrap, erased.erasure_id), within=60)
        assert (answer.service, answer.subject) == ("reviews", subject)
        # and the reviewer's address and name no longer open: in the stored events (the case still loads, with the
        # assignment and its recommendation) and on the v2 topic
        [kept] = reviews.get_case(case_id, TENANT).assignments.values()
        assert (kept.subject, kept.email, kept.name) == (subject, None, None)
        assert kept.recommendation is not None
        [assignment] = (await client.get(cases, headers=coordinator)).json()["review"]["assignments"]
        assert (assignment["email"], assignment["name"], assignment["recommendation"]["recommendation"]) == (
            None, None, "endorse")
        assert (keys.open(twin.reviewer_email), keys.open(twin.reviewer_name)) == (None, None)
        # and no table of the schema holds anything of theirs
        assert hits(stored_texts(database_url, SCHEMA), *mark.values()) == {}


def as_stored_by_the_older_version(store: Reviews, database_url: str, case_id: UUID, email: str, name: str) -> None:
    """Rewrite the case's stored `ReviewerAssigned` as the version before sealed assignments stored it: the
    reviewer's plain address and name (class version 1)."""
    recorder: Any = store.recorder
    events = f'{SCHEMA}."{recorder.events_table_name}"'
    with psycopg.connect(database_url) as conn:
        [(version, state)] = conn.execute(
            f"SELECT originator_version, state FROM {events} WHERE originator_id = %s AND topic LIKE %s",
            (case_id, "%ReviewerAssigned")).fetchall()
        older = json.loads(bytes(state))
        del older["reviewer"]
        older.update(reviewer_email=email, reviewer_name=name, class_version=1)
        conn.execute(f"UPDATE {events} SET state = %s WHERE originator_id = %s AND originator_version = %s",
                     (json.dumps(older).encode(), case_id, version))


async def test_a_reviewer_sealed_under_the_reviewer_subject_of_before_is_erased_there_too(
    start: Any, wait_for: WaitFor, read: Read, open_store: Callable[[], Reviews], settings: ReviewsSettings,
    tmp_path: Path,
) -> None:
    tag = uuid4().hex[:10]
    kept_on = (f"lena-{tag}@erase.example", f"Lena Legacymark{tag}")
    erased_before = (f"olga-{tag}@erase.example", f"Olga Legacymark{tag}")
    catalog = association(tmp_path, kept_on, erased_before)
    tenant = catalog.get(TENANT)
    assert tenant is not None
    legacy_key = settings.pseudonym_keys().reviewer_subjects

    # given two reviewers assigned by the version before sealed assignments: their `ReviewerAssigned` stored with the
    # plain address, their v2 tokens sealed under their `reviewer:` subject (as that version's relay sealed them)
    store = open_store()
    keys: SubjectKeys = subject_keys(store)
    tokens = {}
    for email, name in (kept_on, erased_before):
        case_id = opened_case(store)
        store.intake.pass_completeness(case_id, tenant=tenant, by=COORDINATOR)
        store.reviewing.assign_reviewer(case_id, tenant=tenant, by=COORDINATOR, reviewer_email=email,
                                        now=datetime.now(UTC))
        as_stored_by_the_older_version(store, settings.database_url, case_id, email, name)
        legacy = legacy_reviewer_subject(TENANT, email, legacy_key)
        tokens[email] = keys.seal_stable(legacy, email, f"{uuid4()}/reviewer_email")
        assert keys.open(tokens[email]) == email
    # and the second one's address erased by that version, which could not reach their `reviewer:` subject
    keys.destroy(address_subject(erased_before[0]))
    assert keys.open(tokens[erased_before[0]]) == erased_before[0]
    store.close()

    # when this version starts (pairing each assigned reviewer's two subjects), and the first one's address is erased
    async with start(tenants=catalog) as running:
        service = running.service
        bootstrap = service.settings.kafka_bootstrap_servers
        live = service.subject_keys
        assert live is not None
        # then the reviewer erased before has no readable token left under their `reviewer:` subject
        assert live.open(tokens[erased_before[0]]) is None
        assert live.open(tokens[kept_on[0]]) == kept_on[0]  # the other one's still opens, until erased
        erased = erasure(address_subject(kept_on[0]))
        send(bootstrap, ERASURES.name, erased.subject.encode(), erased)
        await wait_for(lambda: answered(read, bootstrap, erased.erasure_id), within=60)
        # and the erasure of the address reached the token sealed under the subject of before
        assert live.open(tokens[kept_on[0]]) is None
        assert live.is_erased(legacy_reviewer_subject(TENANT, kept_on[0], legacy_key))


OLDER_QUEUE = """
DROP TABLE review_assignments;
CREATE TABLE review_assignments (
    case_id uuid NOT NULL, reviewer_email text NOT NULL, tenant text NOT NULL, slot integer NOT NULL,
    status text NOT NULL, assigned_at timestamptz NOT NULL, answered_at timestamptz, recommendation text,
    recommended_at timestamptz, PRIMARY KEY (case_id, reviewer_email)
);
"""
"""The reviewers' queue as the version before kept it: by plain address."""


async def test_a_reviewers_queue_kept_by_address_before_is_built_again_by_subject(
    open_store: Callable[[], Reviews], database_url: str, tmp_path: Path,
) -> None:
    email = f"rita-{uuid4().hex[:10]}@erase.example"
    catalog = association(tmp_path, (email, "Rita Rebuild"))
    tenant = catalog.get(TENANT)
    assert tenant is not None
    store = open_store()
    pool = await asyncpg.create_pool(database_url, min_size=1, max_size=2,
                                     server_settings=asyncpg_server_settings(SCHEMA))
    try:
        # given a case with the reviewer assigned, and the queue as the version before kept it, by address
        case_id = opened_case(store)
        store.intake.pass_completeness(case_id, tenant=tenant, by=COORDINATOR)
        store.reviewing.assign_reviewer(case_id, tenant=tenant, by=COORDINATOR, reviewer_email=email,
                                        now=datetime.now(UTC))
        queue = ProjectionRunner(store, pool, ReviewCasesProjection())
        await queue.setup()
        await queue.catch_up()
        await pool.execute(OLDER_QUEUE)
        await pool.execute("INSERT INTO review_assignments (case_id, reviewer_email, tenant, slot, status, "
                           "assigned_at) VALUES ($1, $2, $3, 1, 'invited', now())", case_id, email, TENANT)
        # when this version starts
        await queue.setup()
        await queue.catch_up()
        # then the queue is built again from the event store, naming the reviewer by subject only
        rows = await pool.fetch("SELECT case_id, reviewer_subject, status FROM review_assignments")
        assert [tuple(row) for row in rows] == [(case_id, address_subject(email), "invited")]
        assert not any(email in str(tuple(row)) for row in await pool.fetch("SELECT * FROM review_assignments"))
        assert await pool.fetchval("SELECT count(*) FROM review_cases WHERE id = $1", case_id) == 1
    finally:
        await pool.close()
        store.close()
