"""Dependencies point one way: web → reporting → workflow ← thresholds (ARCHITECTURE.md).

The engine and the levels of need must run without Flask or a database, so that they can
be tested alone and reused by the CLI; only ``workflow/persistence`` may import
SQLAlchemy. This reads the imports of every module (with ``ast``, nothing is imported)
and names each offending module and import.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

#: Top-level packages each layer must not import. Flask's extensions count as Flask.
FRAMEWORKS = ("flask", "flask_login", "flask_wtf", "flask_smorest", "sqlalchemy", "alembic")
LAYERS: dict[str, tuple[str, ...]] = {
    "workflow": FRAMEWORKS + ("web", "reporting"),
    "thresholds": FRAMEWORKS + ("web", "reporting"),
    "reporting": ("web",),
}
EXEMPT = (ROOT / "workflow" / "persistence",)


def _modules(package: str) -> list[Path]:
    return sorted(p for p in (ROOT / package).rglob("*.py")
                  if not any(p.is_relative_to(e) for e in EXEMPT))


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_names(path: Path) -> list[str]:
    """Absolute names of everything a module imports (relative imports resolved)."""
    package = _module_name(path).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    names = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package[:len(package) - node.level + 1] if node.level else []
            names.append(".".join([*base, node.module] if node.module else base))
    return names


def offences(package: str) -> list[str]:
    """'module imports name' for every import of a forbidden package."""
    forbidden = LAYERS[package]
    return [f"{_module_name(path)} imports {name}"
            for path in _modules(package) for name in imported_names(path)
            if name.split(".")[0] in forbidden]


@pytest.mark.parametrize("package", sorted(LAYERS))
def test_each_layer_imports_nothing_from_the_layers_above_it_or_the_frameworks(
        package: str) -> None:
    assert _modules(package), f"no modules found in {package}/"

    assert offences(package) == []


def test_the_check_sees_through_relative_and_nested_imports(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A guard that never fires proves nothing: plant offences and see them named."""
    (tmp_path / "workflow" / "persistence").mkdir(parents=True)
    (tmp_path / "workflow" / "__init__.py").write_text("")
    (tmp_path / "workflow" / "bad.py").write_text(
        "import json\nfrom ..web import views\n"
        "def later():\n    import sqlalchemy.orm\n    from flask import g\n")
    (tmp_path / "workflow" / "persistence" / "ok.py").write_text("import sqlalchemy\n")
    this = sys.modules[__name__]
    monkeypatch.setattr(this, "ROOT", tmp_path)
    monkeypatch.setattr(this, "EXEMPT", (tmp_path / "workflow" / "persistence",))

    assert offences("workflow") == ["workflow.bad imports web",
                                    "workflow.bad imports sqlalchemy.orm",
                                    "workflow.bad imports flask"]
