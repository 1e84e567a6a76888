"""Latency of the portal's busiest pages under concurrent sessions, beside the API calls they wrap.

Run: `.venv/bin/python bench/portal_pages.py --sessions 32 --rounds 20`
(starts its own stack in test mode, like the e2e tests; nothing else should load the machine).

1. Prepares S applicants (sign-up, email confirmed, an IFS application with every tab filled), each signed in to
   the portal in a browser-like session (cookie jar, CSRF token from the sign-in form). Not timed.
2. S concurrent sessions each load the dashboard and the requirement checker page R times; reports p50/p95/p99.
3. Baseline from the same run: the same S clients call the API calls those pages stand on directly
   (`GET /applications` and `GET /applications/{id}/requirements` with a bearer token), so the ratio is the cost
   the portal adds (rendering, its session, one more hop).
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
from devstack.stack import UP_FETCH_MAX_WAIT_MS, start_stack

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "e2e"))
from stack_client import TENANT, complete_ifs_calls, sign_up_applicant

PASSWORD = "correct horse battery staple"  # noqa: S105 (stack_client signs everyone up with it)
CSRF = re.compile(r'name="csrf_token"\s+value="([^"]+)"')


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def portal_session(base_url: str, email: str) -> httpx.Client:
    browser = httpx.Client(base_url=base_url, timeout=60, follow_redirects=True)
    page = browser.get("/account/sign-in")
    token = CSRF.search(page.text)
    assert token, "the sign-in page carries a CSRF token"
    signed_in = browser.post("/account/sign-in", data={
        "csrf_token": token.group(1), "tenant": TENANT, "email": email, "password": PASSWORD})
    assert signed_in.status_code == 200 and "/dashboard" in str(signed_in.url), signed_in.text[:500]
    return browser


def timed(call: Callable[[], httpx.Response]) -> float:
    started = time.perf_counter()
    response = call()
    elapsed = (time.perf_counter() - started) * 1000
    assert response.status_code == 200, (response.request.url, response.status_code, response.text[:300])
    return elapsed


def run(label: str, calls: list[Callable[[], httpx.Response]], rounds: int) -> list[float]:
    with ThreadPoolExecutor(len(calls)) as pool:
        samples = [ms for batch in pool.map(lambda c: [timed(c) for _ in range(rounds)], calls) for ms in batch]
    print(f"  {label:<34} n={len(samples):>5}  p50 {percentile(samples, .5):7.1f} ms  "
          f"p95 {percentile(samples, .95):7.1f} ms  p99 {percentile(samples, .99):7.1f} ms  "
          f"mean {statistics.fmean(samples):7.1f} ms")
    return samples


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sessions", type=int, default=32)
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as data_dir:
        stack = start_stack(Path(data_dir), "test", fetch_max_wait_ms=UP_FETCH_MAX_WAIT_MS)
        try:
            mail_dir = stack.engines.mail_dir
            with httpx.Client(base_url=stack.gateway_url, timeout=60) as api:
                def prepare(index: int) -> tuple[str, dict[str, str], str]:
                    email, auth = sign_up_applicant(api, f"Bench Person {index}", mail_dir=mail_dir)
                    created = api.post("/applications", json={"category": "IFS"}, headers=auth)
                    assert created.status_code == 201, created.text
                    application_id = str(created.json()["id"])
                    for method, path, body in complete_ifs_calls(None):
                        api.request(method, f"/applications/{application_id}/{path}", json=body, headers=auth)
                    return email, auth, application_id

                with ThreadPoolExecutor(8) as pool:
                    people = list(pool.map(prepare, range(args.sessions)))
                browsers = [portal_session(stack.gateway_url, email) for email, _, _ in people]
                print(f"{args.sessions} concurrent sessions, {args.rounds} rounds each\n")
                pages = run("portal GET /dashboard", [lambda b=b: b.get("/dashboard") for b in browsers],
                            args.rounds)
                ids = [application_id for _, _, application_id in people]
                checker = run("portal GET /apply/{id}/requirements", [
                    lambda b=b, a=a: b.get(f"/apply/{a}/requirements") for b, a in zip(browsers, ids, strict=True)],
                    args.rounds)
                print("\n  baseline (the API calls under those pages, same clients):")
                base_list = run("API GET /applications", [
                    lambda h=h: api.get("/applications", headers=h) for _, h, _ in people], args.rounds)
                base_report = run("API GET /applications/{id}/requirements", [
                    lambda h=h, a=a: api.get(f"/applications/{a}/requirements", headers=h) for _, h, a in people],
                    args.rounds)
                ratio = percentile(pages, .95) / percentile(base_list, .95)
                print(f"\n  ratio p95 dashboard / API list     {ratio:.2f}")
                print(f"  ratio p95 checker / API report     "
                      f"{percentile(checker, .95) / percentile(base_report, .95):.2f}")
                for browser in browsers:
                    browser.close()
        finally:
            stack.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
