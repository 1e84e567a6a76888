"""The browser fixtures themselves, against tiny static pages served by a local http.server (no stack)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from email.message import EmailMessage
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from devstack.mailbox import store_message

from .harness import SCREENSHOTS, CheckPage, Mailbox, NewPage, on_portal, page_log

STRICT_CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
              "frame-ancestors 'none'; base-uri 'none'; object-src 'none'")


def html(body: str, title: str = "A page") -> str:
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>{title}</title></head>'
            f"<body><main><h1>{title}</h1>{body}</main></body></html>")


PAGES = {
    "clean.html": html('<p>Everything here is fine.</p><a href="clean.html">Again</a>'),
    "no-alt.html": html('<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" width="20" height="20">'),
    "wide.html": html('<p><img alt="" src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" width="700" height="10"></p>'),
    "csp/clean.html": html("<p>No inline code.</p>"),
    "csp/inline.html": html('<p style="color: red">Inline style.</p><script>document.title = "ran"</script>'),
}


class Handler(SimpleHTTPRequestHandler):
    def end_headers(self) -> None:
        if self.path.startswith("/csp/"):
            self.send_header("Content-Security-Policy", STRICT_CSP)
        super().end_headers()

    def log_message(self, format: str, *args: object) -> None:  # quiet test output
        pass


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("site")
    for name, content in PAGES.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(content, encoding="utf-8")
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(Handler, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def screenshots(request: pytest.FixtureRequest) -> list[str]:
    folder = SCREENSHOTS / request.node.name
    return sorted(p.name for p in folder.glob("*.png")) if folder.exists() else []


@pytest.fixture
def fresh_screenshots(request: pytest.FixtureRequest) -> None:
    for old in (SCREENSHOTS / request.node.name).glob("*.png"):
        old.unlink()


@pytest.mark.usefixtures("fresh_screenshots")
def test_a_clean_page_passes_and_leaves_screenshots_at_both_widths(
        new_page: NewPage, check_page: CheckPage, site: str, request: pytest.FixtureRequest) -> None:
    page = new_page(width=800)
    page.goto(f"{site}/clean.html")
    result = check_page(page, "clean")
    page.get_by_role("link", name="Again").click()
    check_page(page, "clean again")
    assert result["violations"] == [] or all(v["impact"] not in ("serious", "critical") for v in result["violations"])
    assert page.viewport_size == {"width": 800, "height": 900}, "check_page restores the viewport"
    assert screenshots(request) == ["01-clean-1280.png", "01-clean-390.png",
                                    "02-clean-again-1280.png", "02-clean-again-390.png"]


@pytest.mark.usefixtures("fresh_screenshots")
def test_a_serious_violation_fails_the_check_and_names_the_rule_and_node(
        new_page: NewPage, check_page: CheckPage, site: str, request: pytest.FixtureRequest) -> None:
    page = new_page()
    page.goto(f"{site}/no-alt.html")
    with pytest.raises(AssertionError) as failure:
        check_page(page, "no alt")
    message = str(failure.value)
    assert "image-alt (critical)" in message and "img" in message, message
    assert screenshots(request) == ["01-no-alt-1280.png", "01-no-alt-390.png"], "pictures even when failing"


def test_horizontal_scroll_at_phone_width_fails_the_check(new_page: NewPage, check_page: CheckPage, site: str) -> None:
    page = new_page()
    page.goto(f"{site}/wide.html")
    with pytest.raises(AssertionError, match="horizontal scroll at 390 px"):
        check_page(page, "wide")


def test_axe_runs_with_javascript_off(new_page: NewPage, check_page: CheckPage, site: str) -> None:
    page = new_page(java_script_enabled=False)
    page.goto(f"{site}/no-alt.html")
    with pytest.raises(AssertionError, match="image-alt"):
        check_page(page, "no alt without js")


def test_csp_refusals_are_logged_and_axe_still_runs_under_a_strict_policy(
        new_page: NewPage, check_page: CheckPage, site: str) -> None:
    strict = new_page(bypass_csp=False)
    strict.goto(f"{site}/csp/inline.html")
    strict.wait_for_load_state("load")
    assert strict.title() == "A page", "the inline script was refused"
    refused = list(page_log(strict).csp_violations)
    assert len(refused) >= 2, page_log(strict).console_errors  # the inline script and the style attribute
    assert any("script" in text for text in refused) and any("style" in text for text in refused), refused
    strict.goto(f"{site}/csp/clean.html")
    strict.wait_for_load_state("load")
    assert page_log(strict).csp_violations == refused, "a page without inline code adds no refusal"

    clean = new_page(bypass_csp=False)
    clean.goto(f"{site}/csp/clean.html")
    clean.wait_for_load_state("load")
    assert page_log(clean).csp_violations == []

    injectable = new_page()  # bypass_csp=True: axe can be injected despite script-src 'self'
    injectable.goto(f"{site}/csp/clean.html")
    check_page(injectable, "strict csp")


def test_mailbox_finds_the_newest_matching_email_and_its_link(tmp_path: Path) -> None:
    def send(to: str, subject: str, body: str) -> None:
        message = EmailMessage()
        message["To"], message["From"], message["Subject"] = to, "noreply@example.org", subject
        message.set_content(body)
        store_message(tmp_path, message.as_bytes())

    send("ana@example.org", "Reset your password", "Open http://portal.example/account/password/reset/old1 now.")
    send("bob@example.org", "Reset your password", "Open http://portal.example/account/password/reset/bob1 now.")
    send("ana@example.org", "Welcome", "Nothing to click.")
    send("Ana <ana@example.org>", "Reset your password", "Open\nhttp://portal.example/account/password/reset/new2\n")
    mailbox = Mailbox(tmp_path, timeout=2)

    assert mailbox.wait_for_link("ana@example.org", "reset", r"https?://\S+/reset/\S+", after=1) \
        == "http://portal.example/account/password/reset/new2"
    assert mailbox.wait_for("ana@example.org", "^welcome$")["Subject"] == "Welcome"
    with pytest.raises(AssertionError, match="no link"):
        mailbox.link(mailbox.wait_for("ana@example.org", "welcome"))
    with pytest.raises(TimeoutError):
        mailbox.wait_for("carol@example.org", "reset", timeout=0.2)


def test_links_from_emails_move_onto_the_running_portal() -> None:
    assert on_portal("https://endorse.example.org/account/verify/abc.def?next=%2Fapply#top", "http://127.0.0.1:9123") \
        == "http://127.0.0.1:9123/account/verify/abc.def?next=%2Fapply#top"
