"""Where the actions are found: one module per action, in each area's ``actions`` package.

Adding an action is adding one module that defines ``ACTION`` (and its tests): the
registry imports every module of ``workflow/<area>/actions/`` and lists them in the order
of ``AREAS``, then each action's own ``order``, so nothing else needs to name it. Command
handlers that change something other than one contact (recording a contact, running a
meeting) are found the same way, in each area's ``commands`` module.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from functools import cache
from types import ModuleType
from typing import Any

from workflow.engine.action import Action

#: The areas of the process, in the order a contact meets them (the UI lists actions so).
AREAS = ("intake", "screening", "mash", "decision", "casework", "oversight", "people",
         "audits")


def _modules(package: str) -> list[ModuleType]:
    try:
        found = importlib.import_module(package)
    except ModuleNotFoundError as error:
        if error.name == package:
            return []
        raise
    return [importlib.import_module(f"{package}.{info.name}")
            for info in pkgutil.iter_modules(found.__path__) if not info.name.startswith("_")]


def action_modules() -> list[ModuleType]:
    """Every action module, area by area."""
    return [m for area in AREAS for m in _modules(f"workflow.{area}.actions")]


@cache
def actions() -> dict[str, Action[Any]]:
    """Every action by name (a module without ``ACTION`` or a repeated name is refused)."""
    found: dict[str, Action[Any]] = {}
    ranked: list[tuple[int, int, str]] = []
    for module in action_modules():
        action = getattr(module, "ACTION", None)
        if not isinstance(action, Action):
            raise TypeError(f"{module.__name__} defines no ACTION")
        if action.name in found:
            raise ValueError(f"two actions are called '{action.name}'")
        found[action.name] = action
        area = AREAS.index(module.__name__.split(".")[1])
        ranked.append((area, action.order, action.name))
    return {name: found[name] for _area, _order, name in sorted(ranked)}


Handler = Callable[..., Any]
_HANDLERS: dict[type, Handler] = {}


def handles(command: type) -> Callable[[Handler], Handler]:
    """Register the handler of a command type (used by each area's ``commands`` module)."""

    def mark(func: Handler) -> Handler:
        _HANDLERS[command] = func
        return func

    return mark


@cache
def command_handlers() -> dict[type, Handler]:
    """Every command type and its handler (each area's ``commands`` module, imported once)."""
    for area in AREAS:
        try:
            importlib.import_module(f"workflow.{area}.commands")
        except ModuleNotFoundError as error:
            if error.name != f"workflow.{area}.commands":
                raise
    return dict(_HANDLERS)
