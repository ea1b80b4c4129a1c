"""Assessment factors: the CIN census code list (2025-26) and the rules it comes with.

Why checked when the social worker submits, not only in the census file: a factor list
the DfE refuses (21 "no factors" beside others, a code twice, a retired code) is found
months later in COLLECT, when the assessment is long closed. Refusing it at submission
lets the author fix it while the assessment is open. Codes and rules are DOMAIN.md §5;
``reporting/cin_codes.ASSESSMENT_FACTORS`` repeats the codes for the returns, and a test
checks the two lists agree.
"""

from __future__ import annotations

from collections.abc import Iterable

_WHO = {"A": "child", "B": "parent/carer", "C": "other household member"}


def _three(number: int, topic: str) -> dict[str, str]:
    return {f"{number}{x}": f"{topic} ({who})" for x, who in _WHO.items()}


#: Code → label, in the census's order.
FACTORS: dict[str, str] = {
    **_three(1, "Alcohol misuse"), **_three(2, "Drug misuse"), **_three(3, "Domestic abuse"),
    **_three(4, "Mental health"), **_three(5, "Learning disability"),
    **_three(6, "Physical disability or illness"),
    "7A": "Young carer",
    **{f"8{x}": f"Private fostering ({x})" for x in "BCDEF"},
    "9A": "Unaccompanied asylum-seeking child", "10A": "Going or being missing",
    "11A": "Child sexual exploitation", "12A": "Trafficking", "13A": "Gangs",
    "14A": "Socially unacceptable behaviour", "15A": "Self-harm", "16A": "Neglect",
    "17A": "Emotional abuse", "18B": "Physical abuse (child on child)",
    "18C": "Physical abuse (adult on child)", "19B": "Sexual abuse (child on child)",
    "19C": "Sexual abuse (adult on child)", "20": "Other", "21": "No factors identified",
    "22A": "Female genital mutilation", "23A": "Abuse linked to faith or belief",
    "24A": "Child criminal exploitation",
}
#: Codes the DfE retired, with what to use instead (DOMAIN.md §5: from 2024-25).
RETIRED = {"18A": "18B or 18C (physical abuse: child on child, or adult on child)",
           "19A": "19B or 19C (sexual abuse: child on child, or adult on child)"}
NO_FACTORS = "21"


def factor_problem(codes: Iterable[object]) -> str | None:
    """What is wrong with a list of factors, in words a social worker can act on; None if
    the list is acceptable. An empty list is a problem: the census needs at least one
    code, and "21" says there were none."""
    given = [str(c).strip().upper() for c in codes]
    if not given:
        return "choose the assessment factors, or 21 if there are none"
    retired = [c for c in given if c in RETIRED]
    if retired:
        return f"{retired[0]} was retired by the DfE: use {RETIRED[retired[0]]}"
    unknown = [c for c in given if c not in FACTORS]
    if unknown:
        return f"'{unknown[0]}' is not a CIN census assessment factor"
    repeated = sorted({c for c in given if given.count(c) > 1})
    if repeated:
        return f"{repeated[0]} is chosen more than once"
    if NO_FACTORS in given and len(given) > 1:
        return "21 (no factors identified) cannot be chosen with other factors"
    return None


def normalised(codes: Iterable[object]) -> list[str]:
    """The codes as stored: upper case, trimmed, in the census's order."""
    given = {str(c).strip().upper() for c in codes}
    return [code for code in FACTORS if code in given]
