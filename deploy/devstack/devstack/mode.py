"""The two ways engines run: persistent for `make up`, ephemeral for the test suite."""

from typing import Literal

Mode = Literal["up", "test"]
"""`up`: data under the data dir survives restarts. `test`: throw-away, tuned for speed."""

MODES: tuple[Mode, ...] = ("up", "test")
