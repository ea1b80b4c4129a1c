"""Drafts on SQLite and PostgreSQL: a draft belongs to the person who typed it, a save
replaces the last one, a draft past its keeping time is gone, and what cannot be kept
is refused with a reason (never a database error)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import sessionmaker

from workflow.drafts import KEEP_FOR, MAX_CHARACTERS, MAX_FIELDS, DraftRefused
from workflow.persistence.accounts import SqlAccounts
from workflow.persistence.drafts import SqlDrafts
from workflow.persistence.tables_drafts import DraftRow
from workflow.roles import Role

CONTACT = 42
NOTE = (("summary", "Synthetic: Bo was seen at school."), ("reason", "Second line."))


@pytest.fixture
def stored(engine: Engine) -> tuple[SqlDrafts, int, int]:
    """The drafts adapter and two people's user ids."""
    sessions = sessionmaker(engine, expire_on_commit=False)
    accounts = SqlAccounts(sessions)
    for username in ("dee.worker", "sol.worker"):
        accounts.save_account(username, username.title(), Role.FRONT_DOOR_WORKER,
                              None, None, "!no-sign-in")
    ids = [a.id for a in (accounts.account("dee.worker"), accounts.account("sol.worker"))
           if a is not None]
    return SqlDrafts(sessions), ids[0], ids[1]


def test_a_draft_comes_back_to_its_owner_only(stored: tuple[SqlDrafts, int, int],
                                              now: datetime) -> None:
    drafts, dee, sol = stored
    drafts.save(dee, "action-rate", CONTACT, NOTE, now)

    mine = drafts.for_record(dee, CONTACT, now)
    assert [(d.form, d.fields, d.saved_at) for d in mine] == [("action-rate", NOTE, now)]
    assert drafts.for_record(sol, CONTACT, now) == []
    assert drafts.discard(sol, "action-rate", CONTACT) is False
    assert len(drafts.for_record(dee, CONTACT, now)) == 1


def test_each_save_replaces_the_last_and_other_people_keep_their_own(
        stored: tuple[SqlDrafts, int, int], now: datetime, engine: Engine) -> None:
    drafts, dee, sol = stored
    later = now + timedelta(seconds=5)
    drafts.save(dee, "action-rate", CONTACT, NOTE[:1], now)
    drafts.save(sol, "action-rate", CONTACT, (("summary", "Sol's own"),), now)
    drafts.save(dee, "action-rate", CONTACT, NOTE, later)

    (mine,) = drafts.for_record(dee, CONTACT, later)
    (theirs,) = drafts.for_record(sol, CONTACT, later)
    assert (mine.fields, mine.saved_at) == (NOTE, later)
    assert theirs.fields == (("summary", "Sol's own"),)
    with sessionmaker(engine)() as db:
        assert db.scalar(select(func.count()).select_from(DraftRow)) == 2


def test_discarding_deletes_only_that_form_of_that_record(
        stored: tuple[SqlDrafts, int, int], now: datetime) -> None:
    drafts, dee, _ = stored
    for form, record in (("action-rate", CONTACT), ("action-decide", CONTACT),
                         ("action-rate", CONTACT + 1)):
        drafts.save(dee, form, record, NOTE, now)

    assert drafts.discard(dee, "action-rate", CONTACT) is True
    assert [d.form for d in drafts.for_record(dee, CONTACT, now)] == ["action-decide"]
    assert len(drafts.for_record(dee, CONTACT + 1, now)) == 1


def test_a_draft_past_its_keeping_time_is_not_shown_and_the_purge_deletes_it(
        stored: tuple[SqlDrafts, int, int], now: datetime) -> None:
    drafts, dee, _ = stored
    old = now - KEEP_FOR - timedelta(minutes=1)
    recent = now - KEEP_FOR + timedelta(minutes=1)
    drafts.save(dee, "action-rate", CONTACT, NOTE, old)
    drafts.save(dee, "action-decide", CONTACT, NOTE, recent)

    assert [d.form for d in drafts.for_record(dee, CONTACT, now)] == ["action-decide"]
    assert drafts.purge(now) == 1
    assert drafts.purge(now) == 0
    assert [d.form for d in drafts.for_record(dee, CONTACT, recent)] == ["action-decide"]


@pytest.mark.parametrize(("fields", "status"), [
    ((("summary", "x" * (MAX_CHARACTERS + 1)),), 413),
    (tuple(("f", "x") for _ in range(MAX_FIELDS + 1)), 413),
    ((("", "no name"),), 422),
    ((("summary", "a NUL \x00 here"),), 422),
], ids=["too-long", "too-many-fields", "nameless-field", "nul-character"])
def test_what_cannot_be_kept_is_refused_with_a_reason_and_nothing_is_stored(
        stored: tuple[SqlDrafts, int, int], now: datetime, fields: tuple[tuple[str, str], ...],
        status: int) -> None:
    drafts, dee, _ = stored
    with pytest.raises(DraftRefused) as refused:
        drafts.save(dee, "action-rate", CONTACT, fields, now)
    assert refused.value.status == status and str(refused.value)
    assert drafts.for_record(dee, CONTACT, now) == []
