"""`python -m notifications`: settings from the environment, then run until stopped."""

from __future__ import annotations

from servicekit.runtime import serve

from .bootstrap import build
from .config import Settings


def main() -> None:
    serve(build(Settings()))  # type: ignore[call-arg]  # required values come from the environment


if __name__ == "__main__":
    main()
