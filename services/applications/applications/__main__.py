"""`python -m applications`: read settings from the environment, build the service, serve until stopped."""

from servicekit.runtime import serve

from .bootstrap import build
from .config import ApplicationsSettings


def main() -> None:
    serve(build(ApplicationsSettings()))  # type: ignore[call-arg]  # required values come from the environment


if __name__ == "__main__":
    main()
