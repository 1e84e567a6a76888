"""What people do in the portal that is not an application: an employer verifies credentials, a person resets a
forgotten password, a new applicant works in Spanish; and no page breaks its own Content-Security-Policy.

One stack for the whole module. Every page visited goes through `check_page` (axe-core, screenshots, no horizontal
scroll at 390 px)."""

from __future__ import annotations

import copy
import json
import re
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from devstack.stack import Stack
from playwright.sync_api import Page, expect

from tests.e2e.stack_client import COORDINATOR, approve, login, records, review_case, submit_application

from . import journey_steps as steps
from .harness import CheckPage, Mailbox, NewPage, on_portal, page_log

PARTNER_TOPIC = "endorsement.credentials.v1"
RESET_LINK = r"https?://[^\s\"<>]+/account/password/reset/[^\s\"<>]+"
NEW_PASSWORD = "a brand new pass phrase 2027"


@pytest.fixture(scope="module")
def api(portal_stack: Stack) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=portal_stack.gateway_url, timeout=30) as client:
        yield client


def main(page: Page) -> Any:
    return page.get_by_role("main")


def answer_to(page: Page, term: str) -> Any:
    """The value next to `term` in the result's summary list."""
    return main(page).locator("dl dt", has_text=term).locator("xpath=following-sibling::dd[1]")


def issued_credential(stack: Stack, api: httpx.Client, mailbox: Mailbox) -> tuple[str, dict[str, Any]]:
    """The email address and a signed credential of a newly endorsed applicant, as its holder would hand them to
    an employer (the association's staff and the applicant act through the API, as in tests/e2e)."""
    email, applicant = steps.api_applicant(api, mailbox, "Léa Ibáñez")
    coordinator = login(api, COORDINATOR, stack.secrets.seed_password)
    application_id = submit_application(api, applicant, coordinator=coordinator, mail_dir=mailbox.mail_dir,
                                        today=stack.now().date())
    case = review_case(api, coordinator, application_id)
    endorsement_id = str(approve(api, coordinator, case["id"])["decision"]["endorsement_id"])
    issued = records(stack.engines.kafka_bootstrap, PARTNER_TOPIC,
                     lambda r: json.loads(r.value).get("endorsement_id") == endorsement_id)
    credential: dict[str, Any] = json.loads(issued[0].value)["credential"]
    return email, credential


def test_employer_verifies_a_pasted_credential_a_tampered_one_and_an_unknown_link(
        portal_stack: Stack, portal_url: str, api: httpx.Client, mailbox: Mailbox, new_page: NewPage,
        check_page: CheckPage) -> None:
    email, credential = issued_credential(portal_stack, api, mailbox)
    assert "name" not in credential["credentialSubject"]  # the signed document names nobody: the issuer does
    page = new_page()

    # from the landing page to the verification form, no account
    page.goto(f"{portal_url}/")
    check_page(page, "landing")
    main(page).get_by_role("link", name="Verify a credential").click()
    expect(page).to_have_url(re.compile(r"/verify$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Verify a credential")
    check_page(page, "verify form")

    # nothing pasted: the error summary says what to do and links to the field
    main(page).get_by_role("button", name="Verify").click()
    expect(page.get_by_role("alert")).to_contain_text("Paste the credential, or choose its file")
    expect(page).to_have_title(re.compile(r"^Error: "))
    check_page(page, "verify nothing pasted")

    # the genuine credential, pasted, with an address that is not its holder's: refused, then not the holder's
    main(page).get_by_label(re.compile(r"^Paste the credential")).fill(json.dumps(credential, indent=2))
    main(page).get_by_label(re.compile(r"^The holder's email address")).fill("not an address")
    main(page).get_by_role("button", name="Verify").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter an email address")
    check_page(page, "verify a wrong email address")
    main(page).get_by_label(re.compile(r"^The holder's email address")).fill("someone.else@example.org")
    main(page).get_by_role("button", name="Verify").click()
    expect(page.get_by_role("heading", name="This credential is genuine and in force")).to_be_visible()
    expect(main(page).get_by_text("Does not match: the credential was not issued to this email")).to_be_visible()

    # the same, with the holder's address: the issuer names the holder and the address matches
    main(page).get_by_role("link", name="Verify another credential").click()
    main(page).get_by_label(re.compile(r"^Paste the credential")).fill(json.dumps(credential, indent=2))
    main(page).get_by_label(re.compile(r"^The holder's email address")).fill(email.upper())
    main(page).get_by_role("button", name="Verify").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Verification result")
    expect(page.get_by_role("heading", name="This credential is genuine and in force")).to_be_visible()
    expect(answer_to(page, "Holder")).to_have_text("Léa Ibáñez")
    expect(answer_to(page, "Email address")).to_have_text("Matches: the credential was issued to this email address")
    expect(main(page).get_by_text("Failed", exact=True)).to_have_count(0)
    check_page(page, "genuine credential")

    # the same credential with a later end date, chosen as a file: the signature check fails, in plain words
    main(page).get_by_role("link", name="Verify another credential").click()
    tampered = copy.deepcopy(credential)
    tampered["validUntil"] = "2099-12-31T00:00:00Z"
    main(page).get_by_label(re.compile(r"^Or choose the credential file")).set_input_files(
        {"name": "credential.json", "mimeType": "application/json", "buffer": json.dumps(tampered).encode()})
    main(page).get_by_role("button", name="Verify").click()
    expect(page.get_by_role("heading", name="This credential could not be verified")).to_be_visible()
    signature = main(page).get_by_role("listitem").filter(has_text="The signature is genuine")
    expect(signature).to_contain_text("Failed")
    expect(signature).to_contain_text("the credential was changed after it was issued")
    check_page(page, "tampered credential")

    # a link to a credential that was never issued: a page that says so, not an error dump
    unknown = page.goto(f"{portal_url}/credentials/{uuid.uuid4()}")
    assert unknown is not None and unknown.status == 404
    assert "text/html" in unknown.headers.get("content-type", "")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    check_page(page, "unknown credential link")

    # a link pasted where the credential belongs: the form says it is not a credential
    page.goto(f"{portal_url}/verify")
    main(page).get_by_label(re.compile(r"^Paste the credential")).fill(f"{portal_url}/credentials/{uuid.uuid4()}")
    main(page).get_by_role("button", name="Verify").click()
    expect(page.get_by_role("alert")).to_contain_text("This is not valid JSON")
    check_page(page, "verify a pasted link")


def test_a_person_resets_a_forgotten_password(
        portal_url: str, api: httpx.Client, mailbox: Mailbox, new_page: NewPage, check_page: CheckPage) -> None:
    email, _ = steps.api_applicant(api, mailbox, "Noor Haddad")
    page = new_page()

    page.goto(f"{portal_url}/account/sign-in")
    check_page(page, "sign in")
    main(page).get_by_role("link", name="I forgot my password").click()
    expect(page).to_have_url(re.compile(r"/account/password/forgot$"))
    check_page(page, "forgot password")

    main(page).get_by_label("Email address", exact=True).fill("not an address")
    main(page).get_by_role("button", name="Send me a link").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter an email address")
    expect(page.get_by_role("alert")).to_be_focused()  # a screen reader announces it; the keyboard starts there
    expect(page).to_have_title(re.compile(r"^Error: "))
    check_page(page, "forgot password error")
    main(page).get_by_role("alert").get_by_role("link", name=re.compile("Enter an email address")).click()
    expect(main(page).get_by_label("Email address", exact=True)).to_be_focused()

    main(page).get_by_label("Email address", exact=True).fill(email)
    main(page).get_by_role("button", name="Send me a link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    check_page(page, "check your email")

    link = mailbox.wait_for_link(email, "^Reset your password$", RESET_LINK)
    page.goto(on_portal(link, portal_url))
    expect(page.get_by_role("heading", level=1)).to_have_text("Choose a new password")
    check_page(page, "choose a new password")

    main(page).get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    main(page).get_by_label("Type the new password again", exact=True).fill(NEW_PASSWORD + " typo")
    main(page).get_by_role("button", name="Save my new password").click()
    expect(page.get_by_role("alert")).to_contain_text("The two passwords are not the same")
    check_page(page, "passwords differ")

    main(page).get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    main(page).get_by_label("Type the new password again", exact=True).fill(NEW_PASSWORD)
    main(page).get_by_role("button", name="Save my new password").click()
    expect(page).to_have_url(re.compile(r"/account/sign-in"))
    expect(page.get_by_role("status")).to_contain_text("Your password is changed")
    check_page(page, "password changed")

    # the old password no longer opens the account; the new one does
    main(page).get_by_label("Email address", exact=True).fill(email)
    main(page).get_by_label("Password", exact=True).fill(steps.PASSWORD)
    main(page).get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_be_visible()
    check_page(page, "old password refused")
    main(page).get_by_label("Email address", exact=True).fill(email)
    main(page).get_by_label("Password", exact=True).fill(NEW_PASSWORD)
    main(page).get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/dashboard"))
    check_page(page, "signed in with the new password")

    # the emailed link works once; the person is told it was reset
    page.goto(on_portal(link, portal_url))
    main(page).get_by_label("New password", exact=True).fill("yet another pass phrase")
    main(page).get_by_label("Type the new password again", exact=True).fill("yet another pass phrase")
    main(page).get_by_role("button", name="Save my new password").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"already been used|does not work|expired"))
    check_page(page, "reset link used twice")
    mailbox.wait_for(email, "^Your password was reset$")


def test_a_new_applicant_signs_up_in_spanish_and_reaches_the_requirement_checker(
        portal_url: str, mailbox: Mailbox, new_page: NewPage, check_page: CheckPage) -> None:
    email = steps.new_email("solicitante")
    page = new_page(locale="en-US")

    page.goto(f"{portal_url}/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.get_by_role("button", name="Español").click()  # the language switch, signed out
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page).to_have_url(re.compile(r"/$"))
    check_page(page, "portada")

    main(page).get_by_role("link", name="Crear una cuenta").first.click()
    expect(page).to_have_url(re.compile(r"/account/sign-up"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Crear una cuenta")
    check_page(page, "crear una cuenta")

    main(page).get_by_role("button", name="Crear la cuenta").click()  # nothing typed: the errors, in Spanish
    expect(page.get_by_role("alert")).to_be_visible()
    expect(page).to_have_title(re.compile(r"^Error: "))
    check_page(page, "crear una cuenta con errores")

    form = main(page)
    form.get_by_label("Nombre completo", exact=True).fill("Lucía Fernández")
    form.get_by_label("Correo electrónico", exact=True).fill(email)
    form.get_by_label("Contraseña", exact=True).fill(steps.PASSWORD)
    form.get_by_role("radio", name="Español").check()
    form.get_by_role("button", name="Crear la cuenta").click()
    expect(page).to_have_url(re.compile(r"/dashboard"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Mis solicitudes")
    check_page(page, "mis solicitudes sin confirmar")

    link = mailbox.wait_for_link(email, "^Confirme su dirección de correo electrónico$", steps.VERIFY_LINK)
    page.goto(on_portal(link, portal_url))
    check_page(page, "confirmar el correo")
    main(page).get_by_role("button", name="Confirmar mi correo electrónico").click()
    expect(page.get_by_text("Gracias: su correo electrónico está confirmado.")).to_be_visible()
    check_page(page, "correo confirmado")

    main(page).get_by_role("button", name="Empezar una solicitud").click()
    expect(page).to_have_url(re.compile(r"/apply$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Empezar una solicitud")
    check_page(page, "empezar una solicitud")
    main(page).get_by_label(re.compile(r"\(IFS\)")).check()
    main(page).get_by_role("button", name="Empezar la solicitud").click()
    expect(page).to_have_url(steps.APPLICATION_PATH)
    expect(page.locator("html")).to_have_attribute("lang", "es")
    check_page(page, "lista de tareas")

    main(page).get_by_role("link", name="Revisar los requisitos").click()
    expect(page).to_have_url(re.compile(r"/apply/[0-9a-f-]{36}/requirements$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Requisitos")
    expect(main(page)).to_contain_text(re.compile(r"Aún no se cumple"))
    check_page(page, "requisitos")


PAGES_WITHOUT_ACCOUNT = ["/", "/account/sign-in", "/account/sign-up", "/account/password/forgot", "/verify"]


def test_portal_pages_keep_to_their_content_security_policy(portal_url: str, new_page: NewPage) -> None:
    """Without bypassing the CSP (as people's browsers load them), the pages refuse nothing of their own:
    no inline script, no inline style, and scripts run without errors."""
    page = new_page(bypass_csp=False)
    for path in PAGES_WITHOUT_ACCOUNT:
        response = page.goto(f"{portal_url}{path}")
        assert response is not None and response.status == 200, path
        policy = response.headers.get("content-security-policy", "")
        assert "script-src 'self'" in policy and "style-src 'self'" in policy, (path, policy)
        page.wait_for_load_state("load")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.get_by_role("button", name="Español").click()  # a form post and a redirect, with htmx loaded
    expect(page.locator("html")).to_have_attribute("lang", "es")
    log = page_log(page)
    assert log.csp_violations == [], log.csp_violations
    assert log.page_errors == [], log.page_errors


def test_two_people_in_their_own_browsers_never_share_a_session(
        portal_url: str, api: httpx.Client, mailbox: Mailbox, new_page: NewPage) -> None:
    """The gateway forwards everyone's requests with one HTTP client: no portal cookie may stick to it."""
    email, _ = steps.api_applicant(api, mailbox, "Ines Quispe")
    first = new_page()
    first.goto(f"{portal_url}/account/sign-in")
    main(first).get_by_label("Email address", exact=True).fill(email)
    main(first).get_by_label("Password", exact=True).fill(steps.PASSWORD)
    main(first).get_by_role("button", name="Sign in").click()
    expect(first).to_have_url(re.compile(r"/dashboard"))
    first.get_by_role("button", name="Español").click()

    second = new_page()  # another person, another browser, no cookie yet
    second.goto(f"{portal_url}/dashboard")
    expect(second).to_have_url(re.compile(r"/account/sign-in\?next="))
    expect(second.locator("html")).to_have_attribute("lang", "en")
    expect(second.get_by_role("button", name="Sign out")).to_have_count(0)
    expect(first.get_by_role("heading", level=1)).to_have_text("Mis solicitudes")


def test_a_visitor_without_javascript_switches_language_signs_up_and_uses_the_verify_form(
        portal_url: str, new_page: NewPage, check_page: CheckPage) -> None:
    """Progressive enhancement: plain forms, POST then redirect; the pages stay accessible with scripts off."""
    page = new_page(java_script_enabled=False)
    page.goto(f"{portal_url}/")
    check_page(page, "landing without js")
    page.get_by_role("button", name="Español").click()
    expect(page.locator("html")).to_have_attribute("lang", "es")
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")

    page.goto(f"{portal_url}/account/sign-up")
    main(page).get_by_label("Email address", exact=True).fill("no-at-sign")
    main(page).get_by_role("button", name="Create account").click()
    expect(page.get_by_role("alert")).to_be_visible()
    expect(main(page).get_by_label("Email address", exact=True)).to_have_value("no-at-sign")  # typed value kept
    check_page(page, "sign up errors without js")

    page.goto(f"{portal_url}/verify")
    main(page).get_by_label(re.compile(r"^Paste the credential")).fill("{not json")
    main(page).get_by_role("button", name="Verify").click()
    expect(page.get_by_role("alert")).to_contain_text("This is not valid JSON")
    expect(main(page).get_by_label(re.compile(r"^Paste the credential"))).to_have_value("{not json")
    check_page(page, "verify error without js")
