"""Audits without a database: the sample a seed draws, the form as cited data, the rules
of grading and of moderation, and what an audit opens of a child's record."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from reporting.audit_samples import months_before
from workflow.audits.config import load_audit_config
from workflow.audits.forms import load_form
from workflow.audits.records import Audit, Grade
from workflow.audits.rules import grade_problems, moderated, moderation_problems
from workflow.audits.sampling import draw
from workflow.config_errors import ConfigError
from workflow.roles import Role
from workflow.rules import DEFAULT_CONFIG
from workflow.scope import scope_for

CASE_FORM = load_form(DEFAULT_CONFIG / "audit_forms" / "case_audit.toml")
VERSION = CASE_FORM.versions[0]
QUESTIONS = list(VERSION.questions())


# -- sampling ---------------------------------------------------------------------------
def test_the_same_seed_draws_the_same_cases_whatever_order_they_come_in() -> None:
    cases = list(range(101, 161))

    first = draw(cases, 5, seed=4242)
    again = draw(list(reversed(cases)), 5, seed=4242)

    assert first == again
    assert len(first) == 5 and set(first) <= set(cases)
    assert list(first) == sorted(first)


def test_another_seed_draws_another_sample() -> None:
    cases = list(range(1, 200))

    assert draw(cases, 5, seed=1) != draw(cases, 5, seed=2)


def test_a_sample_larger_than_the_team_takes_every_case_once() -> None:
    assert draw([7, 3, 3, 9], 10, seed=5) == (3, 7, 9)


@pytest.mark.parametrize(("instant", "months", "expected"), [
    (datetime(2026, 12, 1, 9, tzinfo=UTC), 12, datetime(2025, 12, 1, 9, tzinfo=UTC)),
    (datetime(2026, 3, 31, tzinfo=UTC), 1, datetime(2026, 2, 28, tzinfo=UTC)),
    (datetime(2024, 2, 29, tzinfo=UTC), 12, datetime(2023, 2, 28, tzinfo=UTC)),
    (datetime(2026, 5, 31, tzinfo=UTC), 18, datetime(2024, 11, 30, tzinfo=UTC)),
    (datetime(2026, 1, 15, tzinfo=UTC), 1, datetime(2025, 12, 15, tzinfo=UTC)),
])
def test_a_rule_looks_back_whole_calendar_months(instant: datetime, months: int,
                                                 expected: datetime) -> None:
    assert months_before(instant, months) == expected


# -- the form and the settings as data ---------------------------------------------------
def test_the_case_audit_form_groups_questions_by_practice_standard_and_cites_its_source(
        ) -> None:
    assert [a.title for a in VERSION.areas] == [
        "Allocations and transfers", "Visits", "Plans and reviews",
        "Management oversight and supervision"]
    assert VERSION.source.startswith("local:")
    assert CASE_FORM.in_force(date(2026, 3, 31)) is None
    assert CASE_FORM.in_force(date(2026, 4, 1)) == VERSION


def test_the_settings_name_who_audits_and_the_rules_a_sample_can_follow() -> None:
    config = load_audit_config(DEFAULT_CONFIG)

    assert config.may_audit(Role.PRINCIPAL_SOCIAL_WORKER)
    assert config.may_audit(Role.TEAM_MANAGER)
    assert not config.may_audit(Role.SOCIAL_WORKER)
    assert [(r.id, r.months) for r in config.rules] == [
        ("re_referrals", 12), ("stepped_down", 12), ("long_cp_plans", 18)]
    assert {f.kind for f in config.forms.values()} == {"case", "observation"}


def test_a_council_can_let_only_the_principal_social_worker_audit(tmp_path: Path) -> None:
    (tmp_path / "audits.toml").write_text(
        'auditor_roles = ["principal_social_worker"]\naction_due_days = 10\n')

    config = load_audit_config(tmp_path)

    assert config.auditor_roles == {Role.PRINCIPAL_SOCIAL_WORKER}
    assert config.action_due_days == 10


@pytest.mark.parametrize(("text", "problem"), [
    ('auditor_roles = ["chief_executive"]\n', "auditor_roles"),
    ('auditor_roles = ["team_manager"]\naction_due_days = 0\n', "action_due_days"),
    ('auditor_roles = ["team_manager"]\n[[rule]]\nid = "everything"\ntitle = "All"\n'
     'months = 1\n', "rule 'everything'"),
])
def test_a_malformed_audits_file_stops_start_up_naming_the_entry(
        tmp_path: Path, text: str, problem: str) -> None:
    (tmp_path / "audits.toml").write_text(text)

    with pytest.raises(ConfigError) as refused:
        load_audit_config(tmp_path)

    assert problem in str(refused.value)


def test_a_form_with_two_questions_of_one_id_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text('id = "bad"\nkind = "case"\ntitle = "Bad"\n[[version]]\n'
                    'version = "1"\neffective_from = 2026-04-01\nsource = "local: x"\n'
                    '[[version.area]]\nid = "a"\ntitle = "A"\nquestions = [\n'
                    '  { id = "q", text = "One?" },\n  { id = "q", text = "Two?" },\n]\n')

    with pytest.raises(ConfigError, match="two questions share an id"):
        load_form(path)


# -- grading -----------------------------------------------------------------------------
def _all(grade: str = "good", evidence: str = "Seen on the file") -> dict[str, tuple[str, str]]:
    return {q: (grade, evidence) for q in QUESTIONS}


def test_a_draft_may_be_partial() -> None:
    assert grade_problems(VERSION, {QUESTIONS[0]: ("good", "")}, None, submitting=False) == {}


def test_submitting_needs_every_question_graded_with_evidence_and_an_overall_grade() -> None:
    answers = _all() | {QUESTIONS[1]: ("", ""), QUESTIONS[2]: ("inadequate", "  ")}

    problems = grade_problems(VERSION, answers, None, submitting=True)

    assert problems == {
        f"grade-{QUESTIONS[1]}": "grade this question before you submit the audit",
        f"evidence-{QUESTIONS[2]}": "say what you saw on the file that supports the grade",
        "overall": "give an overall grade before you submit the audit"}


def test_only_the_four_grades_are_accepted() -> None:
    problems = grade_problems(VERSION, {QUESTIONS[0]: ("excellent", "x")}, "superb",
                              submitting=False)

    assert set(problems) == {f"grade-{QUESTIONS[0]}", "overall"}


def test_a_complete_audit_may_be_submitted() -> None:
    assert grade_problems(VERSION, _all(), "requires_improvement", submitting=True) == {}


# -- moderation --------------------------------------------------------------------------
def _submitted(auditor: str = "principal.sw", status: str = "submitted") -> Audit:
    return Audit(1, "case_audit", "2026-1", "case", status, auditor, "social.worker", 10, 20,
                 3, tuple(Grade(q, "good", "Seen") for q in QUESTIONS), "good")


def test_the_auditor_cannot_moderate_their_own_audit() -> None:
    assert moderation_problems(_submitted(), "principal.sw", {}) == {
        "audit": "a second auditor must moderate: you carried out this audit"}


def test_only_a_submitted_audit_can_be_moderated() -> None:
    assert moderation_problems(_submitted(status="draft"), "team.manager", {}) == {
        "audit": "only a submitted audit can be moderated"}


def test_a_changed_grade_needs_a_reason_an_agreed_one_does_not() -> None:
    changes = {QUESTIONS[0]: ("good", ""), QUESTIONS[1]: ("inadequate", "")}

    assert moderation_problems(_submitted(), "team.manager", changes) == {
        f"reason-{QUESTIONS[1]}": "say why you changed the grade"}


def test_moderation_keeps_the_auditors_grade_beside_the_moderators() -> None:
    changes = {QUESTIONS[0]: ("requires_improvement", "No hand-over recorded"),
               QUESTIONS[1]: ("good", "")}

    grades = {g.question_id: g for g in moderated(_submitted().grades, changes)}

    first, second = grades[QUESTIONS[0]], grades[QUESTIONS[1]]
    assert (first.grade, first.moderated_grade, first.agreed, first.moderation_reason) == (
        "good", "requires_improvement", "requires_improvement", "No hand-over recorded")
    assert (second.moderated_grade, second.agreed) == (None, "good")


# -- what an audit opens ------------------------------------------------------------------
def test_an_auditor_sees_the_audited_child_and_no_other_and_knows_why() -> None:
    scope = scope_for("principal.sw", Role.PRINCIPAL_SOCIAL_WORKER, frozenset(),
                      audited=((20, "AUD-00001"),))

    assert scope.sees("cin_plan", "assessment-1", "social.worker", 20)
    assert not scope.sees("cin_plan", "assessment-1", "social.worker", 21)
    assert scope.audit_reason(20) == "AUD-00001" and scope.audit_reason(21) is None

