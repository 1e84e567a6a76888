"""Submissions per second sustained through the gateway, and how fast reviews absorbs them.

Run: `.venv/bin/python bench/submissions_throughput.py --applications 200 --clients 16 [--replicas 2]`
(starts its own stack in test mode, like the e2e tests; nothing else should load the machine). `--replicas 2`
runs two processes of every service (the gateway takes them in turn); `--compare` runs 1 replica, then 2, on the
same machine, and prints both figures side by side.

1. Prepares N complete ITMHCA IFS applications over the wire (sign-up, tabs, three raters answering the links
   they get by email, registration accepted), one applicant each. Not timed.
2. Submits all N through the gateway from C concurrent clients and reports submissions/s and latency
   (each submission runs the requirement checker against the rule version in force and writes the event and the
   outbox record in one transaction).
3. Reports when the last review case is visible to the coordinator (applications -> Kafka -> reviews ->
   projection), i.e. the sustained end-to-end intake rate.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
from devstack.stack import UP_FETCH_MAX_WAIT_MS, start_stack

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "e2e"))
from prepared import prepare_ifs_application, submit
from stack_client import COORDINATOR, login, sign_up_applicant


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--applications", type=int, default=200)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--replicas", type=int, default=1, help="processes of every service (default 1)")
    parser.add_argument("--compare", action="store_true", help="run with 1 replica, then with --replicas (>= 2)")
    args = parser.parse_args()
    if not args.compare:
        run(args.applications, args.clients, args.replicas)
        return 0
    figures = {replicas: run(args.applications, args.clients, replicas) for replicas in (1, max(2, args.replicas))}
    print("replicas  submissions/s  end-to-end/s")
    for replicas, (submitted, absorbed) in figures.items():
        print(f"{replicas:8d}  {submitted:13.1f}  {absorbed:12.1f}")
    return 0


def run(applications: int, clients: int, replicas: int) -> tuple[float, float]:
    """One measurement on a fresh stack; returns (submissions/s through the gateway, end-to-end submissions/s)."""
    print(f"--- {replicas} replica(s) of every service")
    with tempfile.TemporaryDirectory() as data_dir:
        stack = start_stack(Path(data_dir), "test", replicas=replicas, fetch_max_wait_ms=UP_FETCH_MAX_WAIT_MS)
        try:
            assert stack.engines.mail_dir is not None
            mail_dir = stack.engines.mail_dir
            # idle connections dropped before the gateway's keep-alive (5 s) ends them under a request
            limits = httpx.Limits(max_connections=clients * 2, keepalive_expiry=2)
            with httpx.Client(base_url=stack.gateway_url, timeout=60, limits=limits) as client:
                coordinator = login(client, COORDINATOR, stack.secrets.seed_password)

                def prepared(index: int) -> tuple[dict[str, str], str]:
                    _, applicant = sign_up_applicant(client, f"Bench Applicant {index}", mail_dir)
                    return applicant, prepare_ifs_application(client, applicant, coordinator, mail_dir)

                started = time.monotonic()
                with ThreadPoolExecutor(8) as pool:
                    ready = list(pool.map(prepared, range(applications)))
                print(f"prepared {len(ready)} applications in {time.monotonic() - started:.1f} s (not timed)")

                def timed_submit(item: tuple[dict[str, str], str]) -> float:
                    began = time.monotonic()
                    submit(client, *item)
                    return time.monotonic() - began

                started = time.monotonic()
                with ThreadPoolExecutor(clients) as pool:
                    latencies = list(pool.map(timed_submit, ready))
                submitted = time.monotonic() - started
                print(f"{len(ready)} submissions through the gateway with {clients} clients: {submitted:.2f} s "
                      f"= {len(ready) / submitted:.1f} submissions/s; latency median "
                      f"{statistics.median(latencies) * 1000:.0f} ms, p90 {percentile(latencies, 0.9) * 1000:.0f} ms, "
                      f"max {max(latencies) * 1000:.0f} ms")

                wanted = len(ready)  # the stack is fresh: every IFS case is one of ours
                deadline = time.monotonic() + 300
                total = 0
                while time.monotonic() < deadline:
                    page = client.get("/reviews/cases", params={"limit": 1, "category": "IFS"}, headers=coordinator)
                    assert page.status_code == 200, page.text
                    total = page.json()["total"]
                    if total >= wanted:
                        break
                    time.sleep(0.05)
                else:
                    raise TimeoutError(f"only {total} of {wanted} review cases appeared")
                absorbed = time.monotonic() - started
                print(f"all {wanted} review cases visible {absorbed:.2f} s after the first submission "
                      f"= {wanted / absorbed:.1f} submissions/s end to end")
                return len(ready) / submitted, wanted / absorbed
        finally:
            stack.stop()


if __name__ == "__main__":
    sys.exit(main())
