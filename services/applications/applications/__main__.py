"""`python -m applications`: read settings from the environment, build the service, serve until stopped
(`reseal`: seal in place the events stored before personal data was sealed, then exit)."""

import sys

from servicekit.runtime import command

from .bootstrap import build
from .config import ApplicationsSettings


def main() -> None:
    command(build(ApplicationsSettings()), sys.argv[1:])  # type: ignore[call-arg]  # required values come from the environment


if __name__ == "__main__":
    main()
