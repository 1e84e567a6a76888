"""A submitted application comes back with questions; the applicant reads them, corrects it and resubmits, in the
browser. The application is prepared through the API to save time; the coordinator acts through the API."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest
from devstack.stack import Stack
from playwright.sync_api import expect

from tests.e2e.stack_client import review_case, submit_application

from . import journey_steps as steps
from .harness import CheckPage, Mailbox, NewPage

ASKED = "Describe the families you visit and how often you see them."
MESSAGE = "Thank you: one more thing before the reviewer reads on."
STATEMENT_AFTER = ("Home visiting with families of infants for three years: twelve families, each visited weekly, "
                   "most with infants under one year.")


@pytest.fixture(scope="module")
def api(portal_stack: Stack) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=portal_stack.gateway_url, timeout=30) as client:
        yield client


def test_a_returned_application_is_corrected_and_resubmitted(
        portal_stack: Stack, portal_url: str, new_page: NewPage, check_page: CheckPage, mailbox: Mailbox,
        api: httpx.Client) -> None:
    # a submitted IFS application, and the coordinator asking for more
    email, applicant = steps.api_applicant(api, mailbox, "Rosa Returned")
    staff = steps.coordinator(api, portal_stack)
    app_id = submit_application(api, applicant, coordinator=staff, mail_dir=mailbox.mail_dir,
                                today=portal_stack.now().date())
    case = review_case(api, staff, app_id)
    steps.request_information(api, staff, case["id"], [ASKED], MESSAGE)
    steps.wait_for_status(api, applicant, app_id, "returned")

    # the applicant sees what is asked
    page = new_page()
    steps.sign_in(page, portal_url, check_page, email)
    page.get_by_role("main").get_by_role("link", name=re.compile("Infant Family Specialist|IFS")).first.click()
    steps.back_to_task_list(page, app_id)
    main = page.get_by_role("main")
    expect(main.get_by_role("heading", name="The reviewers asked for more information")).to_be_visible()
    expect(main.get_by_role("listitem").filter(has_text=ASKED)).to_be_visible()
    expect(main.get_by_text(MESSAGE)).to_be_visible()
    check_page(page, "returned task list")

    # corrects the statement
    steps.fill_details(page, check_page, app_id, STATEMENT_AFTER)
    check_page(page, "task list after the correction")

    # and resubmits
    page.get_by_role("main").get_by_role("link", name="Resubmit your application").click()
    expect(page).to_have_url(re.compile(rf"/apply/{app_id}/resubmit"))
    expect(page.get_by_role("main").get_by_role("heading", name="What the reviewers asked for")).to_be_visible()
    expect(page.get_by_role("main").get_by_text(STATEMENT_AFTER[:60])).to_be_visible()
    check_page(page, "resubmit")
    resubmit = page.get_by_role("main").get_by_role("button", name="Resubmit application")
    expect(resubmit).to_be_enabled()
    resubmit.click()
    expect(page).to_have_url(re.compile(rf"/apply/{app_id}/submitted"))
    check_page(page, "resubmitted")

    # the timeline shows the resubmission
    page.get_by_role("main").get_by_role("link", name="Follow your application on its timeline").click()
    expect(page).to_have_url(re.compile(rf"/apply/{app_id}/timeline"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Timeline")
    resubmitted = page.get_by_role("main").get_by_role("heading", name=re.compile(r"^Resubmitted"))
    steps.reload_until(page, lambda: resubmitted.count() > 0, "the resubmission on the timeline")
    expect(page.get_by_role("main").get_by_role("heading", name=re.compile("more information|returned",
                                                                            re.IGNORECASE)).first).to_be_visible()
    check_page(page, "timeline resubmitted")
    assert steps.wait_for_status(api, applicant, app_id, "submitted")["submission_number"] == 2
