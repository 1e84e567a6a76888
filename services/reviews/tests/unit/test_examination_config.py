"""Given/when/then for the `exam:` section of review data: the shipped file, older files, and bad data."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from reviews.config import TenantCatalog, TenantDataError, load_tenants

TENANT = """
slug: test-assoc
name: Test Association
timezone: America/Phoenix
categories: {IFS: Infant Family Specialist, IMHM-C: Infant Mental Health Mentor - Clinical}
renewal: {due: "12-15"}
"""
REVIEWS = """
tenant: test-assoc
categories: {IFS: {rank: 2}, IMHM-C: {rank: 4, exam_required: [{}]}}
exam:
"""


def load(tmp_path: Path, exam: str) -> TenantCatalog:
    (tmp_path / "tenants").mkdir()
    (tmp_path / "reviews").mkdir()
    (tmp_path / "tenants" / "test-assoc.yaml").write_text(TENANT)
    (tmp_path / "reviews" / "test-assoc.yaml").write_text(REVIEWS + exam)
    return load_tenants(tmp_path / "tenants", tmp_path / "reviews")


def test_the_shipped_exam_rules_are_the_sourced_ones(tenants: TenantCatalog) -> None:
    itmhca = tenants.get("itmhca")
    assert itmhca is not None
    exam = itmhca.policy.exam
    assert (exam.pass_percent, exam.retake_wait_months, exam.retake_wait_days) == (80, 12, None)
    assert (exam.retake_notice_weeks, exam.accommodations_notice_weeks) == (8, 2)
    first = exam.sittings[0]
    assert (first.on, first.registration_closes) == (date(2027, 3, 13), date(2027, 2, 13))
    assert list(exam.scorers) == ["scorer.one@itmhca.example", "scorer.two@itmhca.example"]
    assert not set(exam.scorers) & set(itmhca.reviewers)
    assert all(s.trained and s.active and itmhca.policy.rank(s.category) == 4 for s in exam.scorers.values())


def test_sittings_close_as_told_and_scorers_are_read_like_reviewers(tmp_path: Path) -> None:
    tenant = load(
        tmp_path,
        """
  retake_wait_days: 365
  registration_closes_weeks: 6
  sittings: [{date: 2027-09-11}, {date: 2027-03-13, registration_closes: 2027-03-01}]
  scorers: [{email: Sam@Example.org, name: Sam Scorer, category: IMHM-C, trained: true, employer: North}]
""",
    ).get("test-assoc")
    assert tenant is not None
    exam = tenant.policy.exam
    assert [(s.on, s.registration_closes) for s in exam.sittings] == [
        (date(2027, 3, 13), date(2027, 3, 1)),
        (date(2027, 9, 11), date(2027, 7, 31)),
    ]
    assert exam.retake_eligible_on(date(2027, 3, 13)) == date(2028, 3, 12)  # an older file's wait in days
    assert exam.scorers["sam@example.org"].employer == "North"


def test_without_an_exam_section_the_defaults_apply(tmp_path: Path) -> None:
    tenant = load(tmp_path, "  {}\n").get("test-assoc")
    assert tenant is not None
    assert (tenant.policy.exam.retake_wait_months, tenant.policy.exam.sittings) == (12, ())


@pytest.mark.parametrize(
    ("exam", "message"),
    [
        ("  retake_wait_days: 365\n  retake_wait_months: 12\n", "not both"),
        ("  sittings: [{date: 2027-03-13}, {date: 2027-03-13}]\n", "listed twice"),
        ("  sittings: [{date: 2027-03-13, registration_closes: 2027-03-13}]\n", "must close before"),
        ("  sittings: [{on: 2027-03-13}]\n", "exam.sittings.0"),  # `on` is a YAML boolean
        ("  scorers: [{email: a@b.org, name: A, category: ECMHS, trained: true}]\n", "not awarded"),
        (
            "  scorers: [{email: a@b.org, name: A, category: IFS, trained: true},"
            " {email: A@b.org, name: B, category: IFS, trained: true}]\n",
            "scorer email is listed twice",
        ),
        ("  pass_percent: 0\n", "exam.pass_percent"),
        ("  blind: maybe\n", "exam.blind"),
    ],
)
def test_bad_exam_data_stops_the_service(tmp_path: Path, exam: str, message: str) -> None:
    with pytest.raises(TenantDataError, match=message):
        load(tmp_path, exam)
