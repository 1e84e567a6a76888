"""Run a pure-Python computation in the calling thread under a wall-clock deadline.

pyld offers no cancellation hook, and a worker thread that merely stops being
waited for keeps burning CPU. Instead a timer raises an asynchronous exception
in the calling thread (``PyThreadState_SetAsyncExc``), which interrupts the
computation at its next bytecode boundary. The overhead is one timer thread per
call. Code that blocks inside C for a long time is not interrupted, so this is
only meant for pure-Python work such as JSON-LD canonicalization.
"""

import ctypes
import threading
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


class DeadlineExceeded(TimeoutError):
    """The computation did not finish within its deadline."""


class _Interrupt(BaseException):
    """Injected into the caller; a BaseException so that `except Exception` cannot swallow it."""


def _set_async_exception(thread_id: int, exception: type[BaseException] | None) -> None:
    target = ctypes.py_object(exception) if exception is not None else None
    modified = ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread_id), target)
    if modified > 1:  # pragma: no cover - defensive, per the C API documentation
        ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread_id), None)


def run_with_deadline(compute: Callable[[], T], seconds: float) -> T:
    """Return `compute()`, or raise DeadlineExceeded once `seconds` have elapsed."""
    caller = threading.get_ident()
    guard = threading.Lock()
    state = {"finished": False, "fired": False}

    def expire() -> None:
        with guard:
            if not state["finished"]:
                state["fired"] = True
                _set_async_exception(caller, _Interrupt)

    timer = threading.Timer(seconds, expire)
    timer.daemon = True
    try:
        timer.start()
        try:
            result = compute()
        finally:
            with guard:
                state["finished"] = True
                if state["fired"]:
                    # The interrupt may still be pending: clear it so it cannot
                    # surface later in unrelated code.
                    _set_async_exception(caller, None)
            timer.cancel()
    except _Interrupt:
        raise DeadlineExceeded(f"did not finish within {seconds} s") from None
    if state["fired"]:
        raise DeadlineExceeded(f"did not finish within {seconds} s")
    return result
