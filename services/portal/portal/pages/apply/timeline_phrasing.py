"""The applicant's timeline in the person's language.

The applications service writes each entry's `summary` in English for API clients, with structured `details`
holding every value it names. The portal says each `kind` (and its variant: a renewal's start, a resubmission's
cause, a passed exam...) with a translated sentence filled from those details, dates in the person's format. The
first sentence of a variant whose values are all known is said; each kind ends with one that needs none. A kind
the portal does not know is shown with the API's own summary: never a blank.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

Gettext = Callable[[str], str]
Formatter = Callable[[Any], str]


def N_(message: str) -> str:
    """Marks a message for translation where it is defined; translated where it is shown."""
    return message


SENTENCES: dict[str, tuple[str, ...]] = {
    "started": (N_("Application started for %(category_name)s (%(category)s)."), N_("Application started.")),
    "started:renewal": (N_("Renewal started for %(category_name)s (%(category)s)."), N_("Renewal started.")),
    "started:reinstatement": (N_("Reinstatement started for %(category_name)s (%(category)s)."),
                              N_("Reinstatement started.")),
    "registered": (N_("Registered; the association will check your membership and registration fee."),),
    "registration_accepted": (N_("Registration accepted: complete the application and submit it."),),
    "reference_requested": (N_("Reference request sent to %(rater)s."), N_("Reference request sent.")),
    "reference_requested:again": (N_("Reference request sent again to %(rater)s."),
                                  N_("Reference request sent again.")),
    "reference_completed": (N_("Reference from %(rater)s received."), N_("Reference received.")),
    "reference_voided": (N_("The reference from %(rater)s no longer counts; please ask another rater."),
                         N_("A reference no longer counts; please ask another rater.")),
    "reference_voided:not_counted": (
        N_("The reference from %(rater)s cannot be counted; please ask another rater."),
        N_("A reference cannot be counted; please ask another rater.")),
    "reference_voided:withdrawn": (N_("You withdrew the reference from %(rater)s."),
                                   N_("You withdrew a reference.")),
    "reference_voided:rater_not_accepted": (
        N_("The association could not accept %(rater)s as a rater; please ask another rater."),
        N_("The association could not accept a rater; please ask another rater.")),
    "reference_declined": (N_("%(rater)s declined to give the reference; please ask another rater."),
                           N_("A rater declined to give the reference; please ask another rater.")),
    "submitted": (N_("Submitted for review."),),
    "resubmitted": (N_("Resubmitted (submission %(submission_number)s)."), N_("Resubmitted.")),
    "resubmitted:information_request": (
        N_("Resubmitted in response to the request for more information (submission %(submission_number)s)."),
        N_("Resubmitted in response to the request for more information.")),
    "resubmitted:deferral": (N_("Resubmitted in response to the deferral (submission %(submission_number)s)."),
                             N_("Resubmitted in response to the deferral.")),
    "review_opened": (N_("Review opened in cycle %(cycle_id)s."), N_("Review opened.")),
    "review_opened:waiting": (
        N_("Your application waits for review cycle %(cycle_id)s, which opens on %(opens_at)s."),
        N_("Your application waits for review cycle %(cycle_id)s.")),
    "returned": (N_("Returned for more information. Edit the application and resubmit it."),),
    "returned:completeness": (N_("Returned as incomplete. Edit the application and resubmit it."),),
    "deferred": (N_("Deferred. You may amend and resubmit from %(earliest_rereview_on)s."),
                 N_("Deferred. You may amend and resubmit later.")),
    "approved_for_exam": (N_("Approved to sit the endorsement exam."),),
    "exam_result": (N_("Exam attempt %(attempt)s (%(taken_on)s): not passed yet. You may retake it from "
                       "%(retake_eligible_on)s."),
                    N_("Exam attempt %(attempt)s (%(taken_on)s): not passed yet."),
                    N_("Exam attempt %(attempt)s: not passed yet."),
                    N_("Exam not passed yet.")),
    "exam_result:passed": (N_("Exam attempt %(attempt)s (%(taken_on)s): every part passed."),
                           N_("Exam attempt %(attempt)s: every part passed."),
                           N_("Exam passed.")),
    "endorsed": (N_("Endorsed from %(effective_date)s; the first renewal is due by %(renewal_date)s."),
                 N_("Endorsed.")),
    "endorsed:emerging": (
        N_("Endorsed from %(effective_date)s; the first renewal is due by %(renewal_date)s. Emerging: meet the "
           "remaining requirements by %(emerging_until)s."),
        N_("Endorsed from %(effective_date)s; the first renewal is due by %(renewal_date)s."),
        N_("Endorsed.")),
    "denied": (N_("Not endorsed."),),
    "withdrawn": (N_("Withdrawn: %(reason)s"), N_("Withdrawn.")),
}
"""Keys are `kind` or `kind:variant`; a variant the portal has no sentences for is said with its kind's."""

DATES = ("earliest_rereview_on", "taken_on", "retake_eligible_on", "effective_date", "renewal_date",
         "emerging_until", "opens_at", "deadline")
"""Details said as dates ("15 de diciembre de 2027"), in the association's time zone."""

_PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def _variant(kind: str, details: Mapping[str, Any]) -> str | None:  # noqa: PLR0911 - one rule per kind
    """Which of the kind's sentences fits the details (None: the kind's own)."""
    if kind == "started":
        return details.get("application_kind")
    if kind == "reference_requested":
        return "again" if details.get("again") else None
    if kind == "reference_voided":
        return details.get("cause")
    if kind == "resubmitted":
        return details.get("in_response_to")
    if kind == "review_opened":
        return "waiting" if details.get("waiting") else None
    if kind == "returned":
        return details.get("stage")
    if kind == "exam_result":
        return "passed" if details.get("passed") else None
    if kind == "endorsed":
        return "emerging" if details.get("emerging_until") else None
    return None


def sentences_for(kind: str, details: Mapping[str, Any]) -> tuple[str, ...]:
    """The sentences (English msgids, most specific first) for an entry; empty for a kind the portal does not know."""
    variant = _variant(kind, details)
    if variant and f"{kind}:{variant}" in SENTENCES:
        return SENTENCES[f"{kind}:{variant}"]
    return SENTENCES.get(kind, ())


def placeholders(message: str) -> set[str]:
    return set(_PLACEHOLDER.findall(message))


def _values(details: Mapping[str, Any], day: Formatter) -> dict[str, str]:
    values: dict[str, str] = {}
    for name, value in details.items():
        if value is None or value == "" or isinstance(value, (list, dict, bool)):
            continue
        values[name] = day(value) if name in DATES else str(value)
    if "rater_name" in values:
        values["rater"] = values["rater_name"]
    return values


def sentence(entry: Mapping[str, Any], gettext: Gettext, day: Formatter) -> str:
    """What the entry says, in the language `gettext` speaks; the API's summary for a kind the portal does not know."""
    details = entry.get("details") or {}
    values = _values(details, day)
    for message in sentences_for(str(entry.get("kind")), details):
        if placeholders(message) <= values.keys():
            return gettext(message) % {name: values[name] for name in placeholders(message)}
    return str(entry.get("summary") or "")


@dataclass(frozen=True)
class TimelineItem:
    """One entry as the page shows it: the sentence, when, and the reviewers' own words (not translated)."""

    at: str
    text: str
    items: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    recommendations: list[str] = field(default_factory=list)
    message: str | None = None


def timeline_items(entries: list[Mapping[str, Any]], gettext: Gettext, day: Formatter) -> list[TimelineItem]:
    """The entries, newest first, each in the person's language."""
    shown = []
    for entry in reversed(entries):
        details = entry.get("details") or {}
        shown.append(TimelineItem(
            at=str(entry.get("at") or ""),
            text=sentence(entry, gettext, day),
            items=[str(x) for x in details.get("items") or []],
            reasons=[str(x) for x in details.get("reasons") or []],
            recommendations=[str(x) for x in details.get("recommendations") or []],
            message=details.get("message") or None,
        ))
    return shown
