"""Injected faults reach only the named relay, and never a production process."""

from __future__ import annotations

from typing import Any, cast

import pytest
from servicekit.faults import FaultRefused, exit_like_a_crash, install_relay_faults
from servicekit.outbox import OutboxRelay


def relay(name: str) -> OutboxRelay:
    return OutboxRelay(cast(Any, None), lambda event: None, cast(Any, None), source="/test", name=name)


def test_the_named_relay_gets_the_crash_and_the_others_do_not() -> None:
    outbox, webhooks = relay("outbox"), relay("webhooks")
    install_relay_faults([outbox, webhooks], "outbox", "test")
    assert outbox.after_publish is exit_like_a_crash
    assert webhooks.after_publish is None


def test_no_fault_is_installed_unless_asked() -> None:
    outbox = relay("outbox")
    install_relay_faults([outbox], None, "production")
    assert outbox.after_publish is None


def test_a_production_process_refuses_an_injected_fault() -> None:
    with pytest.raises(FaultRefused, match="production"):
        install_relay_faults([relay("outbox")], "outbox", "production")
