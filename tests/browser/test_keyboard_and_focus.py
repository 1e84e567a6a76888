"""A person who cannot use a mouse: signs up, confirms the email, signs out and in, and fills a tab of an application
with the keyboard alone (Tab, Shift+Tab, Space, Enter). Every element the keyboard reaches shows where the focus is,
with an indicator of at least 3:1 against the background; the skip link moves focus to <main>; a failed submit puts
the focus on the error summary, whose links move it to the fields.

One stack for the module. Every page visited goes through `check_page` (axe-core, screenshots, no horizontal scroll
at 390 px)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from playwright.sync_api import Page, expect

from . import journey_steps as steps
from .harness import CheckPage, Mailbox, NewPage, on_portal

MIN_FOCUS_CONTRAST = 3.0
# what document.activeElement is, and how visible its focus indicator is: the best contrast of the outline's and the
# box-shadows' colours against the background the indicator is drawn on (the nearest opaque ancestor background)
FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const parse = (text) => {
    const m = /rgba?\\(([^)]+)\\)/.exec(text || "");
    if (!m) return null;
    const p = m[1].split(/[\\s,\\/]+/).filter(Boolean).map(Number);
    return {r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1};
  };
  const luminance = (c) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b);
  };
  const contrast = (x, y) => {
    const [hi, lo] = [luminance(x), luminance(y)].sort((a, b) => b - a);
    return (hi + 0.05) / (lo + 0.05);
  };
  let background = {r: 255, g: 255, b: 255, a: 1};
  for (let node = el.parentElement; node; node = node.parentElement) {
    const c = parse(getComputedStyle(node).backgroundColor);
    if (c && c.a > 0) { background = c; break; }
  }
  const style = getComputedStyle(el);
  const colours = [];
  if (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0) colours.push(style.outlineColor);
  if (style.boxShadow && style.boxShadow !== "none") {
    for (const m of style.boxShadow.matchAll(/rgba?\\([^)]+\\)/g)) colours.push(m[0]);
  }
  const ratios = colours.map(parse).filter((c) => c && c.a > 0).map((c) => contrast(c, background));
  return {
    tag: el.tagName.toLowerCase(), role: el.getAttribute("role") || "", id: el.id,
    name: el.getAttribute("name") || "", type: el.type || "",
    text: (el.innerText || el.value || el.getAttribute("aria-label") || "").trim().slice(0, 60),
    summary: el.hasAttribute("data-error-summary"),
    outline: `${style.outlineStyle} ${style.outlineWidth} ${style.outlineColor}`, shadow: style.boxShadow,
    contrast: ratios.length ? Math.max(...ratios) : 0,
  };
}"""

Focused = dict[str, Any]


def focused(page: Page) -> Focused | None:
    found: Focused | None = page.evaluate(FOCUSED)
    return found


def assert_focus_visible(page: Page) -> Focused:
    here = focused(page)
    assert here is not None, f"the keyboard lost the focus (document.body) on {page.url}"
    assert here["contrast"] >= MIN_FOCUS_CONTRAST, f"focus not visible enough on {page.url}: {here}"
    return here


def press(page: Page, key: str) -> None:
    page.keyboard.press(key)


def tab_to(page: Page, wanted: Callable[[Focused], bool], what: str, *, backwards: bool = False,
           limit: int = 60) -> Focused:
    """Press Tab (or Shift+Tab) until the focus is on what `wanted` recognises; every stop must show its focus."""
    passed: list[str] = []
    for _ in range(limit):
        press(page, "Shift+Tab" if backwards else "Tab")
        here = assert_focus_visible(page)
        if wanted(here):
            return here
        passed.append(f"{here['tag']}#{here['id'] or here['name']}:{here['text'][:20]}")
    raise AssertionError(f"{what} not reached with the keyboard on {page.url}; focus went {passed}")


def field(name: str) -> Callable[[Focused], bool]:
    return lambda f: f["name"] == name and f["tag"] in ("input", "textarea", "select")


def button(label: str) -> Callable[[Focused], bool]:
    return lambda f: f["tag"] in ("button", "a") and f["text"].lower() == label.lower()


def link(label: str | re.Pattern[str]) -> Callable[[Focused], bool]:
    if isinstance(label, str):
        return lambda f: f["tag"] == "a" and f["text"] == label
    return lambda f: f["tag"] == "a" and bool(label.search(f["text"]))


def type_into(page: Page, text: str) -> None:
    page.keyboard.type(text)


def skip_to_main(page: Page) -> None:
    """The first Tab reaches the skip link; Enter moves the focus to <main>."""
    here = tab_to(page, link("Skip to main content"), "the skip link", limit=1)
    assert here["tag"] == "a"
    press(page, "Enter")
    expect(page.locator("main")).to_be_focused()


def activate(page: Page, key: str = "Enter") -> None:
    """Press a key that sends a form or follows a link, and wait for the next page (and its deferred scripts)."""
    with page.expect_navigation(wait_until="load"):
        press(page, key)


def test_sign_up_confirm_sign_in_and_a_tab_form_with_the_keyboard_alone(
        portal_url: str, new_page: NewPage, check_page: CheckPage, mailbox: Mailbox) -> None:
    page = new_page()
    email = steps.new_email("keyboard")

    # sign up: the skip link, then a failed submit: the error summary takes the focus, its link leads to the field
    page.goto(f"{portal_url}/account/sign-up")
    check_page(page, "sign up")
    skip_to_main(page)
    tab_to(page, button("Create account"), "the Create account button")
    activate(page)
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(page.locator("[data-error-summary]")).to_be_focused()
    assert assert_focus_visible(page)["summary"]
    check_page(page, "sign up errors")
    tab_to(page, link("Enter your full name"), "the error summary's first link", limit=3)
    press(page, "Enter")
    expect(page.locator("#name")).to_be_focused()
    assert_focus_visible(page)
    type_into(page, "Kim Keyboard")
    tab_to(page, field("email"), "Email address")
    type_into(page, email)
    tab_to(page, field("password"), "Password")
    type_into(page, steps.PASSWORD)
    # Shift+Tab goes back through the same fields
    tab_to(page, field("name"), "Full name", backwards=True, limit=2)
    expect(page.locator("#name")).to_have_value("Kim Keyboard")
    tab_to(page, field("password"), "Password", limit=2)
    language = tab_to(page, field("language"), "the language choice")
    if language["id"] and not page.locator(f"#{language['id']}").is_checked():
        press(page, "Space")
    tab_to(page, button("Create account"), "the Create account button")
    activate(page)
    expect(page).to_have_url(re.compile(r"/dashboard"))
    check_page(page, "dashboard unconfirmed")

    # confirm the email: the link from the email, then the button, by keyboard
    confirm = mailbox.wait_for_link(email, "confirm your email", steps.VERIFY_LINK)
    page.goto(on_portal(confirm, portal_url))
    check_page(page, "confirm email")
    skip_to_main(page)
    tab_to(page, button("Confirm my email address"), "the confirm button")
    activate(page, "Space")
    expect(page.get_by_text("your email address is confirmed")).to_be_visible()

    # sign out (in the header), then sign in again: Enter in the password field submits
    page.goto(f"{portal_url}/")
    tab_to(page, button("Sign out"), "the Sign out button")
    activate(page)
    expect(page.get_by_text("You are signed out.")).to_be_visible()
    page.goto(f"{portal_url}/account/sign-in")
    check_page(page, "sign in")
    skip_to_main(page)
    tab_to(page, field("email"), "Email address")
    type_into(page, email)
    tab_to(page, field("password"), "Password")
    type_into(page, steps.PASSWORD)
    activate(page)
    expect(page).to_have_url(re.compile(r"/dashboard"))
    check_page(page, "dashboard")

    # start an application and fill a tab form
    skip_to_main(page)
    start = tab_to(page, link("Start an application"), "Start an application")
    activate(page, "Space" if start["role"] == "button" else "Enter")  # what says it is a button answers Space
    expect(page).to_have_url(re.compile(r"/apply$"))
    check_page(page, "start an application")
    skip_to_main(page)
    tab_to(page, field("category"), "the category choice")
    press(page, "Space")
    tab_to(page, button("Start application"), "the Start application button")
    activate(page)
    expect(page).to_have_url(steps.APPLICATION_PATH)
    app_id = steps.application_id(page)
    check_page(page, "task list")
    skip_to_main(page)
    tab_to(page, link("Your details and statement"), "the details task")
    activate(page)
    expect(page).to_have_url(re.compile(rf"/apply/{app_id}/details"))
    check_page(page, "details")
    skip_to_main(page)
    tab_to(page, field("phone"), "Phone number")
    type_into(page, "+1 602 555 0199")
    tab_to(page, field("county"), "County")
    type_into(page, "Pima")
    tab_to(page, field("statement"), "Statement")
    type_into(page, steps.STATEMENT)
    tab_to(page, button("Save and continue"), "the Save and continue button")
    activate(page)
    if page.get_by_text("Someone else changed this application").count():  # the autosave won the race: again
        tab_to(page, button("Save and continue"), "the Save and continue button")
        activate(page)
    expect(page).to_have_url(re.compile(rf"/apply/{app_id}/?$"))
    page.goto(f"{portal_url}/apply/{app_id}/details")
    expect(page.locator("#county")).to_have_value("Pima")
    expect(page.locator("#statement")).to_have_value(steps.STATEMENT)
