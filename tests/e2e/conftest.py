"""The whole platform as separate processes, started by the same launcher `make up` uses."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from devstack.stack import Stack, start_stack

from . import stack_client


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    running = start_stack(tmp_path_factory.mktemp("stack"), "test")
    stack_client.MAIL_DIR = running.engines.mail_dir  # sign_up_applicant confirms the email from there
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture(scope="module")
def gateway(stack: Stack) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=stack.gateway_url, timeout=30) as client:
        yield client


@pytest.fixture(scope="module")
def mail_dir(stack: Stack) -> Path:
    assert stack.engines.mail_dir is not None, "the e2e tests read mail from the local SMTP sink"
    return stack.engines.mail_dir
