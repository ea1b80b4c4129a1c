"""Working days, local dates and configuration of the WorkingCalendar, against literal dates.

Why literal tables: a due date is a legal fact a manager is judged by; each row here was
counted by hand on a paper calendar (Mon-Fri less England and Wales bank holidays).
"""

import time as time_module
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from workflow.clocks.calendar import (
    ClosuresSchema,
    NaiveDatetimeError,
    ServiceHours,
    WorkingCalendar,
)
from workflow.config_errors import ConfigError
from workflow.config_schema import load_file

D = date
LONDON = ZoneInfo("Europe/London")
CONFIG = Path(__file__).resolve().parents[2] / "config"


@pytest.fixture(scope="module")
def calendar() -> WorkingCalendar:
    return WorkingCalendar()


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        # Christmas Fri 25, Boxing Day Sat 26 substituted to Mon 28 Dec 2026.
        (D(2026, 12, 24), 1, D(2026, 12, 29)),
        (D(2026, 12, 23), 2, D(2026, 12, 29)),
        (D(2026, 12, 25), 1, D(2026, 12, 29)),
        (D(2026, 12, 14), 10, D(2026, 12, 30)),
        # Easter 2026: Good Friday 3 Apr, Easter Monday 6 Apr; clocks change 29 Mar.
        (D(2026, 3, 23), 15, D(2026, 4, 15)),
        (D(2026, 4, 2), 45, D(2026, 6, 10)),
        (D(2026, 4, 3), 1, D(2026, 4, 7)),
        (D(2026, 4, 6), 1, D(2026, 4, 7)),
        # Weekends: Friday, Saturday and Sunday all lead to Monday.
        (D(2026, 11, 27), 1, D(2026, 11, 30)),
        (D(2026, 11, 28), 1, D(2026, 11, 30)),
        (D(2026, 11, 29), 1, D(2026, 11, 30)),
        (D(2026, 11, 30), 5, D(2026, 12, 7)),
        # Christmas 2027 on Saturday, Boxing Day Sunday: Mon 27 and Tue 28 substituted;
        # New Year's Day 2028 on Saturday: Mon 3 Jan substituted.
        (D(2027, 12, 24), 1, D(2027, 12, 29)),
        (D(2027, 12, 23), 2, D(2027, 12, 29)),
        (D(2027, 12, 30), 2, D(2028, 1, 4)),
        # Across the summer-time changes (Sun 29 Mar 2026, Sun 25 Oct 2026).
        (D(2026, 3, 27), 1, D(2026, 3, 30)),
        (D(2026, 10, 23), 1, D(2026, 10, 26)),
        (D(2026, 10, 23), 5, D(2026, 10, 30)),
        # Referral on Mon 2 Nov 2026: 45 working days cross Christmas and New Year.
        (D(2026, 11, 2), 45, D(2027, 1, 7)),
    ],
)
def test_add_working_days(calendar: WorkingCalendar, start: date, n: int, expected: date) -> None:
    assert calendar.add_working_days(start, n) == expected


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (D(2026, 12, 24), D(2026, 12, 29), 1),
        (D(2026, 4, 2), D(2026, 6, 10), 45),
        (D(2026, 4, 3), D(2026, 4, 7), 1),
        (D(2026, 11, 28), D(2026, 11, 30), 1),
        (D(2026, 11, 28), D(2026, 11, 29), 0),
        (D(2026, 11, 30), D(2026, 11, 30), 0),
        (D(2026, 12, 1), D(2026, 11, 30), 0),
        # 2026: 261 weekdays less 8 weekday bank holidays.
        (D(2025, 12, 31), D(2026, 12, 31), 253),
        # Wed 29, Thu 30, Fri 31 Dec 2027 and Tue 4 Jan 2028 (Mon 3 Jan is a substitute).
        (D(2027, 12, 24), D(2028, 1, 4), 4),
    ],
)
def test_working_days_between(
    calendar: WorkingCalendar, start: date, end: date, expected: int
) -> None:
    assert calendar.working_days_between(start, end) == expected


@pytest.mark.parametrize(
    "start", [D(2026, 3, 23), D(2026, 4, 3), D(2026, 11, 28), D(2026, 12, 24), D(2027, 12, 24)]
)
def test_working_days_between_inverts_add_working_days(
    calendar: WorkingCalendar, start: date
) -> None:
    for n in range(1, 80):
        assert calendar.working_days_between(start, calendar.add_working_days(start, n)) == n


@pytest.mark.parametrize("n", [0, -1])
def test_add_working_days_refuses_n_below_one(calendar: WorkingCalendar, n: int) -> None:
    with pytest.raises(ValueError, match="at least 1"):
        calendar.add_working_days(D(2026, 4, 2), n)


@pytest.mark.parametrize(
    ("day", "reason"),
    [
        (D(2026, 11, 28), "Saturday"),
        (D(2026, 11, 29), "Sunday"),
        (D(2026, 4, 3), "Good Friday"),
        (D(2026, 12, 26), "Boxing Day"),
        (D(2026, 12, 28), "Boxing Day (observed)"),
        (D(2026, 11, 30), None),
    ],
)
def test_non_working_reason(calendar: WorkingCalendar, day: date, reason: str | None) -> None:
    assert calendar.non_working_reason(day) == reason


def test_council_closure_is_not_a_working_day_and_says_why() -> None:
    calendar = WorkingCalendar(closures={D(2026, 12, 29): "Christmas closure"})
    assert calendar.non_working_reason(D(2026, 12, 29)) == "Council closure: Christmas closure"
    assert calendar.add_working_days(D(2026, 12, 24), 1) == D(2026, 12, 30)


def test_add_working_days_is_fast_enough_for_a_nightly_sweep(calendar: WorkingCalendar) -> None:
    # 100k due dates well under a few seconds: a sweep recomputes every open clock.
    starts = [D(2026, 1, 1) + timedelta(days=offset % 700) for offset in range(100_000)]
    before = time_module.perf_counter()
    for start in starts:
        calendar.add_working_days(start, 45)
    assert time_module.perf_counter() - before < 3.0


# -- local dates and instants -------------------------------------------------------------


@pytest.mark.parametrize(
    ("instant", "expected"),
    [
        (datetime(2026, 6, 30, 23, 30, tzinfo=UTC), D(2026, 7, 1)),  # 00:30 BST
        (datetime(2026, 11, 30, 23, 30, tzinfo=UTC), D(2026, 11, 30)),  # 23:30 GMT
        (datetime(2026, 3, 29, 0, 30, tzinfo=UTC), D(2026, 3, 29)),
        (datetime(2026, 7, 1, 0, 30, tzinfo=LONDON), D(2026, 7, 1)),
    ],
)
def test_local_date(calendar: WorkingCalendar, instant: datetime, expected: date) -> None:
    assert calendar.local_date(instant) == expected


def test_naive_datetime_is_refused(calendar: WorkingCalendar) -> None:
    with pytest.raises(NaiveDatetimeError):
        calendar.local_date(datetime(2026, 7, 1, 9, 0))
    assert issubclass(NaiveDatetimeError, ValueError)


@pytest.mark.parametrize(
    ("day", "end_utc"),
    [
        (D(2026, 7, 1), datetime(2026, 7, 1, 22, 59, 59, 999999, tzinfo=UTC)),  # BST
        (D(2026, 11, 30), datetime(2026, 11, 30, 23, 59, 59, 999999, tzinfo=UTC)),  # GMT
    ],
)
def test_end_of_day_in_bst_and_gmt(calendar: WorkingCalendar, day: date, end_utc: datetime) -> None:
    end = calendar.end_of_day(day)
    assert end == end_utc
    assert end.tzinfo is UTC
    assert calendar.local_date(end) == day


@pytest.mark.parametrize(
    ("day", "start_utc", "end_utc", "hours"),
    [
        # Clocks go forward at 01:00 GMT on Sun 29 Mar 2026: a 23-hour day.
        (D(2026, 3, 29), datetime(2026, 3, 29, 0, 0, tzinfo=UTC),
         datetime(2026, 3, 29, 22, 59, 59, 999999, tzinfo=UTC), 23),
        # Clocks go back at 01:00 GMT on Sun 25 Oct 2026: a 25-hour day.
        (D(2026, 10, 25), datetime(2026, 10, 24, 23, 0, tzinfo=UTC),
         datetime(2026, 10, 25, 23, 59, 59, 999999, tzinfo=UTC), 25),
    ],
)
def test_summer_time_days_are_23_and_25_hours_long(
    calendar: WorkingCalendar, day: date, start_utc: datetime, end_utc: datetime, hours: int
) -> None:
    assert calendar.start_of_day(day) == start_utc
    assert calendar.end_of_day(day) == end_utc
    length = calendar.end_of_day(day) - calendar.start_of_day(day) + timedelta(microseconds=1)
    assert length == timedelta(hours=hours)


def test_due_date_does_not_move_across_the_clock_change(calendar: WorkingCalendar) -> None:
    # Started late on Friday 27 Mar 2026 (GMT), one working day: Monday 30 Mar (BST).
    started = datetime(2026, 3, 27, 23, 30, tzinfo=UTC)
    due_day = calendar.add_working_days(calendar.local_date(started), 1)
    assert due_day == D(2026, 3, 30)
    assert calendar.end_of_day(due_day) == datetime(2026, 3, 30, 22, 59, 59, 999999, tzinfo=UTC)


# -- configuration ------------------------------------------------------------------------


def test_shipped_configuration_builds_the_worcestershire_calendar() -> None:
    calendar = WorkingCalendar.from_config(CONFIG)
    assert calendar.subdiv == "ENG"
    assert calendar.timezone == LONDON
    assert calendar.service_hours.window(4) == (time(9, 0), time(16, 30))
    assert calendar.service_hours.window(0) == (time(9, 0), time(17, 0))
    assert calendar.service_hours.window(5) is None
    assert calendar.add_working_days(D(2026, 4, 2), 45) == D(2026, 6, 10)


def test_the_shipped_closures_file_closes_no_day() -> None:
    """A closure moves real deadlines, so none ships: each council adds its own."""
    closures, bank_holidays = load_file(CONFIG / "closures.toml", ClosuresSchema())

    assert (closures, bank_holidays) == ({}, {})


def test_with_the_shipped_configuration_christmas_2024_moves_deadlines_by_bank_holidays_only(
) -> None:
    # Tue 24 Dec 2024: Christmas Wed 25 and Boxing Day Thu 26; Fri 27 Dec is a working day.
    calendar = WorkingCalendar.from_config(CONFIG)

    assert calendar.is_working_day(D(2024, 12, 27))
    assert calendar.non_working_reason(D(2024, 12, 27)) is None
    assert calendar.add_working_days(D(2024, 12, 24), 1) == D(2024, 12, 27)


def test_the_closure_example_documented_in_the_shipped_file_loads_when_uncommented(
        tmp_path: Path) -> None:
    text = (CONFIG / "closures.toml").read_text(encoding="utf-8")
    example = text[text.index("# [[closure]]\n"):]
    uncommented = "\n".join(line.removeprefix("# ") for line in example.splitlines()
                            if line.startswith("# "))
    _write_settings(tmp_path)
    (tmp_path / "closures.toml").write_text(uncommented, encoding="utf-8")

    calendar = WorkingCalendar.from_config(tmp_path)

    assert (calendar.non_working_reason(D(2030, 12, 27)) or "").startswith("Council closure: ")


def test_proclaimed_bank_holiday_from_closures_file(tmp_path: Path) -> None:
    _write_settings(tmp_path)
    (tmp_path / "closures.toml").write_text(
        '[[bank_holiday]]\ndate = 2029-06-04\nname = "Proclaimed"\nsource = "Gazette"\n'
    )
    calendar = WorkingCalendar.from_config(tmp_path)
    assert calendar.non_working_reason(D(2029, 6, 4)) == "Proclaimed"


def test_missing_closures_file_means_no_closures(tmp_path: Path) -> None:
    _write_settings(tmp_path)
    assert WorkingCalendar.from_config(tmp_path).is_working_day(D(2024, 12, 27))


@pytest.mark.parametrize(
    ("calendar_table", "message"),
    [
        ('subdiv = "XYZ"',
         "settings.toml: setting 'calendar.subdiv': unknown GB subdivision 'XYZ'"),
        ('timezone = "Mars/Olympus"',
         "setting 'calendar.timezone': unknown timezone 'Mars/Olympus'"),
        ('colour = "red"', "setting 'calendar.colour': unknown setting"),
        ('service_hours.monday = { opens = "9am", closes = "17:00" }',
         "setting 'calendar.service_hours.monday.opens': must be a \"HH:MM\" time like \"09:00\" "
         "(got '9am')"),
        ('service_hours.monday = { opens = "25:00", closes = "17:00" }',
         "setting 'calendar.service_hours.monday.opens': is not a time of day (got '25:00')"),
        ('service_hours.monday = { opens = "09:00" }',
         "setting 'calendar.service_hours.monday.closes': missing"),
        ('service_hours.monday = "09:00-17:00"',
         "setting 'calendar.service_hours.monday': "
         "must be { opens = \"HH:MM\", closes = \"HH:MM\" }"),
        ('service_hours.monday = { opens = "17:00", closes = "09:00" }',
         "setting 'calendar.service_hours': monday opens at 17:00:00 but closes at 09:00:00"),
        ('service_hours.funday = { opens = "09:00", closes = "17:00" }',
         "setting 'calendar.service_hours.funday': not a day of the week"),
        ('service_hours.saturday = { opens = "09:00", closes = "12:00" }',
         "setting 'calendar.service_hours': service hours must open on at least one weekday"),
    ],
)
def test_bad_calendar_settings_raise_config_error(
    tmp_path: Path, calendar_table: str, message: str
) -> None:
    _write_settings(tmp_path, calendar_table)
    with pytest.raises(ConfigError) as caught:
        WorkingCalendar.from_config(tmp_path)
    assert caught.value.file == str(tmp_path / "settings.toml")
    assert message in str(caught.value)


def test_missing_settings_file_raises_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="settings.toml: file not found"):
        WorkingCalendar.from_config(tmp_path)


@pytest.mark.parametrize(
    ("closures", "message"),
    [
        ('[[closure]]\ndate = "2026-12-29"\nname = "X"\nsource = "local"\n',
         "closure '#1': date must be a TOML date like 2026-12-24 (got '2026-12-29')"),
        ("[[closure]]\ndate = 2026-12-29T09:00:00\nname = \"X\"\nsource = \"local\"\n",
         "closure '#1': date must be a TOML date"),
        ('[[closure]]\ndate = 2026-02-30\nname = "X"\nsource = "local"\n', "not valid TOML"),
        ('[[closure]]\ndate = 2026-12-29\nname = "X"\n',
         "closure '2026-12-29': missing source"),
        ('[[closure]]\ndate = 2026-12-29\nname = "X"\nsource = "local"\nreason = "snow"\n',
         "closure '2026-12-29': unknown key reason"),
        ('closure = "2026-12-29"\n',
         "expected only [[closure]] and [[bank_holiday]] entries"),
        ('[[closure]]\ndate = 2026-12-29\nname = ""\nsource = "local"\n',
         "closure '2026-12-29': name must be a non-empty string"),
        ('[[closure]]\ndate = 2026-12-29\nname = "A"\nsource = "local"\n'
         '[[closure]]\ndate = 2026-12-29\nname = "B"\nsource = "local"\n',
         "closure '2026-12-29': date already listed as a closure"),
        ('[[closure]]\ndate = 2026-12-29\nname = "A"\nsource = "local"\n'
         '[[bank_holiday]]\ndate = 2026-12-29\nname = "B"\nsource = "Gazette"\n',
         "bank_holiday '2026-12-29': date already listed as a closure"),
        ('[[holiday]]\ndate = 2026-12-29\nname = "A"\nsource = "local"\n',
         "unknown table holiday"),
    ],
)
def test_bad_closures_raise_config_error(tmp_path: Path, closures: str, message: str) -> None:
    _write_settings(tmp_path)
    (tmp_path / "closures.toml").write_text(closures)
    with pytest.raises(ConfigError) as caught:
        WorkingCalendar.from_config(tmp_path)
    assert str(caught.value).startswith(str(tmp_path / "closures.toml") + ": ")
    assert message in str(caught.value)


def test_service_hours_refuse_a_weekday_outside_monday_to_sunday() -> None:
    with pytest.raises(ValueError, match="0 \\(Monday\\) to 6"):
        ServiceHours({7: (time(9, 0), time(17, 0))})


def _write_settings(config_dir: Path, calendar_table: str = "") -> None:
    (config_dir / "settings.toml").write_text(f"[calendar]\n{calendar_table}\n")
