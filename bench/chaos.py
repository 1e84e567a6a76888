"""Chaos at full size (issue 10 item 9): kill -9 each process in turn while applications are in flight.

Run: `.venv/bin/python bench/chaos.py --applications 1000 --clients 16` (starts its own stack in test mode, like
the e2e tests; nothing else should load the machine). The broker is a victim too (`--spare-broker` leaves it
alone): in test mode it keeps everything in memory, so its restart exercises broker-loss recovery (item 10).

1. Prepares N complete ITMHCA IFS applications over the wire (not timed).
2. A baseline round (nothing killed), then one round per victim (each service, the gateway, PostgreSQL, the broker), the
   applications split evenly: each journey (submit, wait for the case, approve) runs from C clients through a
   retrying client (Idempotency-Key on POSTs); the victim is SIGKILLed once the round's first journey is through,
   and the launcher restarts it.
3. Prints, per round, how long the victim took to be back and how long the platform then took to converge (a
   case, a credential and both emails for each application), beside the baseline round's convergence; then over
   every round: applications lost and duplicate cases, credentials and emails (each should be 0).

`--teardown` measures something else: how long `stack.stop()` takes with PostgreSQL (or, `--dead broker`, the
broker) killed first, beside a stack stopped with every engine up (two stacks, started one after the other).
"""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
import time
from pathlib import Path

import httpx
from devstack.stack import UP_FETCH_MAX_WAIT_MS, start_stack

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.e2e.chaos import prepare_all, run_round, tally, victims
from tests.e2e.retrying import retrying_client
from tests.e2e.stack_client import COORDINATOR, login


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--applications", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--converge-within", type=float, default=30.0, help="seconds (the issue's bar: 30)")
    parser.add_argument("--spare-broker", dest="kill_broker", action="store_false",
                        help="do not kill the broker (by default it is killed too: a memory broker loses every topic)")
    parser.add_argument("--prepare-workers", type=int, default=8,
                        help="clients preparing the applications before the rounds (not timed)")
    parser.add_argument("--victims", nargs="+", metavar="NAME",
                        help="only these victims, in this order (default: every service, the gateway, postgres and "
                             "the broker, tansu)")
    parser.add_argument("--teardown", action="store_true", help="measure stopping with an engine dead instead")
    parser.add_argument("--dead", choices=("postgres", "broker"), default="postgres")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(message)s", datefmt="%H:%M:%S")
    logging.getLogger("kafka").setLevel(logging.ERROR)  # the supervisor's crash and restart lines only
    if args.teardown:
        return teardown("postgres" if args.dead == "postgres" else "tansu")
    with tempfile.TemporaryDirectory() as data_dir:
        stack = start_stack(Path(data_dir), "test", fetch_max_wait_ms=UP_FETCH_MAX_WAIT_MS)
        try:
            assert stack.engines.mail_dir is not None
            with httpx.Client(base_url=stack.gateway_url, timeout=60) as client, \
                    retrying_client(stack.gateway_url, deadline_seconds=180) as retrying:
                coordinator = login(client, COORDINATOR, stack.secrets.seed_password)
                targets = [v for v in (args.victims or victims(args.kill_broker)) if v in stack.supervisor.names()]
                unknown = set(args.victims or ()) - set(stack.supervisor.names())
                if unknown:
                    parser.error(f"no such process: {', '.join(sorted(unknown))} (processes: "
                                 f"{', '.join(stack.supervisor.names())})")
                per_round = max(1, args.applications // (len(targets) + 1))
                started = time.monotonic()
                prepared = prepare_all(retrying, coordinator, stack.engines.mail_dir,
                                       per_round * (len(targets) + 1), workers=args.prepare_workers)
                print(f"prepared {len(prepared)} applications in {time.monotonic() - started:.1f} s (not timed); "
                      f"{per_round} in flight per round")
                rounds = []
                for index, victim in enumerate([None, *targets]):
                    batch = prepared[index * per_round:(index + 1) * per_round]
                    round_ = run_round(stack, retrying, coordinator, victim, batch, workers=args.clients,
                                       converge_within=max(args.converge_within, 600))
                    rounds.append(round_)
                    print(f"  {round_.victim:<14} back (ready) {round_.back_after:5.1f} s after the kill, converged "
                          f"{round_.converged_after:5.1f} s later (baseline, nothing killed: "
                          f"{rounds[0].converged_after:.1f} s)", flush=True)
                result = tally(stack, client, coordinator, rounds)
                slowest = max(r.converged_after for r in rounds[1:]) if rounds[1:] else 0.0
                print(f"applications {result.applications}: lost {result.lost}, duplicate cases "
                      f"{result.duplicate_cases}, duplicate credentials {result.duplicate_credentials}, duplicate "
                      f"emails {result.duplicate_emails} (resends of the same message after a kill of the mail sender "
                      f"{result.resent_messages}, at most {result.resends_allowed}); slowest convergence after a "
                      f"restart {slowest:.1f} s "
                      f"(bar {args.converge_within:.0f} s, baseline {rounds[0].converged_after:.1f} s); "
                      f"restarts {stack.restart_counts()}")
                return 0 if result.clean and slowest <= args.converge_within else 1
        finally:
            stack.stop()


def teardown(dead: str) -> int:
    seconds = {}
    for case in ("every engine up", f"{dead} dead"):
        with tempfile.TemporaryDirectory() as data_dir:
            stack = start_stack(Path(data_dir), "test", fetch_max_wait_ms=UP_FETCH_MAX_WAIT_MS)
            if case != "every engine up":
                stack.kill(dead)  # on purpose: not restarted
            started = time.monotonic()
            stack.stop()
            seconds[case] = time.monotonic() - started
    print("stack.stop(): " + ", ".join(f"{case} {value:.1f} s" for case, value in seconds.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
