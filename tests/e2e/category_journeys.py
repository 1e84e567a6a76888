"""Every ITMHCA category's journey over the wire: the least complete application, derived from the rule set in
force today, and what the coordinator, a reviewer, the examinee and two exam scorers do with it.

The rule data stays the single truth: the application is built from the version the applications service's own
loader resolves (versions inherit the sections they omit), the fees from its `fees`, the reference slots from its
`references`, and whether the exam comes after the review from its `exam`. A rule change in `config/rulesets/`
changes the test data with it. Everything else goes through the gateway (HTTP), the SMTP sink (emails) and Kafka.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import yaml
from applications.domain import RuleVersion
from applications.domain.reference_data import endorsed_at_or_above
from applications.domain.rules import EducationOption, EducationOptionKind, WorkRequirement
from applications.rulesets import file_name, load_rule_set
from devstack.mailbox import read_messages
from devstack.stack import REPO_ROOT, Stack

from .stack_client import REFERENCE_LINK, TENANT, eventually, records

CONFIG = REPO_ROOT / "config"
PARTNER_TOPIC = "endorsement.credentials.v1"
REVIEWS_TOPIC = "endorsement.reviews.v2"  # sealed (docs/erasure.md); ids, codes and dates stay plain
Headers = dict[str, str]
Call = tuple[str, str, dict[str, Any] | None]
"""(method, path under `/applications/{id}/`, JSON body)."""

# What the test applicant writes; chosen so that no reviewer or scorer of the roster is conflicted (employer).
EMPLOYER = "Desert Bloom Family Services"
RSC_PROVIDER = "Rita Moreno"
ROLES = {
    "direct_service": "Home visitor",
    "infant_parent_intervention": "Infant-parent therapist",
    "rsc_provision": "Reflective supervisor",
    "leadership": "Program director",
    "policy_administration": "Early childhood policy lead",
    "teaching_research": "Associate professor",
}
TAGS = ["theoretical_foundations", "tf_attachment_trauma_loss"]
DEI_TAG = "tf_cultural_humility_dei"
RSC_PROVISION_TAG = "ds_reflective_supervision"


# --- the association's data ----------------------------------------------------------------------------------


@functools.cache
def tenant_file() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((CONFIG / "tenants" / f"{TENANT}.yaml").read_text())
    return data


@functools.cache
def review_file() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((CONFIG / "reviews" / f"{TENANT}.yaml").read_text())
    return data


def categories() -> list[str]:
    return list(tenant_file()["categories"])


def category_name(category: str) -> str:
    return str(tenant_file()["categories"][category])


def local_today() -> date:
    """The association's date: the one its services judge requirements and decisions on."""
    return datetime.now(ZoneInfo(tenant_file()["timezone"])).date()


def rules_in_force(category: str, on: date | None = None) -> RuleVersion:
    """The version of the category's rule set in force on `on` (default today), resolved by the service's loader."""
    path = CONFIG / "rulesets" / TENANT / file_name(category)
    return load_rule_set(path, TENANT).in_force(on or local_today())


# --- the least complete application -------------------------------------------------------------------------


def days_ago(today: date, days: int) -> str:
    return (today - timedelta(days=days)).isoformat()


def work_body(requirement: WorkRequirement, today: date) -> dict[str, Any]:
    """Paid, supervised work of the requirement's activity, a month over its minimum years, ended two days ago
    (so no date is in the future on any clock of the day)."""
    end = today - timedelta(days=2)
    return {
        "employer": EMPLOYER,
        "role": ROLES[requirement.activity.value],
        "start": (end - timedelta(days=requirement.min_days + 30)).isoformat(),
        "end": end.isoformat(),
        "paid": True,
        "supervised": True,
        "families_served": requirement.min_families,
        "age_band": requirement.age_band.value if requirement.age_band else "0-3",
        "activities": [requirement.activity.value],
    }


def education_call(option: EducationOption, today: date) -> Call:
    """An entry meeting the rule's first option (a work option is met by work)."""
    if option.kind is EducationOptionKind.WORK:
        assert option.work is not None
        return ("POST", "work", work_body(option.work, today))
    if option.kind is EducationOptionKind.CDA:
        return (
            "POST",
            "education",
            {"kind": "cda", "institution": "Council for Professional Recognition", "year": today.year - 5},
        )
    if option.kind is EducationOptionKind.LICENCE:
        return (
            "POST",
            "education",
            {
                "kind": "licence",
                "institution": "Arizona Board of Behavioral Health",
                "year": today.year - 5,
                "field": "LPC",
            },
        )
    level = option.min_level.value if option.min_level else "associate"
    return (
        "POST",
        "education",
        {
            "kind": "degree",
            "level": level,
            "field": "Early childhood mental health",
            "related_field": True,
            "institution": "Arizona State University",
            "year": today.year - 5,
        },
    )


def training_calls(rules: RuleVersion, today: date) -> list[Call]:
    """The minimum hours, the DEI and RSC-provision hours as trainings of their own, each tagged."""
    training = rules.training
    core = training.min_hours - training.min_dei_hours - training.min_rsc_provision_hours
    calls: list[Call] = []
    parts = [
        (core, "Foundations of infant mental health", TAGS, None),
        (training.min_dei_hours, "Cultural humility in infant mental health", [DEI_TAG], "dei_hours"),
        (
            training.min_rsc_provision_hours,
            "Providing reflective supervision",
            [RSC_PROVISION_TAG],
            "rsc_provision_hours",
        ),
    ]
    for hours, title, tags, counted_as in parts:
        if hours > 0:
            body: dict[str, Any] = {
                "title": title,
                "provider": "ITMHCA",
                "completed_on": days_ago(today, 30),
                "hours": float(hours),
                "competencies": tags,
            }
            if counted_as:
                body[counted_as] = float(hours)  # all of it counts toward the sub-minimum too
            calls.append(("POST", "training", body))
    return calls


def rsc_calls(rules: RuleVersion, today: date) -> list[Call]:
    """RSC from the first eligible provider, in an allowed format, over the shortest window the rule accepts plus a
    month, ended ten days ago; as many hours as needed, that many about the RSC the applicant provides."""
    rsc = rules.rsc
    if rsc is None:
        return []
    provider = rsc.eligible_providers[0]
    days = min(rsc.window_min_days + 30, rsc.window_max_days)
    end = today - timedelta(days=10)
    return [
        (
            "POST",
            "rsc",
            {
                "provider_name": RSC_PROVIDER,
                "provider_category": provider.category,
                "provider_addons": [provider.requires_addon] if provider.requires_addon else [],
                "provider_emerging": False,
                "hours": float(rsc.min_hours),
                "start": (end - timedelta(days=days - 1)).isoformat(),
                "end": end.isoformat(),
                "format": rsc.formats[0].value,
                "hours_about_providing_rsc": float(rsc.min_hours_about_providing_rsc),
            },
        )
    ]


def tab_calls(rules: RuleVersion, today: date) -> list[Call]:
    """Every tab but the references and the registration, at the rule version's minimums."""
    calls: list[Call] = []
    if rules.membership.required:
        calls.append(
            (
                "PUT",
                "membership",
                {
                    "association": "ITMHCA",
                    "member_id": "AZ-2001",
                    "individual": True,
                    "expires_on": (today + timedelta(days=365)).isoformat(),
                },
            )
        )
    if rules.education.options:
        calls.append(education_call(rules.education.options[0], today))
    calls += [("POST", "work", work_body(requirement, today)) for requirement in rules.work]
    calls += training_calls(rules, today)
    calls += rsc_calls(rules, today)
    calls += [("PUT", f"attestations/{kind.value}", None) for kind in rules.attestations]
    calls.append(
        (
            "PUT",
            "fees/processing",
            {"amount_cents": rules.fees.processing_cents, "reference": "PROC-2001", "paid_on": days_ago(today, 2)},
        )
    )
    return calls


def registration_fee(rules: RuleVersion, today: date) -> Call:
    return (
        "PUT",
        "fees/registration",
        {"amount_cents": rules.fees.registration_cents, "reference": "REG-2001", "paid_on": days_ago(today, 3)},
    )


@dataclass(frozen=True)
class Rater:
    slot: int
    name: str
    email: str
    kind: str
    endorsed_category: str | None
    waived: bool

    def body(self) -> dict[str, Any]:
        return {
            "slot": self.slot,
            "name": self.name,
            "email": self.email,
            "kind": self.kind,
            "endorsed_category": self.endorsed_category,
            "relationship": f"{self.kind.replace('_', ' ')}",
            "waived": self.waived,
        }


def raters_for(rules: RuleVersion, application_id: str) -> list[Rater]:
    """One rater per slot, of the slot's first kind; endorsed where the slot or the rule asks for it (so no vetting
    is needed); the RSC provider rates as the RSC provider. Emails are unique to the application."""
    refs = rules.references
    rsc_category = rules.rsc.eligible_providers[0].category if rules.rsc else None
    raters: list[Rater] = []
    for number, slot in enumerate(refs.slots, start=1):
        kind = slot.raters[0].value
        endorsed = slot.endorsed_at_or_above or (rsc_category if kind == "rsc_provider" else None)
        name = RSC_PROVIDER if kind == "rsc_provider" else f"Rater {number} {kind.replace('_', ' ').title()}"
        raters.append(
            Rater(
                number, name, f"{kind}.{number}.{application_id[:12]}@example.org", kind, endorsed, waived=number == 1
            )
        )
    needed = refs.at_least_one_endorsed_at_or_above
    if needed and not any(endorsed_at_or_above(r.endorsed_category, needed) for r in raters):
        raters[0] = replace(raters[0], endorsed_category=needed)
    return raters


# --- mail -----------------------------------------------------------------------------------------------------


class Mailbox:
    """The SMTP sink's directory (`devstack.mailbox` parses each message once, however often it is read)."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def messages(self) -> list[EmailMessage]:
        return read_messages(self.directory)

    def to(self, address: str) -> list[EmailMessage]:
        return read_messages(self.directory, to=address)

    def wait_for(self, address: str, subject: str, timeout: float = 60) -> EmailMessage:
        """The first message to `address` whose subject starts with `subject`."""

        def probe() -> EmailMessage | None:
            return next((m for m in self.to(address) if subject_of(m).startswith(subject)), None)

        found: EmailMessage = eventually(probe, timeout, f"an email {subject!r} to {address}")
        return found


def subject_of(message: EmailMessage) -> str:
    """The subject with its folding undone (Python folds a long one onto the next line, leaving a space before)."""
    return " ".join(str(message["Subject"]).split())


def text_of(message: EmailMessage) -> str:
    body = message.get_body(preferencelist=("plain",))
    assert body is not None, message["Subject"]
    return str(body.get_content())


# --- the applicant --------------------------------------------------------------------------------------------


def check(response: httpx.Response, *statuses: int) -> Any:
    assert response.status_code in (statuses or (200,)), (
        f"{response.request.method} {response.request.url}: {response.status_code} {response.text}"
    )
    return response.json() if response.content else None


def prepare_application(
    gateway: httpx.Client, applicant: Headers, coordinator: Headers, mailbox: Mailbox, category: str
) -> str:
    """Start, fill every tab, register (the coordinator accepts), have every rater answer: ready to submit."""
    today = local_today()
    rules = rules_in_force(category, today)
    application_id = str(
        check(gateway.post("/applications", json={"category": category}, headers=applicant), 201)["id"]
    )
    base = f"/applications/{application_id}"
    check(
        gateway.patch(
            base, headers=applicant, json={"statement": "Relationship-based work with infants and their families."}
        )
    )
    for method, path, body in tab_calls(rules, today):
        check(gateway.request(method, f"{base}/{path}", json=body, headers=applicant), 200, 201)
    if rules.registration.required:
        method, path, body = registration_fee(rules, today)
        check(gateway.request(method, f"{base}/{path}", json=body, headers=applicant))
        assert check(gateway.post(f"{base}/register", headers=applicant))["status"] == "registered"
        assert check(gateway.post(f"{base}/registration/accept", headers=coordinator))["status"] == "accepted"
    answer_references(gateway, applicant, mailbox, application_id, raters_for(rules, application_id))
    return application_id


def answer_references(
    gateway: httpx.Client, applicant: Headers, mailbox: Mailbox, application_id: str, raters: list[Rater]
) -> None:
    """Name every rater first (their emails go out meanwhile), then each answers the form from their email's link
    with a rating on every item (no "not enough information")."""
    for rater in raters:
        check(gateway.post(f"/applications/{application_id}/references", json=rater.body(), headers=applicant), 201)
    for rater in raters:
        message = mailbox.wait_for(rater.email, "Please complete a reference for ")
        link = REFERENCE_LINK.search(text_of(message))
        assert link, "the rater's email carries the link"
        form = check(gateway.get(f"/references/{link[1]}"))
        best = form["scale"][0]["value"]
        answered = check(
            gateway.post(
                f"/references/{link[1]}",
                json={
                    "ratings": {item["id"]: best for item in form["items"]},
                    "comments": "Warm, reflective, reliable.",
                },
            )
        )
        assert answered["status"] == "completed", answered


def assert_requirements_met(gateway: httpx.Client, applicant: Headers, application_id: str) -> dict[str, Any]:
    """`GET /requirements`: every requirement met, else the unmet ones with their reasons (how to debug the data)."""
    report: dict[str, Any] = check(gateway.get(f"/applications/{application_id}/requirements", headers=applicant))
    unmet = [
        f"{r['code']}: {r['detail']} {[x['message'] for x in r['reasons']]}"
        for r in report["requirements"]
        if not r["met"]
    ]
    assert not unmet and report["all_met"], f"{report['rule_set_version']} unmet:\n" + "\n".join(unmet)
    return report


def submit(gateway: httpx.Client, applicant: Headers, application_id: str) -> dict[str, Any]:
    submitted: dict[str, Any] = check(gateway.post(f"/applications/{application_id}/submit", headers=applicant))
    assert submitted["status"] == "submitted", submitted
    return submitted


def application_in(
    gateway: httpx.Client, auth: Headers, application_id: str, status: str, timeout: float = 60
) -> dict[str, Any]:
    def probe() -> dict[str, Any] | None:
        body: dict[str, Any] = check(gateway.get(f"/applications/{application_id}", headers=auth))
        return body if body["status"] == status else None

    found: dict[str, Any] = eventually(probe, timeout, f"application {application_id} {status}")
    return found


# --- the review -----------------------------------------------------------------------------------------------


def case_in(
    gateway: httpx.Client,
    coordinator: Headers,
    application_id: str,
    status: str,
    submission: int = 1,
    timeout: float = 60,
) -> dict[str, Any]:
    """The application's review case once it is `status` and knows submission `submission`."""

    def probe() -> dict[str, Any] | None:
        response = gateway.get(f"/reviews/cases/by-application/{application_id}", headers=coordinator)
        if response.status_code != 200:
            return None
        case: dict[str, Any] = response.json()
        return case if case["status"] == status and case["latest_submission"] >= submission else None

    found: dict[str, Any] = eventually(probe, timeout, f"the case of {application_id} {status} (#{submission})")
    return found


def assign_suggested_reviewer(gateway: httpx.Client, coordinator: Headers, case: dict[str, Any]) -> str:
    """The first eligible, unconflicted reviewer the service suggests (one is on the roster for every category)."""
    taken = {a["email"] for a in case["review"]["assignments"]}
    suggestions = check(gateway.get(f"/reviews/cases/{case['id']}/reviewer-suggestions", headers=coordinator))
    free = [s for s in suggestions["items"] if s["email"] not in taken]
    assert free, f"no eligible reviewer for {case['category']}: {suggestions}"
    email = str(free[0]["email"])
    roster = {r["email"]: r for r in review_file()["reviewers"]}
    ranks = {c: v["rank"] for c, v in review_file()["categories"].items()}
    assert ranks[roster[email]["category"]] >= ranks[case["category"]], (email, case["category"])
    assigned = check(gateway.post(f"/reviews/cases/{case['id']}/reviewers", json={"email": email}, headers=coordinator))
    assert email in {a["email"] for a in assigned["review"]["assignments"]}
    return email


def checklist(rules: RuleVersion) -> list[dict[str, Any]]:
    """Every area of the domains the reference form rates, met, under `references`; read from competencies.yaml."""
    domains = yaml.safe_load((CONFIG / "rulesets" / "competencies.yaml").read_text())["domains"]
    ticks = []
    for domain in domains:
        if domain["id"] in rules.references.rated_domains:
            areas = list(domain["areas"]) or [domain["id"]]
            ticks += [{"area": area, "met": True, "section": "references"} for area in areas]
    return ticks


# --- the exam -------------------------------------------------------------------------------------------------


def noon_on(day: date) -> datetime:
    """Noon of `day` in the association's time zone: where the exam steps move the stack's business time."""
    return datetime(day.year, day.month, day.day, 12, tzinfo=ZoneInfo(tenant_file()["timezone"]))


def scorer_item(gateway: httpx.Client, scorer: Headers, candidate_number: str) -> dict[str, Any]:
    """The scorer's assignment for `candidate_number`, from their own queue."""

    def probe() -> dict[str, Any] | None:
        page = check(gateway.get("/reviews/scoring", headers=scorer))
        return next((i for i in page["items"] if i["candidate_number"] == candidate_number), None)

    found: dict[str, Any] = eventually(probe, 30, f"the scoring assignment of {candidate_number}")
    return found


def leaked(body: Any, secrets: list[str]) -> list[str]:
    text = json.dumps(body).casefold()
    return [s for s in secrets if s.casefold() in text]


# --- the credential -------------------------------------------------------------------------------------------


def endorsement_granted(stack: Stack, endorsement_id: str) -> dict[str, Any]:
    """`EndorsementGranted` on the reviews topic, keyed by the endorsement id."""
    [record] = records(
        stack.engines.kafka_bootstrap,
        REVIEWS_TOPIC,
        lambda r: dict(r.headers).get("ce_type") == b"EndorsementGranted.v2" and r.key.decode() == endorsement_id,
    )
    event: dict[str, Any] = json.loads(record.value)
    assert event["endorsement_id"] == endorsement_id
    return event


def credential_issued(stack: Stack, endorsement_id: str) -> tuple[str, dict[str, Any]]:
    """`CredentialIssued` for the endorsement on the partner topic: its key (the credential id) and its event."""
    [record] = records(
        stack.engines.kafka_bootstrap,
        PARTNER_TOPIC,
        lambda r: (
            dict(r.headers).get("ce_type") == b"CredentialIssued.v1"
            and json.loads(r.value).get("endorsement_id") == endorsement_id
        ),
    )
    event: dict[str, Any] = json.loads(record.value)
    assert record.key.decode() == event["credential_id"]
    return str(event["credential_id"]), event
