"""Measure what an idle stack costs in CPU, per process, at the `make up` fetch wait (the baseline) and at the test
stacks' (devstack.stack.UP_FETCH_MAX_WAIT_MS / TEST_FETCH_MAX_WAIT_MS), in the same run.

Run: `.venv/bin/python bench/idle_cpu.py [--settle 20] [--seconds 30]`. Each setting starts its own stack in test
mode, waits `--settle` seconds after every process is healthy, then sums utime+stime of each process (and its
children, e.g. PostgreSQL backends) from /proc over `--seconds`. Prints cores used per process and in all.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

import psutil
from devstack.stack import TEST_FETCH_MAX_WAIT_MS, UP_FETCH_MAX_WAIT_MS, start_stack


def cpu_seconds(process: psutil.Process) -> float:
    """CPU time of the process and its live children (a process that ended meanwhile counts 0)."""
    total = 0.0
    for each in (process, *process.children(recursive=True)):
        try:
            times = each.cpu_times()
            total += times.user + times.system
        except psutil.NoSuchProcess:
            pass
    return total


def idle_cores(fetch_max_wait_ms: int, settle: float, seconds: float) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as data_dir:
        stack = start_stack(Path(data_dir), "test", fetch_max_wait_ms=fetch_max_wait_ms)
        try:
            time.sleep(settle)
            processes = {name: psutil.Process(pid) for name, pid in stack.supervisor.pids().items()}
            before = {name: cpu_seconds(p) for name, p in processes.items()}
            time.sleep(seconds)
            return {name: (cpu_seconds(p) - before[name]) / seconds for name, p in processes.items()}
        finally:
            stack.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--settle", type=float, default=20.0)
    parser.add_argument("--seconds", type=float, default=30.0)
    args = parser.parse_args()
    print(f"{os.cpu_count()} cores; idle for {args.seconds:.0f} s after {args.settle:.0f} s of settling")
    baseline = idle_cores(UP_FETCH_MAX_WAIT_MS, args.settle, args.seconds)
    test = idle_cores(TEST_FETCH_MAX_WAIT_MS, args.settle, args.seconds)
    print(f"{'process':<16}{f'{UP_FETCH_MAX_WAIT_MS} ms (baseline)':>20}{f'{TEST_FETCH_MAX_WAIT_MS} ms':>12}")
    for name in sorted(baseline, key=baseline.__getitem__, reverse=True):
        print(f"{name:<16}{baseline[name]:>20.3f}{test.get(name, 0.0):>12.3f}")
    total_base, total_test = sum(baseline.values()), sum(test.values())
    print(f"{'all (cores)':<16}{total_base:>20.3f}{total_test:>12.3f}   ratio {total_test / total_base:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
