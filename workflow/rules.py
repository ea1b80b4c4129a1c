"""The rules in force, loaded once at start-up from ``config/`` and passed explicitly.

Nothing here runs at import time (flaskr habit): ``load_rules(config_dir)`` is called by
the app factory, the CLI and the tests. A malformed file stops start-up with a
``ConfigError`` naming the file, the entry and the problem.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from workflow.casework.config import load_casework_config
from workflow.clocks.calendar import WorkingCalendar
from workflow.clocks.timescales import TimescaleBook, load_timescales
from workflow.config_errors import ConfigError
from workflow.definition import validate_spec
from workflow.machine import Engine

DEFAULT_CONFIG = Path(__file__).resolve().parent.parent / "config"


@dataclass(frozen=True)
class Rules:
    """Calendar, timescales and the engine built from them."""

    config_dir: Path
    calendar: WorkingCalendar
    timescales: TimescaleBook
    engine: Engine


def load_rules(config_dir: Path = DEFAULT_CONFIG) -> Rules:
    """Load and check everything the engine needs; refuse to start on any problem."""
    calendar = WorkingCalendar.from_config(config_dir)
    book = load_timescales(config_dir / "timescales.toml")
    problems = validate_spec(book)
    if problems:
        raise ConfigError(config_dir / "timescales.toml", "process", "; ".join(problems))
    casework = load_casework_config(config_dir)
    return Rules(config_dir, calendar, book, Engine(book, calendar, casework))
