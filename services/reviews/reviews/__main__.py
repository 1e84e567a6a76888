"""`python -m reviews`: settings from the environment, then serve until stopped."""

from __future__ import annotations

from servicekit.runtime import serve

from .bootstrap import build
from .config import ReviewsSettings


def main() -> None:
    serve(build(ReviewsSettings()))  # type: ignore[call-arg]  # required values come from the environment


if __name__ == "__main__":
    main()
