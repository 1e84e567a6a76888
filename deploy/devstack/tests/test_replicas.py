"""Replicas in the launcher: process names, the service each runs, and `make up`'s fixed ports."""

from __future__ import annotations

from pathlib import Path

import pytest
from devstack.stack import UP_PORTS, replica_names, service_of, start_stack, up_ports


def test_replica_k_of_a_service_is_named_after_it() -> None:
    assert replica_names("applications", 1) == ["applications"]
    assert replica_names("applications", 3) == ["applications", "applications-2", "applications-3"]
    assert [service_of(n) for n in replica_names("reviews", 2)] == ["reviews", "reviews"]
    assert service_of("gateway") == "gateway"


def test_one_replica_keeps_todays_ports_and_more_replicas_step_by_ten() -> None:
    assert up_ports(1) == UP_PORTS
    ports = up_ports(3)
    assert (ports["applications-2"], ports["notifications-2"], ports["applications-3"]) == (8011, 8014, 8021)
    assert len(set(ports.values())) == len(ports) == len(UP_PORTS) + 2 * 4


@pytest.mark.parametrize("replicas", [0, 10])
def test_a_replica_count_out_of_range_is_refused_before_anything_starts(tmp_path: Path, replicas: int) -> None:
    with pytest.raises(ValueError, match="replicas must be between 1 and 9"):
        start_stack(tmp_path, "test", replicas=replicas)
