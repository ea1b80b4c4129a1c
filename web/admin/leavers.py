"""A leaver's cases: who holds which open contacts, and moving them to a colleague at once.

Administrators and team managers may see the list (an administrator switching an account
off must know what it still holds). Moving cases is an allocation, which the process
grants to team managers only (``workflow/oversight/actions/allocate.py``), so the move is
a team manager's: each case goes through ``workflow.services.handle`` as an ``allocate``
action by that manager, so every move is an event on the contact's timeline, the directory
check applies (the new worker must be an active case-holder in the team), and a case that
changed meanwhile is retried against its current version. Cases that cannot move are
named with the reason; the others move.
"""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, current_app, flash, g, redirect, render_template, request
from flask_login import current_user
from werkzeug.wrappers import Response

from reporting.holdings import cases_held
from reporting.teams import teams as team_lines
from web.access import allow
from web.admin.audit import audit
from web.admin.pages import account_or_404
from web.views import when
from web.words import person_name, plural
from workflow.accounts import Account
from workflow.errors import FrontDoorError
from workflow.oversight.actions.allocate import CASEHOLDERS
from workflow.roles import Role
from workflow.services import Act, handle

bp = Blueprint("leavers", __name__, url_prefix="/admin")


def _colleagues(person: Account) -> list[tuple[str, str]]:
    """(username, name) of the active case-holders in the person's home team, but them."""
    for line in team_lines(g.db, active_only=True):
        if line.code == person.team:
            return [(m.username, m.display_name) for m in line.members
                    if m.username != person.username and Role(m.role) in CASEHOLDERS]
    return []


def _page(person: Account, errors: dict[str, str], status: int = 200) -> tuple[str, int]:
    return render_template(
        "admin_cases.html", title=f"Cases held by {person.display_name}", person=person,
        cases=cases_held(g.db, person.username), colleagues=_colleagues(person),
        can_move=current_user.role == Role.TEAM_MANAGER, errors=errors, when=when), status


@bp.get("/users/<int:user_id>/cases")
@allow(Role.ADMINISTRATOR, Role.TEAM_MANAGER)
def cases(user_id: int) -> tuple[str, int]:
    """The person's open contacts and (for a team manager) the form to move them."""
    return _page(account_or_404(user_id), {})


@bp.post("/users/<int:user_id>/cases")
@allow(Role.TEAM_MANAGER)
def reassign(user_id: int) -> Response | tuple[str, int]:
    """Allocate each chosen case to the colleague chosen, through the engine."""
    person = account_or_404(user_id)
    target = request.form.get("worker") or ""
    chosen = _chosen(person)
    if target not in {u for u, _ in _colleagues(person)}:
        return _page(person, {"worker": "Choose a worker in the same team."}, 400)
    if not chosen:
        return _page(person, {"cases": "Choose at least one case to move."}, 400)
    moved, problems = _allocate_each(chosen, person.team or "", target)
    audit("cases_reassigned", person.username,
          f"{plural(len(moved), 'case')} to {target}; {len(problems)} not moved")
    if problems:
        return _page(person, {"cases": "Not moved: " + "; ".join(problems)}, 409)
    flash(f"Moved {plural(len(moved), 'case')} to {person_name(target)}.", "success")
    return redirect(f"/admin/users/{user_id}/cases")


def _chosen(person: Account) -> list[int]:
    held = {c.contact_id for c in cases_held(g.db, person.username)}
    picked = [int(v) for v in request.form.getlist("contact") if v.isdigit()]
    return [c for c in picked if c in held]


def _allocate_each(contact_ids: list[int], team: str, worker: str
                   ) -> tuple[list[int], list[str]]:
    """One allocate command per case (one transaction each): a refusal on one case leaves
    the others moved and says which and why."""
    moved, problems = [], []
    uow, rules = current_app.extensions["uow"], current_app.extensions["rules"]
    for contact_id in contact_ids:
        try:
            handle(uow(), rules, Act("allocate", contact_id, current_user.actor,
                                     datetime.now(UTC), {"team": team, "worker": worker}))
            moved.append(contact_id)
        except FrontDoorError as error:
            problems.append(f"contact {contact_id}: {error}")
    return moved, problems
