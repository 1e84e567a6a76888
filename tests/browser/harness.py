"""What the browser tests share: Chromium discovery, page logs, the accessibility and layout check, the mailbox.

The fixtures in conftest.py are thin wrappers over these, so test modules can import the types and helpers.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any, Protocol

import httpx
from devstack.mailbox import wait_for_messages
from playwright.sync_api import Page, Route

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parents[1]
AXE_JS = HERE / "vendor" / "axe.min.js"
SCREENSHOTS = REPO_ROOT / ".artifacts" / "screenshots"
DEFAULT_CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
BLOCKING_IMPACTS = ("serious", "critical")
DESKTOP_WIDTH, PHONE_WIDTH, HEIGHT = 1280, 390, 900
CSP_REFUSAL = re.compile(r"Content Security Policy|Refused to (execute|apply|load|connect|frame)", re.IGNORECASE)


def chromium_executable() -> str | None:
    """$CHROMIUM, else Debian's /usr/bin/chromium; None when neither is an executable file."""
    path = os.environ.get("CHROMIUM") or DEFAULT_CHROMIUM
    return path if os.path.isfile(path) and os.access(path, os.X_OK) else None


class NewPage(Protocol):
    def __call__(self, width: int = DESKTOP_WIDTH, locale: str = "en-US", *, java_script_enabled: bool = True,
                 bypass_csp: bool = True, base_url: str | None = None) -> Page: ...


@dataclass
class PageLog:
    """What the browser said while a page lived: console errors, CSP refusals, uncaught exceptions."""

    javascript: bool = True
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)

    @property
    def csp_violations(self) -> list[str]:
        return [text for text in self.console_errors if CSP_REFUSAL.search(text)]


PAGE_LOGS: dict[int, PageLog] = {}


def page_log(page: Page) -> PageLog:
    """The console log `new_page` keeps for `page` (an empty one for pages made elsewhere)."""
    return PAGE_LOGS.setdefault(id(page), PageLog())


CheckPage = Callable[[Page, str], dict[str, Any]]


def slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-")[:120] or "page"


def settle(page: Page) -> None:
    """Let layout catch up after a viewport change: two animation frames (with JS off, timers and frames never fire
    for page code, so just wait a little)."""
    if page_log(page).javascript:
        page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    else:
        page.wait_for_timeout(150)


def run_axe(page: Page) -> dict[str, Any]:
    """Inject the vendored axe-core (once per document) and run the WCAG 2.x A/AA rules on the whole page.

    With JavaScript off axe cannot run in the page (its timers never fire), so it runs on a twin: the same HTML at
    the same URL, with the same cookies, in a context with JavaScript on but every script request refused."""
    if not page_log(page).javascript:
        return _run_axe_on_twin(page)
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_JS))
    result: dict[str, Any] = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        WCAG_TAGS)
    return result


def _run_axe_on_twin(page: Page) -> dict[str, Any]:
    html, url = page.content(), page.url
    browser = page.context.browser
    assert browser is not None
    context = browser.new_context(bypass_csp=True, viewport=page.viewport_size)
    try:
        context.add_cookies(page.context.cookies())  # type: ignore[arg-type]

        def serve(route: Route) -> None:
            request = route.request
            if request.url == url and request.resource_type == "document":
                route.fulfill(status=200, content_type="text/html; charset=utf-8", body=html)
            elif request.resource_type == "script":
                route.abort()
            else:
                route.continue_()

        context.route("**/*", serve)
        twin = context.new_page()
        twin.goto(url)
        return run_axe(twin)
    finally:
        context.close()


def describe_violations(violations: list[dict[str, Any]]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation.get('impact')}): {violation['help']} <{violation['helpUrl']}>")
        for node in violation["nodes"]:
            target = " ".join(str(t) for t in node.get("target", []))
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            lines.append(f"    {target}: {summary}"[:400])
    return "\n".join(lines)


def horizontal_overflow(page: Page) -> int:
    """How many px the page is wider than its viewport (0: no horizontal scroll)."""
    overflow: int = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    return overflow


def make_checker(folder: Path) -> CheckPage:
    """`check(page, name)`: accessibility (axe), screenshots at 1280 and 390 px, no horizontal scroll at 390.

    Screenshots are written first, so a failing page still leaves its pictures in .artifacts/screenshots/."""
    counter = iter(range(1, 1000))

    def check(page: Page, name: str) -> dict[str, Any]:
        page.wait_for_load_state("load")
        number = next(counter)
        folder.mkdir(parents=True, exist_ok=True)
        result = run_axe(page)
        original = page.viewport_size or {"width": DESKTOP_WIDTH, "height": HEIGHT}
        overflow = 0
        try:
            for width in (DESKTOP_WIDTH, PHONE_WIDTH):
                page.set_viewport_size({"width": width, "height": original["height"]})
                settle(page)
                if width == PHONE_WIDTH:
                    overflow = horizontal_overflow(page)
                page.screenshot(path=str(folder / f"{number:02d}-{slug(name)}-{width}.png"), full_page=True)
        finally:
            page.set_viewport_size(original)
            settle(page)
        problems = []
        blocking = [v for v in result["violations"] if v.get("impact") in BLOCKING_IMPACTS]
        if blocking:
            problems.append(f"{len(blocking)} serious or critical accessibility violation(s) (axe-core, WCAG 2.x "
                            f"A/AA):\n{describe_violations(blocking)}")
        if overflow > 0:
            problems.append(f"horizontal scroll at {PHONE_WIDTH} px: the page is {overflow} px wider than the screen")
        assert not problems, f"page {name!r} ({page.url}):\n" + "\n".join(problems)
        return result

    return check


@dataclass
class Mailbox:
    """The local SMTP sink's messages, as a person reading their inbox."""

    mail_dir: Path
    timeout: float = 60.0

    def wait_for(self, to: str, subject: str | re.Pattern[str] = "", *, timeout: float | None = None,
                 after: int = 0) -> EmailMessage:
        """The newest message to `to` whose subject matches (`re.search`, case-insensitive for strings), once
        more than `after` such messages have arrived."""
        pattern = subject if isinstance(subject, re.Pattern) else re.compile(subject, re.IGNORECASE)

        def matches(message: EmailMessage) -> bool:
            return bool(pattern.search(str(message.get("Subject", ""))))

        found = wait_for_messages(self.mail_dir, matches, count=after + 1, timeout=self.timeout if timeout is None
                                  else timeout, to=to)
        return found[-1]

    @staticmethod
    def text(message: EmailMessage) -> str:
        body = message.get_body(preferencelist=("plain",))
        assert body is not None, f"the email {message['Subject']!r} has no plain-text part"
        content: str = body.get_content()
        return content

    def link(self, message: EmailMessage, pattern: str | re.Pattern[str] = r"https?://[^\s<>\"]+") -> str:
        """The first link in the plain-text body matching `pattern` (the whole match)."""
        found = re.search(pattern, self.text(message))
        assert found, f"no link matching {getattr(pattern, 'pattern', pattern)!r} in the email {message['Subject']!r}"
        return found[0]

    def wait_for_link(self, to: str, subject: str | re.Pattern[str], pattern: str | re.Pattern[str]
                      = r"https?://[^\s<>\"]+", *, after: int = 0) -> str:
        return self.link(self.wait_for(to, subject, after=after), pattern)


def on_portal(url: str, portal: str) -> str:
    """`url` (e.g. a link from an email) moved onto the running portal: same path, query and fragment."""
    parts = httpx.URL(url)
    target = httpx.URL(portal).copy_with(path=parts.path, query=parts.query or None, fragment=parts.fragment or None)
    return str(target)
