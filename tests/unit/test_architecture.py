"""Dependencies point one way: web → reporting → workflow ← thresholds (ARCHITECTURE.md).

The engine and the levels of need must run without Flask or a database, so that they can
be tested alone and reused by the CLI; only ``workflow/persistence`` (the write side) and
``reporting`` (the read side) may import SQLAlchemy. The web layer asks the service layer
to change something and a ``reporting`` function to show something: it imports neither
SQLAlchemy nor any ``workflow.persistence`` module, except that the two composition points
(``web/app.py`` and ``web/cli.py``) open the store and find the database's URL. Neither
side of the database knows the web: ``reporting`` and ``workflow.persistence`` import no
Flask and nothing of ``web``.

This reads the imports of every module (with ``ast``, nothing is imported; a literal
``importlib.import_module("...")`` counts too) and names each offending module and import.
"""

from __future__ import annotations

import ast
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

#: Flask and its extensions (Werkzeug is Flask's request layer).
FLASK = ("flask", "flask_login", "flask_wtf", "flask_smorest", "werkzeug")
#: The database drivers and toolkits.
DATABASE = ("sqlalchemy", "alembic", "psycopg")
#: What the web's two composition points may take from persistence, and nothing more.
COMPOSITION = ("workflow.persistence.store", "workflow.persistence.db")


@dataclass(frozen=True)
class Layer:
    """The modules under ``root`` (less ``exclude``) must import nothing ``forbidden``,
    except what ``allowed`` grants one module (path relative to the project)."""

    root: str
    forbidden: tuple[str, ...]
    exclude: tuple[str, ...] = ()
    allowed: dict[str, tuple[str, ...]] = field(default_factory=dict)


LAYERS: dict[str, Layer] = {
    "workflow": Layer("workflow", FLASK + DATABASE + ("web", "reporting"),
                      exclude=("workflow/persistence",)),
    "workflow.persistence": Layer("workflow/persistence", FLASK + ("web", "reporting")),
    "thresholds": Layer("thresholds", FLASK + DATABASE + ("web", "reporting")),
    "reporting": Layer("reporting", FLASK + ("web",)),
    "web": Layer("web", DATABASE + ("workflow.persistence",),
                 allowed={"web/app.py": COMPOSITION, "web/cli.py": COMPOSITION}),
}


def _modules(layer: Layer) -> list[Path]:
    excluded = [ROOT / e for e in layer.exclude]
    return sorted(p for p in (ROOT / layer.root).rglob("*.py")
                  if not any(p.is_relative_to(e) for e in excluded))


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _literal_import(node: ast.Call) -> str | None:
    """The module named by ``importlib.import_module("x")`` or ``__import__("x")``."""
    func = node.func
    called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    if called not in ("import_module", "__import__") or not node.args:
        return None
    first = node.args[0]
    return first.value if isinstance(first, ast.Constant) and isinstance(
        first.value, str) else None


def imported_names(path: Path) -> list[str]:
    """Absolute names of everything a module imports: ``import a.b`` gives ``a.b``, and
    ``from a import b`` gives ``a.b`` (b may be a module), relative imports resolved."""
    package = _module_name(path).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    names: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package[:len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, node.module] if node.module else base)
            names += [module if a.name == "*" else f"{module}.{a.name}" for a in node.names]
        elif isinstance(node, ast.Call) and (literal := _literal_import(node)):
            names.append(literal)
    return names


def _under(name: str, prefixes: tuple[str, ...]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def offences(layer_name: str) -> list[str]:
    """'module imports name' for every import a layer's rule forbids."""
    layer = LAYERS[layer_name]
    found = []
    for path in _modules(layer):
        allowed = layer.allowed.get(path.relative_to(ROOT).as_posix(), ())
        found += [f"{_module_name(path)} imports {name}" for name in imported_names(path)
                  if _under(name, layer.forbidden) and not _under(name, allowed)]
    return found


@pytest.mark.parametrize("layer", sorted(LAYERS))
def test_each_layer_imports_nothing_it_must_not(layer: str) -> None:
    assert _modules(LAYERS[layer]), f"no modules found in {LAYERS[layer].root}/"

    assert offences(layer) == []


def test_the_composition_points_exist_and_are_the_only_ones_opening_the_store() -> None:
    """The exception names real files, and they do use it (or it should go)."""
    for relative, allowed in LAYERS["web"].allowed.items():
        names = imported_names(ROOT / relative)
        assert any(_under(n, allowed) for n in names), f"{relative} no longer needs it"


# -- the checks can fail: planted offences are named -------------------------------------------
def _plant(tmp_path: Path, files: dict[str, str]) -> None:
    for relative, text in files.items():
        path = tmp_path / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


@pytest.fixture
def planted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project root of planted modules, with the real rules pointed at it."""
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    return tmp_path


def test_the_check_sees_through_relative_nested_and_dynamic_imports(planted: Path) -> None:
    _plant(planted, {
        "workflow/__init__.py": "",
        "workflow/bad.py": "import json\nfrom ..web import views\n"
                           "def later():\n    import sqlalchemy.orm\n    from flask import g\n"
                           "    importlib.import_module('reporting.kpis')\n",
        "workflow/persistence/ok.py": "import sqlalchemy\n",
    })

    assert offences("workflow") == ["workflow.bad imports web.views",
                                    "workflow.bad imports sqlalchemy.orm",
                                    "workflow.bad imports flask.g",
                                    "workflow.bad imports reporting.kpis"]


def test_web_may_not_reach_the_database_but_its_composition_points_may_open_the_store(
        planted: Path) -> None:
    _plant(planted, {
        "web/__init__.py": "",
        "web/app.py": "from workflow.persistence.store import open_store\n"
                      "from workflow.persistence.db import database_url\n"
                      "from workflow.persistence.tables import ContactRow\n",
        "web/cli.py": "from workflow.persistence import store, uow\n",
        "web/contact/pages.py": "from sqlalchemy import select\n"
                                "from workflow.persistence.store import open_store\n"
                                "from workflow import persistence\n"
                                "from ..persistence_like import x\n",
    })

    assert offences("web") == [
        "web.app imports workflow.persistence.tables.ContactRow",
        "web.cli imports workflow.persistence.uow",
        "web.contact.pages imports sqlalchemy.select",
        "web.contact.pages imports workflow.persistence.store.open_store",
        "web.contact.pages imports workflow.persistence"]


def test_neither_side_of_the_database_may_know_the_web_or_flask(planted: Path) -> None:
    _plant(planted, {
        "reporting/queries.py": "from sqlalchemy import select\nfrom flask import g\n"
                                "import web.views\n",
        "workflow/persistence/store.py": "from sqlalchemy.orm import Session\n"
                                         "from reporting.queries import work_queue\n"
                                         "from flask_login import current_user\n"
                                         "from web.access import allow\n",
    })

    assert offences("reporting") == ["reporting.queries imports flask.g",
                                     "reporting.queries imports web.views"]
    assert offences("workflow.persistence") == [
        "workflow.persistence.store imports reporting.queries.work_queue",
        "workflow.persistence.store imports flask_login.current_user",
        "workflow.persistence.store imports web.access.allow"]
