"""A person becomes an endorsed Infant Family Specialist using nothing but the browser: the association's staff
act through the API meanwhile, as their own tools would."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta

import httpx
import pytest
from devstack.stack import Stack
from playwright.sync_api import Page, expect

from tests.e2e.stack_client import approve, review_case

from . import journey_steps as steps
from .harness import CheckPage, Mailbox, NewPage


@pytest.fixture(scope="module")
def api(portal_stack: Stack) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=portal_stack.gateway_url, timeout=30) as client:
        yield client


def test_a_new_applicant_earns_an_ifs_endorsement_entirely_in_the_browser(
        portal_stack: Stack, portal_url: str, new_page: NewPage, check_page: CheckPage, mailbox: Mailbox,
        api: httpx.Client) -> None:
    today = portal_stack.now().date()
    email = steps.new_email()
    page: Page = new_page()

    # an account, its email address confirmed from the link in the inbox
    steps.sign_up(page, portal_url, check_page, "Ana Applicant", email)
    steps.confirm_email(page, portal_url, check_page, mailbox, email)

    # an IFS application, every tab filled through its form
    app_id = steps.start_application(page, check_page, "IFS")
    steps.fill_details(page, check_page, app_id)
    steps.sign_attestations(page, check_page, app_id)
    steps.fill_membership(page, check_page, app_id, today)
    steps.add_education(page, check_page, app_id, today)
    steps.add_work(page, check_page, app_id, today)
    steps.add_training(page, check_page, app_id, today)
    steps.add_rsc(page, check_page, app_id, today)
    steps.pay_fee(page, check_page, app_id, "registration", "20.00", "REG-1001", today - timedelta(days=30))
    page.get_by_role("main").get_by_role("link", name="Continue").click()
    steps.back_to_task_list(page, app_id)
    steps.upload_document(page, check_page, app_id)
    page.get_by_role("main").get_by_role("link", name="Back to your application").first.click()
    steps.back_to_task_list(page, app_id)

    # three raters, each answering in their own browser from the link in their email
    raters = steps.name_raters(page, check_page, app_id)
    for rater in raters:
        steps.answer_reference(new_page, portal_url, check_page, mailbox, rater)
    steps.references_completed(page, len(raters))
    check_page(page, "references completed")

    # register; the association accepts the registration
    page.goto(f"{portal_url}/apply/{app_id}")
    steps.open_task(page, check_page, "Check your answers and submit")
    page.get_by_role("main").get_by_role("button", name="Register").click()
    steps.back_to_task_list(page, app_id)
    check_page(page, "registered")
    staff = steps.coordinator(api, portal_stack)
    steps.accept_registration(api, staff, app_id)

    # the processing fee, then submit
    page.goto(f"{portal_url}/apply/{app_id}")
    steps.pay_fee(page, check_page, app_id, "processing", "100.00", "PROC-1001", today - timedelta(days=2))
    page.get_by_role("main").get_by_role("link", name="Continue").click()
    steps.back_to_task_list(page, app_id)
    check_page(page, "ready to submit")
    steps.open_task(page, check_page, "Check your answers and submit")
    submit = page.get_by_role("main").get_by_role("button", name="Submit application")
    expect(submit).to_be_enabled()
    submit.click()
    expect(page).to_have_url(re.compile(rf"/apply/{app_id}/submitted"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Application submitted")
    check_page(page, "submitted")
    page.get_by_role("main").get_by_role("link", name="Follow your application on its timeline").click()
    expect(page).to_have_url(re.compile(rf"/apply/{app_id}/timeline"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Timeline")
    expect(page.get_by_role("main").get_by_role("heading", name="Submitted for review.")).to_be_visible()
    check_page(page, "timeline submitted")

    # the coordinator approves
    case = review_case(api, staff, app_id)
    approve(api, staff, case["id"])

    # the endorsement, its credential page and its PDF certificate
    see_endorsement = page.get_by_role("main").get_by_role("link", name="See your endorsement")
    steps.reload_until(page, lambda: see_endorsement.count() > 0, "the link to the endorsement")
    check_page(page, "timeline endorsed")
    see_endorsement.click()
    expect(page).to_have_url(re.compile(r"/endorsements/"))
    certificate = page.get_by_role("main").get_by_role("link", name="Download the certificate (PDF)")
    steps.reload_until(page, lambda: certificate.count() > 0, "the credential")
    check_page(page, "endorsement")
    with page.expect_download() as download_info:
        certificate.click()
    path = download_info.value.path()
    with open(path, "rb") as pdf:
        assert pdf.read(5) == b"%PDF-", "the certificate is a PDF"
