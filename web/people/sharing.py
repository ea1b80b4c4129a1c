"""A child's information-sharing ledger, for the managers who answer for it.

Only a team manager or a MASH chair may read or export it: they sign requests off and
answer to Ofsted and the safeguarding partners for what was shared and what was not;
everyone else is refused by the deny-by-default hook (``web.access``), which logs the
refusal. Every view and every export is written to the access log (DOMAIN.md §6). The
CSV's file name carries the record's id and the date, never the child's name.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, Response, abort, current_app, g, render_template
from flask_login import current_user

from reporting.sharing import Ledger, sharing_ledger, to_csv
from web.access import allow, log_access
from web.views import LONDON, when
from workflow.roles import Role

bp = Blueprint("sharing", __name__)
MANAGERS = (Role.TEAM_MANAGER, Role.MASH_CHAIR)


@bp.app_context_processor
def _ledger_link() -> dict[str, Any]:
    """Whether pages may offer the ledger to the person signed in (the person page links)."""
    allowed = current_user.is_authenticated and current_user.role in MANAGERS
    return {"sees_sharing_ledger": allowed}


def _ledger(person_id: int, outcome: str) -> Ledger:
    mash = current_app.extensions["rules"].mash
    ledger = sharing_ledger(g.db, person_id, mash.agencies, mash.lawful_bases)
    if ledger is None:
        abort(404, f"There is no person {person_id}.")
    log_access(person_id, None, outcome)
    return ledger


@bp.get("/people/<int:person_id>/sharing")
@allow(*MANAGERS)
def ledger(person_id: int) -> str:
    """Every request and answer about the child, oldest first, with bases and reasons."""
    found = _ledger(person_id, "viewed")
    return render_template("people/sharing.html", title="Information sharing",
                           ledger=found, when=when)


@bp.get("/people/<int:person_id>/sharing.csv")
@allow(*MANAGERS)
def ledger_csv(person_id: int) -> Response:
    """The same ledger as CSV (UK dates, spreadsheet formulas neutralised)."""
    found = _ledger(person_id, "exported")
    day = datetime.now(UTC).astimezone(LONDON)
    name = f"information-sharing-{person_id}-{day:%Y-%m-%d}.csv"
    return Response(to_csv(found.entries), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
