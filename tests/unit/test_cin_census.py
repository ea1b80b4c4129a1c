"""The CIN census layout year by year, the XML it gives, and what a child's record says.

No database: the layouts come from ``config/cin_census.toml``, the XML from the model and
each year's schema in ``reporting/schemas``. The same returns built from stored records
are in tests/integration/test_returns_cin_census.py.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
import xmlschema

from reporting.census.build import child_record, upn_unknown
from reporting.census.model import Header, Return
from reporting.census.spec import UnknownYear, load_census_specs
from reporting.census.xml import read_return, write_return
from reporting.cin_census import CollectionYear, load_la_number, schema_problems
from reporting.cin_episodes import Assessment, Child, Episode
from tests.unit.test_cin_rules import SOUND, module_5
from workflow.config_errors import ConfigError
from workflow.people.rules import load_people_rules
from workflow.people.years import CollectionYear as Year
from workflow.rules import DEFAULT_CONFIG

SPECS = load_census_specs()
PEOPLE = load_people_rules(DEFAULT_CONFIG)
YEARS = ("2022-23", "2023-24", "2024-25", "2025-26", "2026-27")


# -- the year ----------------------------------------------------------------------------------
def test_a_collection_year_runs_from_1_april_to_31_march() -> None:
    year = CollectionYear.parse("2025-26")
    assert (year.start, year.end, year.label) == (date(2025, 4, 1), date(2026, 3, 31), "2025-26")
    assert year.cutoff.isoformat() == "2026-04-01T00:00:00+01:00"  # midnight in BST


@pytest.mark.parametrize("text", ["2025-27", "2025", "25-26", "2025/26"])
def test_a_year_not_written_like_2025_26_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="write it like 2025-26"):
        CollectionYear.parse(text)


def test_the_la_number_must_be_three_digits(tmp_path: Path) -> None:
    (tmp_path / "settings.toml").write_text('[returns]\nla_number = "88"\n')
    with pytest.raises(ConfigError, match="three-digit"):
        load_la_number(tmp_path)


# -- the layout of each year -----------------------------------------------------------------
def test_every_year_the_dfe_has_specified_has_a_layout_and_no_other() -> None:
    assert sorted(SPECS.years) == list(YEARS)
    with pytest.raises(UnknownYear, match="2027-28.*2022-23, 2023-24, 2024-25, 2025-26, "
                                          "2026-27"):
        SPECS.for_year("2027-28")
    with pytest.raises(UnknownYear):
        SPECS.for_year("2021-22")


@pytest.mark.parametrize(("year", "sex", "module_5"), [
    ("2022-23", "GenderCurrent", False), ("2023-24", "GenderCurrent", False),
    ("2024-25", "Sex", False), ("2025-26", "Sex", False), ("2026-27", "Sex", True)])
def test_the_sex_element_and_module_5_follow_the_year(year: str, sex: str,
                                                      module_5: bool) -> None:
    spec = SPECS.for_year(year)
    ids = spec.layout["ChildIdentifiers"]

    assert spec.sex_element == sex and spec.has_module_5 is module_5
    assert ids.index(sex) == ids.index("ExpectedPersonBirthDate") + 1
    assert {"GenderCurrent", "Sex"} - {sex} <= {"GenderCurrent", "Sex"} - set(ids)
    assert spec.layout["CINdetails"][-1] == ("PreProceedingsandFGDM" if module_5
                                             else "ChildProtectionPlans")
    assert [spec.header[k] for k in ("Collection", "SourceLevel")] == ["CIN", "L"]


def _sequence(schema: Any, element: str) -> list[str]:
    """The child elements, in order, of the first element of that name in the schema."""
    found = next(e for e in schema.iter_components(xmlschema.XsdElement) if e.name == element)
    return [child.name for child in found.type.content.iter_elements()]


@pytest.mark.parametrize("year", YEARS)
def test_each_layout_has_the_order_of_its_years_schema(year: str) -> None:
    spec = SPECS.for_year(year)
    schema = xmlschema.XMLSchema(str(spec.schema))

    for group, children in spec.layout.items():
        if group not in ("Message", "Children"):
            assert _sequence(schema, group) == list(children), (year, group)


def test_a_layout_naming_an_element_the_writer_does_not_know_is_refused(tmp_path: Path) -> None:
    text = Path("config/cin_census.toml").read_text().replace('"ReferralNFA"',
                                                              '"ReferralNFAX"', 1)
    (tmp_path / "cin_census.toml").write_text(text)

    with pytest.raises(ConfigError, match="ReferralNFAX not an element of CINdetails"):
        load_census_specs(tmp_path / "cin_census.toml")


# -- the XML -----------------------------------------------------------------------------------
def _for(year: str) -> Return:
    """The sound 2025-26 return's shape, headed for ``year`` (dates do not matter here)."""
    census = module_5() if year == "2026-27" else SOUND
    end = Year.parse(year).reference_date
    return replace(census, header=replace(census.header, year=str(end.year),
                                          reference_date=end,
                                          date_time=datetime(end.year, 4, 2, 9, 30)))


@pytest.mark.parametrize("year", YEARS)
def test_the_xml_of_each_year_is_valid_against_that_years_schema(year: str) -> None:
    spec = SPECS.for_year(year)
    root = write_return(_for(year), spec)

    assert schema_problems(root, spec, ["FD1", "FD2", "FD3"]) == []
    assert [n.tag for n in root.find("Children/Child/ChildIdentifiers")] == [
        e for e in spec.layout["ChildIdentifiers"]
        if e in ("LAchildID", "UPN", "PersonBirthDate", spec.sex_element)]


def test_the_child_s_sex_is_written_in_the_years_element_and_flags_are_0_or_1() -> None:
    old = write_return(_for("2023-24"), SPECS.for_year("2023-24"))
    new = write_return(_for("2024-25"), SPECS.for_year("2024-25"))

    assert old.findtext("Children/Child/ChildIdentifiers/GenderCurrent") == "2"
    assert old.find("Children/Child/ChildIdentifiers/Sex") is None
    assert new.findtext("Children/Child/ChildIdentifiers/Sex") == "F"
    assert [n.text for n in new.iter("ReferralNFA")] == ["0", "0", "1"]
    assert [n.text for n in new.iter("ICPCnotRequired")] == ["0"]


def test_an_xml_with_the_old_element_fails_the_new_years_schema() -> None:
    spec = SPECS.for_year("2024-25")
    root = write_return(_for("2024-25"), SPECS.for_year("2023-24"))

    problems = schema_problems(root, spec, ["FD1", "FD2", "FD3"])

    assert problems and problems[0].child == "FD1"
    assert "GenderCurrent" in problems[0].message


def test_module_5_is_written_last_in_the_referral_in_the_dfes_order() -> None:
    root = write_return(_for("2026-27"), SPECS.for_year("2026-27"))
    details = root.find("Children/Child/CINdetails")
    assert details is not None

    assert details[-1].tag == "PreProceedingsandFGDM"
    assert [(n.tag, n.text) for n in details[-1]] == [
        ("PPStartDate", "2026-09-09"), ("LBPSentDate", "2026-09-20"),
        ("FGDMMeetingOffer", "1"), ("FGDMMeetingFac", "1"),
        ("InitialPPMeetingDate", "2026-09-28"), ("ReviewMeetingsCount", "3"),
        ("StepDecisionDate", "2026-12-01"), ("PPOutcome", "A"),
        ("CourtAppDate", "2026-12-18"), ("LetterInitCPDate", "2027-02-05")]


@pytest.mark.parametrize("year", YEARS)
def test_a_file_read_back_says_what_was_written(year: str) -> None:
    census = _for(year)
    spec = SPECS.for_year(year)
    ours = {"person_id": None}

    back = read_return(write_return(census, spec))

    def plain(c: Any) -> Any:
        kept = replace(c, **ours, episodes=tuple(replace(e, contact_id=None)
                                                 for e in c.episodes))
        return replace(kept, sex=kept.sex if spec.sex_element == "Sex" else None,
                       gender_current=kept.gender_current if spec.sex_element != "Sex"
                       else None)

    assert back.header == census.header
    assert back.children == tuple(plain(c) for c in census.children)


# -- what a child's record says --------------------------------------------------------------
def _child(**changes: Any) -> Child:
    return replace(Child(7, date(2016, 5, 14), "F", "WBRI", None, ("NONE",)), **changes)


def _episode(nfa: bool) -> Episode:
    return Episode(contact_id=70, child_id=7, referral=date(2025, 6, 2), source="6",
                   primary_need=None if nfa else "N1", nfa=nfa, closure=None,
                   closure_reason=None, assessments=(), section47s=(), cp_plans=(),
                   cin_plans=(), team=None, worker=None)


@pytest.mark.parametrize(("child", "nfa", "expected"), [
    pytest.param({"date_of_birth": date(2021, 9, 1)}, False, "UN1", id="not-yet-school-age"),
    pytest.param({}, True, "UN7", id="school-age-every-referral-nfa"),
    pytest.param({}, False, None, id="school-age-further-action-nothing-derived"),
    pytest.param({"upn_unknown": "UN3"}, False, "UN3", id="a-workers-reason-kept"),
    pytest.param({"upn_unknown": "UN1"}, False, "UN1", id="a-wrong-reason-kept-to-be-reported"),
    pytest.param({"upn": "P885250000013", "upn_unknown": "UN3"}, False, None, id="has-a-upn"),
])
def test_the_reason_a_upn_is_missing_is_the_workers_or_what_the_rules_settle(
        child: dict[str, Any], nfa: bool, expected: str | None) -> None:
    assert upn_unknown(_child(**child), [_episode(nfa)], Year.parse("2025-26"),
                       PEOPLE) == expected


def test_an_unborn_child_is_written_with_the_expected_date_and_the_years_unknown_sex() -> None:
    unborn = _child(date_of_birth=None, expected_date_of_birth=date(2026, 5, 1), sex="U")
    spec = SPECS.for_year("2025-26")

    record = child_record(unborn, [_episode(False)], [], spec, PEOPLE)

    assert (record.birth, record.expected_birth, record.sex, record.gender_current) == (
        None, date(2026, 5, 1), "U", "0")
    assert record.disabilities == ("NONE",)


def test_a_childs_assessment_factors_are_written_only_once_it_is_authorised() -> None:
    assessed = replace(_episode(False), assessments=(
        Assessment(date(2025, 6, 3), None, None, True, factors=("3A",)),
        Assessment(date(2025, 5, 3), date(2025, 6, 1), date(2025, 6, 1), True,
                   factors=("21",))))

    record = child_record(_child(), [assessed], [], SPECS.for_year("2025-26"), PEOPLE)

    assert [a.factors for a in record.episodes[0].assessments] == [None, ("21",)]


def test_a_return_with_a_header_only_has_no_children() -> None:
    root = write_return(Return(Header("CIN", "2026", date(2026, 3, 31)), ()),
                        SPECS.for_year("2025-26"))
    assert root.find("Children") is not None and not list(root.find("Children") or [])

