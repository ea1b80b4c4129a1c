"""The audit pages per role: the principal social worker samples and audits, a second
auditor moderates, the agreed action reaches the worker's "My work", the practitioner
answers, a social worker can neither audit nor read another worker's audit, and a partner
reads only the learning published for partners. Reads under an audit are access-logged
with the audit as the reason."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from werkzeug.test import TestResponse

from tests.web.conftest import Browser, Contacts, text_of
from workflow.audits.forms import load_form
from workflow.persistence.tables import AccessLogRow
from workflow.persistence.tables_audits import AuditRow, AuditSampleRow
from workflow.rules import DEFAULT_CONFIG
from workflow.stages import Stage

QUESTIONS = list(load_form(DEFAULT_CONFIG / "audit_forms" / "case_audit.toml")
                 .versions[0].questions())
SignedIn = Callable[[str], Browser]


def _sample(psw: Browser, **form: str) -> TestResponse:
    return psw.post("/audits/samples", {"method": "random", "team": "assessment-1",
                                        "size": "2", "form_id": "case_audit"} | form)


def _audits(db: Callable[[], Any]) -> list[AuditRow]:
    with db() as session:
        return list(session.scalars(select(AuditRow).order_by(AuditRow.id)))


def _graded(grade: str = "good") -> dict[str, str]:
    form = {f"grade-{q}": grade for q in QUESTIONS}
    return form | {f"evidence-{q}": "Seen on the file" for q in QUESTIONS}


def _audited(psw: Browser, contacts: Contacts, db: Callable[[], Any],
             action: bool = True) -> AuditRow:
    """A case on a plan, allocated to the social worker, sampled and submitted by the PSW."""
    contacts.at(Stage.CIN_PLAN)
    assert _sample(psw, size="1").status_code == 303
    [audit] = _audits(db)
    extra = {"action_text": "Record the child's views", "action_owner": "social.worker",
             "action_days": "10"} if action else {}
    done = psw.post(f"/audits/{audit.id}", _graded() | {
        "overall": "good", "submit": "yes", "version": str(audit.version)} | extra)
    assert done.status_code == 303, text_of(done)
    return _audits(db)[0]


def test_a_random_sample_shows_its_seed_and_the_same_seed_draws_the_same_cases(
        signed_in: SignedIn, contacts: Contacts, db: Callable[[], Any]) -> None:
    for first in ("Ann", "Ben", "Cal", "Dee"):
        contacts.at(Stage.CIN_PLAN, first=first)
    psw = signed_in("psw")

    first = _sample(psw, seed="4242")
    again = _sample(psw, seed="4242")
    assert again.status_code == 303

    page = text_of(psw.get(first.headers["Location"]))
    assert "2 cases at random from Assessment 1 (seed 4242)" in page
    assert "Drawing again from the same team with seed 4242 chooses the same cases" in page
    by_sample: dict[int | None, list[int | None]] = {}
    for audit in _audits(db):
        by_sample.setdefault(audit.sample_id, []).append(audit.contact_id)
    assert len(by_sample) == 2 and len(set(map(tuple, by_sample.values()))) == 1


def test_a_sample_nothing_matches_or_with_a_bad_seed_is_refused_at_its_field(
        signed_in: SignedIn, contacts: Contacts, db: Callable[[], Any]) -> None:
    contacts.at(Stage.CIN_PLAN)
    psw = signed_in("psw")

    no_match = psw.post("/audits/samples", {"method": "rule", "rule": "long_cp_plans",
                                            "form_id": "case_audit"})
    bad_seed = _sample(psw, seed="=1+1")
    too_many = _sample(psw, size="5000")

    assert no_match.status_code == 422 and "No case matches" in text_of(no_match)
    assert bad_seed.status_code == 422 and "Give a seed from 1 to 999,999" in text_of(bad_seed)
    assert too_many.status_code == 422 and "from 1 to 50" in text_of(too_many)
    with db() as session:
        assert session.scalars(select(AuditSampleRow)).all() == []


def _one_sampled(signed_in: SignedIn, contacts: Contacts, db: Callable[[], Any]
                 ) -> tuple[Browser, AuditRow]:
    """The principal social worker, and the one case she sampled (not started)."""
    contacts.at(Stage.CIN_PLAN)
    psw = signed_in("psw")
    _sample(psw, size="1")
    [audit] = _audits(db)
    return psw, audit


def _first_answer(grade: str, evidence: str, submit: str, version: int) -> dict[str, str]:
    return {f"grade-{QUESTIONS[0]}": grade, f"evidence-{QUESTIONS[0]}": evidence,
            "submit": submit, "version": str(version)}


def test_submitting_an_incomplete_audit_names_each_missing_grade_and_keeps_the_draft(
        signed_in: SignedIn, contacts: Contacts, db: Callable[[], Any]) -> None:
    psw, audit = _one_sampled(signed_in, contacts, db)
    saved = psw.post(f"/audits/{audit.id}", _first_answer("good", "Allocated in 2 days",
                                                          "no", 1))

    refused = psw.post(f"/audits/{audit.id}", _first_answer("good", "Allocated in 2 days",
                                                            "yes", 2))

    assert saved.status_code == 303
    assert refused.status_code == 422
    body = text_of(refused)
    assert "Grade this question before you submit the audit" in body
    assert "Allocated in 2 days" in body  # what was typed is kept
    assert _audits(db)[0].status == "draft"


def test_bad_evidence_or_a_grade_not_on_the_list_is_a_field_error_not_a_server_error(
        signed_in: SignedIn, contacts: Contacts, db: Callable[[], Any]) -> None:
    psw, audit = _one_sampled(signed_in, contacts, db)

    nul = psw.post(f"/audits/{audit.id}", _first_answer("good", "a\x00b", "no", 1))
    long = psw.post(f"/audits/{audit.id}", _first_answer("good", "x" * 5000, "no", 1))
    unknown = psw.post(f"/audits/{audit.id}", _first_answer("great", "", "no", 1))
    stale = psw.post(f"/audits/{audit.id}", _first_answer("good", "", "no", 7))

    assert nul.status_code == 422 and "Remove the NUL character" in text_of(nul)
    assert long.status_code == 422 and "Keep the evidence under 4,000" in text_of(long)
    assert unknown.status_code == 422 and "Choose outstanding, good" in text_of(unknown)
    assert stale.status_code == 409 and "Someone else changed the audit" in text_of(stale)
    assert (_audits(db)[0].status, _audits(db)[0].version) == ("not_started", 1)


def test_the_auditor_cannot_moderate_a_second_auditor_does_and_the_action_reaches_my_work(
        signed_in: SignedIn, contacts: Contacts, db: Callable[[], Any]) -> None:
    psw, manager, worker = signed_in("psw"), signed_in("manager"), signed_in("social_worker")
    audit = _audited(psw, contacts, db)

    own = psw.post(f"/audits/{audit.id}/moderation", {"version": str(audit.version)})
    before = text_of(worker.get("/queue"))
    page = text_of(manager.get(f"/audits/{audit.id}"))
    moderated = manager.post(f"/audits/{audit.id}/moderation", {
        f"moderated-{QUESTIONS[0]}": "requires_improvement",
        f"reason-{QUESTIONS[0]}": "No hand-over meeting on file",
        "version": str(audit.version)})

    assert own.status_code == 422 and "A second auditor must moderate" in text_of(own)
    assert "Moderate this audit" in page
    assert moderated.status_code == 303
    assert "Record the child&#39;s views" not in before
    queue = text_of(worker.get("/queue"))
    assert "Actions agreed at audit" in queue and "Record the child&#39;s views" in queue
    assert re.search(r"\d{1,2} (January|February|March|April|May|June|July|August|September|"
                     r"October|November|December) 20\d\d", queue)
    audit_page = text_of(worker.get(f"/audits/{audit.id}"))
    assert "Changed to <strong>Requires improvement</strong>: No hand-over meeting on file" \
        in audit_page


def test_the_worker_marks_the_action_done_and_responds_to_the_audit(
        signed_in: SignedIn, contacts: Contacts, db: Callable[[], Any]) -> None:
    psw, manager, worker = signed_in("psw"), signed_in("manager"), signed_in("social_worker")
    audit = _audited(psw, contacts, db)
    manager.post(f"/audits/{audit.id}/moderation", {"version": str(audit.version)})
    action_id = re.search(r'/audits/actions/(\d+)/done', text_of(worker.get("/queue")))
    assert action_id

    done = worker.post(f"/audits/actions/{action_id.group(1)}/done", {"back": "/queue"})
    answered = worker.post(f"/audits/{audit.id}/response",
                           {"response": "Agreed; views now recorded"})

    assert done.status_code == 303 and done.headers["Location"] == "/queue"
    assert "Record the child&#39;s views" not in text_of(worker.get("/queue"))
    assert answered.status_code == 303
    assert "Agreed; views now recorded" in text_of(psw.get(f"/audits/{audit.id}"))


def test_a_social_worker_cannot_audit_nor_read_an_audit_of_anyone_elses_work(
        signed_in: SignedIn, contacts: Contacts, db: Callable[[], Any]) -> None:
    psw, worker = signed_in("psw"), signed_in("social_worker")
    psw.post("/audits/observations", {"practitioner": "fd.worker",
                                      "observation_form": "observation"})
    contacts.at(Stage.CIN_PLAN, first="Sam")
    _sample(psw, size="1")
    [others, own] = _audits(db)

    assert others.practitioner == "fd.worker" and own.practitioner == "social.worker"
    assert worker.get("/audits").status_code == 403
    assert _sample(worker).status_code == 403
    assert worker.get(f"/audits/{others.id}").status_code == 404
    assert worker.get(f"/audits/{own.id}").status_code == 200
    assert worker.post(f"/audits/{own.id}", _graded() | {"version": "1"}).status_code == 403


def test_anothers_audit_is_refused_without_saying_whose_work_it_was(
        signed_in: SignedIn, contacts: Contacts, db: Callable[[], Any]) -> None:
    contacts.at(Stage.CIN_PLAN)
    _sample(signed_in("psw"), size="1")
    [audit] = _audits(db)

    refused = signed_in("chair").get(f"/audits/{audit.id}")

    assert refused.status_code == 404
    assert "Alex" not in text_of(refused) and "Sol Worker" not in text_of(refused)


def test_reading_the_audited_case_is_logged_with_the_audit_as_the_reason(
        signed_in: SignedIn, contacts: Contacts, db: Callable[[], Any]) -> None:
    psw = signed_in("psw")
    audit = _audited(psw, contacts, db)
    unaudited = contacts.at(Stage.CIN_PLAN, first="Una")  # sampled by nobody

    psw.get(f"/audits/{audit.id}")
    opened = psw.get(f"/contacts/{audit.contact_id}")
    child = psw.get(f"/people/{audit.child_id}")
    outside = psw.get(f"/contacts/{unaudited}")

    assert opened.status_code == 200 and child.status_code == 200
    assert outside.status_code == 403
    with db() as session:
        rows = session.execute(select(AccessLogRow.route, AccessLogRow.outcome,
                                      AccessLogRow.reason).where(
            AccessLogRow.username == "principal.sw", AccessLogRow.child_id.is_not(None))
            .order_by(AccessLogRow.id)).all()
    reason = f"Case audit AUD-{audit.id:05d}"
    assert ("/contacts/<int:contact_id>", "viewed", reason) in rows
    assert ("/people/<int:person_id>", "viewed", reason) in rows
    assert ("/audits/<int:audit_id>", "viewed", reason) in rows
    assert ("/contacts/<int:contact_id>", "outside_scope", "") in rows


def test_partners_read_only_published_learning_and_the_csv_is_formula_safe(
        signed_in: SignedIn, db: Callable[[], Any]) -> None:
    psw, partner, worker = signed_in("psw"), signed_in("partner"), signed_in("social_worker")
    for theme, shared in (("=HYPERLINK(\"http://x\")", "yes"), ("Staff only theme", "")):
        made = psw.post("/audits/learning", {"quarter": "2026-Q4", "theme": theme,
                                             "summary": "What the audits found",
                                             "published": shared})
        assert made.status_code == 303

    partner_page = text_of(partner.get("/audits/learning?quarter=2026-Q4"))
    staff_page = text_of(worker.get("/audits/learning?quarter=2026-Q4"))
    partner_csv = text_of(partner.get("/audits/learning.csv"))
    staff_csv = text_of(psw.get("/audits/learning.csv"))

    assert "HYPERLINK" in partner_page and "Staff only theme" not in partner_page
    assert "Staff only theme" in staff_page and "Agreed grades by practice standard area" \
        in staff_page
    assert "Staff only theme" not in partner_csv
    assert "'=HYPERLINK" in staff_csv and "\r\n=HYPERLINK" not in staff_csv
    assert partner.get("/audits").status_code == 403
    assert worker.post("/audits/learning", {"quarter": "2026-Q4", "theme": "x",
                                            "summary": "y"}).status_code == 403


def test_a_bad_quarter_is_a_field_error(signed_in: SignedIn) -> None:
    psw = signed_in("psw")

    shown = psw.get("/audits/learning?quarter=last")
    recorded = psw.post("/audits/learning", {"quarter": "2026-Q5", "theme": "x",
                                             "summary": "y"})

    assert shown.status_code == 422 and "Choose a quarter such as 2026-Q4" in text_of(shown)
    assert recorded.status_code == 422 and "for example 2026-Q4" in text_of(recorded)


def test_an_observation_of_practice_is_graded_on_its_own_form(
        signed_in: SignedIn, db: Callable[[], Any]) -> None:
    psw = signed_in("psw")

    made = psw.post("/audits/observations", {"practitioner": "social.worker",
                                             "observation_form": "observation"})
    unknown = psw.post("/audits/observations", {"practitioner": "nobody",
                                                "observation_form": "observation"})

    assert made.status_code == 303
    page = text_of(psw.get(made.headers["Location"]))
    assert "Observation of practice" in page and "Relationship with the child and family" \
        in page
    assert unknown.status_code == 422 and "Choose the practitioner you observed" in \
        text_of(unknown)
    [audit] = _audits(db)
    assert (audit.kind, audit.practitioner, audit.status) == ("observation", "social.worker",
                                                             "draft")


def test_the_navigation_offers_audits_to_auditors_and_the_learning_to_everyone_else(
        signed_in: SignedIn) -> None:
    def links(who: str) -> set[str]:
        page = text_of(signed_in(who).get("/audits/learning"))
        return set(re.findall(r'href="(/audits[^"]*)"', page.split("</header>")[0]))

    assert {"/audits", "/audits/learning"} <= links("psw")
    assert {"/audits", "/audits/learning"} <= links("manager")
    assert links("social_worker") == {"/audits/learning"}
    assert links("partner") == {"/audits/learning"}
