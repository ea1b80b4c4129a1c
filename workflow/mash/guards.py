"""Rules of the information-request actions: the request named must be this contact's,
addressed to the acting partner's own agency, and still open."""

from __future__ import annotations

from typing import Any

from workflow.engine.action import Ctx, Failure, Guard
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
