"""Browser tests: real headless Chromium (Debian's `chromium`, driven by Playwright through `executable_path`).

Nothing is downloaded at run time: the browser comes from apt (`make browser-deps`), axe-core is vendored in
`vendor/`. Every test here carries the `browser` marker (`-m "not browser"` leaves them out) and skips, saying
why, when there is no Chromium.

Fixtures:
- `chromium`: one Browser per session.
- `portal_stack`: the whole platform (`devstack.stack.start_stack(tmp, "test")`), once per module; the gateway
  serves the portal at `/`. `portal_url` is that gateway URL.
- `new_page(width=1280, locale="en-US", java_script_enabled=True, bypass_csp=True)`: a page on a fresh context.
- `check_page(page, name)`: axe-core (WCAG 2.0/2.1/2.2 A and AA) fails on serious or critical violations; full-page
  screenshots at 1280 and 390 px into `.artifacts/screenshots/<test>/<nn>-<name>-<width>.png`; no horizontal
  scroll at 390 px.
- `mailbox`: waits for an email to an address with a matching subject and extracts links from its plain text.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from devstack.stack import Stack, start_stack
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, Playwright, sync_playwright

from .harness import (
    CHROMIUM_ARGS,
    DEFAULT_CHROMIUM,
    DESKTOP_WIDTH,
    HEIGHT,
    HERE,
    PAGE_LOGS,
    SCREENSHOTS,
    CheckPage,
    Mailbox,
    NewPage,
    PageLog,
    chromium_executable,
    make_checker,
    slug,
)

OPEN_PAGES = pytest.StashKey[list[Page]]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """A failing browser test reports what each of its pages showed (address and text), so a failure seen only on
    CI can be read from its log."""
    report = yield
    if isinstance(report, pytest.TestReport) and report.when == "call" and report.failed:
        for number, page in enumerate(item.stash.get(OPEN_PAGES, []), 1):
            try:
                text = page.locator("body").inner_text(timeout=2_000)
            except Exception as error:  # a report of the failure must not fail
                text = f"(the page could not be read: {error})"
            report.sections.append((f"page {number}: {page.url}", text[:4_000]))
    return report


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Every test under tests/browser is a `browser` test (this hook sees the whole session's items)."""
    for item in items:
        if HERE in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="module")
def playwright_driver() -> Iterator[Playwright]:
    """Per module: Playwright's sync API keeps an event loop running in this thread while it is open, which
    would break every asyncio test collected after the browser tests."""
    if chromium_executable() is None:
        if os.environ.get("CI") == "true":  # `make test` installs it there: a missing browser is a broken set-up
            pytest.fail("no Chromium on a CI machine: `make browser-deps` should have installed it")
        pytest.skip(f"no Chromium at {os.environ.get('CHROMIUM') or DEFAULT_CHROMIUM}: run `make browser-deps` as root "
                    "or `sudo apt-get install chromium fonts-dejavu-core` (or set CHROMIUM=/path/to/chromium)")
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="module")
def chromium(playwright_driver: Playwright) -> Iterator[Browser]:
    executable = chromium_executable()
    assert executable is not None
    browser = playwright_driver.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
    try:
        yield browser
    finally:
        browser.close()


@pytest.fixture(scope="session")
def portal_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """The whole platform, as tests/e2e starts it, shared by the browser modules (each person in them is new, so
    they do not meet); a module that moves the business clock starts its own with `own_portal_stack`. Parallel runs
    keep every module of tests/browser on one worker, so this starts once there too (root conftest.py)."""
    yield from own_portal_stack(tmp_path_factory)


def own_portal_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """Start a stack; skip when there is no browser or the gateway does not serve the portal."""
    if chromium_executable() is None:  # no browser: do not pay for a stack
        pytest.skip("no Chromium (see `make browser-deps`)")
    running = start_stack(tmp_path_factory.mktemp("stack"), "test")
    try:
        served = httpx.get(f"{running.gateway_url}/", headers={"accept": "text/html"}, timeout=30)
        if served.status_code != 200 or "text/html" not in served.headers.get("content-type", ""):
            pytest.skip(f"the gateway does not serve the portal at / yet (GET / -> {served.status_code})")
        yield running
    finally:
        running.stop()


@pytest.fixture(scope="module")
def portal_url(portal_stack: Stack) -> str:
    return portal_stack.gateway_url


@pytest.fixture
def new_page(chromium: Browser, request: pytest.FixtureRequest) -> Iterator[NewPage]:
    """Factory: a page on a fresh context (own cookies) `width` px wide, 900 px high, in `locale`.

    `bypass_csp=True` (the default) lets `check_page` inject axe-core into pages whose CSP forbids it; pass False
    to see the page exactly as the policy makes it (and `page_log(page).csp_violations`)."""
    contexts: list[BrowserContext] = []
    pages: list[Page] = []
    request.node.stash[OPEN_PAGES] = pages

    def make(width: int = DESKTOP_WIDTH, locale: str = "en-US", *, java_script_enabled: bool = True,
             bypass_csp: bool = True, base_url: str | None = None) -> Page:
        options: dict[str, Any] = {"viewport": {"width": width, "height": HEIGHT}, "locale": locale,
                                   "java_script_enabled": java_script_enabled, "bypass_csp": bypass_csp}
        if base_url:
            options["base_url"] = base_url
        context = chromium.new_context(**options)
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        log = PAGE_LOGS[id(page)] = PageLog(javascript=java_script_enabled)

        def on_console(message: ConsoleMessage) -> None:
            if message.type == "error":
                log.console_errors.append(message.text)

        page.on("console", on_console)
        page.on("pageerror", lambda error: log.page_errors.append(str(error)))
        pages.append(page)
        return page

    yield make
    for page in pages:
        PAGE_LOGS.pop(id(page), None)
    for context in contexts:
        context.close()


@pytest.fixture
def check_page(request: pytest.FixtureRequest) -> CheckPage:
    """`check_page(page, name)`: axe-core (WCAG 2.x A/AA) fails on serious or critical violations; full-page
    screenshots at 1280 and 390 px into .artifacts/screenshots/<test>/<nn>-<name>-<width>.png (taken first, so a
    failing page leaves its pictures); fails on horizontal scroll at 390 px."""
    folder = SCREENSHOTS / slug(request.node.name)
    shutil.rmtree(folder, ignore_errors=True)  # this run's pictures only, never a mix with an earlier run's
    return make_checker(folder)


@pytest.fixture(scope="module")
def mailbox(portal_stack: Stack) -> Mailbox:
    assert portal_stack.engines.mail_dir is not None, "the browser tests read mail from the local SMTP sink"
    return Mailbox(portal_stack.engines.mail_dir)
