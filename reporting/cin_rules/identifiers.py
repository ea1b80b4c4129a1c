"""Child identifiers: LA child ID, UPN and the reason it is missing, dates of birth, sex.

The DfE's rules, each in its own words (rule code and message as the DfE publishes them,
via Data to Insight's csc-validator-be-cin 0.1.13, ``cin_validator/rules/cin20YY_YY``).
The UPN's check letter, LA numbers and the school-age test are the person record's own
(``workflow.people``), so the rule the census applies and the one the record is checked
against when it is typed are one definition.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from dateutil.relativedelta import relativedelta

from reporting.census.model import ChildRecord, Return
from reporting.cin_rules.base import RETURN, SOFTWARE, Ctx, Family, Hit, Kind, dmy, person
from workflow.people.upn import CHECK_LETTERS, check_letter

family = Family()
UPN = person("upn", "the UPN")
BORN = person("date_of_birth", "the date of birth")
EXPECTED = person("expected_date_of_birth", "the expected date of birth")
SEX = person("sex", "the sex")
WHY_NO_UPN = person("upn_unknown", "the UPN, or the reason it is not known")
UN_ACCEPTED = ("UN2", "UN3", "UN4", "UN5", "UN6", "UN7")


# -- LA child ID ---------------------------------------------------------------------------
@family.child_rule("8500", "LA Child ID missing", fields=("LAchildID",), fix=SOFTWARE)
def _id_present(c: ChildRecord, ctx: Ctx) -> Iterator[str]:
    if not c.la_child_id:
        yield "the child has no LAchildID"


@family.return_rule("8510", "More than one child record with the same LA Child ID",
                    fields=("LAchildID",), fix=SOFTWARE)
def _id_unique(census: Return, ctx: Ctx) -> Iterator[Hit]:
    counts = Counter(c.la_child_id for c in census.children if c.la_child_id)
    for c in census.children:
        if c.la_child_id and counts[c.la_child_id] > 1:
            yield Hit(f"{c.la_child_id} is used {counts[c.la_child_id]} times", c)


@family.child_rule("1570", "LA Child ID must not be longer than 20 characters",
                   fields=("LAchildID",), fix=SOFTWARE, years=("2024-25", None))
def _id_length(c: ChildRecord, ctx: Ctx) -> Iterator[str]:
    if c.la_child_id and len(c.la_child_id) > 20:
        yield f"{c.la_child_id} has {len(c.la_child_id)} characters"


@family.child_rule("1580", "LA Child ID must not contain any non-alphanumeric characters",
                   fields=("LAchildID",), fix=SOFTWARE, years=("2024-25", None))
def _id_characters(c: ChildRecord, ctx: Ctx) -> Iterator[str]:
    if c.la_child_id and not c.la_child_id.isalnum():
        yield f"{c.la_child_id} has a character other than a letter or a digit"


# -- UPN -----------------------------------------------------------------------------------
def _thirteen(upn: str | None) -> str | None:
    return upn if upn and len(upn) == 13 else None


@family.child_rule("1510", "UPN invalid (wrong check letter at character 1)", fields=("UPN",),
                   fix=UPN)
def _check_letter(c: ChildRecord, ctx: Ctx) -> Iterator[str]:
    upn = _thirteen(c.upn)
    if upn is None or not upn[1:12].isdigit() or not (upn[12].isdigit()
                                                      or upn[12] in CHECK_LETTERS):
        return  # 1540 and 1550 report a malformed UPN
    expected = check_letter(upn[1:])
    if upn[0] != expected:
        yield f"{upn}: the check letter should be {expected}"


@family.return_rule("1520", "More than one record with the same UPN.", fields=("UPN",),
                    fix=UPN)
def _upn_unique(census: Return, ctx: Ctx) -> Iterator[Hit]:
    counts = Counter(c.upn for c in census.children if c.upn)
    for c in census.children:
        if c.upn and counts[c.upn] > 1:
            yield Hit(f"{c.upn} is recorded for {counts[c.upn]} children", c)


@family.child_rule("1530", "UPN invalid (characters 2-4 not a recognised LA code)",
                   fields=("UPN",), fix=UPN)
def _la_code(c: ChildRecord, ctx: Ctx) -> Iterator[str]:
    upn = _thirteen(c.upn)
    if upn and upn[1:4] not in ctx.la_numbers:
        yield f"{upn}: {upn[1:4]} is not an LA number the DfE recognises in {ctx.year}"


@family.child_rule("1540", "UPN invalid (characters 5-12 not all numeric)", fields=("UPN",),
                   fix=UPN)
def _digits(c: ChildRecord, ctx: Ctx) -> Iterator[str]:
    if c.upn and not c.upn[4:12].isdigit():
        yield f"{c.upn}: characters 5 to 12 are not all digits"


@family.child_rule("1550", "UPN invalid (character 13 not a recognised value)",
                   fields=("UPN",), fix=UPN)
def _last_character(c: ChildRecord, ctx: Ctx) -> Iterator[str]:
    upn = _thirteen(c.upn)
    if upn and not (upn[12].isdigit() or upn[12] in CHECK_LETTERS):
        yield f"{upn}: character 13 must be a digit or a letter other than I, O and S"


@family.child_rule("1560Q", "Please check and either amend or provide a reason: Former UPN "
                   "wrongly formatted", fields=("FormerUPN",), fix=UPN, kind=Kind.QUERY)
def _former_upn(c: ChildRecord, ctx: Ctx) -> Iterator[str]:
    former = c.former_upn
    if former and (len(former) != 13 or not former[0].isalpha() or not former[1:].isdigit()):
        yield f"former UPN {former} is not a letter and 12 digits"


@family.child_rule("8770Q", "Please check and either amend data or provide a reason: UPN or "
                   "reason UPN missing expected for a child who is more than 5 years old",
                   fields=("UPNunknown",), fix=WHY_NO_UPN, kind=Kind.QUERY,
                   years=("2022-23", "2023-24"))
def _upn_expected_at_6(c: ChildRecord, ctx: Ctx) -> Iterator[str]:
    yield from _upn_expected(c, ctx)


@family.child_rule("8770Q", "Please check and either amend data or provide a reason: UPN is "
                   "missing or reason UPN is missing or is UN1 for a child who is of school "
                   "age.", fields=("UPNunknown",), fix=WHY_NO_UPN, kind=Kind.QUERY,
                   years=("2024-25", None))
def _upn_expected_at_school_age(c: ChildRecord, ctx: Ctx) -> Iterator[str]:
    yield from _upn_expected(c, ctx)


def _upn_expected(c: ChildRecord, ctx: Ctx) -> Iterator[str]:
    """A child of school age (as the year's rule counts it) with a referral going on to
    further action has a UPN or one of UN2 to UN7 (school_age.toml gives the test)."""
    if (c.birth and c.birth <= ctx.school_age_born_by and c.further_action and not c.upn
            and (c.upn_unknown or "").upper() not in UN_ACCEPTED):
        why = f"the reason given is {c.upn_unknown}" if c.upn_unknown else "no reason is given"
        yield (f"born {dmy(c.birth)}, of school age in {ctx.year} (born on or before "
               f"{dmy(ctx.school_age_born_by)}): no UPN and {why}")


@family.child_rule("8772", "UPN unknown reason is UN7 (Referral with no further action) but "
                   "at least one CIN details is a referral going on to further action",
                   fields=("UPNunknown", "ReferralNFA"), fix=WHY_NO_UPN)
def _un7(c: ChildRecord, ctx: Ctx) -> Iterator[str]:
    if c.upn_unknown == "UN7" and any(e.nfa is not True for e in c.episodes):
        yield "UN7 is given but a referral went on to further action"


# -- dates of birth ------------------------------------------------------------------------
@family.child_rule("8520", "Date of Birth is after data collection period (must be on or "
                   "before the end of the census period)",
                   fields=("PersonBirthDate", "ReferenceDate"), fix=BORN)
def _born_in_time(c: ChildRecord, ctx: Ctx) -> Iterator[str]:
    if c.birth and c.birth > ctx.end:
        yield f"born {dmy(c.birth)}, after {dmy(ctx.end)}"


@family.child_rule("8525Q", "Either Date of Birth or Expected Date of Birth must be provided "
                   "(but not both)", fields=("PersonBirthDate", "ExpectedPersonBirthDate"),
                   fix=BORN, kind=Kind.QUERY)
def _one_birth_date(c: ChildRecord, ctx: Ctx) -> Iterator[str]:
    if (c.birth is None) == (c.expected_birth is None):
        yield ("both a date of birth and an expected one are given" if c.birth
               else "neither a date of birth nor an expected date of birth is recorded")


@family.child_rule("8530Q", "Please check and either amend data or provide a reason: Expected "
                   "Date of Birth is outside the expected range for this census (March to "
                   "December of the Census Year end)", fields=("ExpectedPersonBirthDate",),
                   fix=EXPECTED, kind=Kind.QUERY)
def _expected_in_range(c: ChildRecord, ctx: Ctx) -> Iterator[str]:
    earliest, latest = ctx.end - relativedelta(days=30), ctx.end + relativedelta(months=9)
    if c.expected_birth and not earliest < c.expected_birth < latest:
        yield (f"expected {dmy(c.expected_birth)}, not between {dmy(earliest)} and "
               f"{dmy(latest)}")


@family.child_rule("8535Q", "Please check and either amend data or provide a reason: Child’s "
                   "date of death should not be prior to the date of birth",
                   fields=("PersonDeathDate", "PersonBirthDate"), fix=BORN, kind=Kind.QUERY)
def _death_after_birth(c: ChildRecord, ctx: Ctx) -> Iterator[str]:
    if c.death and (c.birth is None or c.birth > c.death):
        yield f"died {dmy(c.death)}, born {dmy(c.birth)}"


@family.child_rule("8545Q", "Please check and either amend data or provide a reason: Child's "
                   "date of death should be within the census year", fields=("PersonDeathDate",),
                   fix=BORN, kind=Kind.QUERY)
def _death_in_year(c: ChildRecord, ctx: Ctx) -> Iterator[str]:
    if c.death and not ctx.in_year(c.death):
        yield f"died {dmy(c.death)}, outside {ctx.year}"


@family.child_rule("8775Q", "Please check and either amend data or provide a reason: Child is "
                   "over 25 years old", fields=("PersonBirthDate", "CINclosureDate"), fix=BORN,
                   kind=Kind.QUERY)
def _over_25(c: ChildRecord, ctx: Ctx) -> Iterator[str]:
    if c.birth is None or c.birth >= ctx.end - relativedelta(years=25):
        return
    twenty_five = c.birth + relativedelta(years=25)
    if any(e.closure is None or e.closure > twenty_five for e in c.episodes):
        yield f"born {dmy(c.birth)}: 25 on {dmy(twenty_five)}, with a referral open after it"


# -- sex -----------------------------------------------------------------------------------
@family.child_rule("4180", "Gender is missing", fields=("GenderCurrent",), fix=SEX,
                   years=("2022-23", "2023-24"))
def _gender(c: ChildRecord, ctx: Ctx) -> Iterator[str]:
    if not c.gender_current or not ctx.codes.is_valid("sex", c.gender_current, ctx.year):
        yield f"<GenderCurrent> is {c.gender_current or 'missing'} (1, 2, 0 or 9)"


@family.child_rule("4180", "Sex must be provided and equal M, F, or U", fields=("Sex",),
                   fix=SEX, years=("2024-25", None))
def _sex(c: ChildRecord, ctx: Ctx) -> Iterator[str]:
    if not c.sex or not ctx.codes.is_valid("sex", c.sex, ctx.year):
        yield f"<Sex> is {c.sex or 'missing'} (M, F or U)"


@family.child_rule("8750", "Gender must equal 0 for an unborn child",
                   fields=("GenderCurrent", "PersonBirthDate", "ExpectedPersonBirthDate"),
                   fix=SEX, years=("2022-23", "2023-24"))
def _unborn_gender(c: ChildRecord, ctx: Ctx) -> Iterator[str]:
    if c.unborn and c.gender_current != "0":
        yield f"an unborn child's <GenderCurrent> is {c.gender_current}, not 0"


@family.child_rule("8750", "Sex must equal U for an unborn child",
                   fields=("Sex", "PersonBirthDate", "ExpectedPersonBirthDate"), fix=SEX,
                   years=("2024-25", None))
def _unborn_sex(c: ChildRecord, ctx: Ctx) -> Iterator[str]:
    if c.unborn and c.sex != "U":
        yield f"an unborn child's <Sex> is {c.sex}, not U"


def _no_sex(c: ChildRecord, element: str) -> bool:
    value = c.sex if element == "Sex" else c.gender_current
    return not c.unborn and value in (None, "U" if element == "Sex" else "0")


def _share_without_sex(census: Return, element: str, word: str) -> Iterator[Hit]:
    children = len(census.children)
    missing = sum(_no_sex(c, element) for c in census.children)
    if children and missing / children > 0.02:
        yield Hit(f"{missing} of {children} children ({missing / children:.0%}) have no "
                  f"{word} recorded")


@family.return_rule("2886Q", "Please check and either amend or provide a reason: Percentage of "
                    "children with no gender recorded is more than 2% (excluding unborns)",
                    fields=("ExpectedPersonBirthDate", "ChildIdentifiers"), fix=RETURN,
                    kind=Kind.QUERY, years=("2022-23", "2023-24"))
def _share_no_gender(census: Return, ctx: Ctx) -> Iterator[Hit]:
    yield from _share_without_sex(census, "GenderCurrent", "gender")


@family.return_rule("2886Q", "Please check and either amend or provide a reason: Percentage of "
                    "children with no sex recorded is more than 2% (excluding unborns)",
                    fields=("ExpectedPersonBirthDate", "ChildIdentifiers"), fix=RETURN,
                    kind=Kind.QUERY, years=("2024-25", None))
def _share_no_sex(census: Return, ctx: Ctx) -> Iterator[Hit]:
    yield from _share_without_sex(census, "Sex", "sex")
