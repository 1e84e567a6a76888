"""`make up`: the whole platform on this machine until Ctrl-C (`python -m devstack.up`).

A process that dies is restarted with backoff and reported on this console; one that keeps crashing (the
burst limit of devstack.restarts) stops the whole stack with exit code 1 and its last log lines.
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import time
from pathlib import Path
from types import FrameType

import yaml

from devstack.stack import GATEWAY, MAX_REPLICAS, PORTAL, SERVICES, Stack, start_stack


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m devstack.up", description=__doc__)
    parser.add_argument("--data-dir", type=Path, default=Path(".data"))
    parser.add_argument("--replicas", type=int, default=1, choices=range(1, MAX_REPLICAS + 1), metavar="N",
                        help=f"processes per service, 1 to {MAX_REPLICAS} (default 1)")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, _interrupt)
    signal.signal(signal.SIGINT, _interrupt)  # also when started with SIGINT ignored (background jobs)
    # Crashes and restarts (devstack.supervisor) on this console; the kafka client's chatter stays out.
    logging.basicConfig(level=logging.INFO, format="%(asctime)s devstack: %(message)s", datefmt="%H:%M:%S",
                        stream=sys.stdout)
    logging.getLogger("kafka").setLevel(logging.WARNING)
    print("starting engines and services ...", flush=True)
    try:
        stack = start_stack(args.data_dir, "up", replicas=args.replicas)
    except KeyboardInterrupt:
        return 130
    try:
        _report(stack)
        while True:
            given_up = stack.supervisor.gave_up()
            if given_up:
                print(f"\n{', '.join(given_up)} kept crashing and was given up on (see the lines above and "
                      f"{stack.engines.data_dir / 'logs'}); stopping everything", flush=True)
                return 1
            time.sleep(1)
    except KeyboardInterrupt:
        print("\nstopping ...", flush=True)
        return 0
    finally:
        stack.stop()
        print("stopped.", flush=True)


def _report(stack: Stack) -> None:
    print(f"\nready in {stack.startup_seconds:.1f} s\n", flush=True)
    print(f"  portal         {stack.gateway_url}/   (open this in a browser: applicants, raters, employers)")
    print(f"  gateway        {stack.gateway_url}   (health: /healthz, API docs: /docs, /redoc, OpenAPI: /openapi.json)")
    for service in SERVICES:
        print(f"  {service:<14} {'  '.join(stack.url(name) for name in stack.replicas(service))}")
    engines = stack.engines
    print(f"\n  PostgreSQL     {engines.database_url}")
    print(f"  Kafka          {engines.kafka_bootstrap}")
    mail = f" (messages in {engines.mail_dir})" if engines.mail_dir else ""
    print(f"  SMTP           {engines.smtp_url}{mail}")
    if stack.clock_offset_file is not None:
        print(f"  business time  {stack.now().isoformat(timespec='seconds')} (movable: "
              f"python -m devstack.clock --data-dir {engines.data_dir} travel|shift|reset|show)")
    print("\n  seeded accounts (password in .data/secrets.json):")
    for path in sorted(stack.tenants_dir.glob("*.yaml")):
        tenant = yaml.safe_load(path.read_text())
        for person in tenant.get("staff", []):
            print(f"    {tenant['slug']:<8} {person['email']:<32} {', '.join(person['roles'])}"
                  f"   password: {stack.secrets.seed_password}")
    print(f"\n  logs in {engines.data_dir / 'logs'}; Ctrl-C stops everything (portal last up, first down)")
    print(f"  a process that dies is restarted with backoff and reported here ({PORTAL}, {GATEWAY}, services,"
          " engines alike)\n", flush=True)


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


if __name__ == "__main__":
    sys.exit(main())
