"""`python -m notifications`: settings from the environment, then run until stopped
(`reseal`: seal in place the events stored before personal data was sealed, then exit)."""

from __future__ import annotations

import sys

from servicekit.runtime import command

from .bootstrap import build
from .config import NotificationsSettings


def main() -> None:
    command(build(NotificationsSettings()), sys.argv[1:])  # type: ignore[call-arg]  # required values come from the environment


if __name__ == "__main__":
    main()
