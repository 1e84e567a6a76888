"""Parallel test workers draw ports from slices of their own (DEVSTACK_PORT_RANGE)."""

from __future__ import annotations

import itertools
import socket

import pytest
from devstack.ports import PORT_RANGE_VARIABLE, PortRegistry, find_free_port, port_slice, worker_port_slice


def _bounds(text: str) -> tuple[int, int]:
    low, high = text.split("-")
    return int(low), int(high)


def test_worker_slices_are_disjoint_and_below_the_ephemeral_range() -> None:
    slices = [_bounds(worker_port_slice(index)) for index in range(16)]
    for (low, high), (next_low, _) in itertools.pairwise(slices):
        assert low < high < next_low
    assert slices[-1][1] < 32768


def test_too_many_workers_for_the_space_below_the_ephemeral_range_is_refused() -> None:
    with pytest.raises(ValueError, match="no port slice"):
        worker_port_slice(100)


def test_fresh_ports_come_from_the_slice_in_turn(monkeypatch: pytest.MonkeyPatch) -> None:
    low, high = _bounds(worker_port_slice(23))
    monkeypatch.setenv(PORT_RANGE_VARIABLE, f"{low}-{high}")
    ports = [find_free_port() for _ in range(20)]
    assert all(low <= port <= high for port in ports)
    assert len(set(ports)) == len(ports)  # not the same port again while the slice has others


def test_a_busy_port_of_the_slice_is_passed_over(monkeypatch: pytest.MonkeyPatch) -> None:
    low, _high = _bounds(worker_port_slice(22))
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", low))
        busy.listen()
        monkeypatch.setenv(PORT_RANGE_VARIABLE, f"{low}-{low + 2}")
        assert low not in {find_free_port() for _ in range(6)}


def test_a_registry_hands_out_ports_of_the_slice(monkeypatch: pytest.MonkeyPatch) -> None:
    low, high = _bounds(worker_port_slice(21))
    monkeypatch.setenv(PORT_RANGE_VARIABLE, f"{low}-{high}")
    registry = PortRegistry(None)
    assert low <= registry.port("postgres") <= high


def test_without_a_slice_the_kernel_picks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(PORT_RANGE_VARIABLE, raising=False)
    assert port_slice() is None
    assert 0 < find_free_port() <= 65535


@pytest.mark.parametrize("value", ["20000", "x-y", "30000-20000", "0-100", "60000-70000"])
def test_a_malformed_slice_is_refused(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv(PORT_RANGE_VARIABLE, value)
    with pytest.raises(ValueError, match=PORT_RANGE_VARIABLE):
        find_free_port()
