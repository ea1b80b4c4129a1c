"""Rules of the information-request actions: the request named must be this contact's,
addressed to the acting partner's own agency, and still open; a lawful basis must be one
configured and in force on the day (``config/lawful_bases.toml``), with the detail it
asks for written beside it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from workflow.engine.action import Ctx, Failure, Guard
from workflow.engine.rules import text, value
from workflow.errors import InvalidTransition, NotFound, NotPermitted
from workflow.mash.records import InfoRequest


def named_request(ctx: Ctx[Any]) -> InfoRequest | None:
    """The request the payload names, if it is one of this contact's."""
    request_id = getattr(ctx.payload, "request_id", None)
    return ctx.contact.request(request_id) if isinstance(request_id, int) else None


def _named(ctx: Ctx[Any]) -> Failure:
    if named_request(ctx) is not None:
        return None
    return "request_id", "there is no such information request on this contact"


def _own_agency(ctx: Ctx[Any]) -> Failure:
    request = named_request(ctx)
    if request is None or (ctx.actor.agency and request.agency == ctx.actor.agency):
        return None
    names = ctx.config.mash.agencies
    yours = names.name(ctx.actor.agency) if ctx.actor.agency else "no agency"
    return "request_id", (f"this request is addressed to {names.name(request.agency)}; your "
                          f"account is for {yours}, so you cannot see or answer it. "
                          "Nothing was saved")


def _still_open(ctx: Ctx[Any]) -> Failure:
    request = named_request(ctx)
    if request is None or request.is_open:
        return None
    return "request_id", (f"this request is already {request.status.value}, so it cannot be "
                          "changed. Nothing was saved")


REQUEST_NAMED: Guard[Any] = Guard("request_named", _named, ("request_id",), NotFound)
OWN_AGENCY: Guard[Any] = Guard("request_is_for_your_agency", _own_agency, ("request_id",),
                               NotPermitted)
REQUEST_OPEN: Guard[Any] = Guard("request_open", _still_open, ("request_id",),
                                 InvalidTransition)


# -- lawful bases ----------------------------------------------------------------------
Needed = Callable[[Ctx[Any]], bool]


def _always(ctx: Ctx[Any]) -> bool:
    return True


def basis_in_force(name: str, missing: str, needed: Needed = _always) -> Guard[Any]:
    """The basis named in field ``name`` is configured and in force today; it must be
    given when ``needed`` says so (an agency that shares nothing need not name one)."""

    def check(ctx: Ctx[Any]) -> Failure:
        chosen = value(ctx, name)
        if not chosen:
            return (name, missing) if needed(ctx) else None
        bases = ctx.config.mash.lawful_bases
        today = ctx.config.calendar.local_date(ctx.now)
        basis = bases.get(chosen)
        if basis is None:
            offered = ", ".join(b.id for b in bases.in_force(today))
            return name, f"choose a lawful basis from the list ({offered})"
        why = basis.not_in_force(today)
        return None if why is None else (name, why)

    return Guard(f"{name}_in_force", check, (name,))


def basis_detail(name: str, detail: str) -> Guard[Any]:
    """A basis that needs more (consent overridden: why) has it written in ``detail``."""

    def check(ctx: Ctx[Any]) -> Failure:
        basis = ctx.config.mash.lawful_bases.get(value(ctx, name))
        if basis is None or not basis.needs_detail or text(ctx, detail):
            return None
        return detail, f"{basis.needs_detail} (the basis chosen is: {basis.name})"

    return Guard(f"{detail}_given", check, (name, detail))
