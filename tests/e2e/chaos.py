"""Issue 10 item 9: kill -9 each process in turn while applications are in flight, then count.

Each round: journeys (submit, wait for the review case, approve) run from a pool of threads through a retrying
client; once the first journey is through, the round's victim is SIGKILLed as a crash would (the launcher
restarts it). When every journey is done and the victim is back, the round waits for the platform to converge:
a case, a credential, a "we received" and a "you are endorsed" email for each application. Then, over every
round: nothing lost, nothing duplicated. Shared by tests/e2e/test_chaos.py (small) and bench/chaos.py (full).
"""

from __future__ import annotations

import functools
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from devstack.stack import GATEWAY, SERVICES, Stack

from .in_flight import Prepared, approve, case_of, count_mail, credentials_of, prepare, submit
from .stack_client import eventually

BROKER = "tansu"
"""Killed only on request: in test mode the broker keeps everything in memory, so a restart loses every topic."""
VICTIMS = (*SERVICES, GATEWAY, "postgres")
CASES_PAGE = 100


@dataclass
class Round:
    victim: str
    applications: list[Prepared]
    endorsements: dict[str, str] = field(default_factory=dict)
    """Application id -> the endorsement its approval granted."""
    back_after: float = 0.0
    """Seconds from the kill until the restarted victim first passed its readiness check (the supervisor's own
    record of it, whenever the round looked)."""
    converged_after: float = 0.0
    """Seconds from the victim being back until every application of the round had converged."""


def prepare_all(client: httpx.Client, coordinator: dict[str, str], mail_dir: Path, count: int,
                workers: int = 4) -> list[Prepared]:
    def one(index: int) -> Prepared:
        return prepare(client, coordinator, mail_dir, f"Chaos Applicant {index}")

    with ThreadPoolExecutor(workers) as pool:
        return list(pool.map(one, range(count)))


def journey(client: httpx.Client, coordinator: dict[str, str], application: Prepared) -> str:
    """Submit, wait for the review case, approve; return the endorsement granted."""
    submit(client, application)
    case = eventually(functools.partial(case_of, client, coordinator, application.application_id), 120,
                      f"the case of {application.application_id}")
    return approve(client, coordinator, str(case["id"]))


def run_round(stack: Stack, client: httpx.Client, coordinator: dict[str, str], victim: str | None,
              applications: list[Prepared], *, workers: int = 8, converge_within: float = 30.0) -> Round:
    """One victim (None: a baseline round, nothing killed) with its applications in flight; raises AssertionError
    if a journey fails or the round does not converge in time."""
    result = Round(victim or "(none)", applications)
    restarts_before = stack.restart_counts()[victim] if victim else 0
    killed, killed_at = 0, time.monotonic()
    with ThreadPoolExecutor(workers) as pool:
        futures = [pool.submit(journey, client, coordinator, a) for a in applications]
        futures[0].result()
        if victim is not None:
            killed = stack.crash(victim)
            killed_at = time.monotonic()
        for application, future in zip(applications, futures, strict=True):
            result.endorsements[application.application_id] = future.result()
    if victim is not None:
        eventually(lambda: stack.restart_counts()[victim] > restarts_before
                   and stack.supervisor.pids().get(victim, killed) != killed, 120, f"{victim} restarted")
        child = stack.supervisor.child(victim)
        eventually(lambda: child.ready_seconds is not None, 120, f"{victim} ready again")
        assert child.ready_seconds is not None
        result.back_after = child.started_at + child.ready_seconds - killed_at  # when it was ready, not now
    back = time.monotonic()
    eventually(functools.partial(_converged, stack, client, coordinator, result), converge_within,
               f"convergence after {result.victim} came back")
    result.converged_after = time.monotonic() - back
    return result


def _converged(stack: Stack, client: httpx.Client, coordinator: dict[str, str], round_: Round) -> bool:
    mail_dir = stack.engines.mail_dir
    assert mail_dir is not None
    mail = count_mail(mail_dir)
    for application in round_.applications:
        if mail.received[application.email] < 1 or mail.endorsed[application.email] < 1:
            return False
        if not credentials_of(client, coordinator, round_.endorsements[application.application_id]):
            return False
    return True


MAIL_SENDER = "notifications"
"""The process whose SIGKILL may land in SMTP's window (docs: services/notifications delivery/sender.py): after the
server's 250 and before the commit that records the email as sent. Nothing can close that window over SMTP, so the
restarted sender sends the same message again, byte for byte with its Message-ID, which mail stores recognise."""


@dataclass(frozen=True)
class Tally:
    applications: int
    lost: int
    duplicate_cases: int
    duplicate_credentials: int
    duplicate_emails: int
    """Two different emails (two Message-IDs) of one kind to one applicant: the platform made an email twice."""
    resent_messages: int = 0
    """Deliveries of the same message again (same Message-ID), the SMTP window after a kill of the mail sender."""
    resends_allowed: int = 0
    """One per kill of the mail sender: it sends one email at a time, so one at most can be in the window."""

    @property
    def clean(self) -> bool:
        return (self.lost == self.duplicate_cases == self.duplicate_credentials == self.duplicate_emails == 0
                and self.resent_messages <= self.resends_allowed)


def tally(stack: Stack, client: httpx.Client, coordinator: dict[str, str], rounds: list[Round]) -> Tally:
    """Over every round: applications without a case or credential, and anything there more than once."""
    applications = [a for r in rounds for a in r.applications]
    endorsements = {k: v for r in rounds for k, v in r.endorsements.items()}
    cases = _case_counts(client, coordinator)
    credentials = {a.application_id: len(credentials_of(client, coordinator, endorsements[a.application_id]))
                   for a in applications}
    mail_dir = stack.engines.mail_dir
    assert mail_dir is not None
    mail = count_mail(mail_dir)
    lost = sum(1 for a in applications if cases[a.application_id] == 0 or credentials[a.application_id] == 0)
    duplicate_emails = sum(max(0, mail.distinct_received[a.email] - 1) + max(0, mail.distinct_endorsed[a.email] - 1)
                           for a in applications)
    return Tally(
        applications=len(applications),
        lost=lost,
        duplicate_cases=sum(max(0, cases[a.application_id] - 1) for a in applications),
        duplicate_credentials=sum(max(0, n - 1) for n in credentials.values()),
        duplicate_emails=duplicate_emails,
        resent_messages=mail.duplicate_message_ids,
        resends_allowed=sum(1 for r in rounds if r.victim == MAIL_SENDER),
    )


def _case_counts(client: httpx.Client, coordinator: dict[str, str]) -> Counter[str]:
    counts: Counter[str] = Counter()
    offset = 0
    while True:
        response = client.get("/reviews/cases", params={"limit": CASES_PAGE, "offset": offset}, headers=coordinator)
        assert response.status_code == 200, response.text
        page = response.json()
        counts.update(str(item["application_id"]) for item in page["items"])
        offset += len(page["items"])
        if not page["items"] or offset >= page["total"]:
            return counts


def victims(kill_broker: bool) -> list[str]:
    return [*VICTIMS, BROKER] if kill_broker else list(VICTIMS)
