"""When periodic jobs fall due, how long a failed job waits, and the registry's one rule."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest

from workflow.jobs.kinds import Daily, Every, JobKind, Registry, slot_key
from workflow.jobs.worker import summary


def _kind(**kw: object) -> JobKind:
    return JobKind("k", "K", lambda ctx, p: None, **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize(("now", "slot", "following"), [
    (datetime(2026, 12, 1, 17, 4, 59, tzinfo=UTC), datetime(2026, 12, 1, 17, 0, tzinfo=UTC),
     datetime(2026, 12, 1, 17, 5, tzinfo=UTC)),
    (datetime(2026, 12, 1, 17, 5, tzinfo=UTC), datetime(2026, 12, 1, 17, 5, tzinfo=UTC),
     datetime(2026, 12, 1, 17, 10, tzinfo=UTC)),
    (datetime(2026, 12, 1, 23, 59, tzinfo=UTC), datetime(2026, 12, 1, 23, 55, tzinfo=UTC),
     datetime(2026, 12, 2, 0, 0, tzinfo=UTC)),
])
def test_every_five_minutes_slots_are_the_same_for_every_worker(
        now: datetime, slot: datetime, following: datetime) -> None:
    assert Every(5).slot(now) == slot
    assert Every(5).next_slot(now) == following


@pytest.mark.parametrize(("now", "slot", "following"), [
    # Winter: 02:00 London is 02:00 UTC.
    (datetime(2026, 12, 1, 1, 59, tzinfo=UTC), datetime(2026, 11, 30, 2, 0, tzinfo=UTC),
     datetime(2026, 12, 1, 2, 0, tzinfo=UTC)),
    (datetime(2026, 12, 1, 2, 0, tzinfo=UTC), datetime(2026, 12, 1, 2, 0, tzinfo=UTC),
     datetime(2026, 12, 2, 2, 0, tzinfo=UTC)),
    # Summer: 02:00 London is 01:00 UTC; the night the clocks go back it stays 02:00 London.
    (datetime(2026, 7, 1, 1, 30, tzinfo=UTC), datetime(2026, 7, 1, 1, 0, tzinfo=UTC),
     datetime(2026, 7, 2, 1, 0, tzinfo=UTC)),
    (datetime(2026, 10, 24, 12, 0, tzinfo=UTC), datetime(2026, 10, 24, 1, 0, tzinfo=UTC),
     datetime(2026, 10, 25, 2, 0, tzinfo=UTC)),
])
def test_the_nightly_feed_runs_at_two_in_the_morning_london_time_all_year(
        now: datetime, slot: datetime, following: datetime) -> None:
    assert Daily(time(2, 0)).slot(now) == slot
    assert Daily(time(2, 0)).next_slot(now) == following


def test_a_slot_key_names_the_kind_and_the_utc_minute() -> None:
    assert slot_key(_kind(), datetime(2026, 12, 1, 17, 5, tzinfo=UTC)) == "k@2026-12-01T17:05"


def test_the_wait_after_a_failure_doubles_and_stops_at_an_hour() -> None:
    kind = _kind(backoff=timedelta(seconds=30))

    waits = [kind.delay_before(n) for n in (1, 2, 3, 8, 20)]

    assert waits == [timedelta(seconds=30), timedelta(minutes=1), timedelta(minutes=2),
                     timedelta(hours=1), timedelta(hours=1)]


def test_a_kind_registered_twice_is_refused() -> None:
    kinds = Registry()
    kinds.add(_kind())

    with pytest.raises(ValueError, match="registered twice"):
        kinds.add(_kind())


def test_a_failure_summary_is_one_short_line() -> None:
    error = RuntimeError("first line\nsecond line " + "x" * 500)

    assert summary(error) == "RuntimeError: first line"
    assert len(summary(RuntimeError("y" * 1000))) == 300


def test_a_database_errors_text_which_can_quote_a_childs_details_is_not_kept() -> None:
    import sqlite3

    error = sqlite3.IntegrityError("UNIQUE constraint failed: person.nhs_number = '4857773456'")

    assert summary(error) == "IntegrityError (a database error; its detail is not kept)"
