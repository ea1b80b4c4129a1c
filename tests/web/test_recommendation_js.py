"""The browser's live recommendation agrees with thresholds.recommend, and is shipped.

web/assets/js/recommendation.mjs recomputes the level as a worker ticks indicators; the
server recomputes it when the decision is recorded. If the two rules drifted, the page
would show one level and the check refuse another. So the same tick sets (hand-picked
edges plus a seeded random sample, over both shipped catalogues: version 1 without and
version 2 with cumulative escalation) go through both, and level, escalation and the
driving indicators must match. Needs node (skipped with the reason if it is missing).
"""

from __future__ import annotations

import json
import random
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from thresholds import Catalogue, load_catalogue, recommend

ROOT = Path(__file__).resolve().parents[2]
MODULE = ROOT / "web" / "assets" / "js" / "recommendation.mjs"
BUILD = ROOT / "web" / "static" / "build"
SHIPPED = sorted((ROOT / "config" / "levels_of_need").glob("*.toml"))
NODE = shutil.which("node")

_RUNNER = """
import { recommendLevel } from %s
let input = ''
process.stdin.on('data', (chunk) => { input += chunk })
process.stdin.on('end', () => {
  const cases = JSON.parse(input)
  const out = cases.map((c) => recommendLevel(c.ticked, c.rule, c.lowest))
  process.stdout.write(JSON.stringify(out))
})
"""


def _tick_sets(catalogue: Catalogue) -> list[list[str]]:
    """Edges (none, one of each level, the escalation boundary) and 300 random sets."""
    ids = [i.id for i in catalogue.indicators]
    at = {n: [i.id for i in catalogue.indicators if i.level == n] for n in (1, 2, 3, 4)}
    level_3_two_domains = [i for i in at[3] if i.startswith(("L3-CD", "L3-FE"))]
    edges = [[], *([at[n][0]] for n in (1, 2, 3, 4)), level_3_two_domains[:3],
             level_3_two_domains[:4], [i for i in at[3] if i.startswith("L3-CD")][:5]]
    rng = random.Random(4)
    return edges + [rng.sample(ids, rng.randint(1, 9)) for _ in range(300)]


def _case(catalogue: Catalogue, ticks: list[str]) -> dict[str, Any]:
    """What the page gives the module: the ticked boxes (in page order) and the rule."""
    ticked = [i for i in catalogue.indicators if i.id in set(ticks)]
    rule = catalogue.escalation
    return {"ids": [i.id for i in ticked],
            "ticked": [{"level": i.level, "domain": i.domain} for i in ticked],
            "rule": None if rule is None else {"from": rule.from_level, "count": rule.count,
                                               "domains": rule.domains, "to": rule.to_level},
            "lowest": catalogue.levels[0].number}


def _run_module(cases: list[dict[str, Any]], tmp_path: Path) -> list[dict[str, Any]]:
    runner = tmp_path / "runner.mjs"
    runner.write_text(_RUNNER % json.dumps(MODULE.as_uri()), encoding="utf-8")
    done = subprocess.run([str(NODE), str(runner)], input=json.dumps(cases), text=True,
                          capture_output=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    result: list[dict[str, Any]] = json.loads(done.stdout)
    return result


@pytest.mark.skipif(NODE is None, reason="node is not installed (needed for the JS module)")
@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_the_browser_recommends_what_the_server_recommends(path: Path, tmp_path: Path) -> None:
    catalogue = load_catalogue(path)
    cases = [_case(catalogue, ticks) for ticks in _tick_sets(catalogue)]

    browser = _run_module(cases, tmp_path)

    assert len(browser) == len(cases)
    for case, got in zip(cases, browser, strict=True):
        server = recommend(catalogue, case["ids"])
        drivers = [case["ids"][n] for n in got["drivers"]]
        assert (got["level"], got["escalated"], drivers) == (
            server.level, server.escalated, [i.id for i in server.drivers]), case["ids"]
    assert {c["level"] for c in browser} == {1, 2, 3, 4}  # the sample reaches every level


def test_app_mjs_loads_the_recommendation_module_and_the_build_ships_it() -> None:
    app_js = (ROOT / "web" / "assets" / "js" / "app.mjs").read_text(encoding="utf-8")
    assert re.search(r"^import '\./js/recommendation\.mjs'$", app_js, re.MULTILINE)
    built = BUILD / "js" / "recommendation.mjs"
    if not (BUILD / "app.mjs").exists():
        pytest.skip("web/static/build/ is missing: run `npm ci && npm run build` first")
    assert (BUILD / "app.mjs").read_text(encoding="utf-8") == app_js
    assert built.read_text(encoding="utf-8") == MODULE.read_text(encoding="utf-8")


def test_every_import_in_the_built_app_mjs_resolves_to_a_built_file() -> None:
    """Side-effect imports too (``import './js/x.mjs'``), which a ``from`` search misses."""
    if not (BUILD / "app.mjs").exists():
        pytest.skip("web/static/build/ is missing: run `npm ci && npm run build` first")
    app_js = (BUILD / "app.mjs").read_text(encoding="utf-8")
    imports = re.findall(r"^import\s+(?:[^'\n]*\s+from\s+)?'(\./[^']+)'", app_js, re.MULTILINE)
    assert len(imports) == 6  # the two libraries, recommendation, drafts, timeout, error summary
    assert [p for p in imports if not (BUILD / p).is_file()] == []
