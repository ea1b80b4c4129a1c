"""Timescale rules: the shipped file, dated versions, validation and due dates.

Why literal dates: each due date below was counted by hand (Mon-Fri less England and
Wales bank holidays; times in comments are London wall-clock, asserted values UTC).
"""

from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from freezegun import freeze_time

from workflow.clocks.calendar import NaiveDatetimeError, WorkingCalendar
from workflow.clocks.timescales import (
    Convention,
    CountsFrom,
    TimescaleBook,
    TimescaleRule,
    Unit,
    UnknownRule,
    load_timescales,
)
from workflow.config_errors import ConfigError

D = date
LONDON = ZoneInfo("Europe/London")
SHIPPED = Path(__file__).resolve().parents[2] / "config" / "timescales.toml"
TODAY = D(2026, 11, 26)

RULE_NAMES = [
    "assessment", "assessment_dfe", "child_seen_s17", "child_seen_s47", "contact_decision",
    "core_group", "first_review_conference", "icpc", "lead_cp_practitioner", "mash_amber",
    "mash_green", "mash_red", "referral_acknowledgement", "referrer_feedback",
    "review_conference", "strategy_discussion",
]
#: Rules the Families First Partnership programme (March 2025) brought: none before it.
FAMILIES_FIRST = ["lead_cp_practitioner"]
#: The statutory rules every Working Together edition since 2013 sets, with the same limits.
WORKING_TOGETHER = ["contact_decision", "referral_acknowledgement", "assessment", "icpc",
                    "first_review_conference", "review_conference"]
# The clock events the engine emits; renaming one here or in the file is a breaking change.
EVENTS = {
    "contact_received", "decision_made", "referrer_feedback_given", "referral_accepted",
    "assessment_completed", "strategy_discussion_decided", "strategy_discussion_held",
    "s47_started", "icpc_held", "icpc_not_required", "core_group_held", "cp_plan_started",
    "review_conference_held", "cp_plan_ended", "s47_assessment_started", "child_seen",
    "s17_assessment_started", "rated_red", "rated_amber", "rated_green", "mash_completed",
    "lead_cp_practitioner_appointed",
}


def london(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=LONDON)


def utc(year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def end_utc(year: int, month: int, day: int, hour: int) -> datetime:
    """The last microsecond of a London day: hour 22 in BST, 23 in GMT."""
    return datetime(year, month, day, hour, 59, 59, 999999, tzinfo=UTC)


@pytest.fixture(scope="module")
def book() -> TimescaleBook:
    return load_timescales(SHIPPED, known_events=EVENTS)


@pytest.fixture(scope="module")
def calendar() -> WorkingCalendar:
    return WorkingCalendar()


# -- the shipped file ---------------------------------------------------------------------


def test_shipped_file_has_exactly_the_engine_rules_and_events(book: TimescaleBook) -> None:
    assert book.names() == RULE_NAMES
    assert book.events() == EVENTS


@pytest.mark.parametrize("name", RULE_NAMES)
def test_every_rule_in_force_today_is_cited_and_dated(book: TimescaleBook, name: str) -> None:
    rule = book.rule(name, TODAY)
    assert rule.source.strip()
    assert rule.effective_from <= TODAY
    assert rule.source.startswith("local:") == rule.local
    assert rule.version == f"{name}@{rule.effective_from.isoformat()}"


def test_every_rule_is_in_force_from_working_together_2018(book: TimescaleBook) -> None:
    # Contacts migrated from 4 Jul 2018 onwards are judged by the rules of their day.
    since_2018 = [name for name in RULE_NAMES if name not in FAMILIES_FIRST]
    assert [book.rule(name, D(2018, 7, 4)).name for name in since_2018] == since_2018


def test_the_lead_practitioner_clock_starts_only_for_enquiries_from_families_first(
        book: TimescaleBook) -> None:
    assert book.started_by("s47_started", D(2025, 2, 28)) == [
        book.rule("icpc", D(2025, 2, 28))]
    assert [r.name for r in book.started_by("s47_started", D(2025, 3, 1))] == [
        "icpc", "lead_cp_practitioner"]


def test_every_local_rule_is_flagged_for_the_council_to_review() -> None:
    blocks = SHIPPED.read_text().split("[[rule]]")[1:]
    local_blocks = [block for block in blocks if "local = true" in block]
    assert len(local_blocks) == 9
    assert all("LOCAL default: change for your council" in block for block in local_blocks)


@pytest.mark.parametrize(
    ("name", "limit", "unit", "convention", "starts_on", "stops_on"),
    [
        ("contact_decision", 1, Unit.WORKING_DAYS, Convention.START_DAY_IS_DAY_0,
         "contact_received", ("decision_made",)),
        ("referral_acknowledgement", 1, Unit.WORKING_DAYS, Convention.START_DAY_IS_DAY_0,
         "referral_accepted", ("referrer_feedback_given",)),
        ("assessment", 45, Unit.WORKING_DAYS, Convention.START_DAY_IS_DAY_0,
         "referral_accepted", ("assessment_completed",)),
        ("assessment_dfe", 45, Unit.WORKING_DAYS, Convention.START_DAY_IS_DAY_1,
         "referral_accepted", ("assessment_completed",)),
        ("icpc", 15, Unit.WORKING_DAYS, Convention.START_DAY_IS_DAY_0,
         "s47_started", ("icpc_held", "icpc_not_required")),
        ("first_review_conference", 3, Unit.CALENDAR_MONTHS, Convention.START_DAY_IS_DAY_0,
         "cp_plan_started", ("review_conference_held", "cp_plan_ended")),
        ("mash_red", 4, Unit.CLOCK_HOURS, Convention.START_DAY_IS_DAY_0,
         "rated_red", ("mash_completed",)),
        ("mash_amber", 24, Unit.WORKING_HOURS, Convention.START_DAY_IS_DAY_0,
         "rated_amber", ("mash_completed",)),
        ("mash_green", 72, Unit.WORKING_HOURS, Convention.START_DAY_IS_DAY_0,
         "rated_green", ("mash_completed",)),
    ],
)
def test_shipped_values(
    book: TimescaleBook, name: str, limit: int, unit: Unit, convention: Convention,
    starts_on: str, stops_on: tuple[str, ...],
) -> None:
    rule = book.rule(name, TODAY)
    assert (rule.limit, rule.unit, rule.convention) == (limit, unit, convention)
    assert (rule.starts_on, rule.stops_on) == (starts_on, stops_on)


# -- dated versions -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("on", "version"),
    [
        (D(2018, 7, 4), "assessment@2018-07-04"),
        (D(2023, 12, 14), "assessment@2018-07-04"),
        (D(2023, 12, 15), "assessment@2023-12-15"),
        (D(2026, 11, 26), "assessment@2023-12-15"),
    ],
)
def test_the_version_in_force_on_a_date_is_chosen(
    book: TimescaleBook, on: date, version: str
) -> None:
    assert book.rule("assessment", on).version == version


def test_no_version_before_the_first_is_an_unknown_rule(book: TimescaleBook) -> None:
    with pytest.raises(UnknownRule, match="not in force on 2013-04-14"):
        book.rule("assessment", D(2013, 4, 14))
    with pytest.raises(KeyError):
        book.rule("no_such_rule", TODAY)


@pytest.mark.parametrize(
    ("on", "edition"),
    [
        # Working Together 2013 came into force on Mon 15 Apr 2013; 2015 on Thu 26 Mar 2015;
        # 2018 on Wed 4 Jul 2018; 2023 on Fri 15 Dec 2023. Each day before is the old one's.
        (D(2013, 4, 15), "2013-04-15"),
        (D(2015, 3, 25), "2013-04-15"),
        (D(2015, 3, 26), "2015-03-26"),
        (D(2017, 6, 1), "2015-03-26"),
        (D(2018, 7, 3), "2015-03-26"),
        (D(2018, 7, 4), "2018-07-04"),
        (D(2023, 12, 14), "2018-07-04"),
        (D(2023, 12, 15), "2023-12-15"),
    ],
)
@pytest.mark.parametrize("name", WORKING_TOGETHER)
def test_each_working_together_edition_governs_from_its_own_date(
    book: TimescaleBook, name: str, on: date, edition: str
) -> None:
    rule = book.rule(name, on)
    assert rule.version == f"{name}@{edition}"
    assert f"Working Together to Safeguard Children {edition[:4]}" in rule.source


@pytest.mark.parametrize("name", WORKING_TOGETHER)
def test_no_working_together_rule_before_the_2013_edition(book: TimescaleBook,
                                                           name: str) -> None:
    with pytest.raises(UnknownRule, match="not in force on 2013-04-14"):
        book.rule(name, D(2013, 4, 14))


@pytest.mark.parametrize("name", WORKING_TOGETHER)
def test_every_edition_keeps_the_same_limit_unit_and_counting(book: TimescaleBook,
                                                               name: str) -> None:
    editions = [book.rule(name, D(y, m, d)) for y, m, d in (
        (2013, 4, 15), (2015, 3, 26), (2018, 7, 4), (2023, 12, 15))]
    assert len({rule.version for rule in editions}) == 4
    assert len({(r.limit, r.unit, r.convention, r.starts_on, r.stops_on, r.counts_from,
                 r.local) for r in editions}) == 1


def test_a_contact_from_2017_has_its_statutory_clocks(book: TimescaleBook) -> None:
    on = D(2017, 6, 1)
    assert {r.name for r in book.started_by("contact_received", on)} == {"contact_decision"}
    assert {r.name for r in book.started_by("referral_accepted", on)} == {
        "assessment", "assessment_dfe", "referral_acknowledgement"}
    assert {r.name for r in book.started_by("s47_started", on)} == {"icpc"}
    assert {r.name for r in book.started_by("cp_plan_started", on)} == {
        "first_review_conference"}


def test_a_new_version_changes_the_limit_only_from_its_date(tmp_path: Path) -> None:
    text = _rule_text(limit=45) + _rule_text(limit=40, effective_from="2027-04-01")
    book = load_timescales(_write(tmp_path, text))
    assert book.rule("assessment", D(2027, 3, 31)).limit == 45
    assert book.rule("assessment", D(2027, 4, 1)).limit == 40
    assert [rule.limit for rule in book.started_by("referral_accepted", D(2027, 4, 1))] == [40]


def test_events_start_and_stop_the_rules_in_force(book: TimescaleBook) -> None:
    started = {rule.name for rule in book.started_by("referral_accepted", TODAY)}
    assert started == {"assessment", "assessment_dfe", "referral_acknowledgement"}
    stopped = {rule.name for rule in book.stopped_by("review_conference_held", TODAY)}
    assert stopped == {"first_review_conference", "review_conference"}
    assert {rule.name for rule in book.started_by("review_conference_held", TODAY)} == {
        "review_conference"
    }
    assert book.started_by("s47_started", D(2013, 4, 14)) == []


# -- due dates ----------------------------------------------------------------------------


def test_assessment_due_45_working_days_after_referral_skipping_easter(
    book: TimescaleBook, calendar: WorkingCalendar
) -> None:
    rule = book.rule("assessment", TODAY)
    started = london(2026, 4, 2, 10, 0)  # Thu 2 Apr 2026; Good Friday and Easter Monday skipped
    assert rule.due(started, calendar) == end_utc(2026, 6, 10, 22)  # end of Wed 10 Jun, BST
    assert rule.due_date(started, calendar) == D(2026, 6, 10)


@pytest.mark.parametrize(
    ("started", "working_together", "dfe"),
    [
        # Referral on a working day: the DfE count is exactly one working day earlier.
        (london(2026, 4, 2, 10, 0), D(2026, 6, 10), D(2026, 6, 9)),
        (london(2026, 11, 2, 9, 0), D(2027, 1, 7), D(2027, 1, 6)),
        # Fri 18 Dec 2026: 44th working day is Tue 23 Feb 2027, 45th Wed 24 Feb 2027.
        (london(2026, 12, 18, 16, 0), D(2027, 2, 24), D(2027, 2, 23)),
    ],
)
def test_dfe_counting_is_one_working_day_stricter_when_referred_on_a_working_day(
    book: TimescaleBook, calendar: WorkingCalendar, started: datetime,
    working_together: date, dfe: date,
) -> None:
    assert book.rule("assessment", TODAY).due_date(started, calendar) == working_together
    assert book.rule("assessment_dfe", TODAY).due_date(started, calendar) == dfe
    assert calendar.working_days_between(dfe, working_together) == 1


@pytest.mark.parametrize(
    ("started", "due"),
    [
        (london(2026, 4, 4, 11, 0), D(2026, 6, 10)),  # Easter Saturday
        (london(2026, 4, 6, 11, 0), D(2026, 6, 10)),  # Easter Monday
        # Saturday: Mon 30 Nov is day 1 either way; Christmas and New Year skipped.
        (london(2026, 11, 28, 11, 0), D(2027, 2, 3)),
    ],
)
def test_both_conventions_agree_when_referred_on_a_non_working_day(
    book: TimescaleBook, calendar: WorkingCalendar, started: datetime, due: date
) -> None:
    assert book.rule("assessment", TODAY).due_date(started, calendar) == due
    assert book.rule("assessment_dfe", TODAY).due_date(started, calendar) == due


@pytest.mark.parametrize(
    ("started", "due"),
    [
        (london(2026, 11, 30, 10, 0), D(2026, 11, 30)),  # Monday: day 1 is that day
        (london(2026, 11, 28, 10, 0), D(2026, 11, 30)),  # Saturday: day 1 is Monday
    ],
)
def test_one_day_limit_counting_the_start_day_as_day_1(
    calendar: WorkingCalendar, started: datetime, due: date
) -> None:
    rule = _rule(limit=1, convention=Convention.START_DAY_IS_DAY_1)
    assert rule.due_date(started, calendar) == due


@pytest.mark.parametrize(
    ("name", "started", "due"),
    [
        # Working days, day 0.
        ("contact_decision", london(2026, 12, 24, 10, 0), end_utc(2026, 12, 29, 23)),
        ("contact_decision", london(2026, 11, 27, 23, 30), end_utc(2026, 11, 30, 23)),
        ("icpc", london(2026, 3, 23, 14, 0), end_utc(2026, 4, 15, 22)),
        ("core_group", london(2026, 12, 14, 11, 0), end_utc(2026, 12, 30, 23)),
        ("child_seen_s17", london(2026, 3, 26, 12, 0), end_utc(2026, 4, 2, 22)),
        # Calendar months: same date, or the month's last day when it is shorter.
        ("first_review_conference", london(2026, 11, 30, 10, 0), end_utc(2027, 2, 28, 23)),
        ("first_review_conference", london(2026, 3, 31, 10, 0), end_utc(2026, 6, 30, 22)),
        ("review_conference", london(2026, 8, 31, 10, 0), end_utc(2027, 2, 28, 23)),
        # Clock hours, round the clock: Sat 23:00 GMT + 4 real hours = Sun 04:00 BST.
        ("mash_red", london(2026, 3, 28, 23, 0), utc(2026, 3, 29, 3, 0)),
        # Sat 12:00 BST + 24 real hours = Sun 11:00 GMT.
        ("child_seen_s47", london(2026, 10, 24, 12, 0), utc(2026, 10, 25, 11, 0)),
        ("referrer_feedback", london(2026, 11, 27, 15, 0), utc(2026, 11, 28, 15, 0)),
        ("strategy_discussion", london(2026, 12, 24, 18, 0), utc(2026, 12, 25, 18, 0)),
        # Working hours: Fri 16:00 amber = 0.5 + 8 + 8 + 7.5 -> Wed 2 Dec 16:30.
        ("mash_amber", london(2026, 11, 27, 16, 0), utc(2026, 12, 2, 16, 30)),
        ("mash_green", london(2026, 11, 30, 9, 0), utc(2026, 12, 11, 9, 30)),
    ],
)
def test_due_for_each_unit(
    book: TimescaleBook, calendar: WorkingCalendar, name: str, started: datetime, due: datetime
) -> None:
    result = book.rule(name, TODAY).due(started, calendar)
    assert result == due
    assert result.tzinfo is UTC


def test_due_date_is_the_london_date_not_the_utc_date(
    book: TimescaleBook, calendar: WorkingCalendar
) -> None:
    # 20:30 BST + 4 hours = 23:30 UTC on 30 Jun, which is 00:30 on 1 Jul in London.
    started = london(2026, 6, 30, 20, 30)
    assert book.rule("mash_red", TODAY).due(started, calendar) == datetime(
        2026, 6, 30, 23, 30, tzinfo=UTC
    )
    assert book.rule("mash_red", TODAY).due_date(started, calendar) == D(2026, 7, 1)


@pytest.mark.parametrize("name", ["mash_red", "assessment", "mash_amber", "review_conference"])
def test_naive_start_is_refused_for_every_unit(
    book: TimescaleBook, calendar: WorkingCalendar, name: str
) -> None:
    with pytest.raises(NaiveDatetimeError):
        book.rule(name, TODAY).due(datetime(2026, 4, 2, 10, 0), calendar)


@pytest.mark.parametrize("now", ["2026-03-29 00:30:00", "2026-10-25 01:30:00", "2031-01-01"])
def test_due_never_depends_on_the_wall_clock(
    book: TimescaleBook, calendar: WorkingCalendar, now: str
) -> None:
    with freeze_time(now, ignore=["_pytest.timing"]):
        due = book.rule("assessment", TODAY).due(london(2026, 4, 2, 10, 0), calendar)
    assert due == end_utc(2026, 6, 10, 22)


# -- describing the counting --------------------------------------------------------------


def test_describe_counting_says_which_convention(book: TimescaleBook) -> None:
    day_0 = book.rule("assessment", TODAY).describe_counting()
    day_1 = book.rule("assessment_dfe", TODAY).describe_counting()
    assert day_0 == (
        "45 working days, not counting weekends, England and Wales bank holidays or council "
        "closure days; the day the clock starts is day 0, so it is due by the end of the "
        "45th working day after it."
    )
    assert "is day 1 if it is a working day (as the DfE's CIN census validation counts)" in day_1


def test_the_dfe_rule_is_named_for_what_it_counts_and_says_how_the_dfe_publishes(
    book: TimescaleBook,
) -> None:
    rule = book.rule("assessment_dfe", TODAY)
    assert rule.title == ("Assessment within 45 working days, referral day counted as day 1 "
                          "(CIN census validation)")
    assert "table C2" in rule.source
    assert "41-45, 46-50" in rule.source and "working days from start to authorisation" in (
        rule.source)


def test_the_acknowledgement_says_it_counts_from_receipt(book: TimescaleBook) -> None:
    described = book.rule("referral_acknowledgement", TODAY).describe_counting()
    assert described.startswith("1 working day, ")
    assert described.endswith("Counted from when the contact was received, not from when "
                              "the clock started.")
    assert book.rule("referral_acknowledgement", TODAY).counts_from is CountsFrom.RECEIPT
    assert book.rule("assessment", TODAY).counts_from is CountsFrom.START_EVENT


@pytest.mark.parametrize(
    ("name", "phrase"),
    [
        ("contact_decision", "1 working day, "),
        ("mash_red", "4 hours of real time, round the clock"),
        ("mash_amber", "24 working hours, counted only inside the service's opening hours"),
        ("first_review_conference", "3 calendar months; due by the end of the same date"),
    ],
)
def test_describe_counting_per_unit(book: TimescaleBook, name: str, phrase: str) -> None:
    assert book.rule(name, TODAY).describe_counting().startswith(phrase)


# -- validation ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"limit": "-3"}, "limit must be a positive whole number (got -3)"),
        ({"limit": "0"}, "limit must be a positive whole number (got 0)"),
        ({"limit": "4.5"}, "limit must be a positive whole number (got 4.5)"),
        ({"unit": '"weeks"'}, "unit must be one of working_days, working_hours, clock_hours, "
         "calendar_weeks, calendar_months (got 'weeks')"),
        ({"convention": '"day_zero"'}, "convention must be one of start_day_is_day_0, "
         "start_day_is_day_1 (got 'day_zero')"),
        ({"source": None}, "missing source"),
        ({"effective_from": None}, "missing effective_from"),
        ({"source": '""'}, "source must be a non-empty string"),
        ({"effective_from": '"2023-12-15"'}, "effective_from must be a TOML date"),
        ({"stops_on": "[]"}, "stops_on must be a non-empty list of event names"),
        ({"local": '"no"'}, "local must be true or false"),
        ({"colour": '"red"'}, "unknown key colour"),
        ({"counts_from": '"referral"'}, "counts_from must be one of start_event, receipt "
         "(got 'referral')"),
        ({"unit": '"calendar_months"', "convention": '"start_day_is_day_1"'},
         "calendar_months rules must use convention start_day_is_day_0"),
        ({"unit": '"clock_hours"', "convention": '"start_day_is_day_1"'},
         "clock_hours rules must use convention start_day_is_day_0"),
    ],
)
def test_bad_rule_raises_config_error_naming_file_rule_and_problem(
    tmp_path: Path, change: dict[str, str | None], problem: str
) -> None:
    path = _write(tmp_path, _rule_text(**change))
    with pytest.raises(ConfigError) as caught:
        load_timescales(path)
    error = caught.value
    assert (error.file, error.key, error.kind) == (str(path), "assessment", "rule")
    assert str(caught.value).startswith(f"{path}: rule 'assessment': {problem}")


def test_duplicate_name_and_effective_from_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, _rule_text() + _rule_text(limit=40))
    with pytest.raises(ConfigError) as caught:
        load_timescales(path)
    assert str(caught.value).endswith("rule 'assessment': two versions effective from 2023-12-15")


def test_unknown_event_is_refused_when_the_vocabulary_is_given(tmp_path: Path) -> None:
    path = _write(tmp_path, _rule_text(starts_on='"referal_accepted"'))
    with pytest.raises(ConfigError, match="rule 'assessment': unknown clock event referal_"):
        load_timescales(path, known_events=EVENTS)


def test_the_first_broken_rule_in_the_file_is_the_one_named(tmp_path: Path) -> None:
    path = _write(tmp_path, _rule_text(name='"first"') + _rule_text(name='"second"', limit="0")
                  + _rule_text(name='"third"', unit='"weeks"'))
    with pytest.raises(ConfigError) as caught:
        load_timescales(path)
    assert str(caught.value).endswith(
        "rule 'second': limit must be a positive whole number (got 0)")


def test_every_key_missing_from_a_rule_is_named_at_once(tmp_path: Path) -> None:
    path = _write(tmp_path, _rule_text(source=None, local=None))
    with pytest.raises(ConfigError, match="rule 'assessment': missing source, local$"):
        load_timescales(path)


def test_a_rule_the_caller_requires_must_be_in_the_file(tmp_path: Path) -> None:
    path = _write(tmp_path, _rule_text())
    assert load_timescales(path, required=["assessment"]).names() == ["assessment"]
    with pytest.raises(ConfigError, match="timescales.toml: missing the rule icpc$"):
        load_timescales(path, required=["assessment", "icpc"])


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("[[rule]]\nname = \n", "not valid TOML"),
        ('[[rules]]\nname = "x"\n', "expected only [[rule]] entries"),
        ('[[rule]]\nname = ""\n', "rule '#1': name must be a non-empty string"),
        ("rule = [3]\n", "rule '#1': must be a table"),
    ],
)
def test_malformed_file_raises_config_error(tmp_path: Path, text: str, problem: str) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_timescales(path)
    assert str(caught.value).startswith(f"{path}: ")
    assert problem in str(caught.value)


def test_missing_file_raises_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="timescales.toml: file not found"):
        load_timescales(tmp_path / "timescales.toml")


def test_config_error_reads_as_one_sentence() -> None:
    error = ConfigError(
        "config/timescales.toml", "assessment",
        "limit must be a positive whole number (got -3)", kind="rule",
    )
    assert str(error) == (
        "config/timescales.toml: rule 'assessment': limit must be a positive whole number (got -3)"
    )


# -- builders -----------------------------------------------------------------------------


def _rule_text(**change: object) -> str:
    """A valid [[rule]] table; a value of None in ``change`` removes that key."""
    keys: dict[str, object] = {
        "name": '"assessment"', "title": '"Assessment completed"', "limit": "45",
        "unit": '"working_days"', "convention": '"start_day_is_day_0"',
        "starts_on": '"referral_accepted"', "stops_on": '["assessment_completed"]',
        "source": '"Working Together 2023"', "effective_from": "2023-12-15", "local": "false",
    }
    keys.update(change)
    lines = [f"{key} = {value}" for key, value in keys.items() if value is not None]
    return "[[rule]]\n" + "\n".join(lines) + "\n\n"


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "timescales.toml"
    path.write_text(text)
    return path


def _rule(limit: int, convention: Convention) -> TimescaleRule:
    return TimescaleRule(
        name="test", title="Test", limit=limit, unit=Unit.WORKING_DAYS, convention=convention,
        starts_on="a", stops_on=("b",), source="test", effective_from=D(2020, 1, 1), local=True,
    )
