"""The requirement report in plain words, in the person's language.

The applications service judges; the portal only says it. Each requirement code has a translated title, each
progress a translated "18 of 30 training hours", each reason code a translated sentence filled from the reason's
`params` (when the API gives them), the requirement's progress, or what the English message names (slot numbers,
raters). A reason the portal has no sentence for, or whose sentence needs a value nobody gave, is shown with the
API's own message: never a blank.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from babel.numbers import format_currency, format_decimal

Gettext = Callable[[str], str]


def N_(message: str) -> str:
    """Marks a message for translation where it is defined; translated where it is shown."""
    return message


TITLES: dict[str, str] = {
    "EDUCATION": N_("Education"),
    "TRAINING_HOURS": N_("Training hours"),
    "TRAINING_DEI_HOURS": N_("Diversity, equity and inclusion training"),
    "TRAINING_RSC_PROVISION_HOURS": N_("Training about providing reflective supervision"),
    "RSC_HOURS": N_("Reflective supervision/consultation (RSC) hours"),
    "RSC_ABOUT_PROVIDING_HOURS": N_("RSC about the RSC you provide"),
    "MEMBERSHIP": N_("Membership"),
    "ATTESTATION_CODE_OF_ETHICS": N_("Code of Ethics"),
    "ATTESTATION_ENDORSEMENT_AGREEMENT": N_("Endorsement Agreement"),
    "FEE_REGISTRATION": N_("Registration fee"),
    "FEE_PROCESSING": N_("Processing fee"),
    "FEE_RENEWAL": N_("Renewal fee"),
    "REGISTRATION_ACCEPTED": N_("Registration accepted"),
    "REFERENCES": N_("References"),
    "RENEWAL_TRAINING_HOURS": N_("Training hours this year"),
    "RENEWAL_DEI_HOURS": N_("Diversity, equity and inclusion training this year"),
    "RENEWAL_RSC_PROVISION_HOURS": N_("Training about providing reflective supervision this year"),
    "RENEWAL_RSC_HOURS": N_("RSC hours this year"),
    "RSC_PROVISION_DECLARED": N_("Whether you provide RSC"),
    "REINSTATEMENT_NEW_REFERENCES": N_("New references"),
    "RENEWAL_RULES": N_("Renewal rules"),
    "REINSTATEMENT_RULES": N_("Reinstatement rules"),
    "WORK_DIRECT_SERVICE": N_("Work experience: direct service"),
    "WORK_INFANT_PARENT_INTERVENTION": N_("Work experience: infant-parent intervention"),
    "WORK_RSC_PROVISION": N_("Work experience: providing RSC"),
    "WORK_LEADERSHIP": N_("Work experience: leadership"),
    "WORK_POLICY_ADMINISTRATION": N_("Work experience: policy and administration"),
    "WORK_TEACHING_RESEARCH": N_("Work experience: teaching and research"),
}

PROGRESS_BY_CODE: dict[str, str] = {
    "TRAINING_HOURS": N_("%(have)s of %(need)s training hours"),
    "RENEWAL_TRAINING_HOURS": N_("%(have)s of %(need)s training hours"),
    "TRAINING_DEI_HOURS": N_("%(have)s of %(need)s hours of equity training"),
    "RENEWAL_DEI_HOURS": N_("%(have)s of %(need)s hours of equity training"),
    "RSC_HOURS": N_("%(have)s of %(need)s RSC hours"),
    "RENEWAL_RSC_HOURS": N_("%(have)s of %(need)s RSC hours"),
}
PROGRESS_BY_UNIT: dict[str, str] = {
    "hours": N_("%(have)s of %(need)s hours"),
    "days": N_("%(have)s of %(need)s years"),
    "families": N_("%(have)s of %(need)s families"),
    "cents": N_("%(have)s of %(need)s paid"),
    "references": N_("%(have)s of %(need)s references complete"),
}
"""Work is counted in days by the API and said in years (365 days a year)."""

REASONS: dict[str, str] = {
    "EDUCATION_NO_QUALIFYING_ENTRY": N_("None of your education entries meets this category's education "
                                        "requirement. Add a qualifying degree, CDA or licence."),
    "WORK_YEARS_SHORT": N_("You have %(have)s of the %(need)s years of work experience needed."),
    "WORK_FAMILIES_SHORT": N_("You have worked with %(have)s of the %(need)s families needed."),
    "WORK_ENTRY_NOT_COUNTED": N_("One of your jobs does not count towards this requirement. Check its dates, "
                                 "age group and activities."),
    "TRAINING_HOURS_SHORT": N_("You have %(have)s of the %(need)s training hours needed."),
    "TRAINING_DEI_HOURS_SHORT": N_("You have %(have)s of the %(need)s hours of diversity, equity and "
                                   "inclusion training needed."),
    "TRAINING_RSC_PROVISION_HOURS_SHORT": N_("You have %(have)s of the %(need)s hours of training about "
                                             "providing reflective supervision needed."),
    "TRAINING_UNTAGGED": N_("Some of your training has no competency ticked, so it does not count. Tick the "
                            "competencies each training covered."),
    "TRAINING_OUTSIDE_PERIOD": N_("Some of your training is outside the period this renewal covers, so it does "
                                  "not count."),
    "RSC_HOURS_SHORT": N_("You have %(have)s of the %(need)s hours of reflective supervision/consultation (RSC) "
                          "needed from eligible providers."),
    "RSC_WINDOW_TOO_SHORT": N_("Your RSC does not cover a long enough period yet. Add the periods of RSC you "
                               "received."),
    "RSC_PROVIDER_NOT_ELIGIBLE": N_("RSC from %(provider)s does not count: the provider's endorsement does not "
                                    "qualify for this category."),
    "RSC_FORMAT_NOT_ALLOWED": N_("RSC from %(provider)s does not count in that format (group or individual)."),
    "RSC_ENTRY_LONGER_THAN_WINDOW": N_("The RSC period with %(provider)s is longer than the rules allow. Split "
                                       "it into shorter periods."),
    "RSC_ENTRY_AFTER_DATE": N_("The RSC period with %(provider)s ends after the date checked, so it does not "
                               "count yet."),
    "RSC_OUTSIDE_PERIOD": N_("Some of your RSC is outside the period this renewal covers, so it does not count."),
    "RSC_ABOUT_PROVIDING_SHORT": N_("You have %(have)s of the %(need)s RSC hours about the supervision you "
                                    "provide."),
    "RSC_PROVISION_NOT_DECLARED": N_("Say whether you provide reflective supervision/consultation to others."),
    "MEMBERSHIP_MISSING": N_("Record your membership of the association."),
    "MEMBERSHIP_EXPIRED": N_("Your membership has expired. Record your renewed membership."),
    "MEMBERSHIP_NOT_INDIVIDUAL": N_("Endorsement needs an individual membership, not an organisational one."),
    "MEMBERSHIP_OTHER_NOT_ACCEPTED": N_("Only membership of this association counts for this category."),
    "NOT_ATTESTED": N_("Sign the %(document)s."),
    "ATTESTED_BEFORE_PERIOD": N_("You signed the %(document)s before this renewal period. Sign it again."),
    "FEE_NOT_RECORDED": N_("Record your payment of the %(fee)s (%(need)s)."),
    "FEE_AMOUNT_SHORT": N_("The %(fee)s recorded is %(have)s, but %(need)s is due."),
    "REGISTRATION_NOT_REGISTERED": N_("Record the registration fee, then register. The association then "
                                      "accepts your registration."),
    "REGISTRATION_AWAITING_ACCEPTANCE": N_("The association has not accepted your registration yet. You will "
                                           "get an email when it does."),
    "REFERENCE_MISSING": N_("Reference %(slot)s: name a rater."),
    "REFERENCE_PENDING": N_("Reference %(slot)s: %(rater)s has not completed the reference yet."),
    "REFERENCE_VOIDED": N_("Reference %(slot)s: the reference was voided. Name another rater."),
    "REFERENCE_EXPIRED": N_("Reference %(slot)s: the reference is too old to count. Ask for a new one."),
    "REFERENCE_AFTER_DATE": N_("Reference %(slot)s: the reference was completed after the date checked."),
    "REFERENCE_NOT_ENOUGH_INFORMATION": N_("Reference %(slot)s: the rater could not rate enough items. Name "
                                           "another rater."),
    "REFERENCE_RATER_NOT_ALLOWED": N_("Reference %(slot)s: this rater is not one the rules allow for this "
                                      "reference. Replace the rater."),
    "REFERENCE_VETTING_PENDING": N_("Reference %(slot)s: the association has not approved this rater yet."),
    "REFERENCES_NO_ENDORSED_RATER": N_("At least one of your raters must hold an endorsement at the level the "
                                       "rules ask for."),
    "REFERENCES_BEFORE_LAPSE": N_("Some references were completed before your endorsement lapsed. Ask for new "
                                  "ones."),
    "NEW_REFERENCES_SHORT": N_("You need more references completed since your endorsement lapsed."),
    "RENEWAL_TRAINING_HOURS_SHORT": N_("You have %(have)s of the %(need)s training hours needed this year."),
    "RENEWAL_DEI_HOURS_SHORT": N_("You have %(have)s of the %(need)s hours of diversity, equity and inclusion "
                                  "training needed this year."),
    "RENEWAL_RSC_PROVISION_HOURS_SHORT": N_("You have %(have)s of the %(need)s hours of training about "
                                            "providing reflective supervision needed this year."),
    "RENEWAL_RSC_HOURS_SHORT": N_("You have %(have)s of the %(need)s RSC hours needed this year."),
}

DOCUMENT_BY_REQUIREMENT: dict[str, str] = {
    "ATTESTATION_CODE_OF_ETHICS": N_("Code of Ethics"),
    "ATTESTATION_ENDORSEMENT_AGREEMENT": N_("Endorsement Agreement"),
}
FEE_BY_REQUIREMENT: dict[str, str] = {
    "FEE_REGISTRATION": N_("registration fee"),
    "FEE_PROCESSING": N_("processing fee"),
    "FEE_RENEWAL": N_("renewal fee"),
}
FIXED_AT: dict[str, str] = {"registration": "check", "category": "requirements"}
"""Tabs of the report that are not form pages: where the person fixes them instead."""

_SLOT = re.compile(r"\bslot (\d+)")
_RATER_PENDING = re.compile(r": (.+?) has not completed")
_PROVIDER = re.compile(r"RSC from (.+?) \(")
_PLACEHOLDER = re.compile(r"%\((\w+)\)s")


@dataclass(frozen=True)
class ReasonLine:
    code: str
    text: str
    translated: bool


@dataclass(frozen=True)
class RequirementLine:
    code: str
    tab: str
    fix_path: str
    met: bool
    title: str
    progress_text: str | None
    have: float | None
    need: float | None
    reasons: list[ReasonLine] = field(default_factory=list)
    detail: str = ""


class Phraser:
    """Says a requirement report in one language (`gettext` of that language, `lang` for numbers and money)."""

    def __init__(self, gettext: Gettext, lang: str, currency: str = "USD") -> None:
        self._ = gettext
        self.lang = lang
        self.currency = currency

    def number(self, value: float | Decimal) -> str:
        return format_decimal(Decimal(str(value)).normalize(), locale=self.lang, decimal_quantization=False)

    def quantity(self, value: float, unit: str) -> str:
        if unit == "cents":
            return format_currency(Decimal(str(value)) / 100, self.currency, locale=self.lang)
        if unit == "days":
            return format_decimal(round(Decimal(str(value)) / 365, 1).normalize(), locale=self.lang)
        return self.number(value)

    def title(self, code: str) -> str:
        known = TITLES.get(code)
        if known is not None:
            return self._(known)
        return code.replace("_", " ").capitalize()

    def progress(self, code: str, progress: Mapping[str, Any] | None) -> str | None:
        if not progress:
            return None
        unit = str(progress.get("unit", ""))
        template = PROGRESS_BY_CODE.get(code) or PROGRESS_BY_UNIT.get(unit)
        have = self.quantity(float(progress.get("have", 0)), unit)
        need = self.quantity(float(progress.get("need", 0)), unit)
        if template is None:
            return f"{have} / {need} {unit}".strip()
        return self._(template) % {"have": have, "need": need}

    def reason(self, requirement: Mapping[str, Any], reason: Mapping[str, Any]) -> ReasonLine:
        code = str(reason.get("code", ""))
        message = str(reason.get("message", ""))
        template = REASONS.get(code)
        if template is None:
            return ReasonLine(code, _sentence(message), translated=False)
        values = self._values(requirement, reason)
        wanted = set(_PLACEHOLDER.findall(template))
        if not wanted <= values.keys():
            return ReasonLine(code, _sentence(message), translated=False)
        return ReasonLine(code, self._(template) % values, translated=True)

    def _values(self, requirement: Mapping[str, Any], reason: Mapping[str, Any]) -> dict[str, str]:
        values: dict[str, str] = {}
        progress = requirement.get("progress") or {}
        req_code = str(requirement.get("code", ""))
        message = str(reason.get("message", ""))
        if progress:
            unit = str(progress.get("unit", ""))
            values["have"] = self.quantity(float(progress.get("have", 0)), unit)
            values["need"] = self.quantity(float(progress.get("need", 0)), unit)
        if req_code in DOCUMENT_BY_REQUIREMENT:
            values["document"] = self._(DOCUMENT_BY_REQUIREMENT[req_code])
        if req_code in FEE_BY_REQUIREMENT:
            values["fee"] = self._(FEE_BY_REQUIREMENT[req_code])
        if match := _SLOT.search(message):
            values["slot"] = match[1]
        if match := _RATER_PENDING.search(message):
            values["rater"] = match[1]
        if match := _PROVIDER.search(message):
            values["provider"] = match[1]
        params = reason.get("params")
        if isinstance(params, Mapping):
            values.update(self._params(params, str(progress.get("unit", ""))))
        return values

    def _params(self, params: Mapping[str, Any], unit: str) -> dict[str, str]:
        values: dict[str, str] = {}
        for key, value in params.items():
            if isinstance(value, bool) or value is None:
                continue
            if isinstance(value, (int, float)) and key in ("have", "need"):
                values[key] = self.quantity(float(value), str(params.get("unit", unit)))
            elif isinstance(value, (str, int, float)):
                values[str(key)] = str(value)
        for alias, key in (("provider_name", "provider"), ("rater_name", "rater")):
            if alias in params and key not in values:
                values[key] = str(params[alias])
        return values

    def report(self, application_id: str, report: Mapping[str, Any]) -> list[RequirementLine]:
        lines = []
        for requirement in report.get("requirements", []):
            code = str(requirement.get("code", ""))
            tab = str(requirement.get("tab", ""))
            progress = requirement.get("progress")
            met = bool(requirement.get("met"))
            lines.append(RequirementLine(
                code=code, tab=tab, fix_path=fix_path(application_id, tab), met=met, title=self.title(code),
                progress_text=self.progress(code, progress),
                have=float(progress["have"]) if progress else None,
                need=float(progress["need"]) if progress else None,
                reasons=[] if met else [self.reason(requirement, r) for r in requirement.get("reasons", [])],
                detail=str(requirement.get("detail", "")),
            ))
        return lines


def fix_path(application_id: str, tab: str) -> str:
    """The portal page where a requirement of `tab` is fixed."""
    page = FIXED_AT.get(tab, tab)
    return f"/apply/{application_id}/{page}"


def _sentence(message: str) -> str:
    message = message.strip()
    if not message:
        return message
    text = message[0].upper() + message[1:]
    return text if text.endswith((".", "!", "?")) else text + "."
