"""The team's list of upcoming meetings: conferences, core groups and MASH discussions
booked, soonest first, each saying whether it is inside its timescale.

One SQL query per page (``reporting.bookings``), filtered and paged by the database with
the total counted by the same filters; filters and page live in the URL (``web.lists``).
A value nobody could have chosen is a field error and the default, never a 500.
"""

from __future__ import annotations

from datetime import UTC, datetime

from flask import current_app, g, render_template, request
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from reporting.bookings import MeetingFilter, upcoming_meetings, upcoming_total
from web.access import allow, log_children_shown, record_scope
from web.contact.booked import agencies, sentence
from web.contact.pages import CASEWORKERS, bp
from web.lists import Listing, kept_query, read_list_args
from web.views import LONDON
from workflow.bookings.records import KIND_CHOICES, KINDS

#: The filters the list keeps in its links.
MEETING_FILTERS = ("whose", "kind")
WHOSE = {"team": "My team's", "all": "Everyone's I can see"}


def _errors(args: MultiDict[str, str]) -> dict[str, str]:
    errors = {}
    if (kind := args.get("kind")) and kind not in KINDS:
        errors["kind"] = "Choose a kind of meeting from the list"
    if (whose := args.get("whose")) and whose not in WHOSE:
        errors["whose"] = "Choose whose meetings to show from the list"
    return errors


def _whose(args: MultiDict[str, str]) -> str:
    default = "team" if current_user.team else "all"
    chosen = args.get("whose") or default
    return chosen if chosen in WHOSE else default


@bp.get("/meetings/upcoming")
@allow(*CASEWORKERS)
def upcoming() -> str:
    """Booked meetings from today on, soonest first: the team's by default, each saying
    whether it is inside its timescale."""
    args = request.args
    size = int(current_app.config["FRONTDOOR_WEB"].get("page_size", 50))
    la = read_list_args(args, ("starts",), "starts", size)
    errors = _errors(args)
    whose = _whose(args)
    today = datetime.now(UTC).astimezone(LONDON).replace(hour=0, minute=0, second=0,
                                                         microsecond=0)
    f = MeetingFilter(since=today, team=current_user.team if whose == "team" else None,
                      kind=None if "kind" in errors else args.get("kind") or None,
                      scope=record_scope(), limit=la.size, offset=la.offset)
    rows = upcoming_meetings(g.db, f)
    for row in rows:
        row["sentence"] = sentence(row["starts_at"], row["due_at"], row["late_reason"])
        row["invited"] = agencies(row["invitees"])
    log_children_shown([r["child_id"] for r in rows if r["child_id"]])
    listing = Listing(rows, upcoming_total(g.db, f), la, kept_query(args, MEETING_FILTERS))
    return render_template("meetings_upcoming.html", title="Upcoming meetings",
                           listing=listing, rows=rows, errors=errors, whose=WHOSE,
                           chosen_whose=whose, kinds=KIND_CHOICES, args=args)
