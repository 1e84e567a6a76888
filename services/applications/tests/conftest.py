"""Fixtures for the applications service's tests, and the test helper modules on the import path."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pytest

TESTS_DIR = Path(__file__).resolve().parent
if str(TESTS_DIR) not in sys.path:
    sys.path.insert(0, str(TESTS_DIR))  # `journeys` and `rule_builders` are plain modules next to this file


@pytest.fixture(scope="session")
def kafka_bootstrap(private_broker: Callable[[str], str]) -> str:
    """This service's tests get a broker of their own (see the root conftest)."""
    return private_broker("applications")
