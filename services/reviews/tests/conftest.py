"""Fixtures shared by the reviews service's tests."""

from __future__ import annotations

from collections.abc import Callable

import pytest


@pytest.fixture(scope="session")
def kafka_bootstrap(private_broker: Callable[[str], str]) -> str:
    """This service's tests get a broker of their own (see the root conftest)."""
    return private_broker("reviews")
