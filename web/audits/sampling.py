"""The audits home page and drawing a sample.

The principal social worker draws a sample at random within a team (the seed is kept and
shown, so the sample can be drawn again from the same cases) or by rule; each case drawn
gets an audit of its own, not started, assigned to whoever drew the sample.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, request
from flask_login import current_user
from werkzeug.wrappers import Response

from reporting.audit_samples import rule_cases, team_cases
from reporting.audits import audits, sample, samples
from reporting.teams import team_choices, teams, worker_choices
from web.access import accounts, allow_auditors
from web.views import when
from workflow.audits.commands import DrawSample, RecordObservation
from workflow.audits.forms import KINDS
from workflow.audits.records import STATUSES
from workflow.audits.sampling import MAX_SEED, draw, new_seed
from workflow.errors import FrontDoorError, InvalidInput
from workflow.services import handle

bp = Blueprint("audits", __name__)
#: The largest sample drawn at once (a month's audits for a busy service).
MAX_SAMPLE = 50


def now() -> datetime:
    return datetime.now(UTC)


def local_today() -> date:
    """Today in the council's time zone (what a due date is compared with)."""
    return current_app.extensions["rules"].calendar.local_date(now())


def staff_names() -> dict[str, str]:
    """username → the name people know them by, for the audit pages."""
    return {a.username: a.display_name for a in accounts().accounts()}


def audit_rules() -> Any:
    """The audit settings and forms in force (``config/audits.toml``)."""
    return current_app.extensions["rules"].audits


def _forms(kind: str) -> list[tuple[str, str]]:
    return [(f.id, f.title) for f in audit_rules().forms.values() if f.kind == kind]


def _home(status: int = 200, errors: dict[str, str] | None = None,
          typed: dict[str, str] | None = None) -> tuple[str, int]:
    mine = [a for a in audits(g.db) if a.auditor == current_user.username
            and a.status in ("not_started", "draft")]
    waiting = [a for a in audits(g.db, status="submitted")
               if a.auditor != current_user.username]
    return render_template(
        "audits/index.html", title="Case audits", samples=samples(g.db), mine=mine,
        waiting=waiting, statuses=STATUSES, kinds=KINDS, when=when, names=staff_names(),
        workers=worker_choices(teams(g.db, active_only=True)),
        teams=team_choices(teams(g.db, active_only=True)),
        rules=[(r.id, r.title) for r in audit_rules().rules], case_forms=_forms("case"),
        observation_forms=_forms("observation"), max_sample=MAX_SAMPLE,
        errors=errors or {}, typed=typed or {}), status


@bp.get("/audits")
@allow_auditors()
def index() -> tuple[str, int]:
    """Samples drawn, my audits in progress, audits waiting for a second auditor."""
    return _home()


def _whole(text: str, name: str, low: int, high: int, problem: str) -> int:
    if not text.strip().isdigit() or not low <= int(text) <= high:
        raise InvalidInput({name: problem})
    return int(text)


def _at_random(form: Any, form_id: str) -> DrawSample:
    """Cases of one team chosen by a seed (the one typed, or a new one)."""
    names = {t.code: t.name for t in teams(g.db, active_only=True)}
    team = form.get("team", "")
    if team not in names:
        raise InvalidInput({"team": "choose the team to sample"})
    size = _whole(form.get("size", ""), "size", 1, MAX_SAMPLE,
                  f"give how many cases to sample, from 1 to {MAX_SAMPLE}")
    given = form.get("seed", "").strip()
    seed = _whole(given, "seed", 1, MAX_SEED, f"give a seed from 1 to {MAX_SEED:,}, or "
                  "leave it blank for a new one") if given else new_seed()
    picked = draw(team_cases(g.db, team), size, seed)
    return DrawSample(f"{size} cases at random from {names[team]} (seed {seed})", "random",
                      form_id, picked, current_user.actor, now(), team=team, seed=seed)


def _by_rule(form: Any, form_id: str) -> DrawSample:
    """Every case the chosen rule matches today."""
    rule = audit_rules().rule(form.get("rule", ""))
    if rule is None:
        raise InvalidInput({"rule": "choose the rule to sample by"})
    at = now()
    return DrawSample(rule.title, "rule", form_id, tuple(rule_cases(g.db, rule.id,
                                                                    rule.months, at)),
                      current_user.actor, at, rule_id=rule.id)


def _drawn(form: Any) -> DrawSample:
    """The sample the form asks for, drawn now from the candidates SQL finds."""
    method, form_id = form.get("method", ""), form.get("form_id", "")
    if method == "random":
        return _at_random(form, form_id)
    if method == "rule":
        return _by_rule(form, form_id)
    raise InvalidInput({"method": "choose at random within a team, or by rule"})


@bp.post("/audits/samples")
@allow_auditors()
def draw_sample() -> Response | tuple[str, int]:
    """Draw the sample and open an audit of each case in it."""
    typed = {k: request.form.get(k, "")[:200] for k in
             ("method", "team", "size", "seed", "rule", "form_id")}
    try:
        made = handle(current_app.extensions["uow"](), current_app.extensions["rules"],
                      _drawn(request.form))
    except InvalidInput as refused:
        return _home(422, refused.errors, typed)
    except FrontDoorError as refused:
        abort(refused.status, str(refused))
    flash("Sample drawn: an audit of each case is waiting for you.", "success")
    return redirect(f"/audits/samples/{made}", 303)


@bp.get("/audits/samples/<int:sample_id>")
@allow_auditors()
def sample_page(sample_id: int) -> str:
    """The sample: how it was drawn (its seed or rule) and the audit of each case."""
    found = sample(g.db, sample_id)
    if found is None:
        abort(404, "There is no such sample.")
    return render_template("audits/sample.html", title=found.title, sample=found,
                           audits=audits(g.db, sample_id=sample_id), statuses=STATUSES,
                           kinds=KINDS, names=staff_names(), when=when)


@bp.post("/audits/observations")
@allow_auditors()
def observe() -> Response | tuple[str, int]:
    """Open an observation of a practitioner's practice, graded like an audit."""
    typed = {k: request.form.get(k, "")[:200] for k in ("practitioner", "contact",
                                                         "observation_form")}
    try:
        made = handle(current_app.extensions["uow"](), current_app.extensions["rules"],
                      RecordObservation(typed["practitioner"], typed["observation_form"],
                                        current_user.actor, now(),
                                        _contact_id(typed["contact"])))
    except InvalidInput as refused:
        return _home(422, refused.errors, typed)
    except FrontDoorError as refused:
        abort(refused.status, str(refused))
    return redirect(f"/audits/{made}", 303)


def _contact_id(reference: str) -> int | None:
    """The contact a reference such as FD0000042 names (None when none was typed)."""
    text = reference.strip().upper().removeprefix("FD")
    if not text:
        return None
    if not text.isdigit() or not 0 < int(text) < 2**31:
        raise InvalidInput({"contact": "give the contact reference, for example FD0000042"})
    return int(text)
