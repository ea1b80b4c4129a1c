"""Why a child's UPN is missing (UN1-UN10), and the reasons a rule can work out alone.

The codes are the DfE's CBDS code set CS051; their descriptions live with the other code
lists in ``config/codes/upn_unknown.toml``. The CIN census accepts UN1 to UN7. Two of its
rules tie a reason to facts this service holds:

* 8770Q (query): a child OF SCHOOL AGE with a referral going on to further action needs a
  UPN or one of UN2 to UN7, so UN1 ("aged under 6 ... not yet assigned a UPN") is queried
  for them. What "school age" means changed in 2024-25 and is dated data in
  ``config/codes/rules/school_age.toml``.
* 8772 (error): UN7 ("referred but no further action taken") only when every referral in
  the return ended with no further action.

So two reasons can be DERIVED: UN1 for a child not yet of school age (or unborn), UN7 for
a child whose every referral was closed with no further action. Every other reason (never
at school in England, educated abroad, name or date-of-birth mismatch ...) is a fact only
a person can establish, so ``derive_upn_unknown`` returns ``None`` and a worker chooses.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from pathlib import Path

from dateutil.relativedelta import relativedelta

from workflow.config_errors import ConfigError, read_toml
from workflow.people.years import CollectionYear, InvalidCollectionYear

__all__ = [
    "CIN_CENSUS_REASONS", "DEFAULT_SCHOOL_AGE_RULES", "SchoolAgeRule", "SchoolAgeRules",
    "SchoolAgeTest", "UpnUnknown", "derive_upn_unknown", "load_school_age_rules",
    "upn_unknown_problem",
]

DEFAULT_SCHOOL_AGE_RULES = (
    Path(__file__).resolve().parents[2] / "config" / "codes" / "rules" / "school_age.toml")


class UpnUnknown(StrEnum):
    """The DfE's UPN-unknown reasons (CBDS CS051); descriptions are in the code list."""

    UN1 = "UN1"
    UN2 = "UN2"
    UN3 = "UN3"
    UN4 = "UN4"
    UN5 = "UN5"
    UN6 = "UN6"
    UN7 = "UN7"
    UN8 = "UN8"
    UN9 = "UN9"
    UN10 = "UN10"


#: The reasons the CIN census XML schema accepts; UN8-UN10 are the SEN2 return's.
CIN_CENSUS_REASONS = frozenset(UpnUnknown(f"UN{n}") for n in range(1, 8))


class SchoolAgeTest(StrEnum):
    """The two readings of "school age" rule 8770Q has used (see school_age.toml)."""

    AGED_6_AT_REFERENCE_DATE = "aged_6_at_reference_date"
    AGED_5_BEFORE_ACADEMIC_YEAR = "aged_5_before_academic_year"

    def latest_birth_date(self, year: CollectionYear) -> date:
        """The last date of birth that still counts as school age in ``year``."""
        if self is SchoolAgeTest.AGED_6_AT_REFERENCE_DATE:
            return year.reference_date - relativedelta(years=6)
        return date(year.reference_date.year - 6, 8, 31)


@dataclass(frozen=True)
class SchoolAgeRule:
    """One dated version of rule 8770Q's school-age test."""

    from_year: CollectionYear
    test: SchoolAgeTest
    source: str


class SchoolAgeRules:
    """Every version of the test, answering "is this child of school age in that year?"."""

    def __init__(self, rules: list[SchoolAgeRule]) -> None:
        self._rules = sorted(rules, key=lambda rule: rule.from_year)

    def rule_for(self, year: CollectionYear) -> SchoolAgeRule:
        """The version in force in ``year``; ``KeyError`` before the first one."""
        in_force = [rule for rule in self._rules if rule.from_year <= year]
        if not in_force:
            raise KeyError(f"no school-age rule for {year}")
        return in_force[-1]

    def latest_birth_date(self, year: CollectionYear) -> date:
        """Born on or before this date means of school age in ``year``."""
        return self.rule_for(year).test.latest_birth_date(year)

    def is_school_age(self, birth_date: date | None, year: CollectionYear) -> bool:
        """Whether 8770Q treats a child born on ``birth_date`` as of school age in ``year``.

        An unborn child (no date of birth yet) is not of school age.
        """
        return birth_date is not None and birth_date <= self.latest_birth_date(year)


def derive_upn_unknown(*, has_upn: bool, birth_date: date | None, all_referrals_nfa: bool,
                       year: CollectionYear, rules: SchoolAgeRules) -> UpnUnknown | None:
    """The UPN-unknown reason the rules settle without a person's knowledge, if any.

    ``all_referrals_nfa`` is true when every referral of the child in the return was
    closed with no further action (ReferralNFA true). Returns ``None`` when the child has
    a UPN (no reason is needed) or when only a worker can say why it is missing.
    """
    if has_upn:
        return None
    if not rules.is_school_age(birth_date, year):
        return UpnUnknown.UN1
    if all_referrals_nfa:
        return UpnUnknown.UN7
    return None


def upn_unknown_problem(reason: str, *, birth_date: date | None, all_referrals_nfa: bool,
                        year: CollectionYear, rules: SchoolAgeRules) -> str | None:
    """What the census rules would say about recording ``reason``, or ``None`` if nothing."""
    if reason not in CIN_CENSUS_REASONS:
        return f"{reason} is not a reason the CIN census accepts (UN1 to UN7 only)"
    if reason == UpnUnknown.UN7 and not all_referrals_nfa:
        return ("UN7 is only for a child whose every referral ended with no further action "
                "(rule 8772)")
    if (reason == UpnUnknown.UN1 and not all_referrals_nfa
            and rules.is_school_age(birth_date, year)):
        latest = rules.latest_birth_date(year)
        return (f"UN1 is for a child not yet of school age; in {year} a child born on or "
                f"before {latest.day} {latest:%B %Y} is of school age: record the UPN or "
                "another reason (rule 8770Q)")
    return None


def load_school_age_rules(path: Path = DEFAULT_SCHOOL_AGE_RULES) -> SchoolAgeRules:
    """Read and check ``school_age.toml``: each rule needs a year, a known test, a source."""
    data = read_toml(path)
    if set(data) != {"rule"} or not isinstance(data["rule"], list) or not data["rule"]:
        raise ConfigError(path, None, "expects only [[rule]] entries")
    rules = [_parse_rule(path, number, entry)
             for number, entry in enumerate(data["rule"], start=1)]
    years = [rule.from_year for rule in rules]
    if len(set(years)) != len(years):
        raise ConfigError(path, None, "two rules share a from_year")
    return SchoolAgeRules(rules)


def _parse_rule(path: Path, number: int, entry: object) -> SchoolAgeRule:
    where = f"entry {number}"
    if not isinstance(entry, dict) or set(entry) != {"from_year", "test", "source"}:
        raise ConfigError(path, where, "needs exactly from_year, test and source", kind="rule")
    try:
        year = CollectionYear.parse(entry["from_year"])
        test = SchoolAgeTest(entry["test"])
    except InvalidCollectionYear as error:
        raise ConfigError(path, where, str(error), kind="rule") from None
    except ValueError:
        known = ", ".join(test.value for test in SchoolAgeTest)
        raise ConfigError(path, where, f"test {entry['test']!r} is not one of: {known}",
                          kind="rule") from None
    if not isinstance(entry["source"], str) or not entry["source"].strip():
        raise ConfigError(path, where, "source must be a non-empty string", kind="rule")
    return SchoolAgeRule(year, test, entry["source"])
