"""Issue 10 item 8: a process SIGKILLed under a running stack is restarted by the launcher, by itself.

The stack stays up, the restart is reported (a log line and a per-process count), and submissions in flight
across the kill succeed after retrying (an Idempotency-Key makes the retry safe)."""

from __future__ import annotations

import functools
import logging
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from devstack.stack import GATEWAY, SERVICES, Stack

from .in_flight import Prepared, case_of, count_mail, prepare, submit
from .retrying import retrying_client
from .stack_client import COORDINATOR, eventually, login

IN_FLIGHT = 4


@pytest.fixture(scope="module")
def coordinator(stack: Stack, gateway: httpx.Client) -> dict[str, str]:
    return login(gateway, COORDINATOR, stack.secrets.seed_password)


@pytest.fixture(scope="module")
def retrying(stack: Stack) -> Iterator[httpx.Client]:
    with retrying_client(stack.gateway_url) as client:
        yield client


def _submit_while_killing(stack: Stack, victim: str, applications: list[Prepared], client: httpx.Client) -> int:
    """Submit every application from its own thread while `victim` is SIGKILLed; return the killed pid."""
    with ThreadPoolExecutor(len(applications)) as pool:
        first = pool.submit(submit, client, applications[0])
        first.result()
        killed = stack.crash(victim)
        rest = [pool.submit(submit, client, a) for a in applications[1:]]
        for done in rest:
            done.result()  # each succeeded (after retrying while the victim was down)
    return killed


@pytest.mark.parametrize("victim", ["applications", "postgres"])
def test_a_sigkilled_process_comes_back_by_itself_and_submissions_in_flight_succeed(
    stack: Stack, gateway: httpx.Client, coordinator: dict[str, str], retrying: httpx.Client, victim: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    if victim not in stack.supervisor.names():
        pytest.skip(f"{victim} is not run by devstack here (provided by the environment)")
    mail_dir = stack.engines.mail_dir
    assert mail_dir is not None
    applications = [prepare(retrying, coordinator, mail_dir, f"In Flight {i}") for i in range(IN_FLIGHT)]
    restarts_before = stack.restart_counts()[victim]

    with caplog.at_level(logging.WARNING, logger="devstack.supervisor"):
        killed = _submit_while_killing(stack, victim, applications, retrying)
        eventually(lambda: f"{victim} is back" in caplog.text, 90, f"{victim} reported back")

    assert f"{victim} (pid {killed}) was killed by SIGKILL" in caplog.text
    assert stack.restart_counts()[victim] == restarts_before + 1
    assert stack.supervisor.pids()[victim] != killed
    stack.wait_healthy([GATEWAY, *SERVICES], timeout=60)  # the stack stayed up: every process answers
    for application in applications:
        case = eventually(functools.partial(case_of, gateway, coordinator, application.application_id), 60,
                          "its case")
        assert case["submission_number"] == 1
    received = eventually(lambda: _received(mail_dir, applications), 60, "the submission emails")
    assert received == {a.email: 1 for a in applications}, "one email each, none lost or sent twice"


def _received(mail_dir: Path, applications: list[Prepared]) -> dict[str, int] | None:
    counts = count_mail(mail_dir).received
    found = {a.email: counts[a.email] for a in applications}
    return found if all(found.values()) else None
