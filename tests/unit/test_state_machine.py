"""Random journeys: whatever anyone tries, in any order, the contact stays consistent.

A Hypothesis state machine fires random actions (every trigger in the table, plus one
that does not exist) as random people with plausible payloads — sometimes complete,
sometimes missing fields, sometimes with times in London, naive times (read as London
wall time) or bare dates (refused at the field) —
while a fake clock moves forward by random hours. After every step:

* the stage is where the last event went, and the events are numbered 1..n;
* a refused action changed nothing at all;
* only clocks the stage lists are running, at most one per rule, each due exactly when
  the timescale rule in force on its start day says.

The same machine is run once more (fewer examples) through the service layer against a
SQLite file, checking what was stored.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from tests.builders import (
    ACTORS,
    OTHER_TEAM_MANAGER,
    ROUTE,
    VARIANTS,
    child,
    fire,
    path_to,
    payload,
    record_contact,
    snapshot,
)
from thresholds.policy import catalogue_policy
from workflow.contact import Contact
from workflow.engine.registry import actions
from workflow.errors import FrontDoorError, StaleVersion
from workflow.intake.commands import NewContact
from workflow.persistence.db import make_engine
from workflow.persistence.tables import Base, ClockRow, ContactRow, EventRow
from workflow.persistence.uow import SqlUnitOfWork
from workflow.roles import Actor, Role
from workflow.rules import DEFAULT_CONFIG, Rules, load_rules
from workflow.stages import STAGES, Stage

LONDON = ZoneInfo("Europe/London")
RECEIVED = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)  # Monday; runs on across Easter and BST
PEOPLE = [*ACTORS.values(), OTHER_TEAM_MANAGER]
TRIGGERS = [*list(actions()), "no_such_action"]
TIME_FIELDS = ("held_at", "visited_at")

_RULES: list[Rules] = []


def shared_rules() -> Rules:
    """The real rules, loaded once for every example (Hypothesis cannot use fixtures)."""
    if not _RULES:
        _RULES.append(load_rules(DEFAULT_CONFIG, catalogue_policy(DEFAULT_CONFIG)))
    return _RULES[0]


# -- worlds: where the contact lives ---------------------------------------------------

class InMemory:
    """A Contact aggregate fired straight through the shared Engine."""

    def __init__(self, rules: Rules) -> None:
        self.rules = rules
        self.contact = Contact(received_at=RECEIVED, source="6")
        rules.engine.receive(self.contact, ACTORS[Role.FRONT_DOOR_WORKER],
                             {"source": "6", "channel": "phone"}, RECEIVED)

    def fire(self, trigger: str, who: Actor, data: dict[str, Any], now: datetime) -> None:
        self.rules.engine.fire(self.contact, trigger, who, data, now)

    def permitted(self, role: Role) -> list[str]:
        return [a.name for a in self.rules.engine.permitted(self.contact, role)]

    def state(self) -> dict[str, Any]:
        return snapshot(self.contact)

    def stage(self) -> str:
        return self.contact.stage.value

    def events(self) -> list[tuple[int, str]]:
        return [(e.seq, e.to_stage) for e in self.contact.new_events]

    def open_clocks(self) -> list[tuple[str, str, datetime, datetime]]:
        return [(c.rule, c.rule_version, c.started_at, c.due_at)
                for c in self.contact.open_clocks]

    def close(self) -> None:
        pass


class OnSqlite:
    """One contact recorded and fired through the service layer on a fresh SQLite file."""

    def __init__(self, rules: Rules) -> None:
        self.rules = rules
        self.folder = Path(tempfile.mkdtemp(prefix="frontdoor-machine-"))
        self.engine = make_engine(f"sqlite:///{self.folder / 'machine.db'}")
        Base.metadata.create_all(self.engine)
        sessions = sessionmaker(bind=self.engine, expire_on_commit=False)
        self.uow: Callable[[], SqlUnitOfWork] = lambda: SqlUnitOfWork(sessions)
        new = NewContact(received_at=RECEIVED, source="6", children=[child("Random", "Journey")])
        [made] = record_contact(self.uow(), rules, new, ACTORS[Role.FRONT_DOOR_WORKER],
                                RECEIVED)
        self.contact_id, self.version = made["id"], made["version"]

    def fire(self, trigger: str, who: Actor, data: dict[str, Any], now: datetime,
             version: int | None = None) -> None:
        result = fire(self.uow(), self.rules, self.contact_id, trigger, who, data,
                      self.version if version is None else version, now)
        self.version = result["version"]

    def permitted(self, role: Role) -> list[str]:
        with self.uow() as uow:
            contact = uow.contacts.get(self.contact_id)
            return [a.name for a in self.rules.engine.permitted(contact, role)]

    def _rows(self, statement: Any) -> list[Any]:
        with Session(self.engine.execution_options(readonly=True)) as session:
            return list(session.scalars(statement))

    def state(self) -> dict[str, Any]:
        """Every row of every table (the file holds this one contact and its records)."""
        with self.engine.connect() as connection:
            return {table.name: [tuple(row) for row in connection.execute(
                        select(table).order_by(*table.primary_key.columns))]
                    for table in Base.metadata.sorted_tables}

    def stage(self) -> str:
        [row] = self._rows(select(ContactRow).where(ContactRow.id == self.contact_id))
        return str(row.stage)

    def events(self) -> list[tuple[int, str]]:
        rows = self._rows(select(EventRow).where(EventRow.contact_id == self.contact_id)
                          .order_by(EventRow.seq))
        return [(e.seq, e.to_stage) for e in rows]

    def open_clocks(self) -> list[tuple[str, str, datetime, datetime]]:
        rows = self._rows(select(ClockRow).where(ClockRow.contact_id == self.contact_id,
                                                 ClockRow.stopped_at.is_(None)))
        return [(c.rule, c.rule_version, c.started_at, c.due_at) for c in rows]

    def close(self) -> None:
        self.engine.dispose()
        shutil.rmtree(self.folder, ignore_errors=True)


# -- payloads --------------------------------------------------------------------------

ANY_TIME = ("utc", "london", "naive", "date", "future")
GOOD_TIME = ("utc", "london", "date")


def _a_time(data: st.DataObject, now: datetime, kinds: tuple[str, ...] = ANY_TIME) -> object:
    """A plausible meeting or visit time: mostly fine, sometimes wrong in a way people are."""
    most = 3 * 24 * 60 if kinds == ANY_TIME else 30
    earlier = now - timedelta(minutes=data.draw(st.integers(0, most), label="ago"))
    kind = data.draw(st.sampled_from(kinds), label="time kind")
    return {"utc": earlier, "london": earlier.astimezone(LONDON),
            "naive": earlier.replace(tzinfo=None),
            "date": earlier.astimezone(LONDON).date(),
            "future": now + timedelta(days=2)}[kind]


def _a_payload(data: st.DataObject, trigger: str, now: datetime) -> dict[str, Any]:
    variants = VARIANTS.get(trigger, {"plain": {}})
    chosen = payload(trigger, now, data.draw(st.sampled_from(sorted(variants)), label="variant"))
    for name in TIME_FIELDS:
        if name in chosen:
            chosen[name] = _a_time(data, now)
    if chosen and data.draw(st.integers(0, 2), label="drop fields?") == 0:
        for name in data.draw(st.sets(st.sampled_from(sorted(chosen)), min_size=1),
                              label="dropped"):
            del chosen[name]
    return chosen


# -- the machine -----------------------------------------------------------------------

class ContactJourney(RuleBasedStateMachine):
    """Random actions on one contact; consistency checked after every one."""

    world_type: type[InMemory] | type[OnSqlite] = InMemory

    def __init__(self) -> None:
        super().__init__()
        self.rules = shared_rules()
        self.world = self.world_type(self.rules)
        self.now = RECEIVED

    def teardown(self) -> None:
        self.world.close()

    @initialize(start=st.sampled_from(list(Stage)))
    def the_contact_has_got_as_far_as(self, start: Stage) -> None:
        """Begin anywhere on the standard route, so every stage gets explored."""
        for step in path_to(start):
            self.world.fire(step.trigger, step.who,
                            payload(step.trigger, self.now, step.variant), self.now)
        assert self.world.stage() == start.value

    def _try(self, trigger: str, who: Actor, data: dict[str, Any], **kw: Any) -> None:
        before = self.world.state()
        try:
            self.world.fire(trigger, who, data, self.now, **kw)
        except StaleVersion:
            raise  # every rule but the out-of-date page fires on the current version
        except FrontDoorError:
            assert self.world.state() == before, f"refused '{trigger}' changed the contact"

    @rule(who=st.sampled_from(PEOPLE), hours=st.integers(0, 72), data=st.data())
    def anyone_tries_anything(self, who: Actor, hours: int, data: st.DataObject) -> None:
        self.now += timedelta(hours=hours)
        here = [a.name for a in actions().values()
                if Stage(self.world.stage()) in a.sources]
        near = here and data.draw(st.booleans(), label="something done at this stage?")
        trigger = data.draw(st.sampled_from(here if near else TRIGGERS), label="trigger")
        self._try(trigger, who, _a_payload(data, trigger, self.now))

    @rule(who=st.sampled_from(PEOPLE), hours=st.integers(0, 72), data=st.data())
    def someone_takes_an_action_they_are_offered(self, who: Actor, hours: int,
                                                 data: st.DataObject) -> None:
        self.now += timedelta(hours=hours)
        offered = self.world.permitted(who.role)
        if offered:
            trigger = data.draw(st.sampled_from(offered), label="offered trigger")
            self._try(trigger, who, _a_payload(data, trigger, self.now))

    @rule(data=st.data(), hours=st.integers(0, 8))
    def the_case_moves_on(self, data: st.DataObject, hours: int) -> None:
        """Progress along a real route (valid input), so deep stages are explored too."""
        self.now += timedelta(hours=hours)
        here = Stage(self.world.stage())
        onward = sorted(s for s, (before, _) in ROUTE.items()
                        if before == here and not STAGES[s].final)
        if onward:
            for step in ROUTE[data.draw(st.sampled_from(onward), label="towards")][1]:
                chosen = payload(step.trigger, self.now, step.variant)
                for name in TIME_FIELDS:
                    if name in chosen:
                        chosen[name] = _a_time(data, self.now, GOOD_TIME)
                self._try(step.trigger, step.who, chosen)

    @invariant()
    def the_stage_is_where_the_last_event_went(self) -> None:
        events = self.world.events()
        assert [seq for seq, _ in events] == list(range(1, len(events) + 1))
        assert self.world.stage() == events[-1][1]

    @invariant()
    def only_the_stages_clocks_run_each_due_by_its_rule(self) -> None:
        stage = Stage(self.world.stage())
        clocks = self.world.open_clocks()
        names = [name for name, *_ in clocks]
        assert len(names) == len(set(names)), f"two clocks for one rule: {names}"
        assert set(names) <= set(STAGES[stage].timed_by), (stage, names)
        calendar = self.rules.calendar
        for name, version, started, due in clocks:
            expected = self.rules.timescales.rule(name, calendar.local_date(started))
            assert (version, due) == (expected.version, expected.due(started, calendar))


class StoredContactJourney(ContactJourney):
    """The same journeys through the service layer, checked against what SQLite stored."""

    world_type = OnSqlite

    @rule(hours=st.integers(0, 72), data=st.data())
    def someone_saves_an_out_of_date_page(self, hours: int, data: st.DataObject) -> None:
        self.now += timedelta(hours=hours)
        world = self.world
        assert isinstance(world, OnSqlite)
        if world.version > 1:
            old = data.draw(st.integers(1, world.version - 1), label="old version")
            before = world.state()
            try:
                world.fire("give_referrer_feedback", ACTORS[Role.TEAM_MANAGER],
                           {"reason": "stale"}, self.now, version=old)
            except StaleVersion:
                assert world.state() == before
            else:
                raise AssertionError("a change made on an old version was accepted")


ContactJourney.TestCase.settings = settings(
    max_examples=50, stateful_step_count=40, deadline=None, database=None)
StoredContactJourney.TestCase.settings = settings(
    max_examples=6, stateful_step_count=30, deadline=None, database=None,
    suppress_health_check=[HealthCheck.too_slow])

TestRandomJourneysInMemory = ContactJourney.TestCase
TestRandomJourneysStoredInSqlite = StoredContactJourney.TestCase
