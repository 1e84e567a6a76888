"""`python -m reviews`: settings from the environment, then serve until stopped
(`reseal`: seal in place the events stored before personal data was sealed, then exit; `rewrap-keys`: move the
subject keys under the current master key; `fingerprint-key`: print the pseudonym keys in use, to pin them before a
master key rotation, see README "Master key rotation")."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from servicekit.runtime import command

from .bootstrap import build
from .config import ReviewsSettings

PRINT_PSEUDONYM_KEYS = "fingerprint-key"


def pseudonym_key_lines(settings: ReviewsSettings) -> tuple[list[str], str]:
    """`NAME=value` lines for FINGERPRINT_KEY and REVIEWER_SUBJECT_KEY as this process uses them (as set, or else
    derived from PERSONAL_DATA_MASTER_KEY), and where they came from. Needs no database and no broker."""
    pinned = settings.pinned_pseudonym_keys()
    if pinned is not None:
        return [f"{name}={value}" for name, value in pinned.as_settings().items()], "as set (pinned already)"
    derived = settings.derived_pseudonym_keys()
    return ([f"{name}={value}" for name, value in derived.as_settings().items()],
            "derived from PERSONAL_DATA_MASTER_KEY: store both in the secret store before the master key rotates")


def main(argv: Sequence[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    settings = ReviewsSettings()  # type: ignore[call-arg]  # required values come from the environment
    if args == [PRINT_PSEUDONYM_KEYS]:
        lines, origin = pseudonym_key_lines(settings)
        print("\n".join(lines))  # the values alone on stdout, e.g. for the secret store; the note on stderr
        print(f"reviews: pseudonym keys {origin}", file=sys.stderr)
        return
    command(build(settings), args)


if __name__ == "__main__":
    main()
