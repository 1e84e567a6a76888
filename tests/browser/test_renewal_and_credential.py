"""A holder in the browser: opens their endorsement (credential page, PDF, Add to LinkedIn), opts into the public
registry and finds themselves there; once the services' clock reaches the renewal window, starts the renewal and
reaches its task list; then asks for inactive status. The grant is prepared through the API to save time."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

import httpx
import pytest
from devstack.stack import Stack
from playwright.sync_api import expect

from tests.e2e.stack_client import TENANT, approve, eventually, review_case, submit_application

from . import journey_steps as steps
from .conftest import own_portal_stack
from .harness import CheckPage, Mailbox, NewPage

ARIZONA = ZoneInfo("America/Phoenix")  # ITMHCA's time zone (tenant file)
NAME = "Hana Holder"
CITY = "Tucson"


@pytest.fixture(scope="module")
def portal_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """A stack of this module's own: it moves the business clock, which the shared one must keep."""
    yield from own_portal_stack(tmp_path_factory)


@pytest.fixture(scope="module")
def api(portal_stack: Stack) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=portal_stack.gateway_url, timeout=30) as client:
        yield client


def holding(api: httpx.Client, auth: dict[str, str], endorsement_id: str, status: str) -> dict[str, Any]:
    def probe() -> dict[str, Any] | None:
        answer = api.get(f"/applications/holdings/{endorsement_id}", headers=auth)
        return answer.json() if answer.status_code == 200 and answer.json()["status"] == status else None

    found: dict[str, Any] = eventually(probe, 60, f"the holding {endorsement_id} {status}")
    return found


def granted(stack: Stack, api: httpx.Client, mailbox: Mailbox) -> tuple[str, dict[str, str], str]:
    """An applicant endorsed IFS today (services' date): (email, bearer headers, endorsement id)."""
    email, applicant = steps.api_applicant(api, mailbox, NAME)
    staff = steps.coordinator(api, stack)
    app_id = submit_application(api, applicant, coordinator=staff, mail_dir=mailbox.mail_dir,
                                today=stack.now().astimezone(ARIZONA).date())
    endorsement_id = str(approve(api, staff, review_case(api, staff, app_id)["id"])["decision"]["endorsement_id"])
    holding(api, applicant, endorsement_id, "active")
    return email, applicant, endorsement_id


def test_a_holder_lists_themselves_renews_and_asks_for_inactive_status(
        portal_stack: Stack, portal_url: str, new_page: NewPage, check_page: CheckPage, mailbox: Mailbox,
        api: httpx.Client) -> None:
    email, applicant, endorsement_id = granted(portal_stack, api, mailbox)

    # the dashboard shows the endorsement with its dates and what is next
    page = new_page()
    steps.sign_in(page, portal_url, check_page, email)
    main = page.get_by_role("main")
    expect(main.get_by_text(re.compile(r"Renew between .+ and .+\. After .+ the late fee applies\."))).to_be_visible()
    main.get_by_role("link", name="Infant Family Specialist", exact=True).last.click()
    expect(page).to_have_url(re.compile(rf"/endorsements/{endorsement_id}$"))

    # the credential is issued shortly after the grant
    public_page = main.get_by_role("link", name="Your credential's public page")
    steps.reload_until(page, lambda: public_page.count() > 0, "the credential on the endorsement page")
    check_page(page, "endorsement")
    expect(main.get_by_role("link", name="Add to LinkedIn")).to_have_attribute(
        "href", re.compile(r"^https://www\.linkedin\.com/profile/add\?startTask=CERTIFICATION_NAME&"))
    pdf = page.request.get(str(main.get_by_role("link", name="Download the certificate (PDF)").get_attribute("href")))
    assert pdf.status == 200 and pdf.body().startswith(b"%PDF"), pdf.status
    public_page.click()
    expect(page.get_by_text(NAME).first).to_be_visible()
    check_page(page, "credential page")
    page.go_back()

    # opts into the public registry, then finds themselves there
    main.get_by_role("radio", name="Yes, list me").check()
    main.get_by_label(steps.optional("City")).fill(CITY)
    main.get_by_role("button", name="Save my registry choice").click()
    expect(page.get_by_text("You are listed in the public registry.")).to_be_visible()
    expect(main.get_by_role("radio", name="Yes, list me")).to_be_checked()
    check_page(page, "listed in the registry")
    page.goto(f"{portal_url}/registry/{TENANT}?q={quote(NAME)}")
    listed = page.get_by_text(NAME)
    steps.reload_until(page, lambda: listed.count() > 0, "the holder in the registry search")
    expect(page.get_by_text(CITY).first).to_be_visible()
    check_page(page, "registry search")

    # the services' clock reaches the renewal window: the holder starts the renewal
    window = holding(api, applicant, endorsement_id, "active")["renewal_window"]
    opens = date.fromisoformat(window["opens"] or window["due"]) + timedelta(days=14)
    portal_stack.travel_to(datetime.combine(opens, time(12), ARIZONA))
    page.goto(f"{portal_url}/endorsements/{endorsement_id}")
    main.get_by_role("link", name="Renew this endorsement").click()
    expect(page).to_have_url(re.compile(rf"/renew/{endorsement_id}$"))
    expect(main.get_by_text(re.compile("pays the late fee"))).to_be_visible()
    check_page(page, "renewal start")
    main.get_by_role("button", name="Start the renewal").click()
    expect(page).to_have_url(re.compile(r"/apply/[0-9a-f-]{36}$"))
    renewal_id = steps.application_id(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Your application")
    expect(page.get_by_text("Your renewal is started.")).to_be_visible()
    check_page(page, "renewal task list")

    # its own section: whether the holder provides RSC
    main.get_by_role("link", name="Providing reflective supervision/consultation").click()
    expect(page).to_have_url(re.compile(rf"/apply/{renewal_id}/renewal$"))
    check_page(page, "rsc provision")
    main.get_by_role("radio", name="No").check()
    main.get_by_role("button", name="Save and continue").click()
    expect(page).to_have_url(re.compile(rf"/apply/{renewal_id}$"))
    expect(page.locator("#status-renewal")).to_have_text("Completed")
    renewal = api.get(f"/applications/{renewal_id}", headers=applicant).json()
    assert renewal["kind"] == "renewal" and renewal["renewal"]["provides_rsc"] is False

    # the dashboard leads back to the renewal
    page.goto(f"{portal_url}/dashboard")
    expect(main.get_by_text("Finish your renewal and submit it.")).to_be_visible()
    check_page(page, "dashboard with a renewal")

    # asks for inactive status, with a confirmation step
    page.goto(f"{portal_url}/endorsements/{endorsement_id}")
    main.get_by_role("link", name="Ask for inactive status").click()
    expect(page).to_have_url(re.compile(rf"/endorsements/{endorsement_id}/inactive$"))
    check_page(page, "inactive status form")
    main.get_by_role("button", name="Yes, ask for inactive status").click()
    expect(main.get_by_role("link", name="Tell us why you are asking for inactive status.")).to_be_visible()
    check_page(page, "inactive status without a reason")
    main.get_by_label("Why are you asking for inactive status?").fill("Family leave for six months.")
    main.get_by_role("button", name="Yes, ask for inactive status").click()
    expect(page).to_have_url(re.compile(rf"/endorsements/{endorsement_id}/inactive/requested$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Your request for inactive status is recorded")
    check_page(page, "inactive status recorded")
    assert holding(api, applicant, endorsement_id, "inactive")["inactive_reason"] == "Family leave for six months."
