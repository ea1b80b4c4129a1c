"""Family Help services and the rules of a transfer to one (DOMAIN.md §7).

Why data: which internal teams and commissioned providers a council runs, which levels of
need each serves, how to reach it and whether it takes transfers now, are local facts that
change with contracts, so they live in ``config/family_help.toml`` and a mistake there stops
start-up naming the service and the key. A service's lead practitioners are the members of
its directory team, so a step down names someone the service can answer for.

A transfer is *offered* when a step down hands the family over, then *accepted* or
*returned* (with a reason) by the service; a returned one goes back to the person who sent
it. A lead practitioner need not be a social worker (Families First Partnership guide).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Any

from marshmallow import ValidationError

from workflow.casework.records import StepDown
from workflow.config_errors import ConfigError
from workflow.config_schema import Flag, OneOf, Text, _Field, load_entries
from workflow.engine.action import Ctx, Failure, Guard
from workflow.errors import NotPermitted
from workflow.roles import Role
from workflow.stages import Stage

#: What a Family Help service can be.
KINDS = {"internal": "Council Family Help team", "commissioned": "Commissioned provider"}
#: The levels of need Family Help serves (DOMAIN.md §4: level 2 additional, 3 complex).
LEVELS = (2, 3)


class TransferStatus(StrEnum):
    """Where a hand-over to Family Help is."""

    OFFERED = "offered"
    ACCEPTED = "accepted"
    RETURNED = "returned"

    @property
    def label(self) -> str:
        return {"offered": "Waiting for the service to accept",
                "accepted": "Accepted by the service",
                "returned": "Returned by the service"}[self.value]


@dataclass(frozen=True)
class FamilyHelpService:
    """One Family Help service as configured."""

    id: str
    name: str
    kind: str
    levels: tuple[int, ...]
    team: str
    phone: str
    email: str
    address: str
    accepts_transfers: bool
    source: str

    @property
    def kind_label(self) -> str:
        return KINDS[self.kind]

    @property
    def levels_label(self) -> str:
        return " and ".join(f"level {n}" for n in self.levels)


@dataclass(frozen=True)
class FamilyHelpConfig:
    """Every configured service, in the order the file lists them."""

    services: tuple[FamilyHelpService, ...] = ()

    def get(self, service_id: str | None) -> FamilyHelpService | None:
        return next((s for s in self.services if s.id == service_id), None)

    def name(self, service_id: str | None) -> str:
        """A service's name; a hand-over recorded before services were configured kept the
        receiving team's name as it was typed, and is shown as it is."""
        service = self.get(service_id)
        return service.name if service else str(service_id or "")

    def taking_transfers(self) -> tuple[FamilyHelpService, ...]:
        return tuple(s for s in self.services if s.accepts_transfers)

    def choices(self) -> tuple[tuple[str, str], ...]:
        """The services a step down may name (those taking transfers now)."""
        return tuple((s.id, f"{s.name} ({s.levels_label})") for s in self.taking_transfers())


class _Levels(_Field):
    """A non-empty list of Family Help levels, written as TOML numbers: [2, 3]."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any
                     ) -> tuple[int, ...]:
        valid = isinstance(value, list) and value and all(
            isinstance(v, int) and not isinstance(v, bool) and v in LEVELS for v in value)
        if not valid:
            raise ValidationError(f"must be a list of levels 2 and/or 3 (got {value!r})")
        return tuple(sorted(set(value)))


def _entry() -> dict[str, Any]:
    return {"id": Text(required=True), "name": Text(required=True),
            "kind": OneOf(tuple(KINDS), required=True), "levels": _Levels(required=True),
            "team": Text(required=True), "phone": Text(required=True),
            "email": Text(required=True), "address": Text(required=True),
            "accepts_transfers": Flag(required=True), "source": Text(required=True)}


def load_family_help(config_dir: Path) -> FamilyHelpConfig:
    """Read config/family_help.toml (absent: no services, so no step down can be sent)."""
    path = config_dir / "family_help.toml"
    if not path.exists():
        return FamilyHelpConfig()
    services = tuple(FamilyHelpService(**{**e, "levels": tuple(e["levels"])})
                     for e in load_entries(path, "service", _entry()))
    _unique([s.id for s in services], path)
    return FamilyHelpConfig(services)


def _unique(ids: Collection[str], path: Path) -> None:
    seen: set[str] = set()
    for service_id in ids:
        if service_id in seen:
            raise ConfigError(path, service_id, "id is used twice", kind="service")
        seen.add(service_id)


# -- rules of the transfer and the episode --------------------------------------------------
def _handover(ctx: Ctx[Any]) -> StepDown | None:
    return ctx.contact.step_down if ctx.contact.stage is Stage.EARLY_HELP else None


def _nothing_with_a_service(ctx: Ctx[Any]) -> Failure:
    """A family is handed to one service at a time: again only once a service returned it."""
    handover = _handover(ctx)
    if handover is None or handover.returned:
        return None
    if handover.waiting:
        return "service", f"{handover.team} has not yet answered the transfer sent to it"
    return "service", f"{handover.team} has accepted the family"


def _waiting(ctx: Ctx[Any]) -> Failure:
    handover = _handover(ctx)
    if handover is not None and handover.waiting:
        return None
    return "transfer", "there is no transfer waiting for the service's answer"


def _for_the_service(ctx: Ctx[Any]) -> Failure:
    """Only the receiving service answers: a member of its team, or a team manager."""
    handover, directory = _handover(ctx), ctx.directory
    config = ctx.config.family_help
    service = config.get(handover.service) if config and handover else None
    if ctx.actor.role is not Role.FAMILY_HELP_PRACTITIONER or directory is None:
        return None
    team = directory.team(service.team) if service else None
    if team is not None and ctx.actor.username in team.members:
        return None
    return "actor", "only the service the family was handed to can answer the transfer"


def _accepted(ctx: Ctx[Any]) -> Failure:
    handover = _handover(ctx)
    if handover is not None and handover.accepted:
        return None
    return "transfer", "the Family Help service has not accepted the family yet"


def _assessed(ctx: Ctx[Any]) -> Failure:
    handover = _handover(ctx)
    if handover is not None and handover.assessed_on is not None:
        return None
    return "assessment", "record the family help assessment first"


def _plan_agreed(ctx: Ctx[Any]) -> Failure:
    handover = _handover(ctx)
    if handover is not None and handover.plan_agreed_on is not None:
        return None
    return "plan", "agree the family help plan first"


NOTHING_WITH_A_SERVICE: Guard[Any] = Guard("no_transfer_open", _nothing_with_a_service,
                                           before_input=True)
TRANSFER_WAITING: Guard[Any] = Guard("transfer_waiting", _waiting, before_input=True)
FOR_THE_SERVICE: Guard[Any] = Guard("answered_by_the_service", _for_the_service,
                                    before_input=True, refusal=NotPermitted)
ACCEPTED: Guard[Any] = Guard("transfer_accepted", _accepted, before_input=True)
ASSESSED: Guard[Any] = Guard("family_help_assessed", _assessed, before_input=True)
PLAN_AGREED: Guard[Any] = Guard("family_help_plan_agreed", _plan_agreed, before_input=True)


def day_given(name: str, what: str, *, not_before: str = "") -> Guard[Any]:
    """A date the person must give: not in the future, and not before ``not_before`` (a
    date field of the episode, or ``accepted`` for the service's acceptance)."""

    def check(ctx: Ctx[Any]) -> Failure:
        day: date | None = getattr(ctx.payload, name)
        if day is None:
            return name, f"give the date {what}"
        if day > ctx.config.calendar.local_date(ctx.now):
            return name, f"the date {what} cannot be in the future"
        floor = _floor(ctx, not_before)
        if floor is not None and day < floor:
            return name, f"the date {what} cannot be before {floor:%d/%m/%Y}"
        return None

    return Guard(f"{name}_given", check, (name,))


def _floor(ctx: Ctx[Any], field_name: str) -> date | None:
    handover = _handover(ctx)
    if handover is None or not field_name:
        return None
    if field_name == "accepted":
        at = handover.answered_at
        return ctx.config.calendar.local_date(at) if at else None
    value: date | None = getattr(handover, field_name)
    return value


def review_date_ahead(name: str, after: str) -> Guard[Any]:
    """The next review is set, after the date the plan was agreed or last reviewed."""

    def check(ctx: Ctx[Any]) -> Failure:
        due: date | None = getattr(ctx.payload, name)
        held: date | None = getattr(ctx.payload, after)
        if due is None:
            return name, "set the date of the next review"
        if held is not None and due <= held:
            return name, f"the next review must be after {held:%d/%m/%Y}"
        return None

    return Guard(f"{name}_ahead", check, (name, after))
