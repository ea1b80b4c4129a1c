"""Every England and Wales bank holiday 2012-2028, written out by hand.

Why a literal table: the calendar takes its list from the `holidays` package, and two
known traps (no ``subdiv``: Easter Monday and August vanish; ``observed=False``:
substitute days vanish) would each silently move due dates. Comparing the calendar with
a table typed from the published lists catches both, and any one-off it misses.
"""

from datetime import date

import holidays
import pytest

from workflow.clocks.calendar import WorkingCalendar

D = date

# gov.uk "UK bank holidays", England and Wales. Weekday dates only: a holiday falling at
# a weekend appears through its substitute ("observed") day.
BANK_HOLIDAYS: dict[int, list[date]] = {
    2012: [D(2012, 1, 2), D(2012, 4, 6), D(2012, 4, 9), D(2012, 5, 7),
           D(2012, 6, 4), D(2012, 6, 5), D(2012, 8, 27), D(2012, 12, 25), D(2012, 12, 26)],
    2013: [D(2013, 1, 1), D(2013, 3, 29), D(2013, 4, 1), D(2013, 5, 6),
           D(2013, 5, 27), D(2013, 8, 26), D(2013, 12, 25), D(2013, 12, 26)],
    2014: [D(2014, 1, 1), D(2014, 4, 18), D(2014, 4, 21), D(2014, 5, 5),
           D(2014, 5, 26), D(2014, 8, 25), D(2014, 12, 25), D(2014, 12, 26)],
    2015: [D(2015, 1, 1), D(2015, 4, 3), D(2015, 4, 6), D(2015, 5, 4),
           D(2015, 5, 25), D(2015, 8, 31), D(2015, 12, 25), D(2015, 12, 28)],
    2016: [D(2016, 1, 1), D(2016, 3, 25), D(2016, 3, 28), D(2016, 5, 2),
           D(2016, 5, 30), D(2016, 8, 29), D(2016, 12, 26), D(2016, 12, 27)],
    2017: [D(2017, 1, 2), D(2017, 4, 14), D(2017, 4, 17), D(2017, 5, 1),
           D(2017, 5, 29), D(2017, 8, 28), D(2017, 12, 25), D(2017, 12, 26)],
    2018: [D(2018, 1, 1), D(2018, 3, 30), D(2018, 4, 2), D(2018, 5, 7),
           D(2018, 5, 28), D(2018, 8, 27), D(2018, 12, 25), D(2018, 12, 26)],
    2019: [D(2019, 1, 1), D(2019, 4, 19), D(2019, 4, 22), D(2019, 5, 6),
           D(2019, 5, 27), D(2019, 8, 26), D(2019, 12, 25), D(2019, 12, 26)],
    # 8 May 2020: early May bank holiday moved from Monday 4 May for VE Day 75.
    2020: [D(2020, 1, 1), D(2020, 4, 10), D(2020, 4, 13), D(2020, 5, 8),
           D(2020, 5, 25), D(2020, 8, 31), D(2020, 12, 25), D(2020, 12, 28)],
    # Christmas on Saturday, Boxing Day on Sunday: substitutes Monday 27 and Tuesday 28.
    2021: [D(2021, 1, 1), D(2021, 4, 2), D(2021, 4, 5), D(2021, 5, 3),
           D(2021, 5, 31), D(2021, 8, 30), D(2021, 12, 27), D(2021, 12, 28)],
    # Spring moved to Thursday 2 June, Platinum Jubilee Friday 3 June, State Funeral
    # 19 September; Christmas on Sunday gives substitute Tuesday 27 December.
    2022: [D(2022, 1, 3), D(2022, 4, 15), D(2022, 4, 18), D(2022, 5, 2),
           D(2022, 6, 2), D(2022, 6, 3), D(2022, 8, 29), D(2022, 9, 19),
           D(2022, 12, 26), D(2022, 12, 27)],
    # 8 May 2023: Coronation of King Charles III.
    2023: [D(2023, 1, 2), D(2023, 4, 7), D(2023, 4, 10), D(2023, 5, 1),
           D(2023, 5, 8), D(2023, 5, 29), D(2023, 8, 28), D(2023, 12, 25), D(2023, 12, 26)],
    2024: [D(2024, 1, 1), D(2024, 3, 29), D(2024, 4, 1), D(2024, 5, 6),
           D(2024, 5, 27), D(2024, 8, 26), D(2024, 12, 25), D(2024, 12, 26)],
    2025: [D(2025, 1, 1), D(2025, 4, 18), D(2025, 4, 21), D(2025, 5, 5),
           D(2025, 5, 26), D(2025, 8, 25), D(2025, 12, 25), D(2025, 12, 26)],
    # Boxing Day on Saturday: substitute Monday 28 December.
    2026: [D(2026, 1, 1), D(2026, 4, 3), D(2026, 4, 6), D(2026, 5, 4),
           D(2026, 5, 25), D(2026, 8, 31), D(2026, 12, 25), D(2026, 12, 28)],
    # Christmas on Saturday, Boxing Day on Sunday: substitutes Monday 27 and Tuesday 28.
    2027: [D(2027, 1, 1), D(2027, 3, 26), D(2027, 3, 29), D(2027, 5, 3),
           D(2027, 5, 31), D(2027, 8, 30), D(2027, 12, 27), D(2027, 12, 28)],
    # New Year's Day on Saturday: substitute Monday 3 January.
    2028: [D(2028, 1, 3), D(2028, 4, 14), D(2028, 4, 17), D(2028, 5, 1),
           D(2028, 5, 29), D(2028, 8, 28), D(2028, 12, 25), D(2028, 12, 26)],
}

ALL_BANK_HOLIDAYS = [day for days in BANK_HOLIDAYS.values() for day in days]


@pytest.fixture(scope="module")
def calendar() -> WorkingCalendar:
    return WorkingCalendar()


def test_table_lists_only_weekdays() -> None:
    assert all(day.weekday() < 5 for day in ALL_BANK_HOLIDAYS)


@pytest.mark.parametrize("day", ALL_BANK_HOLIDAYS, ids=str)
def test_every_england_and_wales_bank_holiday_is_not_a_working_day(
    calendar: WorkingCalendar, day: date
) -> None:
    assert not calendar.is_working_day(day)
    assert calendar.non_working_reason(day)


@pytest.mark.parametrize("year", sorted(BANK_HOLIDAYS))
def test_weekday_non_working_days_equal_the_table_exactly(
    calendar: WorkingCalendar, year: int
) -> None:
    found = _weekday_non_working_days(calendar, year)
    assert found == BANK_HOLIDAYS[year]


@pytest.mark.parametrize(
    ("day", "reason"),
    [
        (D(2022, 9, 19), "State Funeral of Queen Elizabeth II"),
        (D(2023, 5, 8), "Coronation of Charles III"),
        (D(2026, 4, 3), "Good Friday"),
        (D(2026, 4, 6), "Easter Monday"),
        (D(2026, 12, 28), "Boxing Day (observed)"),
    ],
)
def test_bank_holidays_are_named(calendar: WorkingCalendar, day: date, reason: str) -> None:
    assert calendar.non_working_reason(day) == reason


def test_easter_monday_2026_is_a_holiday_with_subdiv_eng() -> None:
    assert not WorkingCalendar(subdiv="ENG").is_working_day(D(2026, 4, 6))


def test_without_subdiv_the_package_drops_easter_monday_and_august() -> None:
    # The trap the calendar exists to avoid (ARCHITECTURE.md, known traps).
    bare = holidays.country_holidays("GB", years=2026)
    assert D(2026, 4, 6) not in bare
    assert D(2026, 8, 31) not in bare


def test_without_observed_days_the_substitute_boxing_day_would_be_lost() -> None:
    plain = holidays.country_holidays("GB", subdiv="ENG", years=2026, observed=False)
    assert D(2026, 12, 28) not in plain
    assert not WorkingCalendar().is_working_day(D(2026, 12, 28))


def test_wales_gives_the_same_list_as_england() -> None:
    wales = WorkingCalendar(subdiv="WLS")
    for year, days in BANK_HOLIDAYS.items():
        assert _weekday_non_working_days(wales, year) == days


def test_scotland_differs_so_the_subdivision_matters() -> None:
    scotland = WorkingCalendar(subdiv="SCT")
    assert scotland.is_working_day(D(2026, 4, 6))  # no Easter Monday in Scotland
    assert not scotland.is_working_day(D(2026, 1, 2))  # 2 January is


def test_unknown_subdivision_is_refused() -> None:
    with pytest.raises(ValueError, match="XYZ"):
        WorkingCalendar(subdiv="XYZ")


def test_proclaimed_holiday_can_be_added_without_a_code_change() -> None:
    proclaimed = {D(2029, 6, 4): "Example proclaimed bank holiday"}
    calendar = WorkingCalendar(extra_bank_holidays=proclaimed)
    assert not calendar.is_working_day(D(2029, 6, 4))
    assert calendar.non_working_reason(D(2029, 6, 4)) == "Example proclaimed bank holiday"
    assert calendar.add_working_days(D(2029, 6, 1), 1) == D(2029, 6, 5)


def _weekday_non_working_days(calendar: WorkingCalendar, year: int) -> list[date]:
    days = (D(year, 1, 1).toordinal() + offset for offset in range(366))
    return [
        day
        for day in map(date.fromordinal, days)
        if day.year == year and day.weekday() < 5 and not calendar.is_working_day(day)
    ]
