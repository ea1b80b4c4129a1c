"""Where each action is named outside its own module: the spread of one definition.

Why: adding or changing an action should cost one new module, not edits in six places.
This reads every production file (Python through its syntax tree, templates as text) and
lists, for each action, the files outside its own module that name it as a string. Each
file is put in one of three kinds, so the figure says what it means:

* definition — the engine, the reporting side or a template spelling out something about
  the action (a row, a label, a special case): must be 0 for every action;
* route — a page or API handler that fires that action by name (a registration);
* demo — the synthetic demo's journeys, which walk actions as a worker would.

Run: ``PYTHONPATH=. .venv/bin/python -m bench.definition_spread`` (``--files`` lists them).
"""

from __future__ import annotations

import argparse
import ast
import re
from collections import defaultdict
from pathlib import Path

from workflow.engine.registry import action_modules, actions

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("workflow", "thresholds", "reporting", "web")
TEMPLATES = ROOT / "web" / "templates"


def kind_of(path: Path) -> str:
    """Which of the three kinds a file naming an action is."""
    relative = path.relative_to(ROOT).as_posix()
    if relative.startswith("web/demo/"):
        return "demo"
    if relative.startswith("web/") and path.suffix == ".py":
        return "route"
    return "definition"


def _python_strings(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return {node.value for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str)}


def _template_strings(path: Path) -> set[str]:
    text = path.read_text(encoding="utf-8")
    return set(re.findall(r"[\"']([a-z0-9_]+)[\"']", text)) | set(
        re.findall(r"actions/([a-z0-9_]+)", text))


def spread() -> dict[str, dict[str, list[str]]]:
    """action → kind → the files (outside its own module) naming it."""
    names = set(actions())
    own = {m.__file__: m.ACTION.name for m in action_modules() if m.__file__}
    found: dict[str, dict[str, list[str]]] = {n: defaultdict(list) for n in names}
    files = [p for package in PACKAGES for p in (ROOT / package).rglob("*.py")]
    files += list(TEMPLATES.rglob("*.html"))
    for path in sorted(files):
        strings = _python_strings(path) if path.suffix == ".py" else _template_strings(path)
        for name in strings & names:
            if own.get(str(path)) != name:
                found[name][kind_of(path)].append(path.relative_to(ROOT).as_posix())
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", action="store_true", help="list the files, not only counts")
    show_files = parser.parse_args().files
    table = spread()
    print(f"{'action':<34} {'definition':>10} {'route':>6} {'demo':>5}")
    for name in sorted(table):
        kinds = table[name]
        print(f"{name:<34} {len(kinds['definition']):>10} {len(kinds['route']):>6} "
              f"{len(kinds['demo']):>5}")
        if show_files:
            for kind, paths in kinds.items():
                for p in paths:
                    print(f"    {kind:<10} {p}")
    worst = max((len(k["definition"]) for k in table.values()), default=0)
    print(f"\n{len(table)} actions; most definition places outside an action's module: {worst}")


if __name__ == "__main__":
    main()
