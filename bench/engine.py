"""Engine throughput and memory, side by side with a bare SQLAlchemy baseline, in one run.

Why: the engine adds a service layer, a Contact aggregate, a repository and one shared
``transitions`` machine on top of SQL. This measures what that costs per transition
against the minimum SQL the same work implies, on the same database in the same process,
with the two alternating in blocks so any drift (cache warm-up, table growth, a noisy
neighbour) hits both equally. It also watches the process's memory over many transitions
and checks that the shared machine keeps no models (ARCHITECTURE.md habit 6).

The work is an internal, repeatable trigger: ``rate`` on a contact in screening, cycling
red -> amber -> green, spread round-robin over many contacts. Each rating is one
transaction: load the contact with a version check, stop the open MASH clock, start the
new one, append the event, bump the version, commit.

Run ``PYTHONPATH=. .venv/bin/python -m bench.engine --help``; see bench/README.md.
A third side, (c), sends the baseline's SQL with every statement built once on the
tables: not the yardstick (that is the bare ORM baseline), but the floor SQLAlchemy allows,
so a gap or a lead can be read as the engine's or as SQLAlchemy's.

Numbers are printed, never asserted.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import resource
import shlex
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy
from sqlalchemy import Table, bindparam, func, insert, select, update
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session, sessionmaker

from bench.pg import own_schema
from workflow.intake.commands import NewContact, RecordContact
from workflow.people.records import PersonDetails
from workflow.persistence.db import make_engine
from workflow.persistence.schema import metadata
from workflow.persistence.tables import ClockRow, ContactRow, EventRow
from workflow.persistence.uow import SqlUnitOfWork
from workflow.roles import Actor, Role
from workflow.rules import Rules, load_rules
from workflow.services import Act, handle

RAGS = ("red", "amber", "green")
MASH_CLOCKS = tuple(f"mash_{rag}" for rag in RAGS)
ACTOR = Actor("bench.worker", Role.FRONT_DOOR_WORKER)
BENCH_SCHEMA_PREFIX = "bench_engine"
COMMAND = "PYTHONPATH=. .venv/bin/python -m bench.engine"


# -- the database ------------------------------------------------------------------------
@contextlib.contextmanager
def open_database(url: str | None, workdir: str, database: str | None = None
                  ) -> Iterator[tuple[Engine, str]]:
    """An engine on fresh tables, and how to describe it. SQLite: a file in ``workdir``.

    PostgreSQL: the database in ``url`` (or ``database``, created if missing), in a schema
    of this run's own (``bench_engine_<pid>_<random>``) that is dropped when the run ends,
    so two runs at once, or the tests, never touch each other's tables.
    """
    if url is None:
        path = os.path.join(workdir, "bench.sqlite")
        engine = make_engine(f"sqlite:///{path}")
        _create_tables(engine)
        try:
            yield engine, f"sqlite file {path}"
        finally:
            engine.dispose()
        return
    with own_schema(url, BENCH_SCHEMA_PREFIX, database) as (engine, where):
        _create_tables(engine)
        yield engine, where


def _create_tables(engine: Engine) -> None:
    metadata().create_all(engine)  # type: ignore[attr-defined]


# -- the contacts both sides work on -----------------------------------------------------
@dataclass
class Slot:
    """One contact in screening: the version we last read and how many ratings it has had."""

    contact_id: int
    version: int
    ratings: int = 0

    def next_rag(self) -> str:
        return RAGS[self.ratings % len(RAGS)]


@dataclass
class Side:
    """One side of the comparison: its contacts (round-robin) and its transition count."""

    name: str
    slots: list[Slot]
    step: Callable[[Slot], None]
    done: int = 0
    cursor: int = 0

    def run(self, count: int, on_each: Callable[[int], None] | None = None) -> Spent:
        """Do ``count`` transitions; the wall-clock and CPU seconds they took."""
        wall, cpu = time.perf_counter(), time.process_time()
        for _ in range(count):
            slot = self.slots[self.cursor]
            self.cursor = (self.cursor + 1) % len(self.slots)
            self.step(slot)
            slot.ratings += 1
            self.done += 1
            if on_each is not None:
                on_each(self.done)
        return Spent(count, time.perf_counter() - wall, time.process_time() - cpu)


@dataclass
class Spent:
    """Transitions done, and the wall-clock and process CPU seconds they took.

    CPU time is this process only: on SQLite that includes the database's own work; on
    PostgreSQL the server's work happens elsewhere and only the wall clock counts it. On a
    busy shared machine CPU time is the steadier of the two (waiting for a core is not
    counted), so both are printed.
    """

    count: int = 0
    wall: float = 0.0
    cpu: float = 0.0

    def __iadd__(self, other: Spent) -> Spent:
        self.count += other.count
        self.wall += other.wall
        self.cpu += other.cpu
        return self

    def rate(self, clock: str = "wall") -> float:
        seconds = self.wall if clock == "wall" else self.cpu
        return self.count / seconds if seconds > 0 else float("nan")


def seed(factory: sessionmaker[Session], rules: Rules, count: int, received: datetime,
         tag: str) -> list[Slot]:
    """``count`` contacts recorded through the service layer, screened and rated once, so
    each holds an open MASH clock exactly as it will before every timed rating."""
    uow = SqlUnitOfWork(factory)
    slots = []
    for n in range(count):
        intake = NewContact(received_at=received, source="6", referrer="bench",
                            children=[PersonDetails("Bench", f"{tag}{n:05d}")])
        [made] = handle(uow, rules, RecordContact(intake, ACTOR, _now()))
        out = handle(uow, rules, Act("start_screening", made["id"], ACTOR, _now(), {},
                                     made["version"]))
        slot = Slot(made["id"], out["version"])
        _engine_rate(uow, rules, slot)
        slot.ratings += 1
        slots.append(slot)
    return slots


def _now() -> datetime:
    return datetime.now(UTC)


# -- (a) the engine ----------------------------------------------------------------------
def _engine_rate(uow: SqlUnitOfWork, rules: Rules, slot: Slot) -> None:
    payload = {"rag": slot.next_rag(), "reason": "bench"}
    out = handle(uow, rules, Act("rate", slot.contact_id, ACTOR, _now(), payload, slot.version))
    slot.version = out["version"]


def engine_step(factory: sessionmaker[Session], rules: Rules) -> Callable[[Slot], None]:
    """One ``services.handle`` per transition: the whole engine, as a web request uses it."""
    uow = SqlUnitOfWork(factory)
    return lambda slot: _engine_rate(uow, rules, slot)


# -- (b) the bare ORM baseline -----------------------------------------------------------
@dataclass(frozen=True)
class BareClock:
    """What the baseline writes for a new MASH clock (rule version and due instant are
    computed once up front: the baseline does the SQL, not the rules)."""

    rule: str
    rule_version: str
    due_at: datetime


def bare_clocks(rules: Rules, received: datetime) -> dict[str, BareClock]:
    on = rules.calendar.local_date(received)
    clocks = {}
    for rag in RAGS:
        rule = rules.timescales.rule(f"mash_{rag}", on)
        clocks[rag] = BareClock(rule.name, rule.version, rule.due(received, rules.calendar))
    return clocks


def bare_step(factory: sessionmaker[Session], clocks: dict[str, BareClock],
              received: datetime) -> Callable[[Slot], None]:
    """The same rows by hand: load the contact, conditional UPDATE of version/rag/event_seq,
    stop the open MASH clock, start the new one, insert the event, commit."""

    def step(slot: Slot) -> None:
        rag, now = slot.next_rag(), _now()
        with factory() as session, session.begin():
            row = session.get(ContactRow, slot.contact_id)
            if row is None or row.version != slot.version:
                raise RuntimeError(f"baseline lost track of contact {slot.contact_id}")
            seq = row.event_seq + 1
            result = session.execute(
                update(ContactRow)
                .where(ContactRow.id == row.id, ContactRow.version == slot.version)
                .values(version=slot.version + 1, rag=rag, event_seq=seq)
                .execution_options(synchronize_session=False))
            if result.rowcount != 1:  # type: ignore[attr-defined]
                raise RuntimeError(f"stale version on contact {slot.contact_id}")
            session.execute(
                update(ClockRow)
                .where(ClockRow.contact_id == row.id, ClockRow.stopped_at.is_(None),
                       ClockRow.rule.in_(MASH_CLOCKS))
                .values(stopped_at=now, stop_event="rag_changed", result="superseded", note="")
                .execution_options(synchronize_session=False))
            clock = clocks[rag]
            session.add(ClockRow(contact_id=row.id, rule=clock.rule,
                                 rule_version=clock.rule_version, started_at=received,
                                 due_at=clock.due_at, note=""))
            session.add(EventRow(contact_id=row.id, seq=seq, trigger="rate",
                                 from_stage=row.stage, to_stage=row.stage, actor=ACTOR.username,
                                 role=str(ACTOR.role), at=now, reason="bench",
                                 payload={"rag": rag, "reason": "bench"}))
        slot.version += 1

    return step


# -- (c) the same SQL with statements built once ------------------------------------------
def core_step(factory: sessionmaker[Session], clocks: dict[str, BareClock],
              received: datetime) -> Callable[[Slot], None]:
    """The baseline's SQL again, as cheaply as SQLAlchemy sends it: every statement built
    once on the tables and executed with parameters (no ORM, no per-call statement
    building). Not the target's yardstick (that is (b)); the floor, to show how much of
    any gap is SQLAlchemy rather than the engine."""
    contact, clock, event = (_table(row) for row in (ContactRow, ClockRow, EventRow))
    load = select(contact.c.version, contact.c.event_seq, contact.c.stage).where(
        contact.c.id == bindparam("cid"))
    save = update(contact).where(contact.c.id == bindparam("cid"),
                                 contact.c.version == bindparam("read"))
    stop = update(clock).where(clock.c.contact_id == bindparam("cid"),
                               clock.c.stopped_at.is_(None), clock.c.rule.in_(MASH_CLOCKS))
    add_clock, add_event = insert(clock), insert(event)

    def step(slot: Slot) -> None:
        rag, now, cid = slot.next_rag(), _now(), slot.contact_id
        with factory() as session, session.begin():
            row = session.execute(load, {"cid": cid}).first()
            if row is None or row.version != slot.version:
                raise RuntimeError(f"floor lost track of contact {cid}")
            seq = row.event_seq + 1
            result = session.execute(save, {"cid": cid, "read": slot.version, "rag": rag,
                                            "version": slot.version + 1, "event_seq": seq})
            if result.rowcount != 1:  # type: ignore[attr-defined]
                raise RuntimeError(f"stale version on contact {cid}")
            session.execute(stop, {"cid": cid, "stopped_at": now,
                                   "stop_event": "rag_changed", "result": "superseded",
                                   "note": ""})
            new = clocks[rag]
            session.execute(add_clock, {"contact_id": cid, "rule": new.rule,
                                        "rule_version": new.rule_version,
                                        "started_at": received, "due_at": new.due_at,
                                        "note": ""})
            session.execute(add_event, {"contact_id": cid, "seq": seq, "trigger": "rate",
                                        "from_stage": row.stage, "to_stage": row.stage,
                                        "actor": ACTOR.username, "role": str(ACTOR.role),
                                        "at": now, "reason": "bench",
                                        "payload": {"rag": rag, "reason": "bench"}})
        slot.version += 1

    return step


def _table(row: type[Any]) -> Table:
    table: Table = row.__table__
    return table


# -- memory ------------------------------------------------------------------------------
@dataclass
class Memory:
    """RSS snapshots taken when the engine's transition count reaches each milestone."""

    milestones: set[int]
    seen: dict[int, tuple[float, float]] = field(default_factory=dict)

    def __call__(self, done: int) -> None:
        if done in self.milestones:
            self.seen[done] = rss_mib()


def rss_mib() -> tuple[float, float]:
    """(peak RSS from getrusage, current RSS from /proc/self/statm), in MiB."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    try:
        with open("/proc/self/statm") as statm:
            pages = int(statm.read().split()[1])
        current = pages * os.sysconf("SC_PAGE_SIZE") / 2**20
    except OSError:
        current = float("nan")
    return peak, current


# -- rows actually written, to show both sides did the same work -------------------------
def rows_written(factory: sessionmaker[Session], slots: list[Slot]) -> tuple[int, int, int]:
    """(events, clocks, stopped clocks) on these contacts."""
    ids = [s.contact_id for s in slots]
    with factory() as session:
        events = session.scalar(select(func.count()).select_from(EventRow)
                                .where(EventRow.contact_id.in_(ids)))
        clocks = session.scalar(select(func.count()).select_from(ClockRow)
                                .where(ClockRow.contact_id.in_(ids)))
        stopped = session.scalar(select(func.count()).select_from(ClockRow)
                                 .where(ClockRow.contact_id.in_(ids),
                                        ClockRow.stopped_at.is_not(None)))
    return int(events or 0), int(clocks or 0), int(stopped or 0)


# -- the run -----------------------------------------------------------------------------
def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench.engine", description=__doc__.split("\n")[0])
    p.add_argument("--transitions", type=int, default=100_000,
                   help="engine transitions in total, for the memory part (default 100000)")
    p.add_argument("--rounds", type=int, default=20,
                   help="alternating engine/baseline/floor rounds timed side by side (default 20)")
    p.add_argument("--block", type=int, default=500,
                   help="transitions per side per round (default 500)")
    p.add_argument("--warmup", type=int, default=500,
                   help="untimed transitions per side before timing (default 500)")
    p.add_argument("--contacts", type=int, default=200,
                   help="contacts per side, rated round-robin (default 200)")
    p.add_argument("--database-url", default=None,
                   help="postgresql+psycopg://…: a schema of this run's own in that database, "
                        "dropped at the end; default: a SQLite file in a temporary folder")
    p.add_argument("--bench-database", default=None,
                   help="with --database-url: use (and create if missing) this database on "
                        "the same server instead of the URL's")
    args = p.parse_args(argv)
    if min(args.transitions, args.rounds, args.block, args.contacts) < 1 or args.warmup < 0:
        p.error("sizes must be positive")
    return args


@dataclass
class Timings:
    """Time spent per side over the timed rounds, and each round's wall-clock ratio."""

    spent: dict[str, Spent] = field(default_factory=lambda: {
        "engine": Spent(), "bare": Spent(), "core": Spent()})
    ratios: list[float] = field(default_factory=list)
    floor_ratios: list[float] = field(default_factory=list)

    def ratio(self, clock: str, against: str = "bare") -> float:
        return self.spent["engine"].rate(clock) / self.spent[against].rate(clock)


def side_by_side(engine: Side, bare: Side, core: Side, args: argparse.Namespace,
                 memory: Memory) -> Timings:
    """Alternate blocks, reversing the order of the sides each round (ABC, CBA, …), so
    drift in either direction is shared."""
    timings = Timings()
    for n in range(args.rounds):
        order = (engine, bare, core) if n % 2 == 0 else (core, bare, engine)
        rates = {}
        for side in order:
            spent = side.run(args.block, memory if side is engine else None)
            timings.spent[side.name] += spent
            rates[side.name] = spent.rate()
        timings.ratios.append(rates["engine"] / rates["bare"])
        timings.floor_ratios.append(rates["engine"] / rates["core"])
        _progress(f"  round {n + 1}/{args.rounds}: engine {rates['engine']:7.0f}/s  "
                  f"bare {rates['bare']:7.0f}/s  core {rates['core']:7.0f}/s  "
                  f"ratio {timings.ratios[-1]:.2f} (to core {timings.floor_ratios[-1]:.2f})")
    return timings


def engine_alone(engine: Side, count: int, memory: Memory) -> Spent:
    """The rest of the memory part, in chunks so a long run shows it is alive."""
    total = Spent()
    while count > 0:
        chunk = min(count, 10_000)
        total += engine.run(chunk, memory)
        count -= chunk
        _progress(f"  engine transitions so far: {engine.done:,} "
                  f"({total.rate():,.0f}/s since the timed rounds)")
    return total


def _progress(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def run(args: argparse.Namespace, workdir: str) -> dict[str, Any]:
    began, load = time.perf_counter(), _load()
    with open_database(args.database_url, workdir, args.bench_database) as (db, where):
        return _run_on(db, where, args, began, load)


def _run_on(db: Engine, where: str, args: argparse.Namespace, began: float, load: str
            ) -> dict[str, Any]:
    factory = sessionmaker(db)
    rules = load_rules()
    received = _now() - timedelta(minutes=5)
    _progress(f"seeding {args.contacts} contacts per side on {where} …")
    engine = Side("engine", seed(factory, rules, args.contacts, received, "E"),
                  engine_step(factory, rules))
    clocks = bare_clocks(rules, received)
    bare = Side("bare", seed(factory, rules, args.contacts, received, "B"),
                bare_step(factory, clocks, received))
    core = Side("core", seed(factory, rules, args.contacts, received, "C"),
                core_step(factory, clocks, received))
    memory = Memory({m for m in (1_000, args.transitions) if m <= args.transitions})
    engine.run(args.warmup, memory)
    bare.run(args.warmup)
    core.run(args.warmup)
    sides = (engine, bare, core)
    before = {s.name: (rows_written(factory, s.slots), s.done) for s in sides}
    timings = side_by_side(engine, bare, core, args, memory)
    work = {s.name: _per_transition(rows_written(factory, s.slots), before[s.name], s.done)
            for s in sides}
    rest = max(0, args.transitions - engine.done)
    _progress(f"engine alone for the memory part: {rest:,} more transitions …")
    alone = engine_alone(engine, rest, memory)
    result = {
        "where": where, "timings": timings, "work": work, "memory": memory.seen,
        "models": len(rules.engine.machine.models), "engine_total": engine.done,
        "alone": alone, "wall": time.perf_counter() - began, "load": (load, _load()),
    }
    return result


def _load() -> str:
    try:
        return " ".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:
        return "n/a"


def _per_transition(after: tuple[int, int, int], before: tuple[tuple[int, int, int], int],
                    done: int) -> tuple[float, ...]:
    rows, done_before = before
    count = done - done_before
    return tuple((a - b) / count for a, b in zip(after, rows, strict=True))


# -- the report --------------------------------------------------------------------------
def report(args: argparse.Namespace, argv: list[str], r: dict[str, Any]) -> str:
    """The copyable summary: how it was run, then one table."""
    t: Timings = r["timings"]
    ratios, floor = sorted(t.ratios), sorted(t.floor_ratios)
    engine, bare, core = t.spent["engine"], t.spent["bare"], t.spent["core"]
    lines = [
        f"command: {COMMAND}{' ' + shlex.join(_masked(argv)) if argv else ''}",
        f"database: {r['where']}",
        f"python {platform.python_version()}, SQLAlchemy {sqlalchemy.__version__}, "
        f"{os.cpu_count()} cpu(s), load average at start {r['load'][0]}, "
        f"at end {r['load'][1]}",
        f"timed: {args.rounds} rounds x {args.block} transitions per side, alternating "
        f"(ABC, CBA), after {args.warmup} warm-up per side; {args.contacts} contacts per side",
        "",
        "| measure | wall clock | process CPU |",
        "|---|---|---|",
        f"| (a) engine: services.handle(Act('rate')), transitions/s | {engine.rate():,.0f} "
        f"| {engine.rate('cpu'):,.0f} |",
        f"| (b) bare ORM baseline, same rows, transitions/s | {bare.rate():,.0f} "
        f"| {bare.rate('cpu'):,.0f} |",
        f"| (c) the same SQL, statements built once (the floor), transitions/s "
        f"| {core.rate():,.0f} | {core.rate('cpu'):,.0f} |",
        f"| ratio engine/bare (aim >= 0.85) | {t.ratio('wall'):.2f} | {t.ratio('cpu'):.2f} |",
        f"| ratio per round, min / median / max | {_spread(ratios)} | |",
        f"| ratio engine/floor | {t.ratio('wall', 'core'):.2f} "
        f"| {t.ratio('cpu', 'core'):.2f} |",
        f"| ratio engine/floor per round, min / median / max | {_spread(floor)} | |",
    ]
    lines += [f"| rows per transition, {name} | {_rows(work)} | |" for name, work in
              r["work"].items()]
    alone: Spent = r["alone"]
    if alone.count:
        lines.append(f"| engine alone, {alone.count:,} more transitions, transitions/s "
                     f"| {alone.rate():,.0f} | {alone.rate('cpu'):,.0f} |")
    for done, (peak, current) in sorted(r["memory"].items()):
        lines.append(f"| RSS after {done:,} engine transitions, MiB (ru_maxrss / statm) "
                     f"| {peak:.1f} / {current:.1f} | |")
    lines += [
        f"| len(engine.machine.models) at end (must be 0) | {r['models']} | |",
        f"| engine transitions in total | {r['engine_total']:,} | |",
        f"| wall time of the whole run, s | {r['wall']:.0f} | |",
    ]
    return "\n".join(lines)


def _spread(ratios: list[float]) -> str:
    return f"{ratios[0]:.2f} / {ratios[len(ratios) // 2]:.2f} / {ratios[-1]:.2f}"


def _rows(work: tuple[float, ...]) -> str:
    events, clocks, stopped = work
    return f"{events:.2f} event, {clocks:.2f} clock inserted, {stopped:.2f} clock stopped"


def _masked(argv: list[str]) -> list[str]:
    """The arguments with any password in a database URL hidden."""
    shown = []
    for arg in argv:
        try:
            url = make_url(arg.split("=", 1)[-1]) if "://" in arg else None
        except sqlalchemy.exc.ArgumentError:
            url = None
        if url is not None and url.password:
            arg = arg.replace(url.render_as_string(hide_password=False),
                              url.render_as_string(hide_password=True))
        shown.append(arg)
    return shown


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    args = parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="frontdoor-bench-") as workdir:
        result = run(args, workdir)
    print(report(args, argv, result))


if __name__ == "__main__":
    main()
