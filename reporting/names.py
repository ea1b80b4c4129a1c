"""Colleagues and teams by the names people know them by, not by their codes.

Contacts, events and requests store a username ("demo.worker") and a team code
("front-door") because those never change; a page shows "Dee Worker" and "Family Front
Door". The whole directory is read in two queries, once per page, so a list of a thousand
rows costs the same as a list of one. An account or team that is no longer in the
directory (a record older than its deletion) reads "former user" or "former team": the
page still says somebody acted, without showing a code nobody can look up. A connected
system acts under "api:<client name>" and is shown by that name.

Counted things are named the same way: "1 clock", "192 clocks", never "clock(s)".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from workflow.persistence.tables import UserRow
from workflow.persistence.tables_people import TeamRow

FORMER_USER = "former user"
FORMER_TEAM = "former team"
#: How a connected system (``ApiClient.actor_name``) and a single sign-on provider's
#: groups sign what they record, and how each is shown.
_SYSTEMS = {"api:": "{} (connected system)", "sso:": "{} single sign-on"}


@dataclass(frozen=True)
class Names:
    """Display names by username and team names by code."""

    people: Mapping[str, str]
    teams: Mapping[str, str]

    def person(self, username: str) -> str:
        """"Dee Worker" for ``demo.worker``; a system by its name; "former user" if unknown."""
        for prefix, shown in _SYSTEMS.items():
            if username.startswith(prefix):
                return shown.format(username.removeprefix(prefix))
        return self.people.get(username, FORMER_USER)

    def team(self, code: str) -> str:
        """"Family Front Door" for ``front-door``; "former team" for a code nobody has."""
        return self.teams.get(code, FORMER_TEAM)


def directory_names(session: Session) -> Names:
    """Every account's display name and every team's name (two queries)."""
    people = {u: n for u, n in session.execute(select(UserRow.username, UserRow.display_name))}
    teams = {c: n for c, n in session.execute(select(TeamRow.code, TeamRow.name))}
    return Names(people, teams)


def plural(count: int, noun: str, nouns: str | None = None) -> str:
    """``1 clock``, ``192 clocks``, ``2 children``: the count chooses its noun, so a page
    never leaves the reader a "clock(s)"."""
    return f"{count} {noun if count == 1 else (nouns or noun + 's')}"
