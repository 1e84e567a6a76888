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
from datetime import date
from decimal import Decimal
from typing import Any

from babel.dates import format_date
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

REASONS: dict[str, tuple[str, ...]] = {
    # Each code's sentences, most specific first: the first whose values are all known is said. Values come
    # from the reason's `params` (dates in the person's format, codes in their words), else from the progress.
    "EDUCATION_NO_QUALIFYING_ENTRY": (
        N_("None of your education entries meets the requirement: %(options)s."),
        N_("None of your education entries meets this category's education requirement. Add a qualifying "
           "degree, CDA or licence.")),
    "WORK_YEARS_SHORT": (
        N_("You have %(have_years)s of the %(need_years)s years of %(work)s needed."),
        N_("You have %(have)s of the %(need)s years of work experience needed.")),
    "WORK_FAMILIES_SHORT": (N_("You have worked with %(have)s of the %(need)s families needed."),),
    "WORK_ENTRY_NOT_COUNTED": (
        N_("Your job as %(role)s at %(employer)s does not count: %(why)s"),
        N_("One of your jobs does not count towards this requirement. Check its dates, age group and "
           "activities.")),
    "TRAINING_HOURS_SHORT": (N_("You have %(have)s of the %(need)s training hours needed."),),
    "TRAINING_DEI_HOURS_SHORT": (N_("You have %(have)s of the %(need)s hours of diversity, equity and "
                                    "inclusion training needed."),),
    "TRAINING_RSC_PROVISION_HOURS_SHORT": (N_("You have %(have)s of the %(need)s hours of training about "
                                              "providing reflective supervision needed."),),
    "TRAINING_UNTAGGED": (),
    "TRAINING_OUTSIDE_PERIOD": (),
    "RSC_HOURS_SHORT": (
        N_("You have %(have)s of the %(need)s hours of reflective supervision/consultation (RSC) needed from "
           "eligible providers within %(window_months)s months."),
        N_("You have %(have)s of the %(need)s hours of reflective supervision/consultation (RSC) needed from "
           "eligible providers.")),
    "RSC_WINDOW_TOO_SHORT": (
        N_("Your RSC covers %(have_days)s days (%(start)s to %(end)s); it must extend over at least "
           "%(need_months)s months. Add the periods of RSC you received."),
        N_("Your RSC does not cover a long enough period yet. Add the periods of RSC you received.")),
    "RSC_PROVIDER_NOT_ELIGIBLE": (
        N_("RSC from %(provider)s (%(start)s to %(end)s) does not count: a provider endorsed as "
           "%(provider_category)s is not eligible. Eligible: %(eligible)s."),),
    "RSC_FORMAT_NOT_ALLOWED": (
        N_("RSC from %(provider)s (%(start)s to %(end)s) does not count: %(format)s RSC is not accepted."),),
    "RSC_ENTRY_LONGER_THAN_WINDOW": (
        N_("The RSC period with %(provider)s (%(start)s to %(end)s) is longer than %(max_days)s days. Enter it "
           "as shorter periods."),),
    "RSC_ENTRY_AFTER_DATE": (
        N_("The RSC period with %(provider)s ends on %(end)s, after %(on)s, so it does not count yet."),),
    "RSC_OUTSIDE_PERIOD": (
        N_("RSC from %(provider)s (%(start)s to %(end)s) is not within the period counted (%(since)s to "
           "%(until)s), so it does not count."),
        N_("Some of your RSC is outside the period this renewal covers, so it does not count.")),
    "RSC_ABOUT_PROVIDING_SHORT": (N_("You have %(have)s of the %(need)s RSC hours about the supervision you "
                                     "provide."),),
    "RSC_PROVISION_NOT_DECLARED": (N_("Say whether you provide reflective supervision/consultation to "
                                      "others."),),
    "MEMBERSHIP_MISSING": (
        N_("Record your membership of the association or of another infant mental health association."),
        N_("Record your membership of the association.")),
    "MEMBERSHIP_EXPIRED": (
        N_("Your membership expired on %(expired_on)s. Record your renewed membership."),
        N_("Your membership has expired. Record your renewed membership.")),
    "MEMBERSHIP_NOT_INDIVIDUAL": (N_("Endorsement needs an individual membership, not an organisational "
                                     "one."),),
    "MEMBERSHIP_OTHER_NOT_ACCEPTED": (
        N_("Your membership of %(association)s does not count: only membership of this association does."),
        N_("Only membership of this association counts for this category.")),
    "NOT_ATTESTED": (N_("Sign the %(document)s."),),
    "ATTESTED_BEFORE_PERIOD": (
        N_("You signed the %(document)s on %(signed_on)s, before this renewal period began on %(since)s. Sign "
           "it again."),
        N_("You signed the %(document)s before this renewal period. Sign it again.")),
    "FEE_NOT_RECORDED": (
        N_("Record your payment of the %(fee)s (%(need)s, the late amount after %(late_after)s)."),
        N_("Record your payment of the %(fee)s (%(need)s).")),
    "FEE_AMOUNT_SHORT": (
        N_("The %(fee)s recorded is %(have)s, but %(need)s is due (the late amount after %(late_after)s)."),
        N_("The %(fee)s recorded is %(have)s, but %(need)s is due.")),
    "REGISTRATION_NOT_REGISTERED": (N_("Record the registration fee, then register. The association then "
                                       "accepts your registration."),),
    "REGISTRATION_AWAITING_ACCEPTANCE": (N_("The association has not accepted your registration yet. You "
                                            "will get an email when it does."),),
    "REFERENCE_MISSING": (N_("Reference %(slot)s: name a rater (%(raters)s)."),
                          N_("Reference %(slot)s: name a rater.")),
    "REFERENCE_PENDING": (N_("Reference %(slot)s: %(rater)s has not completed the reference yet."),),
    "REFERENCE_VOIDED": (
        N_("Reference %(slot)s: the reference from %(rater)s was voided (%(void_reason)s). Name another "
           "rater."),
        N_("Reference %(slot)s: the reference was voided. Name another rater.")),
    "REFERENCE_EXPIRED": (
        N_("Reference %(slot)s: the reference %(rater)s completed on %(completed_on)s counted until "
           "%(valid_until)s. Ask for a new one."),
        N_("Reference %(slot)s: the reference is too old to count. Ask for a new one.")),
    "REFERENCE_AFTER_DATE": (
        N_("Reference %(slot)s: %(rater)s completed the reference on %(completed_on)s, after %(on)s."),
        N_("Reference %(slot)s: the reference was completed after the date checked.")),
    "REFERENCE_NOT_ENOUGH_INFORMATION": (
        N_("Reference %(slot)s: %(rater)s could not rate more items than the rules allow "
           "(%(max_not_enough_information)s). Name another rater."),
        N_("Reference %(slot)s: the rater could not rate enough items. Name another rater.")),
    "REFERENCE_RATER_NOT_ALLOWED": (
        N_("Reference %(slot)s: this reference needs a rater endorsed %(endorsed_at_or_above)s or higher. "
           "Replace %(rater)s."),
        N_("Reference %(slot)s: the rules do not accept the role of %(rater)s (%(rater_kind)s) for this "
           "reference. Replace the rater."),
        N_("Reference %(slot)s: this rater is not one the rules allow for this reference. Replace the rater.")),
    "REFERENCE_VETTING_PENDING": (
        N_("Reference %(slot)s: %(rater)s is not endorsed %(endorsed_at_or_above)s or higher, so the "
           "association must approve the rater first."),
        N_("Reference %(slot)s: the association has not approved this rater yet.")),
    "REFERENCES_NO_ENDORSED_RATER": (
        N_("At least one of your raters must be endorsed %(endorsed_at_or_above)s or higher."),
        N_("At least one of your raters must hold an endorsement at the level the rules ask for.")),
    "REFERENCES_BEFORE_LAPSE": (
        N_("Only %(have)s of the %(need)s references were completed after your endorsement lapsed on "
           "%(lapsed_on)s; earlier ones do not count. Ask for new ones."),
        N_("Some references were completed before your endorsement lapsed. Ask for new ones.")),
    "NEW_REFERENCES_SHORT": (
        N_("You have %(have)s of the %(need)s references completed since your endorsement lapsed on "
           "%(lapsed_on)s."),
        N_("You need more references completed since your endorsement lapsed.")),
    "RENEWAL_TRAINING_HOURS_SHORT": (
        N_("You have %(have)s of the %(need)s training hours needed from %(since)s to %(until)s."),
        N_("You have %(have)s of the %(need)s training hours needed this year.")),
    "RENEWAL_DEI_HOURS_SHORT": (
        N_("You have %(have)s of the %(need)s hours of diversity, equity and inclusion training needed from "
           "%(since)s to %(until)s."),
        N_("You have %(have)s of the %(need)s hours of diversity, equity and inclusion training needed this "
           "year.")),
    "RENEWAL_RSC_PROVISION_HOURS_SHORT": (
        N_("You have %(have)s of the %(need)s hours of training about providing reflective supervision needed "
           "from %(since)s to %(until)s."),
        N_("You have %(have)s of the %(need)s hours of training about providing reflective supervision needed "
           "this year.")),
    "RENEWAL_RSC_HOURS_SHORT": (
        N_("You have %(have)s of the %(need)s RSC hours needed from %(since)s to %(until)s."),
        N_("You have %(have)s of the %(need)s RSC hours needed this year.")),
    "NO_RENEWAL_RULES": (N_("The association takes no renewals for this category under the rules in force "
                            "(%(rule_set_version)s). Contact the association."),
                         N_("The association takes no renewals for this category under the rules in force. "
                            "Contact the association.")),
    "NO_REINSTATEMENT_RULES": (N_("The association takes no reinstatements for this category under the rules "
                                  "in force (%(rule_set_version)s). Contact the association."),
                               N_("The association takes no reinstatements for this category under the rules "
                                  "in force. Contact the association.")),
}
COUNTED: dict[str, tuple[str, str]] = {
    # (one, several) by the reason's `count`: English and Spanish both have two forms.
    "TRAINING_UNTAGGED": (
        N_("One of your trainings has no competency ticked, so it does not count. Tick the competencies it "
           "covered."),
        N_("%(count)s of your trainings have no competency ticked, so they do not count. Tick the competencies "
           "each one covered.")),
    "TRAINING_OUTSIDE_PERIOD": (
        N_("One of your trainings was completed outside the period counted (%(since)s to %(until)s), so it "
           "does not count."),
        N_("%(count)s of your trainings were completed outside the period counted (%(since)s to %(until)s), "
           "so they do not count.")),
}
COUNTED_FALLBACK: dict[str, str] = {
    "TRAINING_UNTAGGED": N_("Some of your training has no competency ticked, so it does not count. Tick the "
                            "competencies each training covered."),
    "TRAINING_OUTSIDE_PERIOD": N_("Some of your training is outside the period this renewal covers, so it does "
                                  "not count."),
}
VARIANT_FLAGS: dict[str, str] = {"MEMBERSHIP_MISSING": "other_association_accepted"}
"""Codes whose first sentence is said only when this 0/1 param is 1 (the second otherwise)."""

ACTIVITIES: dict[str, str] = {
    "direct_service": N_("direct service work"),
    "infant_parent_intervention": N_("infant-parent intervention work"),
    "rsc_provision": N_("work providing reflective supervision/consultation"),
    "leadership": N_("leadership work"),
    "policy_administration": N_("policy and administration work"),
    "teaching_research": N_("teaching and research work"),
}
AGE_BANDS: dict[str, str] = {"0-3": N_("0 to 3"), "3-6": N_("3 to 6"), "0-6": N_("0 to 6")}
WHY_NOT_COUNTED: dict[str, str] = {
    "starts_after": N_("it starts after %(on)s."),
    "not_activity": N_("it is not %(activity)s."),
    "age_band": N_("it was with children aged %(entry_ages)s, and this requirement is about children aged "
                   "%(ages)s."),
    "not_supervised": N_("the work must have been supervised."),
    "volunteer_not_counted": N_("only paid work counts."),
    "volunteer_unsupervised": N_("volunteer work counts only when it was supervised."),
    "volunteer_untrained": N_("volunteer work counts only when it included specialised training."),
}
DEGREE_LEVELS: dict[str, str] = {"associate": N_("an associate degree or higher"),
                                 "bachelor": N_("a bachelor's degree or higher"),
                                 "master": N_("a master's degree or higher"),
                                 "doctorate": N_("a doctoral degree")}
RATER_KINDS: dict[str, str] = {
    "supervisor": N_("supervisor"), "teacher": N_("teacher"), "cda_mentor": N_("CDA mentor"),
    "instructor": N_("instructor"), "trainer": N_("trainer"), "consultant": N_("consultant"),
    "colleague": N_("colleague"), "rsc_provider": N_("RSC provider"), "supervisee": N_("supervisee"),
    "rsc_recipient": N_("RSC recipient"), "service_recipient": N_("service recipient"),
    "endorsed_or_vetted": N_("endorsed or approved rater"),
}
VOID_REASONS: dict[str, str] = {
    "not_enough_information": N_("not enough information"), "withdrawn": N_("withdrawn"),
    "vetting_refused": N_("the association did not approve the rater"), "declined": N_("the rater declined"),
}
FORMATS: dict[str, str] = {"individual": N_("individual"), "group": N_("group")}
DOCUMENTS: dict[str, str] = {"code_of_ethics": N_("Code of Ethics"),
                             "endorsement_agreement": N_("Endorsement Agreement")}
FEES: dict[str, str] = {"registration": N_("registration fee"), "processing": N_("processing fee"),
                        "renewal": N_("renewal fee")}
DATE_KEYS = frozenset({"start", "end", "on", "since", "until", "expired_on", "completed_on", "valid_until",
                       "lapsed_on", "late_after", "signed_on"})
NUMBER_KEYS = frozenset({"have", "need", "have_years", "need_years", "have_days", "need_days", "count", "hours",
                         "max_days", "window_months", "need_months"})

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
        """The reason's sentence in the person's language, or the API's English message when the portal has no
        sentence for its code or the values it needs are missing (never a blank)."""
        code = str(reason.get("code", ""))
        message = str(reason.get("message", ""))
        params = reason.get("params")
        params = params if isinstance(params, Mapping) else {}
        values = self._values(requirement, params)
        for template in self._templates(code, params):
            if set(_PLACEHOLDER.findall(template)) <= values.keys():
                return ReasonLine(code, self._(template) % values, translated=True)
        return ReasonLine(code, _sentence(message), translated=False)

    def _templates(self, code: str, params: Mapping[str, Any]) -> tuple[str, ...]:
        if code in COUNTED:
            count = params.get("count")
            one, several = COUNTED[code]
            found = (one if count == 1 else several,) if isinstance(count, int) else ()
            return (*found, COUNTED_FALLBACK[code])
        templates = REASONS.get(code, ())
        flag = VARIANT_FLAGS.get(code)
        if flag is not None and len(templates) > 1 and params.get(flag) != 1:
            return templates[1:]
        return templates

    def date(self, value: str) -> str:
        try:
            return format_date(date.fromisoformat(value), format="long", locale=self.lang)
        except ValueError:
            return value

    def money(self, cents: float, currency: str | None = None) -> str:
        return format_currency(Decimal(str(cents)) / 100, currency or self.currency, locale=self.lang)

    def _values(self, requirement: Mapping[str, Any], params: Mapping[str, Any]) -> dict[str, str]:
        values: dict[str, str] = {}
        progress = requirement.get("progress") or {}
        req_code = str(requirement.get("code", ""))
        if progress:
            unit = str(progress.get("unit", ""))
            values["have"] = self.quantity(float(progress.get("have", 0)), unit)
            values["need"] = self.quantity(float(progress.get("need", 0)), unit)
        if req_code in DOCUMENT_BY_REQUIREMENT:
            values["document"] = self._(DOCUMENT_BY_REQUIREMENT[req_code])
        if req_code in FEE_BY_REQUIREMENT:
            values["fee"] = self._(FEE_BY_REQUIREMENT[req_code])
        values.update(self._params(params))
        return values

    def _params(self, params: Mapping[str, Any]) -> dict[str, str]:
        """Each param in the person's words: dates and numbers in their format, money with its currency, codes
        (documents, fees, rater kinds, activities, age bands, …) translated; names as given."""
        values: dict[str, str] = {}
        words = {"document": DOCUMENTS, "fee": FEES, "format": FORMATS, "void_reason": VOID_REASONS,
                 "rater_kind": RATER_KINDS}
        for key, value in params.items():
            if isinstance(value, bool) or value is None:
                continue
            if key in DATE_KEYS:
                values[key] = self.date(str(value))
            elif key in NUMBER_KEYS and isinstance(value, (int, float)):
                values[key] = self.number(value)
            elif key in words:
                known = words[key].get(str(value))
                values[key] = self._(known) if known else str(value).replace("_", " ")
            elif isinstance(value, (str, int, float)):
                values[str(key)] = str(value)
        currency = str(params.get("currency") or self.currency)
        for key in ("have", "need"):
            cents = params.get(f"{key}_cents")
            if isinstance(cents, (int, float)) and not isinstance(cents, bool):
                values[key] = self.money(cents, currency)
        if "raters" in params:
            values["raters"] = self.either([self._(RATER_KINDS[k]) if k in RATER_KINDS else k
                                            for k in str(params["raters"]).split(",") if k])
        if "activity" in params:
            values.update(self._work(params))
        if "options" in params:
            values["options"] = self._options(str(params["options"]))
        return self._why(params, values)

    def _why(self, params: Mapping[str, Any], values: dict[str, str]) -> dict[str, str]:
        """Why a job does not count, as a sentence (`why` stays unknown when its code or values are)."""
        why = WHY_NOT_COUNTED.get(str(params.get("why", "")))
        values.pop("why", None)
        if why is not None and set(_PLACEHOLDER.findall(why)) <= values.keys():
            values["why"] = self._(why) % values
        return values

    def _work(self, params: Mapping[str, Any]) -> dict[str, str]:
        activity_code = str(params.get("activity", ""))
        activity = ACTIVITIES.get(activity_code)
        found = {"activity": self._(activity) if activity else activity_code.replace("_", " ")}
        ages = AGE_BANDS.get(str(params.get("age_band") or ""))
        entry_ages = AGE_BANDS.get(str(params.get("entry_age_band") or ""))
        if ages is not None:
            found["ages"] = self._(ages)
        if entry_ages is not None:
            found["entry_ages"] = self._(entry_ages)
        found["work"] = (self._("%(activity)s with children aged %(ages)s") % found if ages is not None
                         else found["activity"])
        return found

    def _options(self, options: str) -> str:
        said = []
        for option in options.split(";"):
            kind, _sep, rest = option.partition(":")
            if kind == "cda":
                said.append(self._("a CDA credential"))
            elif kind == "licence":
                said.append(self._("a professional mental-health licence"))
            elif kind == "work":
                said.append(self._("%(years)s years of qualifying work") % {"years": rest})
            elif kind == "degree":
                level, _sep, related = rest.partition(":")
                degree = self._(DEGREE_LEVELS.get(level, N_("a degree")))
                said.append(self._("%(degree)s in a related field") % {"degree": degree} if related else degree)
            else:
                said.append(option)
        return self.either(said)

    def either(self, items: list[str]) -> str:
        """The items as one alternative: `a, b or c` (`a, b o c`)."""
        if len(items) <= 1:
            return "".join(items)
        return self._("%(some)s or %(last)s") % {"some": ", ".join(items[:-1]), "last": items[-1]}

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
