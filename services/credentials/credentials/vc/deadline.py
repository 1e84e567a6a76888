"""Run a pure-Python computation in the calling thread under a CPU-time deadline.

The budget counts the CPU time the calling thread itself spends, not the time on the wall: on a loaded machine (or
with other threads holding the GIL) a credential that needs 5 ms of work may wait a second before it gets it, and
must not be refused for that. A wall-clock backstop (`WALL_CLOCK_FACTOR` times the budget) still ends a
computation that somehow makes no CPU-time progress.

pyld offers no cancellation hook, and a worker thread that merely stops being
waited for keeps burning CPU. Instead a timer raises an asynchronous exception
in the calling thread (``PyThreadState_SetAsyncExc``), which interrupts the
computation at its next bytecode boundary. The overhead is one timer thread per
call. Code that blocks inside C for a long time is not interrupted, so this is
only meant for pure-Python work such as JSON-LD canonicalization.
"""

import ctypes
import threading
import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


WALL_CLOCK_FACTOR = 20.0
"""The wall-clock backstop, as a multiple of the CPU-time budget."""


def _thread_cpu_clock(thread_id: int) -> Callable[[], float]:
    """The CPU time of the thread `thread_id` (a pthread id, as threading.get_ident() gives on POSIX); the
    process's CPU time where a thread's clock cannot be had."""
    try:
        clock_id = time.pthread_getcpuclockid(thread_id)
        time.clock_gettime(clock_id)
    except (AttributeError, OSError):  # pragma: no cover - not Linux
        return time.process_time
    return lambda: time.clock_gettime(clock_id)


class DeadlineExceededError(TimeoutError):
    """The computation did not finish within its deadline."""


class _Interrupt(BaseException):
    """Injected into the caller; a BaseException so that `except Exception` cannot swallow it."""


def _set_async_exception(thread_id: int, exception: type[BaseException] | None) -> None:
    target = ctypes.py_object(exception) if exception is not None else None
    modified = ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread_id), target)
    if modified > 1:  # pragma: no cover - defensive, per the C API documentation
        ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread_id), None)


def run_with_deadline(compute: Callable[[], T], seconds: float) -> T:
    """Return `compute()`, or raise DeadlineExceededError once the calling thread has spent `seconds` of CPU time on it
    (or `WALL_CLOCK_FACTOR` times that on the wall)."""
    caller = threading.get_ident()
    cpu = _thread_cpu_clock(caller)
    guard = threading.Lock()
    state = {"finished": False, "fired": False}
    cpu_start, wall_start = cpu(), time.monotonic()
    timers: list[threading.Timer] = []

    def expire() -> None:
        with guard:
            if state["finished"]:
                return
            left = seconds - (cpu() - cpu_start)
            wall_left = seconds * WALL_CLOCK_FACTOR - (time.monotonic() - wall_start)
            if left > 0.001 and wall_left > 0:  # waited, not worked: check again when the budget could be spent
                arm(min(left, wall_left))
                return
            state["fired"] = True
            _set_async_exception(caller, _Interrupt)

    def arm(after: float) -> None:
        timer = threading.Timer(after, expire)
        timer.daemon = True
        timers.append(timer)
        timer.start()

    try:
        with guard:
            arm(seconds)
        try:
            result = compute()
        finally:
            with guard:
                state["finished"] = True
                if state["fired"]:
                    # The interrupt may still be pending: clear it so it cannot
                    # surface later in unrelated code.
                    _set_async_exception(caller, None)
                for timer in timers:
                    timer.cancel()
    except _Interrupt:
        raise DeadlineExceededError(f"did not finish within {seconds} s of CPU time") from None
    if state["fired"]:
        raise DeadlineExceededError(f"did not finish within {seconds} s of CPU time")
    return result
