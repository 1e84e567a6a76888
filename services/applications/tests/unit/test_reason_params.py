"""Every reason code the requirement checker can produce, with the `params` a reader needs to phrase it in another
language (numbers, ISO dates, slot numbers, names, codes).

`REASON_CODES` is the list the portal's tests keep too (services/portal/tests/apply/test_reason_sentences.py): the
portal may not import this service, so the two lists are kept in step by review. `test_the_codes_the_checks_can_
produce_are_the_listed_ones` reads the checks' source, so a new code fails here until it is listed (and phrased).
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from uuid import uuid4

import pytest
from applications.domain import (
    AgeBand,
    Attestation,
    AttestationKind,
    Evidence,
    FeeKind,
    FeePayment,
    Membership,
    RscEntry,
    RscFormat,
    TrainingEntry,
    WorkActivity,
    WorkEntry,
    check_requirements,
)
from applications.domain.checks import Reason
from applications.domain.checks.admin import check_attestations, check_fees, check_membership
from applications.domain.checks.education import check_education
from applications.domain.checks.references import check_references
from applications.domain.checks.registration import RegistrationState, check_registration
from applications.domain.checks.rsc import check_rsc
from applications.domain.checks.training import check_training
from applications.domain.checks.work import check_work
from applications.domain.reference_data import Vetting, VoidReason
from applications.domain.renewals import ApplicationKind, RenewalContext
from applications.domain.rules import MembershipRule, RaterRole, ReferenceSlot, RegistrationRule
from reference_builders import satisfying_references
from rule_builders import TAG, shipped

REASON_CODES = [
    "ATTESTED_BEFORE_PERIOD",
    "EDUCATION_NO_QUALIFYING_ENTRY",
    "FEE_AMOUNT_SHORT",
    "FEE_NOT_RECORDED",
    "MEMBERSHIP_EXPIRED",
    "MEMBERSHIP_MISSING",
    "MEMBERSHIP_NOT_INDIVIDUAL",
    "MEMBERSHIP_OTHER_NOT_ACCEPTED",
    "NEW_REFERENCES_SHORT",
    "NOT_ATTESTED",
    "NO_REINSTATEMENT_RULES",
    "NO_RENEWAL_RULES",
    "REFERENCES_BEFORE_LAPSE",
    "REFERENCES_NO_ENDORSED_RATER",
    "REFERENCE_AFTER_DATE",
    "REFERENCE_EXPIRED",
    "REFERENCE_MISSING",
    "REFERENCE_NOT_ENOUGH_INFORMATION",
    "REFERENCE_PENDING",
    "REFERENCE_RATER_NOT_ALLOWED",
    "REFERENCE_VETTING_PENDING",
    "REFERENCE_VOIDED",
    "REGISTRATION_AWAITING_ACCEPTANCE",
    "REGISTRATION_NOT_REGISTERED",
    "RENEWAL_DEI_HOURS_SHORT",
    "RENEWAL_RSC_HOURS_SHORT",
    "RENEWAL_RSC_PROVISION_HOURS_SHORT",
    "RENEWAL_TRAINING_HOURS_SHORT",
    "RSC_ABOUT_PROVIDING_SHORT",
    "RSC_ENTRY_AFTER_DATE",
    "RSC_ENTRY_LONGER_THAN_WINDOW",
    "RSC_FORMAT_NOT_ALLOWED",
    "RSC_HOURS_SHORT",
    "RSC_OUTSIDE_PERIOD",
    "RSC_PROVIDER_NOT_ELIGIBLE",
    "RSC_PROVISION_NOT_DECLARED",
    "RSC_WINDOW_TOO_SHORT",
    "TRAINING_DEI_HOURS_SHORT",
    "TRAINING_HOURS_SHORT",
    "TRAINING_OUTSIDE_PERIOD",
    "TRAINING_RSC_PROVISION_HOURS_SHORT",
    "TRAINING_UNTAGGED",
    "WORK_ENTRY_NOT_COUNTED",
    "WORK_FAMILIES_SHORT",
    "WORK_YEARS_SHORT",
]
CHECKS = Path(__file__).resolve().parents[2] / "applications" / "domain" / "checks"

ON = date(2026, 3, 1)
IFS = shipped("IFS", ON)
IFA = shipped("IFA", ON)
IMHM_C = shipped("IMHM-C", ON)
RENEWAL_ON = date(2026, 11, 2)
"""The 2026 renewal period of IFS starts on 2025-12-16, its due date is 2026-12-15."""


def produced(code: str, found: list[Reason]) -> dict[str, Any]:
    """The params of the first reason of `code` among `found` (the first slot, the first hours part)."""
    return dict(next(r for r in found if r.code == code).params)


def reasons_of(results: Any) -> list[Reason]:
    return [reason for result in results if result is not None for reason in result.reasons]


def rsc(provider: str, category: str, hours: str, start: date, end: date, **changes: Any) -> RscEntry:
    return replace(RscEntry(provider, category, Decimal(hours), start, end, RscFormat.INDIVIDUAL), **changes)


def work(**changes: Any) -> WorkEntry:
    entry = WorkEntry("Early Head Start", "Home visitor", date(2025, 3, 1), date(2026, 2, 28), paid=True,
                      supervised=True, families_served=4, age_band=AgeBand.INFANT_TODDLER,
                      activities=(WorkActivity.DIRECT_SERVICE,))
    return replace(entry, **changes)


def training(hours: str, completed_on: date, tags: tuple[str, ...] = (TAG,), dei: str = "0",
             provision: str = "0") -> TrainingEntry:
    return TrainingEntry("Foundations", "ITMHCA", completed_on, Decimal(hours), tags, Decimal(dei),
                         Decimal(provision))


def renewal(**changes: Any) -> Evidence:
    context = RenewalContext(ApplicationKind.RENEWAL, uuid4(), renewal_year=2026, provides_rsc=True)
    evidence = Evidence(membership=Membership("ITMHCA", RENEWAL_ON + timedelta(days=365), "M-1"), renewal=context)
    return replace(evidence, **changes)


def renewal_reasons(evidence: Evidence, on: date = RENEWAL_ON) -> list[Reason]:
    return reasons_of(check_requirements(evidence, IFS, on).results)


def reinstatement_reasons(evidence: Evidence, rules: Any = IFS) -> list[Reason]:
    context = RenewalContext(ApplicationKind.REINSTATEMENT, uuid4(), lapsed_on=date(2025, 12, 1))
    return reasons_of(check_requirements(replace(evidence, renewal=context), rules, ON).results)


def references(**changes: Any) -> list[Reason]:
    first, second, third = satisfying_references(IFS, ON)
    return reasons_of(check_references(IFS.references, (replace(first, **changes), second, third), ON))


FIRST_SLOT = {"slot": 1, "raters": "supervisor,teacher,trainer,consultant", "rater": "Rater 1"}
IFS_PROVIDERS = "IFRS, IMHS + ERS, IFS + ERS, IMHM-C"
CASES: dict[str, Callable[[], tuple[list[Reason], dict[str, Any]]]] = {
    "EDUCATION_NO_QUALIFYING_ENTRY": lambda: (
        reasons_of([check_education(IFA.education, (), (), ON)]),
        {"options": "cda;degree:associate:related;work:2"}),
    "WORK_YEARS_SHORT": lambda: (
        reasons_of([check_work(IFS.work[0], (work(),), ON)]),
        {"have_days": 365, "need_days": 730, "have_years": 1.0, "need_years": 2.0,
         "work": "paid direct service work with children aged 0-3", "activity": "direct_service", "age_band": "0-3",
         "supervised_required": 0, "volunteer_counts": 0}),
    "WORK_FAMILIES_SHORT": lambda: (
        reasons_of([check_work(IFS.work[0], (work(),), ON)]),
        {"have": 4, "need": 10, "activity": "direct_service", "age_band": "0-3", "supervised_required": 0,
         "volunteer_counts": 0}),
    "WORK_ENTRY_NOT_COUNTED": lambda: (
        reasons_of([check_work(IFS.work[0], (work(), work(age_band=AgeBand.EARLY_CHILDHOOD, role="Teacher")), ON)]),
        {"role": "Teacher", "employer": "Early Head Start", "why": "age_band", "start": "2025-03-01",
         "on": "2026-03-01", "entry_age_band": "3-6", "activity": "direct_service", "age_band": "0-3",
         "supervised_required": 0, "volunteer_counts": 0}),
    "TRAINING_HOURS_SHORT": lambda: (
        reasons_of(check_training(IFS.training, (training("18", date(2025, 6, 1)),), ON)),
        {"have": 18.0, "need": float(IFS.training.min_hours)}),
    "TRAINING_DEI_HOURS_SHORT": lambda: (
        reasons_of(check_training(replace(IFS.training, min_dei_hours=Decimal(2)),
                                  (training("40", date(2025, 6, 1), dei="1.5"),), ON)),
        {"have": 1.5, "need": 2.0}),
    "TRAINING_RSC_PROVISION_HOURS_SHORT": lambda: (
        reasons_of(check_training(replace(IFS.training, min_rsc_provision_hours=Decimal(3)),
                                  (training("40", date(2025, 6, 1), provision="1"),), ON)),
        {"have": 1.0, "need": 3.0}),
    "TRAINING_UNTAGGED": lambda: (
        reasons_of(check_training(IFS.training, (training("6.5", date(2025, 6, 1), tags=()),), ON)),
        {"count": 1, "hours": 6.5}),
    "RSC_HOURS_SHORT": lambda: (
        reasons_of(check_rsc(IFS.rsc, (rsc("Rita Moreno", "IFRS", "12", date(2025, 1, 1), date(2026, 1, 31)),),
                             ON)),
        {"have": 12.0, "need": 24.0, "window_months": 24}),
    "RSC_WINDOW_TOO_SHORT": lambda: (
        reasons_of(check_rsc(IFS.rsc, (rsc("Rita Moreno", "IFRS", "24", date(2025, 6, 1), date(2025, 12, 31)),),
                             ON)),
        {"have_days": 214, "need_days": 365, "need_months": 12, "start": "2025-06-01", "end": "2025-12-31"}),
    "RSC_ABOUT_PROVIDING_SHORT": lambda: (
        reasons_of(check_rsc(IMHM_C.rsc, (rsc("Rita Moreno", "IMHM-C", "50", date(2025, 1, 1), date(2026, 1, 31),
                                              hours_about_providing_rsc=Decimal(20)),), ON)),
        {"have": 20.0, "need": 25.0}),
    "RSC_ENTRY_AFTER_DATE": lambda: (
        reasons_of(check_rsc(IFS.rsc, (rsc("Ana Ruiz", "IFRS", "24", date(2025, 1, 1), date(2026, 3, 2)),), ON)),
        {"provider": "Ana Ruiz", "start": "2025-01-01", "end": "2026-03-02", "format": "individual",
         "provider_category": "IFRS", "on": "2026-03-01"}),
    "RSC_PROVIDER_NOT_ELIGIBLE": lambda: (
        reasons_of(check_rsc(IFS.rsc, (rsc("Ana Ruiz", "IMHS", "24", date(2025, 1, 1), date(2026, 1, 31)),), ON)),
        {"provider": "Ana Ruiz", "start": "2025-01-01", "end": "2026-01-31", "format": "individual",
         "provider_category": "IMHS", "eligible": IFS_PROVIDERS}),
    "RSC_FORMAT_NOT_ALLOWED": lambda: (
        reasons_of(check_rsc(replace(IFS.rsc, formats=(RscFormat.INDIVIDUAL,)),
                             (rsc("Ana Ruiz", "IFRS", "24", date(2025, 1, 1), date(2026, 1, 31),
                                  format=RscFormat.GROUP),), ON)),
        {"provider": "Ana Ruiz", "start": "2025-01-01", "end": "2026-01-31", "format": "group",
         "provider_category": "IFRS"}),
    "RSC_ENTRY_LONGER_THAN_WINDOW": lambda: (
        reasons_of(check_rsc(IFS.rsc, (rsc("Ana Ruiz", "IFRS", "24", date(2023, 1, 1), date(2026, 1, 31)),), ON)),
        {"provider": "Ana Ruiz", "start": "2023-01-01", "end": "2026-01-31", "format": "individual",
         "provider_category": "IFRS", "max_days": 730}),
    "REFERENCE_MISSING": lambda: (
        reasons_of(check_references(IFS.references, satisfying_references(IFS, ON)[1:], ON)),
        {"slot": 1, "raters": "supervisor,teacher,trainer,consultant"}),
    "REFERENCE_PENDING": lambda: (references(answer=None), FIRST_SLOT),
    "REFERENCE_VOIDED": lambda: (
        references(void_reason=VoidReason.DECLINED), {**FIRST_SLOT, "void_reason": "declined"}),
    "REFERENCE_NOT_ENOUGH_INFORMATION": lambda: (
        reasons_of(check_references(replace(IFS.references, max_not_enough_information=0),
                                    (*satisfying_references(IFS, ON)[1:],
                                     _unknowing(satisfying_references(IFS, ON)[0])), ON)),
        {**FIRST_SLOT, "max_not_enough_information": 0}),
    "REFERENCE_AFTER_DATE": lambda: (
        reasons_of(check_references(IFS.references, satisfying_references(IFS, ON), ON - timedelta(days=31))),
        {**FIRST_SLOT, "completed_on": "2026-01-30", "on": "2026-01-29"}),
    "REFERENCE_EXPIRED": lambda: (
        reasons_of(check_references(IFS.references, satisfying_references(IFS, ON), ON + timedelta(days=400))),
        {**FIRST_SLOT, "completed_on": "2026-01-30", "valid_until": "2027-01-29"}),
    "REFERENCE_RATER_NOT_ALLOWED": lambda: (
        reasons_of(check_references(replace(IFS.references, slots=(ReferenceSlot((RaterRole.TEACHER,)),
                                                                   *IFS.references.slots[1:])),
                                    satisfying_references(IFS, ON), ON)),
        {"slot": 1, "raters": "teacher", "rater": "Rater 1", "rater_kind": "supervisor"}),
    "REFERENCE_VETTING_PENDING": lambda: (
        reasons_of(check_references(IFA.references, _unvetted(), ON)),
        {"slot": 2, "raters": "endorsed_or_vetted", "rater": "Rater 2", "rater_kind": "endorsed_or_vetted",
         "endorsed_at_or_above": "IFS"}),
    "REFERENCES_NO_ENDORSED_RATER": lambda: (
        reasons_of(check_references(IFS.references, tuple(
            replace(r, rater=replace(r.rater, endorsed_category=None)) for r in satisfying_references(IFS, ON)), ON)),
        {"endorsed_at_or_above": "IFS"}),
    "MEMBERSHIP_MISSING": lambda: (
        reasons_of([check_membership(MembershipRule(other_association_accepted=False), None, ON)]),
        {"other_association_accepted": 0}),
    "MEMBERSHIP_EXPIRED": lambda: (
        reasons_of([check_membership(IFS.membership, Membership("ITMHCA", date(2026, 2, 28), "M-1"), ON)]),
        {"expired_on": "2026-02-28"}),
    "MEMBERSHIP_NOT_INDIVIDUAL": lambda: (
        reasons_of([check_membership(IFS.membership, replace(Membership("ITMHCA", date(2027, 1, 1), "M-1"),
                                                             individual=False), ON)]),
        {"association": "ITMHCA"}),
    "MEMBERSHIP_OTHER_NOT_ACCEPTED": lambda: (
        reasons_of([check_membership(MembershipRule(other_association_accepted=False),
                                     replace(Membership("MI-AIMH", date(2027, 1, 1), "M-1"), other_association=True),
                                     ON)]),
        {"association": "MI-AIMH"}),
    "NOT_ATTESTED": lambda: (
        reasons_of(check_attestations((AttestationKind.CODE_OF_ETHICS,), {})), {"document": "code_of_ethics"}),
    "FEE_NOT_RECORDED": lambda: (
        reasons_of(check_fees(IFS.fees, {})[:1]), {"fee": "registration", "need_cents": 2000, "currency": "USD"}),
    "FEE_AMOUNT_SHORT": lambda: (
        reasons_of(check_fees(IFS.fees, {FeeKind.PROCESSING: FeePayment(FeeKind.PROCESSING, 9000, "P-1", ON)})[1:]),
        {"fee": "processing", "have_cents": 9000, "need_cents": 10000, "currency": "USD"}),
    "REGISTRATION_NOT_REGISTERED": lambda: (
        reasons_of([check_registration(RegistrationRule(required=True), RegistrationState.NOT_REGISTERED)]), {}),
    "REGISTRATION_AWAITING_ACCEPTANCE": lambda: (
        reasons_of([check_registration(RegistrationRule(required=True), RegistrationState.REGISTERED)]), {}),
    "NO_RENEWAL_RULES": lambda: (
        reasons_of(check_requirements(renewal(), replace(IFS, renewal=None), RENEWAL_ON).results),
        {"rule_set_version": "itmhca/IFS/2025-01-01"}),
    "NO_REINSTATEMENT_RULES": lambda: (
        reinstatement_reasons(Evidence(), replace(IFS, reinstatement=None)),
        {"rule_set_version": "itmhca/IFS/2025-01-01"}),
    "RENEWAL_TRAINING_HOURS_SHORT": lambda: (
        renewal_reasons(renewal(training=(training("14.5", date(2026, 10, 1), dei="1", provision="3"),))),
        {"have": 14.5, "need": 15.0, "since": "2025-12-16", "until": "2026-11-02"}),
    "RENEWAL_DEI_HOURS_SHORT": lambda: (
        renewal_reasons(renewal(training=(training("15", date(2026, 10, 1), provision="3"),))),
        {"have": 0.0, "need": 1.0, "since": "2025-12-16", "until": "2026-11-02"}),
    "RENEWAL_RSC_PROVISION_HOURS_SHORT": lambda: (
        renewal_reasons(renewal(training=(training("15", date(2026, 10, 1), dei="1", provision="2.5"),))),
        {"have": 2.5, "need": 3.0, "since": "2025-12-16", "until": "2026-11-02"}),
    "TRAINING_OUTSIDE_PERIOD": lambda: (
        renewal_reasons(renewal(training=(training("15", date(2025, 12, 15), dei="1", provision="3"),))),
        {"count": 1, "since": "2025-12-16", "until": "2026-11-02"}),
    "RSC_PROVISION_NOT_DECLARED": lambda: (
        renewal_reasons(renewal(renewal=RenewalContext(ApplicationKind.RENEWAL, uuid4(), renewal_year=2026))), {}),
    "RENEWAL_RSC_HOURS_SHORT": lambda: (
        renewal_reasons(renewal(rsc=(rsc("Rita Moreno", "IMHM-C", "11.5", date(2026, 1, 1), date(2026, 6, 30)),))),
        {"have": 11.5, "need": 12.0, "since": "2025-12-16", "until": "2026-11-02"}),
    "RSC_OUTSIDE_PERIOD": lambda: (
        renewal_reasons(renewal(rsc=(rsc("Rita Moreno", "IMHM-C", "12", date(2025, 12, 1), date(2026, 6, 30)),))),
        {"provider": "Rita Moreno", "start": "2025-12-01", "end": "2026-06-30", "format": "individual",
         "provider_category": "IMHM-C", "since": "2025-12-16", "until": "2026-11-02"}),
    "ATTESTED_BEFORE_PERIOD": lambda: (
        renewal_reasons(renewal(attestations={AttestationKind.CODE_OF_ETHICS: Attestation(
            AttestationKind.CODE_OF_ETHICS, datetime(2025, 12, 1, 12, tzinfo=UTC))})),
        {"document": "code_of_ethics", "since": "2025-12-16", "signed_on": "2025-12-01"}),
    "NEW_REFERENCES_SHORT": lambda: (
        reinstatement_reasons(Evidence(references=satisfying_references(IFS, ON)[:2])),
        {"have": 2, "need": 3, "lapsed_on": "2025-12-01"}),
    "REFERENCES_BEFORE_LAPSE": lambda: (
        reinstatement_reasons(Evidence(references=satisfying_references(IFS, date(2025, 12, 15)))),
        {"have": 0, "need": 3, "lapsed_on": "2025-12-01"}),
}


def _unknowing(reference: Any) -> Any:
    return replace(reference, answer=replace(reference.answer, not_enough_information=1))


def _unvetted() -> tuple[Any, ...]:
    first, second, third = satisfying_references(IFA, ON)
    return first, replace(second, rater=replace(second.rater, endorsed_category=None), vetting=Vetting.PENDING), third


def test_every_listed_code_has_a_case_and_no_more() -> None:
    assert sorted(CASES) == sorted(REASON_CODES)
    assert len(set(REASON_CODES)) == len(REASON_CODES)


def test_the_codes_the_checks_can_produce_are_the_listed_ones() -> None:
    """Every `Reason(...)` in the checks names its code as a string literal (or an `x if … else y` of two), or
    takes it from a `…_SHORT` literal of the same module (the hours parts)."""
    found: set[str] = set()
    for module in sorted(CHECKS.glob("*.py")):
        tree = ast.parse(module.read_text())
        literals = {n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)}
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "Reason"):
                continue
            first = node.args[0]
            if isinstance(first, ast.Constant):
                found.add(first.value)
            elif isinstance(first, ast.IfExp):
                found.update(branch.value for branch in (first.body, first.orelse)
                             if isinstance(branch, ast.Constant))
            else:
                found.update(v for v in literals if v.isupper() and v.endswith("_SHORT") and " " not in v)
    assert sorted(found) == sorted(REASON_CODES)


@pytest.mark.parametrize("code", REASON_CODES)
def test_each_reason_gives_the_params_its_message_mentions(code: str) -> None:
    found, expected = CASES[code]()

    params = produced(code, found)

    assert params == expected
    assert all(isinstance(v, (str, int, float)) and not isinstance(v, bool) for v in params.values())


def test_a_late_renewal_fee_names_the_due_date_it_is_late_after() -> None:
    late = renewal_reasons(renewal(), date(2026, 12, 16))

    assert produced("FEE_NOT_RECORDED", late) == {"fee": "renewal", "need_cents": 3500, "currency": "USD",
                                                  "late_after": "2026-12-15"}


def test_the_other_variants_of_a_code_keep_its_params() -> None:
    """Where one code has two messages, the params a reader phrases it with are there in both."""
    untagged = renewal_reasons(renewal(training=(training("15", date(2026, 10, 1), tags=()),)))
    eligible = renewal_reasons(renewal(rsc=(rsc("Ana Ruiz", "IMHS", "12", date(2026, 1, 1), date(2026, 6, 30)),)))
    needs_level = reasons_of(check_references(
        replace(IFS.references, slots=(ReferenceSlot((RaterRole.SUPERVISOR,), endorsed_at_or_above="IMHM-C"),
                                       *IFS.references.slots[1:])),
        tuple(replace(r, rater=replace(r.rater, endorsed_category=None)) for r in satisfying_references(IFS, ON)),
        ON))
    missing = reasons_of([check_membership(MembershipRule(), None, ON)])
    unpaid = renewal_reasons(renewal(fees={FeeKind.RENEWAL: FeePayment(FeeKind.RENEWAL, 2000, "R-1", RENEWAL_ON)}))

    assert produced("TRAINING_UNTAGGED", untagged)["count"] == 1
    assert produced("RSC_PROVIDER_NOT_ELIGIBLE", eligible) == {
        "provider": "Ana Ruiz", "start": "2026-01-01", "end": "2026-06-30", "format": "individual",
        "provider_category": "IMHS", "eligible": IFS_PROVIDERS}
    assert produced("REFERENCE_RATER_NOT_ALLOWED", needs_level) == {**FIRST_SLOT, "raters": "supervisor",
                                                                    "rater_kind": "supervisor",
                                                                    "endorsed_at_or_above": "IMHM-C"}
    assert produced("MEMBERSHIP_MISSING", missing) == {"other_association_accepted": 1}
    assert produced("FEE_AMOUNT_SHORT", unpaid) == {"fee": "renewal", "have_cents": 2000, "need_cents": 2500,
                                                    "currency": "USD"}
