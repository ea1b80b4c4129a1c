"""Adding an action costs one module: the registry, the machine, the definition check,
the permissions and the diagram all take it from that module alone.

The test writes a throwaway action module ("book a review of the case") into the
oversight area's actions package, as a developer would, and checks that nothing else has
to change: the engine offers it, fires it, records its event and refuses what its rows
refuse; ``validate_spec`` finds no problem; the diagram is unchanged (it moves no stage).
It then deletes the module and the registry forgets it.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from tests.builders import FRONT_DOOR_WORKER, TEAM_MANAGER, contact_at
from thresholds.policy import catalogue_policy
from workflow.engine import registry
from workflow.engine.definition import validate_spec
from workflow.errors import GuardFailed, NotPermitted
from workflow.rules import DEFAULT_CONFIG, Rules, load_rules
from workflow.stages import Stage

MODULE = '''"""Book a review of the case (a throwaway action written by a test)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from workflow.engine.action import Action, row
from workflow.engine.payload import Kind, Payload, ask
from workflow.engine.rules import dated
from workflow.roles import MANAGERS
from workflow.stages import Stage


@dataclass(frozen=True)
class Booking(Payload):
    review_on: datetime | None = ask("When the review is", Kind.DATETIME)


ACTION: Action[Booking] = Action(
    name="book_case_review", label="Book a case review", payload=Booking,
    rows=(row((Stage.CIN_PLAN,), None, MANAGERS,
              guards=(dated("review_on", "of the review", future=True),)),),
)
'''
PACKAGE = Path(registry.__file__).resolve().parents[1] / "oversight" / "actions"


def _forget() -> None:
    registry.actions.cache_clear()
    sys.modules.pop("workflow.oversight.actions.book_case_review", None)
    importlib.invalidate_caches()


@pytest.fixture
def with_new_action() -> Iterator[Rules]:
    path = PACKAGE / "book_case_review.py"
    path.write_text(MODULE, encoding="utf-8")
    _forget()
    try:
        yield load_rules(DEFAULT_CONFIG, catalogue_policy(DEFAULT_CONFIG))
    finally:
        path.unlink()
        _forget()


def test_a_new_action_module_is_all_it_takes(with_new_action: Rules, now: datetime) -> None:
    engine = with_new_action.engine
    contact = contact_at(engine, Stage.CIN_PLAN, now)

    offered = [a.name for a in engine.permitted(contact, TEAM_MANAGER.role)]
    fired = engine.fire(contact, "book_case_review", TEAM_MANAGER, {"review_on": now}, now)

    assert "book_case_review" in offered
    assert (fired.event.trigger, fired.event.to_stage) == ("book_case_review", Stage.CIN_PLAN)
    assert validate_spec(with_new_action.timescales) == []


def test_the_new_action_is_refused_by_its_own_rows(with_new_action: Rules,
                                                   now: datetime) -> None:
    engine = with_new_action.engine
    contact = contact_at(engine, Stage.CIN_PLAN, now)

    with pytest.raises(NotPermitted):
        engine.fire(contact, "book_case_review", FRONT_DOOR_WORKER, {"review_on": now}, now)
    with pytest.raises(GuardFailed) as refused:
        engine.fire(contact, "book_case_review", TEAM_MANAGER, {}, now)
    assert refused.value.field == "review_on"


def test_removing_the_module_removes_the_action(with_new_action: Rules) -> None:
    assert "book_case_review" in registry.actions()
    (PACKAGE / "book_case_review.py").unlink()
    _forget()
    try:
        assert "book_case_review" not in registry.actions()
    finally:
        (PACKAGE / "book_case_review.py").write_text(MODULE, encoding="utf-8")
