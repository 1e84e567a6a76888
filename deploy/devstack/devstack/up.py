"""`make up`: the whole platform on this machine until Ctrl-C (`python -m devstack.up`)."""

from __future__ import annotations

import argparse
import signal
import sys
import time
from pathlib import Path
from types import FrameType

import yaml

from devstack.stack import SERVICES, Stack, start_stack


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m devstack.up", description=__doc__)
    parser.add_argument("--data-dir", type=Path, default=Path(".data"))
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, _interrupt)
    signal.signal(signal.SIGINT, _interrupt)  # also when started with SIGINT ignored (background jobs)
    print("starting engines and services ...", flush=True)
    try:
        stack = start_stack(args.data_dir, "up")
    except KeyboardInterrupt:
        return 130
    try:
        _report(stack)
        while True:
            crashed = [c.name for c in stack.supervisor.exited_unexpectedly()]
            if crashed:
                print(f"stopped unexpectedly: {', '.join(crashed)} (see .data/logs/); shutting down", flush=True)
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
    for name in SERVICES:
        print(f"  {name:<14} {stack.url(name)}")
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
    print(f"\n  logs in {engines.data_dir / 'logs'}; Ctrl-C stops everything (portal last up, first down)\n",
          flush=True)


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


if __name__ == "__main__":
    sys.exit(main())
