"""The steps of the applicant journeys, as a person does them in the browser (accessible locators only), plus
the few things the association's staff do through the API while the person waits.

Every page a step lands on goes through `check` (the `check_page` fixture: axe-core and screenshots).
"""

from __future__ import annotations

import contextlib
import re
import time
import uuid
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import httpx
from devstack.stack import Stack
from playwright.sync_api import Locator, Page, expect

from tests.e2e.stack_client import COORDINATOR, IFS_RATERS, RATER_COMMENT, TENANT, login

from .harness import CheckPage, Mailbox, NewPage, on_portal

PASSWORD = "correct horse battery staple"
STATEMENT = "Home visiting with families of infants for three years."
VERIFY_LINK = r"https?://[^\s\"<>]+/account/verify/[^\s\"<>]+"
RATE_LINK = r"https?://[^\s\"<>]+/rate/[^\s\"<>]+"
APPLICATION_PATH = re.compile(r"/apply/([0-9a-f-]{36})(?:[/?#]|$)")
# a tiny but well-formed PDF (one empty page)
SMALL_PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
             b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")


def new_email(kind: str = "applicant") -> str:
    return f"{kind}-{uuid.uuid4().hex[:8]}@example.org"


def main(page: Page) -> Locator:
    return page.get_by_role("main")


def optional(label: str) -> re.Pattern[str]:
    """The accessible name of an optional field: its label and "(optional)"."""
    return re.compile(rf"^{re.escape(label)}( \(optional\))?$")


def application_id(page: Page) -> str:
    found = APPLICATION_PATH.search(page.url)
    assert found, f"not on an application's page: {page.url}"
    return found[1]


def reload_until(page: Page, shown: Callable[[], bool], what: str, timeout: float = 60) -> None:
    """Reload the page (as a person pressing F5 would) until `shown()` says what they wait for is there."""
    deadline = time.monotonic() + timeout
    while not shown():
        assert time.monotonic() < deadline, f"timed out after {timeout:.0f} s waiting for {what} on {page.url}"
        page.wait_for_timeout(500)
        page.reload()


def save_autosaved_form(page: Page, button: str = "Save and continue") -> None:
    """Press the button of a form that also saves itself in the background (on `change`).

    Leaving the last field fires `change`; the person waits until the page says what became of that save, then
    presses the button. Should the background save and the button's still race (the button's form carrying the
    version before the background save), the page says someone else changed the application and shows the typed
    values at the current version: pressing the button once more saves them, as the page invites."""
    page.keyboard.press("Tab")  # leave the last field: `change` fires
    status = main(page).get_by_role("status").filter(has_text=re.compile(r"\S"))
    with contextlib.suppress(AssertionError):  # no background save reported: the button's own save counts
        expect(status.first).to_be_visible(timeout=5_000)
    main(page).get_by_role("button", name=button).click()
    page.wait_for_load_state("load")
    if main(page).get_by_text("Someone else changed this application").count():
        main(page).get_by_role("button", name=button).click()
        page.wait_for_load_state("load")


# --- accounts --------------------------------------------------------------------------------------------

def sign_up(page: Page, portal_url: str, check: CheckPage, name: str, email: str) -> None:
    page.goto(f"{portal_url}/")
    check(page, "landing")
    main(page).get_by_role("link", name=re.compile("create an account", re.IGNORECASE)).first.click()
    expect(page).to_have_url(re.compile(r"/account/sign-up"))
    check(page, "sign up")
    form = main(page)
    form.get_by_label("Full name", exact=True).fill(name)
    form.get_by_label("Email address", exact=True).fill(email)
    form.get_by_label("Password", exact=True).fill(PASSWORD)
    form.get_by_role("radio", name="English").check()
    form.get_by_role("button", name="Create account").click()
    expect(page).to_have_url(re.compile(r"/dashboard"))
    check(page, "dashboard unconfirmed")


def confirm_email(page: Page, portal_url: str, check: CheckPage, mailbox: Mailbox, email: str) -> None:
    """Open the link of the confirmation email and press the button (GET alone confirms nothing)."""
    link = mailbox.wait_for_link(email, "confirm your email", VERIFY_LINK)
    page.goto(on_portal(link, portal_url))
    check(page, "confirm email")
    main(page).get_by_role("button", name="Confirm my email address").click()
    expect(page.get_by_text("your email address is confirmed")).to_be_visible()
    check(page, "email confirmed")


def sign_in(page: Page, portal_url: str, check: CheckPage, email: str, password: str = PASSWORD) -> None:
    page.goto(f"{portal_url}/account/sign-in")
    check(page, "sign in")
    form = main(page)
    form.get_by_label("Email address", exact=True).fill(email)
    form.get_by_label("Password", exact=True).fill(password)
    form.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/dashboard"))
    check(page, "dashboard")


def api_applicant(client: httpx.Client, mailbox: Mailbox, name: str) -> tuple[str, dict[str, str]]:
    """An applicant who signed up and confirmed their email over the API: (email, bearer headers)."""
    email = new_email()
    created = client.post("/auth/signup", json={"tenant": TENANT, "email": email, "name": name, "password": PASSWORD})
    assert created.status_code == 201, created.text
    link = mailbox.wait_for_link(email, "confirm your email", VERIFY_LINK)
    confirmed = client.post("/auth/email-verification", json={"token": link.rsplit("/", 1)[1]})
    assert confirmed.status_code == 200, confirmed.text
    return email, login(client, email, PASSWORD)


def coordinator(client: httpx.Client, stack: Stack) -> dict[str, str]:
    return login(client, COORDINATOR, stack.secrets.seed_password)


# --- the application's tabs ------------------------------------------------------------------------------

def start_application(page: Page, check: CheckPage, category: str) -> str:
    main(page).get_by_role("button", name="Start an application").click()
    expect(page).to_have_url(re.compile(r"/apply$"))
    check(page, "start an application")
    main(page).get_by_label(re.compile(rf"\({re.escape(category)}\)")).check()
    main(page).get_by_role("button", name="Start application").click()
    expect(page).to_have_url(APPLICATION_PATH)
    check(page, "task list")
    return application_id(page)


def open_task(page: Page, check: CheckPage, title: str | re.Pattern[str]) -> None:
    """From the task list, follow a section's link."""
    main(page).get_by_role("link", name=title).first.click()
    page.wait_for_load_state("load")
    check(page, title if isinstance(title, str) else title.pattern)


def back_to_task_list(page: Page, app_id: str) -> None:
    expect(page).to_have_url(re.compile(rf"/apply/{app_id}/?$"))


def fill_details(page: Page, check: CheckPage, app_id: str, statement: str = STATEMENT) -> None:
    open_task(page, check, "Your details and statement")
    form = main(page)
    form.get_by_label(optional("Phone number")).fill("+1 602 555 0100")
    form.get_by_label(optional("County")).fill("Maricopa")
    form.get_by_label(optional("Statement")).fill(statement)
    save_autosaved_form(page)
    back_to_task_list(page, app_id)


def fill_membership(page: Page, check: CheckPage, app_id: str, today: date) -> None:
    open_task(page, check, "Membership")
    form = main(page)
    form.get_by_label("Association", exact=True).fill("ITMHCA")
    form.get_by_label(optional("Member number")).fill("AZ-1001")
    form.get_by_label("Membership expiry date", exact=True).fill((today + timedelta(days=365)).isoformat())
    form.get_by_role("radio", name="Yes").check()
    save_autosaved_form(page)
    back_to_task_list(page, app_id)


def sign_attestations(page: Page, check: CheckPage, app_id: str) -> None:
    open_task(page, check, "Code of Ethics and Endorsement Agreement")
    form = main(page)
    form.get_by_label("I agree to follow the Code of Ethics").check()
    form.get_by_label("I agree to the Endorsement Agreement").check()
    form.get_by_role("button", name="Save and continue").click()
    back_to_task_list(page, app_id)


def _add_and_continue(page: Page, app_id: str) -> None:
    main(page).get_by_role("button", name="Save and continue").click()
    back_to_task_list(page, app_id)


def add_education(page: Page, check: CheckPage, app_id: str, today: date) -> None:
    open_task(page, check, "Education")
    form = main(page)
    form.get_by_role("radio", name="Degree").check()
    form.get_by_label("Institution", exact=True).fill("Arizona State University")
    form.get_by_label("Year", exact=True).fill(str(today.year - 6))
    form.get_by_label(optional("Degree level")).select_option("bachelor")
    form.get_by_label(optional("Field of study or licence")).fill("Child development")
    form.get_by_label("The field is related to infant and early childhood development").check()
    _add_and_continue(page, app_id)


def add_work(page: Page, check: CheckPage, app_id: str, today: date) -> None:
    open_task(page, check, "Work experience")
    form = main(page)
    form.get_by_label("Employer", exact=True).fill("Early Head Start")
    form.get_by_label("Role", exact=True).fill("Home visitor")
    form.get_by_label("Start date", exact=True).fill((today - timedelta(days=1095)).isoformat())
    form.get_by_role("group", name="Was it paid?").get_by_role("radio", name="Yes").check()
    form.get_by_role("group", name="Were you supervised?").get_by_role("radio", name="Yes").check()
    form.get_by_label("Families served", exact=True).fill("12")
    form.get_by_label("Infants and toddlers (0 to 3)").check()
    form.get_by_label("Direct service with families").check()
    _add_and_continue(page, app_id)


def add_training(page: Page, check: CheckPage, app_id: str, today: date) -> None:
    open_task(page, check, "Training")
    form = main(page)
    form.get_by_label("Title", exact=True).fill("Foundations of infant mental health")
    form.get_by_label("Provider", exact=True).fill("ITMHCA")
    form.get_by_label("Date completed", exact=True).fill((today - timedelta(days=60)).isoformat())
    form.get_by_label("Hours", exact=True).fill("30")
    competencies = form.get_by_role("group", name=re.compile("Competencies covered"))
    competencies.get_by_label("Theoretical Foundations", exact=True).check()
    competencies.get_by_label(re.compile(r"^Attachment, separation, trauma")).check()
    _add_and_continue(page, app_id)


def add_rsc(page: Page, check: CheckPage, app_id: str, today: date) -> None:
    open_task(page, check, "Reflective supervision/consultation (RSC)")
    form = main(page)
    form.get_by_label("Provider's name", exact=True).fill("Rita Moreno")
    form.get_by_label("Provider's endorsement", exact=True).select_option("IMHM-C")
    form.get_by_label("Hours", exact=True).fill("24")
    form.get_by_label("Start date", exact=True).fill((today - timedelta(days=400)).isoformat())
    form.get_by_label("End date", exact=True).fill((today - timedelta(days=10)).isoformat())
    form.get_by_role("radio", name="Individual").check()
    _add_and_continue(page, app_id)


def pay_fee(page: Page, check: CheckPage, app_id: str, kind: str, amount: str, reference: str,
            paid_on: date) -> None:
    """On the fees tab (opened from the task list when not there yet), record one fee."""
    if not page.url.rstrip("/").endswith(f"/apply/{app_id}/fees"):
        open_task(page, check, "Fees")
    section = main(page).get_by_role("region", name=f"{kind.capitalize()} fee")
    section.get_by_label("Amount paid (USD)", exact=True).fill(amount)
    section.get_by_label("Payment reference", exact=True).fill(reference)
    section.get_by_label("Date paid", exact=True).fill(paid_on.isoformat())
    section.get_by_role("button", name="Save").click()
    expect(page).to_have_url(re.compile(rf"/apply/{app_id}/fees"))
    saved = main(page).get_by_role("region", name=f"{kind.capitalize()} fee")
    expect(saved.get_by_label("Payment reference", exact=True)).to_have_value(reference)
    check(page, f"fees {kind} paid")


def upload_document(page: Page, check: CheckPage, app_id: str, filename: str = "curriculum-vitae.pdf") -> None:
    open_task(page, check, "Documents")
    form = main(page)
    kinds = form.get_by_label("Type of document", exact=True)
    values = kinds.locator("option").evaluate_all("options => options.map(o => o.value).filter(Boolean)")
    kinds.select_option("cv" if "cv" in values else values[0])
    form.get_by_label("File", exact=True).set_input_files(
        {"name": filename, "mimeType": "application/pdf", "buffer": SMALL_PDF})
    form.get_by_role("button", name="Upload").click()
    expect(main(page).get_by_role("link", name=filename)).to_be_visible()
    check(page, "document uploaded")


def name_raters(page: Page, check: CheckPage, app_id: str) -> list[str]:
    """Name the three raters the IFS rules ask for (one per slot); their email addresses, slot order."""
    open_task(page, check, "References")
    emails = []
    for rater in IFS_RATERS:
        email = f"{rater['kind']}.{app_id[:8]}@example.org"
        slot = main(page).get_by_role("region", name=f"Reference {rater['slot']}")
        slot.get_by_label("Rater's name", exact=True).fill(str(rater["name"]))
        slot.get_by_label("Rater's email address", exact=True).fill(email)
        slot.get_by_label("How the rater knows your work", exact=True).select_option(str(rater["kind"]))
        if "endorsed_category" in rater:
            slot.get_by_label(optional("Rater's endorsement")).select_option(str(rater["endorsed_category"]))
        if "relationship" in rater:
            slot.get_by_label(optional("Relationship")).fill(str(rater["relationship"]))
        waiver = slot.get_by_role("group", name="Do you waive the right to see this reference?")
        waiver.get_by_role("radio", name="Yes, I waive it" if rater["slot"] == 1 else "No").check()
        slot.get_by_role("button", name="Send request").click()
        page.wait_for_load_state("load")
        expect(main(page).get_by_role("region", name=f"Reference {rater['slot']}").get_by_text(email)).to_be_visible()
        emails.append(email)
    check(page, "references sent")
    return emails


def answer_reference(new_page: NewPage, portal_url: str, check: CheckPage, mailbox: Mailbox, email: str) -> None:
    """The rater, in their own browser, opens the link from their email and answers every item."""
    link = mailbox.wait_for_link(email, "reference", RATE_LINK)
    page = new_page()
    page.goto(on_portal(link, portal_url))
    check(page, f"rater form {email.split('.', maxsplit=1)[0]}")
    items = main(page).get_by_role("group")
    assert items.count() > 0, "the rater form asks something"
    for index in range(items.count()):
        items.nth(index).get_by_role("radio").first.check()
    main(page).get_by_label(optional("Comments")).fill(RATER_COMMENT)
    main(page).get_by_role("button", name="Submit reference").click()
    expect(main(page).get_by_role("heading", level=1)).to_have_text("Reference submitted")
    check(page, f"rater done {email.split('.', maxsplit=1)[0]}")


def references_completed(page: Page, count: int) -> None:
    reload_until(page, lambda: main(page).get_by_text("Completed", exact=True).count() >= count,
                 f"{count} completed references")


# --- staff, over the API ---------------------------------------------------------------------------------

def wait_for_status(client: httpx.Client, auth: dict[str, str], app_id: str, status: str,
                    timeout: float = 60) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        found = client.get(f"/applications/{app_id}", headers=auth)
        assert found.status_code == 200, found.text
        body: dict[str, Any] = found.json()
        if body["status"] == status:
            return body
        assert time.monotonic() < deadline, f"application {app_id} is {body['status']}, not {status}"
        time.sleep(0.2)


def accept_registration(client: httpx.Client, staff: dict[str, str], app_id: str) -> None:
    accepted = client.post(f"/applications/{app_id}/registration/accept", headers=staff)
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted", accepted.text


def request_information(client: httpx.Client, staff: dict[str, str], case_id: str, items: list[str],
                        message: str) -> dict[str, Any]:
    """The coordinator finds the case complete, then asks the applicant for more (the case goes on hold and the
    application is returned)."""
    complete = client.post(f"/reviews/cases/{case_id}/completeness", json={"outcome": "complete"}, headers=staff)
    assert complete.status_code == 200 and complete.json()["status"] == "in_review", complete.text
    asked = client.post(f"/reviews/cases/{case_id}/request-information", json={"items": items, "message": message},
                        headers=staff)
    assert asked.status_code == 200 and asked.json()["status"] == "on_hold", asked.text
    result: dict[str, Any] = asked.json()
    return result
