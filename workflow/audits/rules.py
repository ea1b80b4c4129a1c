"""The rules of grading and moderation, checked before anything is written.

- a draft may be partial, but every grade given is one of the four, and evidence is text;
- a submitted audit grades every question of its form version, with evidence for each
  (a grade without the evidence that supports it cannot be moderated), and an overall grade;
- moderation is by a second auditor: never the person who audited the case, only once the
  audit is submitted, and a changed grade needs the reason it was changed;
- an agreed action has an owner, some text and a due date no earlier than the day agreed.
"""

from __future__ import annotations

from collections.abc import Mapping

from workflow.audits.forms import GRADES, FormVersion
from workflow.audits.records import Audit, Grade

MAX_TEXT = 4000


def grade_problems(form: FormVersion, grades: Mapping[str, tuple[str, str]],
                   overall: str | None, submitting: bool) -> dict[str, str]:
    """What is wrong with these (question → grade, evidence) answers, by field name."""
    problems: dict[str, str] = {}
    questions = form.questions()
    for qid, (grade, evidence) in grades.items():
        if qid not in questions:
            problems[f"grade-{qid}"] = "this question is not on the form"
        elif grade and grade not in GRADES:
            problems[f"grade-{qid}"] = "choose outstanding, good, requires improvement or " \
                                       "inadequate"
        elif len(evidence) > MAX_TEXT or "\x00" in evidence:
            problems[f"evidence-{qid}"] = f"keep the evidence under {MAX_TEXT:,} characters"
    if overall and overall not in GRADES:
        problems["overall"] = "choose an overall grade from the list"
    if submitting:
        problems |= _missing(questions, grades, overall, problems)
    return problems


def _missing(questions: Mapping[str, object], grades: Mapping[str, tuple[str, str]],
             overall: str | None, found: Mapping[str, str]) -> dict[str, str]:
    missing: dict[str, str] = {}
    for qid in questions:
        grade, evidence = grades.get(qid, ("", ""))
        if not grade and f"grade-{qid}" not in found:
            missing[f"grade-{qid}"] = "grade this question before you submit the audit"
        elif not evidence.strip() and f"evidence-{qid}" not in found:
            missing[f"evidence-{qid}"] = "say what you saw on the file that supports the grade"
    if not overall:
        missing["overall"] = "give an overall grade before you submit the audit"
    return missing


def moderation_problems(audit: Audit, moderator: str,
                        changes: Mapping[str, tuple[str, str]]) -> dict[str, str]:
    """What stops ``moderator`` moderating with these (question → new grade, reason)."""
    if audit.status != "submitted":
        return {"audit": "only a submitted audit can be moderated"}
    if moderator == audit.auditor:
        return {"audit": "a second auditor must moderate: you carried out this audit"}
    problems: dict[str, str] = {}
    given = {g.question_id: g for g in audit.grades}
    for qid, (grade, reason) in changes.items():
        if qid not in given:
            problems[f"moderated-{qid}"] = "this question is not on the audit"
        elif grade and grade not in GRADES:
            problems[f"moderated-{qid}"] = "choose a grade from the list"
        elif grade and grade != given[qid].grade and not reason.strip():
            problems[f"reason-{qid}"] = "say why you changed the grade"
        elif len(reason) > MAX_TEXT or "\x00" in reason:
            problems[f"reason-{qid}"] = f"keep the reason under {MAX_TEXT:,} characters"
    return problems


def moderated(grades: tuple[Grade, ...], changes: Mapping[str, tuple[str, str]]
              ) -> tuple[Grade, ...]:
    """The grades with the moderator's changes (an unchanged grade is agreed as it is)."""
    out = []
    for g in grades:
        grade, reason = changes.get(g.question_id, ("", ""))
        changed = grade if grade and grade != g.grade else None
        out.append(Grade(g.question_id, g.grade, g.evidence, changed,
                         reason.strip() if changed else ""))
    return tuple(out)
