"""The rules in force, loaded once at start-up from ``config/`` and passed explicitly.

Nothing here runs at import time (flaskr habit): ``load_rules(config_dir, thresholds)`` is
called by the app factory, the CLI and the tests. A malformed file, or a process definition
with a problem, stops start-up with a ``ConfigError`` naming the file, the entry and the
problem. The levels-of-need policy is plugged in by the caller (``thresholds.policy``):
the engine depends on its port, never on the catalogue code.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from workflow.audits.config import AuditConfig, load_audit_config
from workflow.casework.config import CaseworkConfig, load_casework_config
from workflow.casework.family_help import load_family_help
from workflow.clocks.calendar import WorkingCalendar
from workflow.clocks.standards import PracticeStandard, load_standards
from workflow.clocks.timescales import TimescaleBook, load_timescales
from workflow.config_errors import ConfigError, read_toml
from workflow.decision.records import DecisionStamp, ThresholdPolicy
from workflow.engine.action import Config
from workflow.engine.definition import validate_spec
from workflow.engine.engine import Engine
from workflow.errors import GuardFailed
from workflow.mash.config import MashConfig, load_mash_config
from workflow.people.rules import PeopleRules, load_people_rules

DEFAULT_CONFIG = Path(__file__).resolve().parent.parent / "config"


@dataclass(frozen=True)
class Rules:
    """Calendar, timescales, the configured policies and the engine built from them."""

    config_dir: Path
    calendar: WorkingCalendar
    timescales: TimescaleBook
    casework: CaseworkConfig
    mash: MashConfig
    thresholds: ThresholdPolicy
    engine: Engine
    people: PeopleRules
    #: The practice standards (also in ``timescales``, which starts and stops them).
    standards: tuple[PracticeStandard, ...] = ()
    audits: AuditConfig = field(default_factory=AuditConfig)


class NoCatalogue:
    """The policy when no levels-of-need catalogue was plugged in: decisions are refused."""

    def stamp(self, on: datetime, level: int, outcome: str, indicators: tuple[str, ...],
              rationale: str, override_reason: str) -> DecisionStamp:
        raise GuardFailed("catalogue", "No levels-of-need catalogue is configured, so no "
                          "threshold decision can be checked. Nothing was saved.", "level")


def load_rules(config_dir: Path = DEFAULT_CONFIG,
               thresholds: ThresholdPolicy | None = None) -> Rules:
    """Load and check everything the engine needs; refuse to start on any problem."""
    calendar = WorkingCalendar.from_config(config_dir)
    standards = load_standards(config_dir / "practice_standards.toml")
    try:
        book = load_timescales(config_dir / "timescales.toml").with_rules(standards)
    except ValueError as error:
        raise ConfigError(config_dir / "practice_standards.toml", "standard",
                          str(error)) from None
    problems = validate_spec(book)
    if problems:
        raise ConfigError(config_dir / "timescales.toml", "process", "; ".join(problems))
    casework = load_casework_config(config_dir)
    mash = load_mash_config(config_dir)
    policy = thresholds or NoCatalogue()
    config = Config(calendar, book, casework, mash, policy, load_family_help(config_dir))
    people = load_people_rules(config_dir, _la_number(config_dir))
    return Rules(config_dir, calendar, book, casework, mash, policy, Engine(config), people,
                 standards, load_audit_config(config_dir))


def _la_number(config_dir: Path) -> str:
    """The council's DfE LA number ([returns] la_number), for synthetic UPNs and returns."""
    returns = read_toml(config_dir / "settings.toml").get("returns", {})
    return str(returns.get("la_number", "")) if isinstance(returns, dict) else ""
