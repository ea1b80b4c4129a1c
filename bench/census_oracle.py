"""The issue's demo, year by year: our CIN census pre-check beside the DfE's rules as
csc-validator-be-cin implements them, on the same file.

For each collection year the demo is loaded (``--contacts``, ``--seed``) into a fresh SQLite
file with ``now`` on 1 December of that year, the census for the year is built, and both
checks run on its XML. Printed per year: children, the validator's errors and queries (its
findings, one per rule, child and table row, and the children it names), ours, and per rule
code the children each flags, marking any code where the two differ. Module 5 codes
(2026-27) are ours alone: the released validator does not read module 5.

Too slow for the tests (about 70 s for the five years at 400 contacts on the 2-core
machine, 10 s of demo and 2 s of validator a year); the tests run the same comparison on a
160-contact demo (tests/oracles/test_census_oracle.py).

    PYTHONPATH=. .venv/bin/python -m bench.census_oracle                 # 400 contacts, seed 7
    PYTHONPATH=. .venv/bin/python -m bench.census_oracle --years 2026-27 --contacts 120
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.orm import Session

from reporting.cin_census import CensusResult, CollectionYear, build_census
from reporting.cin_rules import FAMILIES
from tests.oracles.harness import CinReport, cin_report
from thresholds.policy import catalogue_policy
from web.demo import DemoSpec, load_demo
from web.users import load_demo_users
from workflow.persistence.schema import metadata
from workflow.persistence.store import Store
from workflow.rules import DEFAULT_CONFIG, Rules, load_rules

YEARS = ("2022-23", "2023-24", "2024-25", "2025-26", "2026-27")
MODULE_5 = {r.code for r in FAMILIES["pre_proceedings"].rules}


def _census(rules: Rules, year: str, contacts: int, seed: int, folder: Path
            ) -> tuple[CensusResult, float]:
    now = datetime(int(year[:4]), 12, 1, 10, tzinfo=UTC)
    store = Store(f"sqlite:///{folder / f'demo-{year}.db'}")
    metadata().create_all(store.engine)  # type: ignore[attr-defined]
    load_demo_users(store.accounts)
    started = time.perf_counter()
    for _ in load_demo(store.uow, rules, DemoSpec(contacts=contacts, seed=seed), now,
                       store.reads):
        pass
    loaded = time.perf_counter() - started
    with Session(store.engine) as session:
        result = build_census(session, CollectionYear.parse(year), rules.people, "885", now)
    store.close()
    return result, loaded


def _by_code(pairs: set[tuple[str, str | None]]) -> Counter[str]:
    return Counter(code for code, _ in pairs)


def _report(year: str, result: CensusResult, report: CinReport) -> None:
    theirs = {(f.code, f.child) for f in report.findings}
    ours = {(f.code, f.child) for f in result.findings}
    print(f"{year}: {result.children} children; validator {len(report.errors)} errors, "
          f"{len(report.queries)} queries on "
          f"{len({f.child for f in report.findings if f.child})} children; ours "
          f"{len(result.errors)} errors, {len(result.queries)} queries on "
          f"{len({f.child for f in result.findings if f.child})} children; "
          f"{len(result.schema_problems)} schema problems")
    t, o = _by_code(theirs), _by_code(ours)
    for code in sorted(set(t) | set(o)):
        note = " (module 5: ours alone)" if code in MODULE_5 else (
            "" if t[code] == o[code] and {p for p in theirs if p[0] == code}
            == {p for p in ours if p[0] == code} else "  <-- differs")
        print(f"    {code:6} validator {t[code]:4}  ours {o[code]:4}{note}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=400)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--years", nargs="*", default=list(YEARS))
    args = parser.parse_args()
    rules = load_rules(DEFAULT_CONFIG, catalogue_policy(DEFAULT_CONFIG))
    with tempfile.TemporaryDirectory() as folder:
        for year in args.years:
            result, loaded = _census(rules, year, args.contacts, args.seed, Path(folder))
            path = Path(folder) / f"cin-{year}.xml"
            path.write_bytes(result.xml)
            started = time.perf_counter()
            report = cin_report(path, year)
            took = time.perf_counter() - started
            print(f"(demo loaded in {loaded:.0f} s, validator {took:.0f} s)")
            _report(year, result, report)


if __name__ == "__main__":
    main()
