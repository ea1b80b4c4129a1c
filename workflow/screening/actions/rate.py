"""Set or change the RAG rating: how fast the MASH checks must be made (DOMAIN.md §3).

Re-rating replaces the running MASH clock with the new rating's, still counted from the
original receipt (the clock never restarts because someone changed their mind).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from workflow.clocks.clock import ClockResult
from workflow.contact import Rag
from workflow.engine.action import Action, Fired, Narration, Told, row
from workflow.engine.payload import Kind, Payload, ask
from workflow.engine.rules import REASON_GIVEN, payload_is
from workflow.roles import FRONT_DOOR
from workflow.stages import Stage

MASH_CLOCKS = tuple(f"mash_{r.value}" for r in Rag)


@dataclass(frozen=True)
class Rating(Payload):
    rag: str | None = ask("RAG rating", Kind.RADIOS, tuple((r.value, r.label) for r in Rag))
    reason: str = ask("Reason")


def _rate(fired: Fired[Rating]) -> None:
    contact = fired.contact
    for clock in [k for k in contact.open_clocks if k.rule in MASH_CLOCKS]:
        contact.stop_clock(clock, fired.ctx.now, "rag_changed", ClockResult.SUPERSEDED)
    contact.rag = Rag(str(fired.payload.rag))


def _told(payload: Mapping[str, Any], n: Narration) -> Told:
    return Told("RAG rating", f"Rated {str(payload.get('rag', '')).capitalize()}", n.reason)


ACTION: Action[Rating] = Action(
    name="rate", order=20, label="Set or change the RAG rating", payload=Rating,
    rows=tuple(
        row((Stage.SCREENING, Stage.INFORMATION_GATHERING), None, FRONT_DOOR,
            when=(payload_is("rag", rag.value),), guards=(REASON_GIVEN,),
            emits=("rag_changed", f"rated_{rag.value}"))
        for rag in (Rag.RED, Rag.AMBER, Rag.GREEN)),
    effect=_rate, narrate=_told, help=("rag", "choose red, amber or green"),
)
