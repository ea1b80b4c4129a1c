"""The s16EA check: a multi-agency child protection team has its four core members, each
from the discipline and the nominating body the section names."""

from __future__ import annotations

import pytest

from workflow.accounts import MemberRole, Team
from workflow.casework.macpt import missing_core, warning

COMPLETE = (MemberRole("e", "education", "council"), MemberRole("s", "social_work", "council"),
            MemberRole("h", "health", "icb"), MemberRole("p", "police", "police_force"))


def _team(*roles: MemberRole) -> Team:
    return Team("macpt-x", "MACPT X", "macpt", roles=roles)


def test_a_team_with_the_four_core_members_is_complete() -> None:
    team = _team(*COMPLETE, MemberRole("o", "other", "other"))
    assert missing_core(team) == [] and warning(team) == ""


@pytest.mark.parametrize(("replaced", "lacking"), [
    (MemberRole("p", "police", "council"), "a police officer nominated by the chief officer"),
    (MemberRole("h", "health", "council"), "a registered health professional nominated by the "
                                           "integrated care board"),
    (MemberRole("e", "other", "council"), "a person with education experience"),
])
def test_a_member_from_the_wrong_body_or_discipline_does_not_count(
        replaced: MemberRole, lacking: str) -> None:
    roles = [r for r in COMPLETE if r.username != replaced.username] + [replaced]
    team = _team(*roles)
    [missing] = missing_core(team)
    assert missing.startswith(lacking)
    assert warning(team).startswith(f"MACPT X lacks {lacking}")
    assert "section 16EA of the Children Act 2004" in warning(team)


def test_an_empty_team_lacks_all_four() -> None:
    assert len(missing_core(_team())) == 4
