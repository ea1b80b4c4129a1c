"""Case audits on a real database, SQLite and PostgreSQL: the samples SQL finds, an audit
from draft to moderation, the agreed action in its owner's work, what an audit lets the
auditor read, and the quarter's learning. Every change goes through
``workflow.services.handle`` as the pages send it; a refusal leaves nothing written."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import Engine, update
from sqlalchemy.orm import Session

from reporting.audit_samples import rule_cases, team_cases
from reporting.audits import (
    agreed_grades,
    audit_detail,
    audit_grants,
    audits,
    open_actions_for,
    themes,
)
from tests.builders import SOCIAL_WORKER, TEAM_MANAGER, OnService, payload, record_one, walk_to
from workflow.audits.commands import (
    CompleteAction,
    DrawSample,
    ModerateAudit,
    ProposedAction,
    RecordLearning,
    RespondToAudit,
    SaveAudit,
)
from workflow.audits.sampling import draw
from workflow.errors import InvalidInput, NotPermitted, StaleVersion
from workflow.persistence.tables import ContactRow
from workflow.persistence.uow import SqlUnitOfWork
from workflow.roles import Actor, Role
from workflow.rules import Rules
from workflow.services import handle
from workflow.stages import Stage

PSW = Actor("principal.sw", Role.PRINCIPAL_SOCIAL_WORKER)
#: Tuesday 1 December 2026, 10:00 in London (GMT).
NOW = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
Uow = Callable[[], SqlUnitOfWork]


def _case(uow: Uow, rules: Rules, stage: Stage, at: datetime = NOW) -> int:
    driver: OnService = record_one(uow, rules, at, at)
    walk_to(driver, stage)
    driver.fire("allocate", TEAM_MANAGER, payload("allocate", at))
    return driver.contact_id


def _sample(uow: Uow, rules: Rules, *contact_ids: int) -> list[Any]:
    handle(uow(), rules, DrawSample("Sample", "rule", "case_audit", contact_ids, PSW, NOW,
                                    rule_id="re_referrals"))
    with uow() as u:
        return audits(u.session)


def _graded(rules: Rules, grade: str = "good") -> dict[str, tuple[str, str]]:
    version = rules.audits.forms["case_audit"].versions[0]
    return {q: (grade, "Seen on the file") for q in version.questions()}


def test_a_team_sample_is_the_teams_open_cases_and_a_seed_draws_it_again(
        uow_factory: Uow, rules: Rules) -> None:
    cases = [_case(uow_factory, rules, Stage.CIN_PLAN) for _ in range(4)]

    with uow_factory() as u:
        candidates = team_cases(u.session, "assessment-north")

    assert candidates == cases
    assert draw(candidates, 2, seed=77) == draw(list(reversed(candidates)), 2, seed=77)


def test_rule_samples_find_re_referrals_step_downs_and_long_plans(
        uow_factory: Uow, rules: Rules, engine: Engine) -> None:
    stepped = _case(uow_factory, rules, Stage.EARLY_HELP, datetime(2026, 6, 1, 9, tzinfo=UTC))
    _case(uow_factory, rules, Stage.EARLY_HELP, datetime(2025, 6, 1, 9, tzinfo=UTC))
    long_plan = _case(uow_factory, rules, Stage.CP_PLAN, datetime(2025, 3, 3, 9, tzinfo=UTC))
    _case(uow_factory, rules, Stage.CP_PLAN, datetime(2026, 3, 2, 9, tzinfo=UTC))
    again = _case(uow_factory, rules, Stage.CIN_PLAN, datetime(2026, 9, 1, 9, tzinfo=UTC))
    with Session(engine) as s, s.begin():  # what intake records for a repeat referral
        s.execute(update(ContactRow).where(ContactRow.id == again).values(
            re_referral_of=stepped, referral_at=datetime(2026, 9, 1, 9, tzinfo=UTC)))

    with uow_factory() as u:
        found = {r: rule_cases(u.session, r, m, NOW) for r, m in (
            ("re_referrals", 12), ("stepped_down", 12), ("long_cp_plans", 18))}

    assert found == {"re_referrals": [again], "stepped_down": [stepped],
                     "long_cp_plans": [long_plan]}


def test_an_audit_goes_from_draft_to_moderation_and_its_action_to_the_worker(
        uow_factory: Uow, rules: Rules) -> None:
    contact_id = _case(uow_factory, rules, Stage.CIN_PLAN)
    [audit] = _sample(uow_factory, rules, contact_id)
    first = next(iter(_graded(rules)))
    handle(uow_factory(), rules, SaveAudit(audit.id, {first: ("good", "Draft so far")}, None,
                                           False, PSW, NOW, audit.version))
    handle(uow_factory(), rules, SaveAudit(
        audit.id, _graded(rules), "requires_improvement", True, PSW, NOW, audit.version + 1,
        ProposedAction("Record the child's views at each visit", "social.worker", 10)))

    with uow_factory() as u:
        before_moderation = open_actions_for(u.session, "social.worker")
    handle(uow_factory(), rules, ModerateAudit(
        audit.id, {first: ("requires_improvement", "No hand-over meeting recorded")},
        "Agreed otherwise", TEAM_MANAGER, NOW, audit.version + 2))

    with uow_factory() as u:
        detail = audit_detail(u.session, audit.id)
        actions = open_actions_for(u.session, "social.worker")
    assert detail is not None and detail.line.status == "moderated"
    assert (detail.line.practitioner, detail.line.moderator) == ("social.worker",
                                                                 "team.manager")
    assert detail.grades[first] == ("good", "Seen on the file", "requires_improvement",
                                    "No hand-over meeting recorded")
    assert before_moderation == []  # agreed only once moderated
    # 10 working days from Tuesday 1 December 2026: Tuesday 15 December.
    assert [(a.text, a.due_on) for a in actions] == [
        ("Record the child's views at each visit", date(2026, 12, 15))]


def test_the_auditor_cannot_moderate_their_own_audit_and_nothing_is_written(
        uow_factory: Uow, rules: Rules) -> None:
    [audit] = _sample(uow_factory, rules, _case(uow_factory, rules, Stage.CIN_PLAN))
    handle(uow_factory(), rules, SaveAudit(audit.id, _graded(rules), "good", True, PSW, NOW,
                                           audit.version))

    with pytest.raises(InvalidInput) as refused:
        handle(uow_factory(), rules, ModerateAudit(audit.id, {}, "", PSW, NOW,
                                                   audit.version + 1))

    assert "second auditor" in refused.value.errors["audit"]
    with uow_factory() as u:
        assert audits(u.session)[0].status == "submitted"


def test_a_social_worker_may_not_audit_and_a_stale_page_is_refused(
        uow_factory: Uow, rules: Rules) -> None:
    contact_id = _case(uow_factory, rules, Stage.CIN_PLAN)
    with pytest.raises(NotPermitted):
        handle(uow_factory(), rules, DrawSample("Mine", "rule", "case_audit", (contact_id,),
                                                SOCIAL_WORKER, NOW, rule_id="re_referrals"))
    [audit] = _sample(uow_factory, rules, contact_id)
    handle(uow_factory(), rules, SaveAudit(audit.id, {}, None, False, PSW, NOW, audit.version))

    with pytest.raises(StaleVersion):
        handle(uow_factory(), rules, SaveAudit(audit.id, _graded(rules), "good", True, PSW,
                                               NOW, audit.version))


def test_the_practitioner_responds_and_marks_the_action_done(
        uow_factory: Uow, rules: Rules) -> None:
    [audit] = _sample(uow_factory, rules, _case(uow_factory, rules, Stage.CIN_PLAN))
    handle(uow_factory(), rules, SaveAudit(audit.id, _graded(rules), "good", True, PSW, NOW,
                                           audit.version, ProposedAction("Update the plan",
                                                                         "social.worker")))
    handle(uow_factory(), rules, ModerateAudit(audit.id, {}, "", TEAM_MANAGER, NOW,
                                               audit.version + 1))
    with uow_factory() as u:
        [action] = open_actions_for(u.session, "social.worker")

    handle(uow_factory(), rules, RespondToAudit(audit.id, "I agree with the findings",
                                                SOCIAL_WORKER, NOW))
    handle(uow_factory(), rules, CompleteAction(action.id, "", SOCIAL_WORKER, NOW))

    with uow_factory() as u:
        detail = audit_detail(u.session, audit.id)
        assert open_actions_for(u.session, "social.worker") == []
    assert detail is not None and detail.response == "I agree with the findings"
    assert detail.actions[0].done_at == NOW and detail.actions[0].done_by == "social.worker"
    # The configured 20 working days, over Christmas Day (Friday 25 December) and Boxing
    # Day's substitute (Monday 28 December): Thursday 31 December.
    assert action.due_on == date(2026, 12, 31)


def test_an_open_audit_lets_its_auditor_and_any_moderator_read_the_child_until_agreed(
        uow_factory: Uow, rules: Rules) -> None:
    [audit] = _sample(uow_factory, rules, _case(uow_factory, rules, Stage.CIN_PLAN))
    with uow_factory() as u:
        drafted = (audit_grants(u.session, "principal.sw"), audit_grants(u.session,
                                                                          "team.manager"))
    handle(uow_factory(), rules, SaveAudit(audit.id, _graded(rules), "good", True, PSW, NOW,
                                           audit.version))
    with uow_factory() as u:
        submitted = audit_grants(u.session, "team.manager")
    handle(uow_factory(), rules, ModerateAudit(audit.id, {}, "", TEAM_MANAGER, NOW,
                                               audit.version + 1))
    with uow_factory() as u:
        agreed = audit_grants(u.session, "principal.sw")

    assert drafted == ({audit.child_id: audit.reference}, {})
    assert submitted == {audit.child_id: audit.reference}
    assert agreed == {}


def test_the_quarter_counts_agreed_grades_and_partners_get_published_themes(
        uow_factory: Uow, rules: Rules) -> None:
    [audit] = _sample(uow_factory, rules, _case(uow_factory, rules, Stage.CIN_PLAN))
    handle(uow_factory(), rules, SaveAudit(audit.id, _graded(rules, "good"), "good", True, PSW,
                                           NOW, audit.version))
    first = next(iter(_graded(rules)))
    handle(uow_factory(), rules, ModerateAudit(audit.id, {first: ("inadequate", "No visit")},
                                               "", TEAM_MANAGER, NOW, audit.version + 1))
    for theme, shared in (("Hearing the child", True), ("Named worker", False)):
        handle(uow_factory(), rules, RecordLearning("2026-Q4", theme, "Summary", shared, PSW,
                                                    NOW))

    with uow_factory() as u:
        counted = {(q, g): n for _f, _v, q, g, n in agreed_grades(u.session, "2026-Q4")}
        earlier = agreed_grades(u.session, "2026-Q3")
        shared = [t.theme for t in themes(u.session, "2026-Q4", published_only=True)]
        every = [t.theme for t in themes(u.session, "2026-Q4")]

    assert counted[(first, "inadequate")] == 1 and (first, "good") not in counted
    assert sum(counted.values()) == len(_graded(rules)) and earlier == []
    assert shared == ["Hearing the child"]
    assert every == ["Hearing the child", "Named worker"]


def test_text_neither_database_can_store_is_a_field_error_and_writes_nothing(
        uow_factory: Uow, rules: Rules) -> None:
    [audit] = _sample(uow_factory, rules, _case(uow_factory, rules, Stage.CIN_PLAN))
    handle(uow_factory(), rules, SaveAudit(audit.id, _graded(rules), "good", True, PSW, NOW,
                                           audit.version))
    refusals = {}
    for name, command in (
            ("owner", ModerateAudit(audit.id, {}, "", TEAM_MANAGER, NOW, audit.version + 1,
                                    ProposedAction("Update the plan", "social\x00worker"))),
            ("note", ModerateAudit(audit.id, {}, "Agreed\x00", TEAM_MANAGER, NOW,
                                   audit.version + 1)),
            ("reason", ModerateAudit(audit.id, {next(iter(_graded(rules))): (
                "inadequate", "No\x00visit")}, "", TEAM_MANAGER, NOW, audit.version + 1))):
        with pytest.raises(InvalidInput) as refused:
            handle(uow_factory(), rules, command)
        refusals[name] = sorted(refused.value.errors)

    assert refusals == {"owner": ["action_owner"], "note": ["note"],
                        "reason": [f"reason-{next(iter(_graded(rules)))}"]}
    with uow_factory() as u:
        assert [(a.status, a.moderator) for a in audits(u.session)] == [("submitted", None)]
