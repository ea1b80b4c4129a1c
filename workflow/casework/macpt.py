"""Multi-agency child protection teams (s16EA Children Act 2004, inserted by s3 of the
Children's Wellbeing and Schools Act 2026; DOMAIN.md §7).

A MACPT is a directory team of kind ``macpt`` whose members are recorded with their
discipline and the body that nominated them. s16EA says the team *must include* at least a
person with education experience and a social worker nominated by the council, a
registered health professional nominated by the integrated care board, and a police
officer nominated by the chief officer of police. A team lacking one of the four is not a
multi-agency child protection team in law, so it cannot be recorded as the MACPT that
supported a strategy discussion or a section 47 enquiry: recording it would say a statutory
team supported the enquiry when none did. It is shown with a warning naming what it lacks,
and offered only with that warning. The council keeps the s47 duty either way, so a
discussion may still be recorded with no MACPT (the section awaits commencement
regulations, s78; the regulations on their functions are aimed at late 2027).

Each supporting agency's assistance (s47(9)-(11): the persons who must assist the
council's enquiries) is recorded beside the team, in the practitioner's words.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from workflow.accounts import Team
from workflow.engine.action import Ctx, Failure, Guard
from workflow.engine.payload import Kind, Payload, ask
from workflow.engine.rules import text

DISCIPLINES = {"education": "Education", "social_work": "Social work",
               "health": "Health (registered health professional)", "police": "Police",
               "other": "Other"}
NOMINATORS = {"council": "The council", "icb": "Integrated care board",
              "police_force": "Chief officer of police", "other": "Another body"}
#: s16EA's core members: (discipline, nominating body, how a missing one is named).
CORE = (("education", "council", "a person with education experience nominated by the council"),
        ("social_work", "council", "a social worker nominated by the council"),
        ("health", "icb", "a registered health professional nominated by the integrated care "
                          "board"),
        ("police", "police_force", "a police officer nominated by the chief officer of police"))
#: The agencies whose assistance to the enquiry is recorded (s47(9)).
ASSISTING = (("education", "Education"), ("health", "Health"), ("police", "Police"))


def missing_core(team: Team) -> list[str]:
    """The s16EA core members a team lacks (none: it is a MACPT in law)."""
    held = {(m.discipline, m.nominated_by) for m in team.roles}
    return [words for discipline, body, words in CORE if (discipline, body) not in held]


def warning(team: Team) -> str:
    """The sentence shown beside a team that lacks a core member ("" for a complete one)."""
    missing = missing_core(team)
    if not missing:
        return ""
    return (f"{team.name} lacks {' and '.join(missing)}: section 16EA of the Children Act "
            "2004 requires one, so it is not a multi-agency child protection team and cannot "
            "be recorded as supporting an enquiry")


@dataclass(frozen=True)
class MacptSupport(Payload):
    """Which MACPT supported the discussion or enquiry, and what each agency did."""

    macpt: str | None = ask("Multi-agency child protection team that supported it",
                            Kind.SELECT, max_length=40, choices_from="macpts",
                            hint="Only a team with all four core members can be recorded.")
    assistance_education: str = ask("Assistance given by education (optional)")
    assistance_health: str = ask("Assistance given by health (optional)")
    assistance_police: str = ask("Assistance given by the police (optional)")


def assistance(payload: Any) -> dict[str, str]:
    """Each agency's assistance as written (agencies that wrote nothing left out)."""
    return {agency: str(getattr(payload, f"assistance_{agency}")).strip()
            for agency, _ in ASSISTING if str(getattr(payload, f"assistance_{agency}")).strip()}


def _complete_if_given(ctx: Ctx[Any]) -> Failure:
    code = text(ctx, "macpt")
    if not code or ctx.directory is None:
        return None
    team = ctx.directory.team(code)
    if team is None or team.kind != "macpt" or not team.active:
        return "macpt", "choose a multi-agency child protection team from the list"
    problem = warning(team)
    return ("macpt", problem) if problem else None


MACPT_COMPLETE: Guard[Any] = Guard("macpt_has_its_core_members", _complete_if_given, ("macpt",))
