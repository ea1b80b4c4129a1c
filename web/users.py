"""People: demo users for every role, creation and session revocation (CLI and admin page).

Demo passwords are random on every run and printed once, so a laptop demo never ships a
known password; ``FRONTDOOR_DEMO_PASSWORD`` fixes them for scripted demos.
"""

from __future__ import annotations

import os
import secrets

from web.auth import hash_password
from web.auth.claims import NO_PASSWORD
from workflow.accounts import Accounts
from workflow.roles import Role

DEMO_USERS: tuple[tuple[str, str, Role, str | None, str | None], ...] = (
    ("demo.worker", "Dee Worker", Role.FRONT_DOOR_WORKER, "front-door", None),
    ("demo.chair", "Cal Chair", Role.MASH_CHAIR, "front-door", None),
    ("demo.manager", "Mo Manager", Role.TEAM_MANAGER, "front-door", None),
    ("demo.manager2", "Max Manager", Role.TEAM_MANAGER, "assessment-1", None),
    ("demo.socialworker", "Sol Worker", Role.SOCIAL_WORKER, "assessment-1", None),
    ("demo.police", "Pat Police", Role.PARTNER, None, "police"),
    ("demo.health", "Hal Health", Role.PARTNER, None, "health"),
    ("demo.education", "Eve Education", Role.PARTNER, None, "education"),
    ("demo.familyhelp", "Fay Helper", Role.FAMILY_HELP_PRACTITIONER, "family-help-north", None),
    ("demo.admin", "Ada Admin", Role.ADMINISTRATOR, None, None),
    ("demo.psw", "Pria Principal", Role.PRINCIPAL_SOCIAL_WORKER, None, None),
    ("demo.head", "Hana Head", Role.HEAD_OF_SERVICE, None, None),
)


#: The demo's teams (code, name, kind, capacity) and who manages each.
DEMO_TEAMS: tuple[tuple[str, str, str, int | None], ...] = (
    ("front-door", "Family Front Door", "front_door", 400),
    ("assessment-1", "Assessment Team 1", "assessment", 120),
    ("child-protection-1", "Child Protection Team 1", "child_protection", 80),
    ("family-help-north", "Family Help North", "family_help", 150),
    ("macpt-1", "Multi-agency Child Protection Team 1", "macpt", None),
)
#: The demo MACPT's members: (username, discipline, nominating body), the four of s16EA.
DEMO_MACPT = (("demo.education", "education", "council"),
              ("demo.socialworker", "social_work", "council"),
              ("demo.health", "health", "icb"), ("demo.police", "police", "police_force"))
DEMO_MANAGERS = {"front-door": "demo.manager", "assessment-1": "demo.manager2"}
#: Synthetic Social Work England numbers (the register's SW prefix, numbers nobody holds).
DEMO_SWE = {"demo.socialworker": "SW000001", "demo.manager": "SW000002",
            "demo.manager2": "SW000003"}


def load_demo_users(accounts: Accounts) -> list[tuple[str, str, str]]:
    """(username, role label, password) for each demo user, passwords freshly set; the demo
    teams are made (or kept) and each worker made a member of their team."""
    fixed = os.environ.get("FRONTDOOR_DEMO_PASSWORD")
    made = []
    for username, display, role, team, agency in _demo_staff(accounts):
        password = fixed or secrets.token_urlsafe(9)
        _save(accounts, username, display, role, team, agency, hash_password(password))
        made.append((username, role.label + (f" ({agency})" if agency else ""), password))
    for username, discipline, body in DEMO_MACPT:
        accounts.join_macpt("macpt-1", username, discipline, body)
    return made


def load_demo_directory(accounts: Accounts) -> None:
    """The demo's teams and staff, so its cases can be allocated to them: a user already
    there is kept as they are, a new one has no password until ``users demo`` sets one
    (hashing eight passwords nobody is shown cost the demo seconds)."""
    for username, display, role, team, agency in _demo_staff(accounts):
        if accounts.account(username) is None:
            _save(accounts, username, display, role, team, agency, NO_PASSWORD)


def _demo_staff(accounts: Accounts) -> tuple[tuple[str, str, Role, str | None, str | None], ...]:
    for code, name, kind, capacity in DEMO_TEAMS:
        accounts.save_team(code, name, kind, capacity)
    return DEMO_USERS


def _save(accounts: Accounts, username: str, display: str, role: Role, team: str | None,
          agency: str | None, password_hash: str) -> None:
    accounts.save_account(username, display, role, team, agency, password_hash,
                          DEMO_SWE.get(username))
    if team:
        accounts.join_team(team, username, DEMO_MANAGERS.get(team) == username)
