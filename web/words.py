"""Human words on screen: dates and times as GOV.UK writes them, codes as their labels.

GOV.UK style (the GOV.UK style guide, "Dates" and "Times"): "Tuesday 1 December 2026",
"10:31am", "5pm", "midday", "midnight" — always in Europe/London, because a worker reads
the clock on the wall, not UTC. A deadline reads best relative to now as well ("due in 3
hours", "2 days overdue"), so a list can be scanned without arithmetic.

Codes (stages, outcomes, timescale rules, channels, an action's choices) are shown by the
label their own definition gives them; one vocabulary is built from those definitions, so
a new stage or choice brings its words with it and nothing is written twice. A code that
has no label anywhere is still made readable ("not_sought" → "Not sought") rather than
shown raw.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo

from flask import Flask, current_app, g

from reporting.names import Names, directory_names, plural
from workflow.decision.outcomes import OUTCOMES, PRIMARY_NEEDS
from workflow.engine.payload import asks
from workflow.engine.registry import actions
from workflow.intake.codes import CHANNELS, CONSENT
from workflow.roles import Role
from workflow.stages import STAGES

LONDON = ZoneInfo("Europe/London")
DASH = "–"
#: Words for states and ratings that are not any action's choice.
_OTHER = {"red": "Red", "amber": "Amber", "green": "Green", "met": "Met",
          "late": "Met late", "not_met": "Not met", "open": "Open", "overdue": "Overdue",
          "due_soon": "Due soon", "on_time": "On time", "not_applicable": "Not needed",
          "superseded": "Replaced by a new rating", "answered": "Answered",
          "not_sought": "Not sought", "sought": "Sought", "declined": "Declined",
          "not_held": "Not held", "requested": "Requested"}


def govuk_date(value: date | datetime | None) -> str:
    """``1 December 2026`` (a datetime is first put into London time), or a dash."""
    if value is None:
        return DASH
    day = value.astimezone(LONDON).date() if isinstance(value, datetime) else value
    return f"{day.day} {day:%B %Y}"


def govuk_day(value: date | datetime | None) -> str:
    """``Tuesday 1 December 2026``, or a dash."""
    if value is None:
        return DASH
    day = value.astimezone(LONDON).date() if isinstance(value, datetime) else value
    return f"{day:%A} {govuk_date(day)}"


def govuk_time(value: datetime) -> str:
    """``10:31am``, ``5pm``, ``midday`` or ``midnight`` in London time."""
    local = value.astimezone(LONDON)
    if local.minute == 0 and local.hour in (0, 12):
        return "midnight" if local.hour == 0 else "midday"
    hour = local.hour % 12 or 12
    minutes = f":{local.minute:02d}" if local.minute else ""
    return f"{hour}{minutes}{'am' if local.hour < 12 else 'pm'}"


def govuk_datetime(value: datetime | None) -> str:
    """``Tuesday 1 December 2026 at 10:31am`` in London time, or a dash."""
    if value is None:
        return DASH
    return f"{govuk_day(value)} at {govuk_time(value)}"


def span(delta: timedelta) -> str:
    """A length of time in the largest sensible unit: ``3 hours``, ``2 days``, ``1 minute``."""
    seconds = abs(delta.total_seconds())
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            count = int(seconds // size)
            return f"{count} {unit}{'s' if count != 1 else ''}"
    return "less than a minute"


def due(value: datetime | None, now: datetime | None = None) -> str:
    """``due in 3 hours`` or ``2 days overdue`` (relative to ``now``), or a dash."""
    if value is None:
        return DASH
    left = value - (now or datetime.now(UTC))
    return f"due in {span(left)}" if left >= timedelta(0) else f"{span(left)} overdue"


def ago(value: datetime | None, now: datetime | None = None) -> str:
    """``3 hours ago`` (or ``in 2 days`` for a moment still to come), or a dash."""
    if value is None:
        return DASH
    gone = (now or datetime.now(UTC)) - value
    return f"{span(gone)} ago" if gone >= timedelta(0) else f"in {span(gone)}"


@cache
def _definitions() -> dict[str, str]:
    """Every code the engine defines, with its label (first definition wins)."""
    found: dict[str, str] = {}
    sources: list[Mapping[str, str]] = [
        {s.value: spec.title for s, spec in STAGES.items()}, OUTCOMES, CHANNELS, CONSENT,
        {r.value: r.label for r in Role}, _OTHER,
        {a.name: a.label for a in actions().values()}]
    for source in sources:
        for code, text in source.items():
            found.setdefault(str(code), text)
    for action in actions().values():
        for spec in asks(action.payload):
            for code, text in spec.choices:
                found.setdefault(str(code), text)
    for code, text in PRIMARY_NEEDS.items():
        found.setdefault(code, f"{code}: {text}")
    return found


def vocabulary(app: Flask | None = None) -> dict[str, str]:
    """The engine's labels plus this council's timescale rule titles (built once per app)."""
    extensions = (app or current_app).extensions
    if "words" not in extensions:
        words = dict(_definitions())
        rules = extensions.get("rules")
        if rules is not None:
            for rule_id, title in rules.timescales.titles().items():
                words.setdefault(rule_id, title)
        extensions["words"] = words
    found: dict[str, str] = extensions["words"]
    return found


def label(code: object, words: Mapping[str, str] | None = None) -> str:
    """A code's label from its definition; a code nobody labelled, made readable."""
    if code is None or code == "":
        return DASH
    text = str(code)
    known = (words if words is not None else vocabulary()).get(text)
    if known:
        return known
    return text.replace("_", " ").strip().capitalize() if "_" in text else text


def page_path(route: str) -> str:
    """A URL rule as a reader can follow it: ``/contacts/<int:contact_id>`` becomes
    ``/contacts/…`` (the variable's name is the developers' word, not the reader's)."""
    return re.sub(r"<[^>]*>", "…", route)


def names() -> Names:
    """The directory's names for this request: read once, however many rows a page shows."""
    if "names" not in g:
        g.names = directory_names(g.db)
    found: Names = g.names
    return found


def person_name(username: str | None) -> str:
    """A colleague by name ("Sol Worker"), not by username ("former user" if unknown)."""
    return names().person(username) if username else DASH


def team_name(code: str | None) -> str:
    """A team by name ("Family Front Door"), not by code ("former team" if unknown)."""
    return names().team(code) if code else DASH


def agency_name(agency_id: str | None) -> str:
    """A partner agency by its configured name ("Police"), not by its id."""
    return current_app.extensions["rules"].mash.agencies.name(agency_id) if agency_id else DASH


def register(app: Flask) -> None:
    """Make the filters available to every template."""
    app.jinja_env.filters.update({
        "govuk_date": govuk_date, "govuk_day": govuk_day, "govuk_datetime": govuk_datetime,
        "govuk_time": govuk_time, "due": due, "ago": ago, "label": label,
        "page_path": page_path, "person_name": person_name, "team_name": team_name,
        "agency_name": agency_name, "plural": plural})
    app.jinja_env.globals.update({"when": govuk_datetime, "label": label})
