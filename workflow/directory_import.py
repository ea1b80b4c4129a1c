"""A council's teams and staff from two CSV files, for its first day (and each restructure).

Why files a council already has: the HR or identity team exports who works where; typing a
hundred accounts into a form is how typos get in. Both files are checked as a whole before
anything is written, and every problem is reported with its file, line and column, so a
file with one bad row changes nothing and the person importing fixes all of it at once.
Importing the same files again changes nothing; importing a changed file updates the teams
and people in it (nobody is deleted: a leaver is made inactive by an administrator).

Teams file columns: ``code, name, kind, capacity`` (capacity may be empty).
Users file columns: ``username, display_name, role, teams, manages, agency, swe_number``;
``teams`` and ``manages`` are team codes separated by ``;`` (a manager of a team is also
its member; the first team listed is the person's home team).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from workflow.accounts import TEAM_KINDS
from workflow.errors import InvalidInput
from workflow.roles import Role

TEAM_COLUMNS = ("code", "name", "kind", "capacity")
USER_COLUMNS = ("username", "display_name", "role", "teams", "manages", "agency", "swe_number")
#: Team codes and usernames appear in URLs and audit lines: plain lower-case words only.
_CODE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,39}$")
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._@-]{0,79}$")
#: Social Work England registration numbers: "SW" and up to seven digits.
_SWE = re.compile(r"^SW\d{1,7}$")
_ROLE_NAMES = {**{r.value: r for r in Role}, **{r.label.lower(): r for r in Role}}


@dataclass(frozen=True)
class TeamEntry:
    """One team as the file gives it."""

    code: str
    name: str
    kind: str
    capacity: int | None


@dataclass(frozen=True)
class UserEntry:
    """One person as the file gives them."""

    username: str
    display_name: str
    role: Role
    teams: tuple[str, ...]
    manages: tuple[str, ...]
    agency: str | None
    swe_number: str | None

    @property
    def home_team(self) -> str | None:
        return self.teams[0] if self.teams else None


@dataclass(frozen=True)
class Directory:
    """Both files, checked."""

    teams: tuple[TeamEntry, ...]
    users: tuple[UserEntry, ...]


def _rows(label: str, text: str, columns: Sequence[str],
          problems: dict[str, str]) -> list[tuple[int, dict[str, str]]]:
    """The file's data rows with their line numbers; a missing column is one problem."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))  # Excel writes a BOM
    found = [(h or "").strip().lower() for h in reader.fieldnames or ()]
    missing = [c for c in columns if c not in found]
    if missing:
        problems[f"{label}:1"] = (f"the header needs the column{'s' if len(missing) != 1 else ''} "
                                     f"{', '.join(missing)}")
        return []
    rows = []
    for row in reader:
        clean = {(k or "").strip().lower(): (v or "").strip() for k, v in row.items()
                 if isinstance(v, str)}
        if any(clean.values()):
            rows.append((reader.line_num, clean))
    return rows


def _team(where: str, row: Mapping[str, str], problems: dict[str, str]) -> TeamEntry | None:
    code, name, kind = row["code"].lower(), row["name"], row["kind"].lower()
    before = len(problems)
    if not _CODE.match(code):
        problems[f"{where} code"] = ("use lower-case letters, digits, '.', '_' or '-' "
                                     "(up to 40)")
    if not name or len(name) > 120:
        problems[f"{where} name"] = "give the team's name (up to 120 characters)"
    if kind not in TEAM_KINDS:
        problems[f"{where} kind"] = f"choose one of {', '.join(TEAM_KINDS)}"
    capacity = None
    if row["capacity"]:
        if not row["capacity"].isdigit() or not 0 < int(row["capacity"]) < 10_000:
            problems[f"{where} capacity"] = "a whole number of cases, or leave it empty"
        else:
            capacity = int(row["capacity"])
    return TeamEntry(code, name, kind, capacity) if len(problems) == before else None


def read_teams(text: str, problems: dict[str, str]) -> list[TeamEntry]:
    """The teams file: each row checked, a code used twice refused."""
    teams: dict[str, TeamEntry] = {}
    for line, row in _rows("teams", text, TEAM_COLUMNS, problems):
        where = f"teams:{line}"
        entry = _team(where, row, problems)
        if entry is not None and entry.code in teams:
            problems[f"{where} code"] = f"team {entry.code} is listed twice"
        elif entry is not None:
            teams[entry.code] = entry
    return list(teams.values())


def _codes(text: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(c.strip().lower() for c in text.split(";") if c.strip()))


def _user_problems(where: str, entry: UserEntry, teams: set[str],
                   agencies: set[str]) -> dict[str, str]:
    found: dict[str, str] = {}
    unknown = [t for t in (*entry.teams, *entry.manages) if t not in teams]
    if unknown:
        found[f"{where} teams"] = (f"no team {', '.join(unknown)} in the teams file or "
                                   "already recorded")
    if entry.role is Role.PARTNER and entry.agency not in agencies:
        found[f"{where} agency"] = ("a partner practitioner needs one of the configured "
                                    f"agencies: {', '.join(sorted(agencies))}")
    if entry.role is not Role.PARTNER and entry.agency:
        found[f"{where} agency"] = "only a partner practitioner is bound to an agency"
    if entry.manages and entry.role is not Role.TEAM_MANAGER:
        found[f"{where} manages"] = "only a team manager manages a team"
    if entry.role is Role.SOCIAL_WORKER and not entry.swe_number:
        found[f"{where} swe_number"] = ("a social worker needs their Social Work England "
                                        "registration number (SW and digits)")
    if entry.swe_number and not _SWE.match(entry.swe_number):
        found[f"{where} swe_number"] = "a Social Work England number is SW and up to 7 digits"
    return found


def _user(where: str, row: Mapping[str, str], problems: dict[str, str]) -> UserEntry | None:
    username, role = row["username"].lower(), _ROLE_NAMES.get(row["role"].lower())
    if not _USERNAME.match(username):
        problems[f"{where} username"] = ("use lower-case letters, digits, '.', '_', '-' or "
                                         "'@' (up to 80)")
    if not row["display_name"] or len(row["display_name"]) > 120:
        problems[f"{where} display_name"] = "give the name the pages show (up to 120)"
    if role is None:
        problems[f"{where} role"] = f"choose one of {', '.join(r.value for r in Role)}"
    if any(k.startswith(where) for k in problems):
        return None
    assert role is not None
    manages = _codes(row["manages"])
    teams = tuple(dict.fromkeys((*_codes(row["teams"]), *manages)))
    return UserEntry(username, row["display_name"], role, teams, manages,
                     row["agency"].lower() or None, row["swe_number"].upper() or None)


def read_users(text: str, teams: set[str], agencies: set[str],
               problems: dict[str, str]) -> list[UserEntry]:
    """The users file: each row checked against the teams and the configured agencies."""
    users: dict[str, UserEntry] = {}
    for line, row in _rows("users", text, USER_COLUMNS, problems):
        where = f"users:{line}"
        entry = _user(where, row, problems)
        if entry is None:
            continue
        if entry.username in users:
            problems[f"{where} username"] = f"the username {entry.username} is listed twice"
            continue
        problems.update(_user_problems(where, entry, teams, agencies))
        users[entry.username] = entry
    return list(users.values())


def read_directory(teams_text: str, users_text: str, known_teams: Iterable[str],
                   agencies: Iterable[str]) -> Directory:
    """Both files checked together; every problem at once, as ``InvalidInput``."""
    problems: dict[str, str] = {}
    teams = read_teams(teams_text, problems) if teams_text else []
    codes = {t.code for t in teams} | set(known_teams)
    users = read_users(users_text, codes, set(agencies), problems) if users_text else []
    if problems:
        raise InvalidInput(problems)
    return Directory(tuple(teams), tuple(users))
