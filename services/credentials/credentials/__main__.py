"""`python -m credentials`: settings from the environment -> bootstrap.build() -> serve()."""

import sys

from pydantic import ValidationError
from servicekit.runtime import command

from credentials.bootstrap import build
from credentials.config import ConfigurationError, CredentialsSettings


def main() -> None:
    try:
        settings = CredentialsSettings()  # type: ignore[call-arg]  # required values come from the environment
        service = build(settings)
    except ValidationError as error:  # name the settings, never echo their values (they include signing keys)
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'settings'}: {e['msg']}" for e in error.errors())
        sys.exit(f"credentials: invalid settings: {problems}")
    except ConfigurationError as error:
        sys.exit(f"credentials: {error}")
    command(service, sys.argv[1:])  # no argument: serve; `reseal`: seal older stored events in place, exit


if __name__ == "__main__":
    main()
