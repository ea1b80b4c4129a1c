"""Who may audit, how long an agreed action has, and the samples that can be drawn by rule
(``config/audits.toml``), with the audit forms (``config/audit_forms``).

Why data: which roles audit (a principal social worker, team managers, sometimes heads of
service) and the default time for an agreed action are set by each council's quality
assurance framework, not by law.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from workflow.audits.forms import AuditForm, load_forms
from workflow.config_errors import ConfigError, read_toml
from workflow.roles import Role

#: The rule ids the read side knows how to query (reporting/audit_samples.py).
RULE_IDS = ("re_referrals", "stepped_down", "long_cp_plans")


@dataclass(frozen=True)
class SampleRule:
    """A sample drawn by rule: every case that matches, looking back ``months``."""

    id: str
    title: str
    months: int


@dataclass(frozen=True)
class AuditConfig:
    auditor_roles: frozenset[Role] = frozenset({Role.PRINCIPAL_SOCIAL_WORKER,
                                                Role.TEAM_MANAGER})
    action_due_days: int = 20
    source: str = ""
    effective_from: date | None = None
    rules: tuple[SampleRule, ...] = ()
    forms: dict[str, AuditForm] = field(default_factory=dict)

    def may_audit(self, role: Role) -> bool:
        """Whether this role may sample, audit and moderate."""
        return role in self.auditor_roles

    def rule(self, rule_id: str) -> SampleRule | None:
        return next((r for r in self.rules if r.id == rule_id), None)


def _roles(path: Path, values: object) -> frozenset[Role]:
    known = {r.value for r in Role}
    if not isinstance(values, list) or not values or any(v not in known for v in values):
        raise ConfigError(path, "auditor_roles", "list role ids from workflow/roles.py, "
                          f"e.g. {Role.PRINCIPAL_SOCIAL_WORKER.value}")
    return frozenset(Role(v) for v in values)


def _rule(path: Path, data: dict[str, object]) -> SampleRule:
    rule_id, title, months = data.get("id"), data.get("title"), data.get("months")
    if rule_id not in RULE_IDS:
        raise ConfigError(path, str(rule_id), f"id must be one of {', '.join(RULE_IDS)}",
                          kind="rule")
    if not isinstance(title, str) or not title.strip():
        raise ConfigError(path, str(rule_id), "title must be some text", kind="rule")
    if not isinstance(months, int) or isinstance(months, bool) or not 0 < months <= 120:
        raise ConfigError(path, str(rule_id), "months must be a whole number from 1 to 120",
                          kind="rule")
    return SampleRule(str(rule_id), title, months)


def load_audit_config(config_dir: Path) -> AuditConfig:
    """The audits settings and forms; defaults when ``audits.toml`` is absent."""
    forms = load_forms(config_dir / "audit_forms")
    path = config_dir / "audits.toml"
    if not path.exists():
        return AuditConfig(forms=forms)
    data = read_toml(path)
    days = data.get("action_due_days", 20)
    if not isinstance(days, int) or isinstance(days, bool) or not 0 < days <= 250:
        raise ConfigError(path, "action_due_days", "give a whole number of working days "
                          "from 1 to 250")
    effective = data.get("effective_from")
    return AuditConfig(_roles(path, data.get("auditor_roles")), days,
                       str(data.get("source", "")),
                       effective if isinstance(effective, date) else None,
                       tuple(_rule(path, r) for r in data.get("rule", [])), forms)
