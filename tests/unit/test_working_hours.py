"""Working hours inside service hours, against literal times.

Why: MASH amber and green clocks run in working hours (Worcestershire FFD: Mon-Thu
09:00-17:00, Fri 09:00-16:30, DOMAIN.md section 3). Each row was counted by hand; times in
the comments are London wall-clock times, the asserted values are UTC.
"""

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from workflow.clocks.calendar import NaiveDatetimeError, ServiceHours, WorkingCalendar

LONDON = ZoneInfo("Europe/London")


def london(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=LONDON)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


@pytest.fixture(scope="module")
def calendar() -> WorkingCalendar:
    return WorkingCalendar()


@pytest.mark.parametrize(
    ("start", "hours", "due"),
    [
        # Fri 16:00 + 4: half an hour to the 16:30 Friday close, 3.5 h on Monday -> 12:30.
        (london(2026, 11, 27, 16, 0), 4, utc(2026, 11, 30, 12, 30)),
        # Fri 15:00 + 4: 1.5 h on Friday, 2.5 h on Monday -> 11:30.
        (london(2026, 11, 27, 15, 0), 4, utc(2026, 11, 30, 11, 30)),
        # Exactly filling Friday ends at the close, not at Monday's opening.
        (london(2026, 11, 27, 16, 0), 0.5, utc(2026, 11, 27, 16, 30)),
        # Received on Saturday: the clock starts Monday 09:00.
        (london(2026, 11, 28, 10, 0), 1, utc(2026, 11, 30, 10, 0)),
        (london(2026, 11, 28, 10, 0), 0, utc(2026, 11, 30, 9, 0)),
        # Received after Thursday's close / before Monday's opening.
        (london(2026, 11, 26, 18, 0), 1, utc(2026, 11, 27, 10, 0)),
        (london(2026, 11, 30, 7, 30), 1, utc(2026, 11, 30, 10, 0)),
        # Received on the August bank holiday, Mon 31 Aug 2026: Tue 09:00 + 2 = 11:00 BST.
        (london(2026, 8, 31, 10, 0), 2, utc(2026, 9, 1, 10, 0)),
        # Christmas 2026: Thu 24 Dec 15:00-17:00, then Fri 25 and Mon 28 are holidays.
        (london(2026, 12, 24, 15, 0), 4, utc(2026, 12, 29, 11, 0)),
        # Amber, 24 working hours from Monday opening: Mon, Tue, Wed -> Wed 17:00.
        (london(2026, 11, 30, 9, 0), 24, utc(2026, 12, 2, 17, 0)),
        # Green, 72 working hours: 39.5 in the first week, 32.5 more -> Fri 11 Dec 09:30.
        (london(2026, 11, 30, 9, 0), 72, utc(2026, 12, 11, 9, 30)),
        # Spring forward: Fri 27 Mar 16:00 GMT + 1 -> Mon 30 Mar 09:30 BST.
        (london(2026, 3, 27, 16, 0), 1, utc(2026, 3, 30, 8, 30)),
        # Fall back: Fri 23 Oct 16:00 BST + 1 -> Mon 26 Oct 09:30 GMT.
        (london(2026, 10, 23, 16, 0), 1, utc(2026, 10, 26, 9, 30)),
        # A UTC input is read as London time: 08:00 UTC is 09:00 BST.
        (utc(2026, 7, 1, 8, 0), 1.5, utc(2026, 7, 1, 9, 30)),
    ],
)
def test_add_working_hours(
    calendar: WorkingCalendar, start: datetime, hours: float, due: datetime
) -> None:
    result = calendar.add_working_hours(start, hours)
    assert result == due
    assert result.tzinfo is UTC


@pytest.mark.parametrize(
    ("start", "end", "hours"),
    [
        (london(2026, 11, 27, 16, 0), london(2026, 11, 30, 12, 30), 4.0),
        (london(2026, 11, 28, 0, 0), london(2026, 11, 29, 23, 0), 0.0),
        (london(2026, 11, 30, 12, 0), london(2026, 11, 30, 10, 0), 0.0),
        # A whole week: four 8-hour days and a 7.5-hour Friday.
        (london(2026, 11, 30, 0, 0), london(2026, 12, 7, 0, 0), 39.5),
        # Across the spring change: Fri 7.5 h, Mon 8 h.
        (london(2026, 3, 27, 0, 0), london(2026, 3, 30, 23, 59), 15.5),
        # Easter 2026: Thu 2 Apr 16:00 to Tue 7 Apr 10:00 is 1 h + 1 h.
        (london(2026, 4, 2, 16, 0), london(2026, 4, 7, 10, 0), 2.0),
        (utc(2026, 7, 1, 8, 0), utc(2026, 7, 1, 9, 30), 1.5),
    ],
)
def test_working_hours_between(
    calendar: WorkingCalendar, start: datetime, end: datetime, hours: float
) -> None:
    assert calendar.working_hours_between(start, end) == hours


@pytest.mark.parametrize("hours", [0.25, 1, 4, 7.5, 24, 72])
def test_working_hours_between_inverts_add_working_hours(
    calendar: WorkingCalendar, hours: float
) -> None:
    start = london(2026, 10, 22, 11, 15)
    assert calendar.working_hours_between(start, calendar.add_working_hours(start, hours)) == hours


def test_naive_start_is_refused(calendar: WorkingCalendar) -> None:
    with pytest.raises(NaiveDatetimeError):
        calendar.add_working_hours(datetime(2026, 11, 27, 16, 0), 4)
    with pytest.raises(NaiveDatetimeError):
        calendar.working_hours_between(datetime(2026, 11, 27, 16, 0), utc(2026, 11, 28))


def test_negative_hours_are_refused(calendar: WorkingCalendar) -> None:
    with pytest.raises(ValueError, match="negative"):
        calendar.add_working_hours(london(2026, 11, 27, 16, 0), -1)


def test_council_closure_has_no_service_hours() -> None:
    closed = WorkingCalendar(closures={date(2026, 11, 30): "Staff training day"})
    assert closed.add_working_hours(london(2026, 11, 27, 16, 0), 4) == utc(2026, 12, 1, 12, 30)


def test_other_service_hours_are_configurable() -> None:
    # A council open 08:00-18:00 Monday to Friday.
    long_days = ServiceHours({day: (time(8, 0), time(18, 0)) for day in range(5)})
    calendar = WorkingCalendar(service_hours=long_days)
    assert calendar.add_working_hours(london(2026, 11, 27, 16, 0), 4) == utc(2026, 11, 30, 10, 0)


@pytest.mark.parametrize(
    ("windows", "message"),
    [
        ({0: (time(17, 0), time(9, 0))}, "monday opens at 17:00:00 but closes at 09:00:00"),
        ({5: (time(9, 0), time(12, 0))}, "at least one weekday"),
    ],
)
def test_impossible_service_hours_are_refused(
    windows: dict[int, tuple[time, time]], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        ServiceHours(windows)
