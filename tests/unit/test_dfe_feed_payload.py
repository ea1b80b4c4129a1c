"""The DfE feed's record for literal children, the schema check, the cohort window, batches
and purges: no database, every value written out by hand."""

from __future__ import annotations

import hashlib
import json
from datetime import date

import pytest

from reporting.cin_episodes import (
    Assessment,
    Child,
    CinPlan,
    Episode,
    ProtectionPlan,
    Section47,
)
from reporting.dfe_feed import person_id_of, window_start
from reporting.dfe_feed_ids import RowIds, workers
from reporting.dfe_feed_people import Details
from reporting.dfe_feed_record import Sent, child_details, episode_record, with_purges
from reporting.dfe_feed_schema import (
    SCHEMA,
    SCHEMA_SHA256,
    batch_problems,
    record_refusals,
    request_schema,
)
from workflow.feed.records import BATCH_LIMIT, ChildRecord, batches
from workflow.people.rules import load_people_rules
from workflow.rules import DEFAULT_CONFIG

CHILD = Child(42, date(2016, 5, 4), "F", "WBRI", "A885201600042", ("NONE",))
DETAILS = Details("Robin", "Synthetic", postcode="WR1 2AB")
PEOPLE = load_people_rules(DEFAULT_CONFIG)


def episode(**changes: object) -> Episode:
    values: dict[str, object] = dict(
        contact_id=7, child_id=42, referral=date(2026, 1, 5), source="2A", primary_need="N1",
        nfa=False, closure=None, closure_reason=None,
        assessments=(Assessment(date(2026, 1, 5), date(2026, 1, 20), date(2026, 1, 20), True,
                                "cin_plan", factors=("3A", "4B")),),
        section47s=(Section47(date(2026, 1, 6), date(2026, 1, 27), date(2026, 1, 23), False,
                              date(2026, 1, 23), True),),
        cp_plans=(ProtectionPlan(date(2026, 1, 23), "NEG", "NEG"),),
        cin_plans=(CinPlan(date(2026, 1, 20), date(2026, 1, 22)),), team=None, worker=None)
    values.update(changes)
    return Episode(**values)  # type: ignore[arg-type]


IDS = RowIds((11,), (12,), (13,), ({"worker_id": "SW1234567", "start_date": "2026-01-06"},))


def record(e: Episode | None = None, details: Details = DETAILS) -> dict[str, object]:
    e = e or episode()
    return {"la_child_id": "FDC0000042",
            "child_details": child_details(CHILD, details, [e], date(2026, 3, 4), PEOPLE),
            "social_care_episodes": [episode_record(e, IDS)]}


def test_the_schema_file_is_the_dfes_commit_recorded_in_source_md() -> None:
    data = SCHEMA.read_bytes()

    assert hashlib.sha256(data).hexdigest() == SCHEMA_SHA256
    assert SCHEMA_SHA256 in (SCHEMA.parent / "SOURCE.md").read_text(encoding="utf-8")
    assert json.loads(data)["info"]["version"] == "1.0.1"


def test_a_batch_holds_at_most_what_the_schema_allows() -> None:
    assert BATCH_LIMIT == request_schema()["maxItems"] == 100


def test_a_literal_child_becomes_this_record_and_the_schema_accepts_it() -> None:
    body = record()

    assert body == {
        "la_child_id": "FDC0000042",
        "child_details": {"unique_pupil_number": "A885201600042", "first_name": "Robin",
                          "surname": "Synthetic", "date_of_birth": "2016-05-04", "sex": "F",
                          "ethnicity": "WBRI", "disabilities": ["NONE"], "postcode": "WR1 2AB",
                          "uasc_flag": False},
        "social_care_episodes": [{
            "social_care_episode_id": "FD0000007", "referral_date": "2026-01-05",
            "referral_source": "2A", "referral_no_further_action_flag": False,
            "care_worker_details": [{"worker_id": "SW1234567", "start_date": "2026-01-06"}],
            "child_and_family_assessments": [{
                "child_and_family_assessment_id": "FD0000007-A11", "start_date": "2026-01-05",
                "authorisation_date": "2026-01-20", "factors": ["3A", "4B"]}],
            "child_in_need_plans": [{"child_in_need_plan_id": "FD0000007-C1",
                                     "start_date": "2026-01-20", "end_date": "2026-01-22"}],
            "section_47_assessments": [{"section_47_assessment_id": "FD0000007-S12",
                                        "start_date": "2026-01-06", "icpc_date": "2026-01-23",
                                        "end_date": "2026-01-23", "icpc_required_flag": True}],
            "child_protection_plans": [{"child_protection_plan_id": "FD0000007-P13",
                                        "start_date": "2026-01-23"}]}]}
    assert record_refusals("FDC0000042", body) == []


def test_an_open_enquiry_does_not_say_whether_a_conference_is_required() -> None:
    open_enquiry = Section47(date(2026, 1, 6), date(2026, 1, 27), None, False, None, None)

    body = episode_record(episode(section47s=(open_enquiry,)), IDS)

    assert body["section_47_assessments"] == [{"section_47_assessment_id": "FD0000007-S12",
                                               "start_date": "2026-01-06"}]


def test_a_withheld_identifier_leaves_only_the_details_purge_flag() -> None:
    body = record(details=Details("Robin", "Synthetic", withheld=True))

    assert body["child_details"] == {"purge": True}
    assert record_refusals("FDC0000042", body) == []


def test_a_former_upn_and_the_end_of_uasc_come_from_the_history() -> None:
    details = Details("Robin", "Synthetic", former_upn="A885201500001",
                      uasc_end_date=date(2026, 2, 1))

    found = child_details(CHILD, details, [episode()], date(2026, 3, 4), PEOPLE)

    assert (found["former_unique_pupil_number"], found["uasc_flag"],
            found["uasc_end_date"]) == ("A885201500001", False, "2026-02-01")


@pytest.mark.parametrize(("change", "path", "rule"), [
    (lambda b: b["social_care_episodes"][0].update(referral_source="100"),
     "social_care_episodes/0/referral_source", "maxLength 2"),
    (lambda b: b["social_care_episodes"][0].update(referral_date="2026-02-30"),
     "social_care_episodes/0/referral_date", 'format "date"'),
    (lambda b: b["child_details"].update(nhs_number="9434765919"),
     "child_details", "additionalProperties (not allowed: nhs_number)"),
    (lambda b: b.update(la_child_id="FDC-42"), "la_child_id", 'pattern "^[A-Za-z0-9]+$"'),
])
def test_the_schema_refuses_at_its_path_and_never_repeats_the_value(change, path, rule) -> None:
    body = record()
    change(body)

    [refusal] = record_refusals("FDC0000042", body)

    assert (refusal.la_child_id, refusal.path, refusal.rule) == ("FDC0000042", path, rule)
    assert "9434765919" not in str(refusal) and "2026-02-30" not in str(refusal)


def test_a_whole_batch_over_the_limit_is_named() -> None:
    assert batch_problems([{"la_child_id": f"C{i}"} for i in range(101)]) == [
        "(the batch) fails maxItems 100"]
    assert batch_problems([{"la_child_id": "C1"}]) == []


@pytest.mark.parametrize(("day", "start"), [
    (date(2026, 3, 4), date(2023, 4, 1)),   # 24 months back: March 2024, FY 2023-24
    (date(2026, 3, 31), date(2023, 4, 1)),
    (date(2026, 4, 1), date(2024, 4, 1)),   # April 2024 starts FY 2024-25
    (date(2027, 1, 15), date(2024, 4, 1)),
    (date(2028, 4, 3), date(2026, 4, 1)),
])
def test_the_window_starts_on_1_april_of_the_year_that_began_24_months_ago(
        day: date, start: date) -> None:
    assert window_start(day) == start


def test_the_la_child_id_leads_back_to_the_person_and_nothing_else_does() -> None:
    assert (person_id_of("FDC0000042"), person_id_of("FD0000042"), person_id_of("FDCx")) == (
        42, None, None)


def test_workers_hold_the_case_from_allocation_to_the_next_or_to_closure() -> None:
    allocations = [(date(2026, 1, 6), "sam"), (date(2026, 1, 9), "sam"),
                   (date(2026, 1, 12), "no.swe"), (date(2026, 1, 20), "kit")]

    found = workers(allocations, date(2026, 2, 1), {"sam": "SW1", "kit": "SW2"})

    assert found == ({"worker_id": "SW1", "start_date": "2026-01-06", "end_date": "2026-01-12"},
                     {"worker_id": "SW2", "start_date": "2026-01-20", "end_date": "2026-02-01"})


def test_purges_name_what_our_records_no_longer_hold_but_not_what_only_got_old() -> None:
    body = record()
    sent = Sent("old", frozenset({"FD0000007", "FD0000007/child_in_need_plans/FD0000007-C2",
                                  "FD0000003", "FD0000001"}))

    out = with_purges(body, sent, held={"FD0000007", "FD0000001"})  # FD0000003 moved away

    episodes = out["social_care_episodes"]
    assert episodes[-1] == {"social_care_episode_id": "FD0000003", "purge": True}
    assert episodes[0]["child_in_need_plans"][-1] == {"child_in_need_plan_id": "FD0000007-C2",
                                                      "purge": True}
    assert len(episodes) == 2  # FD0000001 is ours still, just out of the window
    assert record_refusals("FDC0000042", out) == []


def test_records_go_in_batches_of_100_and_the_same_bytes_keep_the_same_id() -> None:
    records = [ChildRecord.purged(f"FDC{i:07d}") for i in range(250)]

    made, again = batches(records), batches(records)

    assert [b.children for b in made] == [100, 100, 50]
    assert [b.batch_id for b in made] == [b.batch_id for b in again]
    assert len({b.batch_id for b in made}) == 3
    assert json.loads(made[2].body)[0] == {"la_child_id": "FDC0000200", "purge": True}
