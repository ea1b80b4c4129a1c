"""One action, one definition: everything about a trigger in one object.

An ``Action`` holds its name and label, its payload class (from which forms, the API body
and validation are derived), its rows (the stages it may be fired from, where each goes,
the selectors that choose between them, the guards that must pass, the roles granted it,
the clock events it emits and the clocks it leaves unmet), its effect on the contact's
typed records, and any cross-aggregate work it does after (a step up's new contact). The
registry collects every action; the transition table, the machine, the UI's list of
actions, the API's routes and the diagram are all built from them, and
``workflow.engine.definition`` proves each is complete.

Guards and selectors are named objects: the name is what the documents and the checks
speak of, ``fields`` the payload keys a guard reads (checked to exist), and a guard's
failure is the field to mark and a sentence telling the person what to record.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

from workflow.engine.payload import Payload
from workflow.engine.rule_words import rule_words
from workflow.errors import FrontDoorError, GuardFailed
from workflow.roles import Actor, Role
from workflow.stages import Stage

if TYPE_CHECKING:
    from workflow.accounts import Directory
    from workflow.casework.config import CaseworkConfig
    from workflow.casework.family_help import FamilyHelpConfig
    from workflow.clocks.calendar import WorkingCalendar
    from workflow.clocks.timescales import TimescaleBook
    from workflow.contact import Contact, Event
    from workflow.decision.records import ThresholdPolicy
    from workflow.mash.config import MashConfig
    from workflow.ports import UnitOfWork
    from workflow.rules import Rules

P = TypeVar("P", bound=Payload)
#: A guard's refusal: the field to mark and what to record, or None when the rule holds.
Failure = tuple[str, str] | None


@dataclass(frozen=True)
class Config:
    """The rules an action may consult: calendar, timescales and the configured policies."""

    calendar: WorkingCalendar
    timescales: TimescaleBook
    casework: CaseworkConfig
    mash: MashConfig
    thresholds: ThresholdPolicy
    #: The Family Help services a step down may hand over to (none: no step down is sent).
    family_help: FamilyHelpConfig | None = None


@dataclass(frozen=True)
class Ctx(Generic[P]):
    """What a guard, selector or effect may look at: the contact as loaded (with its
    records on demand), the typed payload, who acts, when, and the rules in force."""

    contact: Contact
    payload: P
    actor: Actor
    now: datetime
    config: Config
    #: Teams and their members, where a database is behind the engine (allocation checks
    #: them); None for the engine alone.
    directory: Directory | None = None
    #: What one firing works out once and several rules read (the decision's stamp).
    memo: dict[str, object] = field(default_factory=dict, compare=False)

    @property
    def role(self) -> Role:
        return self.actor.role


@dataclass(frozen=True)
class Fired(Generic[P]):
    """An accepted action, as its effect and its after-work see it."""

    ctx: Ctx[P]
    event: Event
    row: Row[P]

    @property
    def contact(self) -> Contact:
        return self.ctx.contact

    @property
    def payload(self) -> P:
        return self.ctx.payload


def sentence(text: str) -> str:
    """A rule's words ("give a reason") as the sentence a person is shown ("Give a
    reason."): guards and an action's ``help`` are written as fragments."""
    if not text:
        return text
    return text[0].upper() + text[1:] + ("" if text.endswith(".") else ".")


@dataclass(frozen=True)
class Guard(Generic[P]):
    """A rule of the process that must hold for a row to fire.

    ``refusal`` is the error a failure raises: ``GuardFailed`` (422) for something to
    record, ``NotPermitted`` (403) for someone not entitled, ``InvalidTransition`` (409)
    for a record that has moved on.
    """

    name: str
    check: Callable[[Ctx[P]], Failure]
    fields: tuple[str, ...] = ()
    refusal: type[FrontDoorError] = GuardFailed
    #: A rule that holds or fails before anything is typed (who acts, what the record
    #: holds): a page does not offer an action it would refuse whatever was typed (the
    #: author of an override is not offered its sign-off; nothing to close, no "close").
    before_input: bool = False

    @property
    def label(self) -> str:
        """The condition in words ("the conference date is given"), for people."""
        return rule_words(self.name)

    def refuse(self, failure: tuple[str, str]) -> FrontDoorError:
        """The error for a failure, with its message as a sentence."""
        field_name, text = failure
        message = sentence(text)
        if self.refusal is GuardFailed:
            return GuardFailed(self.name, message, field_name)
        return self.refusal(message)


@dataclass(frozen=True)
class Selector(Generic[P]):
    """Chooses between rows sharing a trigger (the outcome picked decides the stage)."""

    name: str
    test: Callable[[Ctx[P]], bool]
    fields: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """The choice in words ("the RAG rating is red"), for people."""
        return rule_words(self.name)


@dataclass(frozen=True)
class Row(Generic[P]):
    """One way the action may move a contact. ``dest`` None is an in-stage action that is
    still recorded as an event. ``leaves_unmet`` names clocks that, still running when this
    row fires, are closed as not met (what they time was needed by what the row concludes);
    any other clock the new stage does not list is closed as not applicable."""

    sources: tuple[Stage, ...]
    dest: Stage | None
    roles: frozenset[Role]
    when: tuple[Selector[P], ...] = ()
    guards: tuple[Guard[P], ...] = ()
    emits: tuple[str, ...] = ()
    leaves_unmet: tuple[str, ...] = ()

    @property
    def internal(self) -> bool:
        """True for an in-stage action (a visit, a rating) that does not move the contact."""
        return self.dest is None


def row(sources: Iterable[Stage], dest: Stage | None, roles: Iterable[Role], *,
        when: Iterable[Selector[P]] = (), guards: Iterable[Guard[P]] = (),
        emits: Iterable[str] = (), leaves_unmet: Iterable[str] = ()) -> Row[P]:
    """A row, with tuples made from whatever iterables are given."""
    return Row(tuple(sources), dest, frozenset(roles), tuple(when), tuple(guards),
               tuple(emits), tuple(leaves_unmet))


class Narration(Protocol):
    """What a chronology knows when it tells one event (the reporting side provides it)."""

    @property
    def reason(self) -> str:
        """The reason or rationale the event recorded."""
        ...

    def agency(self, agency_id: str) -> str:
        """An agency's name."""
        ...

    def in_agency_order(self, agency_ids: Iterable[str]) -> list[str]:
        """Agency ids in the configured order (the local authority first): a stored JSON
        object keeps no key order on PostgreSQL, so a chronology must not rely on it."""
        ...

    def request_agency(self, request_id: int) -> str:
        """The name of the agency an information request was sent to."""
        ...

    def lawful_basis(self, basis_id: str) -> str:
        """A lawful basis's name (config/lawful_bases.toml), or the id as stored."""
        ...

    def contact_detail(self, name: str) -> str:
        """One of the contact's own fields (source, channel, referrer, concerns …)."""
        ...

    def linked_contact(self) -> int | None:
        """The contact this one became by a step up, if any."""
        ...


@dataclass(frozen=True)
class Told:
    """One event as a chronology tells it: its kind, a title and the detail."""

    kind: str
    title: str
    detail: str


Narrator = Callable[[Mapping[str, Any], Narration], Told]
Effect = Callable[[Fired[P]], None]
After = Callable[[Fired[P], "UnitOfWork", "Rules"], None]


@dataclass(frozen=True)
class Action(Generic[P]):
    """Everything about one trigger.

    ``help`` is (field, text) told to a person whose input matched none of the rows;
    ``offered_in`` names the parts of the UI that offer it (``"contact"``: the contact
    page's list of actions; ``"assessment"``: the assessment page; ``"requests"``: the
    MASH requests panel; ``"meeting"``: the meeting page; ``"inbox"``: a partner's inbox;
    ``"intake"``: recording a contact);
    ``preview`` is the label of a button that re-shows the form without recording (the
    decision's "Update recommendation"); ``wrong_stage`` replaces the standard refusal
    when the contact is no longer where the action applies (said to a partner, it must
    not describe the case); ``locate`` is the payload key naming a record the action
    is about when the caller does not know the contact (a partner's request);
    ``booked`` names the kind of meeting (``workflow.bookings``) whose booked time the
    form offers as its date, with how the booking stands against its due date.
    """

    name: str
    label: str
    payload: type[P]
    rows: tuple[Row[P], ...]
    effect: Effect[P] | None = None
    after: After[P] | None = None
    help: tuple[str, str] = ("", "")
    offered_in: tuple[str, ...] = ("contact",)
    preview: str = ""
    wrong_stage: str = ""
    locate: str = ""
    booked: str = ""
    narrate: Narrator | None = None
    chronology_kind: str = "Step"
    order: int = 100

    @property
    def sources(self) -> frozenset[Stage]:
        """Every stage the action may be fired from."""
        return frozenset(s for r in self.rows for s in r.sources)

    @property
    def roles(self) -> frozenset[Role]:
        """Every role granted any of its rows."""
        return frozenset(role for r in self.rows for role in r.roles)
