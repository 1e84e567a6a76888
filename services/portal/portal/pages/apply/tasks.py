"""The task list: each section of an application with a status, from the requirement report and the entries.

A section is *completed* when every requirement of its tab is met (or, with no requirement, when something was
entered), *in progress* when something was entered or counted but a requirement is still unmet, and *not
started* otherwise. No business rule lives here: what is met is the applications service's answer.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from .phrasing import N_


class TaskStatus(StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"


STATUS_LABELS = {
    TaskStatus.NOT_STARTED: N_("Not started"),
    TaskStatus.IN_PROGRESS: N_("In progress"),
    TaskStatus.COMPLETED: N_("Completed"),
}

SECTION_TITLES: dict[str, str] = {
    "details": N_("Your details and statement"),
    "education": N_("Education"),
    "work": N_("Work experience"),
    "training": N_("Training"),
    "rsc": N_("Reflective supervision/consultation (RSC)"),
    "membership": N_("Membership"),
    "attestations": N_("Code of Ethics and Endorsement Agreement"),
    "fees": N_("Fees"),
    "documents": N_("Documents"),
    "references": N_("References"),
    "renewal": N_("Providing reflective supervision/consultation"),
}
LIST_TABS = ("education", "work", "training", "rsc")
INITIAL_SECTIONS = ("details", "education", "work", "training", "rsc", "membership", "attestations", "fees",
                    "documents", "references")
RENEWAL_SECTIONS = ("details", "renewal", "training", "rsc", "membership", "attestations", "fees", "documents",
                    "references")
ALWAYS = frozenset({"details", "documents"})
"""Shown whatever the rules ask: the statement and supporting documents."""

EDITABLE = frozenset({"draft", "registered", "accepted", "returned", "deferred"})
PREPARING = frozenset({"draft", "registered", "accepted"})


@dataclass(frozen=True)
class Section:
    tab: str
    title: str
    status: TaskStatus
    path: str
    progress: list[str] = field(default_factory=list)
    unmet: int = 0


def entered(application: Mapping[str, Any], tab: str, references: Sequence[Mapping[str, Any]] = ()) -> bool:
    """Whether the person has entered anything on a tab."""
    if tab == "details":
        details = application.get("details") or {}
        return any(details.get(k) for k in ("phone", "county", "statement"))
    if tab == "references":
        return any(r.get("status") != "voided" for r in references)
    if tab == "membership":
        return application.get("membership") is not None
    if tab == "renewal":  # a renewal's declaration whether the holder provides RSC
        return (application.get("renewal") or {}).get("provides_rsc") is not None
    return bool(application.get(tab))


def section_status(application: Mapping[str, Any], tab: str, requirements: Sequence[Mapping[str, Any]],
                   references: Sequence[Mapping[str, Any]] = ()) -> TaskStatus:
    mine = [r for r in requirements if r.get("tab") == tab]
    has_entries = entered(application, tab, references)
    if mine:
        if all(r.get("met") for r in mine):
            return TaskStatus.COMPLETED
        counted = any((r.get("progress") or {}).get("have") for r in mine) or any(r.get("met") for r in mine)
        return TaskStatus.IN_PROGRESS if has_entries or counted else TaskStatus.NOT_STARTED
    return TaskStatus.COMPLETED if has_entries else TaskStatus.NOT_STARTED


def sections(application: Mapping[str, Any], report: Mapping[str, Any] | None,
             references: Sequence[Mapping[str, Any]] = (), progress_text: Mapping[str, str] | None = None,
             ) -> list[Section]:
    """The application's sections in order: those its rules ask for, plus details and documents."""
    requirements: list[Mapping[str, Any]] = list((report or {}).get("requirements", []))
    asked = {str(r.get("tab")) for r in requirements}
    order = INITIAL_SECTIONS if application.get("kind", "initial") == "initial" else RENEWAL_SECTIONS
    app_id = str(application.get("id"))
    result = []
    for tab in order:
        if tab not in ALWAYS and tab not in asked and not entered(application, tab, references) \
                and report is not None:
            continue
        mine = [r for r in requirements if r.get("tab") == tab]
        result.append(Section(
            tab=tab, title=SECTION_TITLES[tab], status=section_status(application, tab, requirements, references),
            path=f"/apply/{app_id}/{tab}",
            progress=[progress_text[str(r.get("code"))] for r in mine if progress_text and
                      str(r.get("code")) in progress_text],
            unmet=sum(1 for r in mine if not r.get("met")),
        ))
    return result


def completed_count(items: Sequence[Section]) -> int:
    return sum(1 for s in items if s.status is TaskStatus.COMPLETED)


@dataclass(frozen=True)
class NextStep:
    """What the person does next, for the dashboard and the task list."""

    key: str
    text: str


NEXT_STEPS: dict[str, str] = {
    "complete": N_("Complete the sections that are not finished yet."),
    "register": N_("Register your application (the registration fee must be recorded first)."),
    "await_acceptance": N_("Wait for the association to accept your registration."),
    "submit": N_("Everything is ready: check your answers and submit your application."),
    "under_review": N_("Your application is being reviewed. We will email you when there is news."),
    "returned": N_("The reviewers asked for more information: change what they asked for and resubmit."),
    "deferred": N_("Your application was deferred: see the reasons, then resubmit from the date given."),
    "exam": N_("You were approved for the exam. The association will tell you how to book it."),
    "endorsed": N_("You are endorsed. See your endorsement and certificate."),
    "denied": N_("Your application was not approved. See the reasons in the timeline."),
    "withdrawn": N_("You withdrew this application."),
}


def next_step(application: Mapping[str, Any], report: Mapping[str, Any] | None = None) -> NextStep:
    status = str(application.get("status", "draft"))
    simple = {"submitted": "under_review", "returned": "returned", "deferred": "deferred",
              "approved_for_exam": "exam", "endorsed": "endorsed", "denied": "denied", "withdrawn": "withdrawn"}
    if status in simple:
        key = simple[status]
        return NextStep(key, NEXT_STEPS[key])
    requirements = list((report or {}).get("requirements", []))
    unmet = [r for r in requirements if not r.get("met")]
    registration = [r for r in unmet if r.get("tab") == "registration"]
    if status == "registered":
        key = "await_acceptance"
    elif report is not None and not unmet:
        key = "submit"
    elif status == "draft" and registration and all(
            r.get("met") for r in requirements if r.get("code") == "FEE_REGISTRATION"):
        key = "register"
    else:
        key = "complete"
    return NextStep(key, NEXT_STEPS[key])


def can_register(application: Mapping[str, Any], report: Mapping[str, Any] | None) -> bool:
    """The rules ask for registration and the application is a draft (the server decides the rest)."""
    if application.get("status") != "draft" or application.get("kind", "initial") != "initial":
        return False
    return any(r.get("code") == "REGISTRATION_ACCEPTED" for r in (report or {}).get("requirements", []))


CYCLE_SHOWN = frozenset({"submitted", "returned"})
"""Statuses whose review case is open (a deferral closes it; a resubmission's new case brings its own cycle)."""


def review_cycle(application: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """The review cycle to show the applicant (`review.cycle` of the API: `cycle_id`, `opens_at`, `deadline`,
    `waiting`), or None: no case opened yet, rolling intake, or the case is no longer open."""
    if application.get("status") not in CYCLE_SHOWN:
        return None
    cycle = (application.get("review") or {}).get("cycle")
    return cycle if isinstance(cycle, Mapping) and cycle.get("cycle_id") else None
