"""Child characteristics: ethnicity and disabilities, from the DfE's code lists.

The lists are the person record's own (``config/codes``, by collection year), so a code
the record accepts is one the census accepts. 2887Q and 2888Q look at the whole return:
they ask whether the council records disabilities in the detail the DfE expects.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from reporting.census.model import ChildRecord, Return
from reporting.cin_rules.base import RETURN, Ctx, Family, Hit, Kind, dmy, person

family = Family()
ETHNICITY = person("ethnicity", "the ethnicity")
DISABILITIES = person("disabilities", "the disabilities")


@family.child_rule("4220", "Ethnicity is missing or invalid (see Ethnicity table)",
                   fields=("Ethnicity",), fix=ETHNICITY)
def _ethnicity(c: ChildRecord, ctx: Ctx) -> Iterator[str]:
    if not c.ethnicity or not ctx.codes.is_valid("ethnicity", c.ethnicity, ctx.year):
        yield (f"'{c.ethnicity}' is not a DfE ethnicity code" if c.ethnicity
               else "no ethnicity is recorded")


@family.child_rule("8540", "Child’s disability is missing or invalid (see Disability table)",
                   fields=("Disability", "PersonBirthDate", "ReferralNFA"), fix=DISABILITIES)
def _disability_recorded(c: ChildRecord, ctx: Ctx) -> Iterator[str]:
    """A born child with a referral going on to further action has at least one
    disability code, and every code is the DfE's ('no disability' is NONE)."""
    if c.birth is None or not c.further_action:
        return
    bad = [d for d in c.disabilities if not ctx.codes.is_valid("disability", d, ctx.year)]
    if not c.disabilities:
        yield (f"born {dmy(c.birth)} and referred for further action, but no disability "
               "(or 'no disability') is recorded")
    elif bad:
        yield f"'{bad[0]}' is not a DfE disability code"


@family.child_rule("8790", "Disability information includes both None and other values",
                   fields=("Disability",), fix=DISABILITIES)
def _none_alone(c: ChildRecord, ctx: Ctx) -> Iterator[str]:
    if "NONE" in c.disabilities and len(set(c.disabilities)) > 1:
        yield f"NONE is recorded with {', '.join(d for d in c.disabilities if d != 'NONE')}"


@family.child_rule("8794", "Child has two or more disabilities with the same code",
                   fields=("Disability",), fix=DISABILITIES)
def _each_once(c: ChildRecord, ctx: Ctx) -> Iterator[str]:
    twice = [code for code, n in Counter(c.disabilities).items() if n > 1]
    if twice:
        yield f"{', '.join(twice)} recorded more than once"


@family.return_rule("2887Q", "Please check and either amend or provide a reason: Less than 8 "
                    "disability codes have been used in your return", fields=("Disability",),
                    fix=RETURN, kind=Kind.QUERY)
def _codes_used(census: Return, ctx: Ctx) -> Iterator[Hit]:
    """Excluding NONE, the return uses more than 7 different disability codes (the DfE's
    text; csc-validator-be-cin 0.1.13 counts the children recorded NONE instead)."""
    used = {d for c in census.children for d in c.disabilities if d != "NONE"}
    if len(used) <= 7:
        yield Hit(f"{len(used)} different disability codes are used besides NONE")


@family.return_rule("2888Q", "Please check and either amend or provide a reason: Only one "
                    "disability code is recorded per child and multiple disabilities should "
                    "be recorded where possible.", fields=("Disability",), fix=RETURN,
                    kind=Kind.QUERY)
def _several_recorded(census: Return, ctx: Ctx) -> Iterator[Hit]:
    """Read as the validator does: only a return with a disabled child can break it."""
    counts = [n for c in census.children if (n := sum(d != "NONE" for d in c.disabilities))]
    if counts and max(counts) <= 1:
        yield Hit(f"each of the {len(counts)} disabled children has one disability recorded")
