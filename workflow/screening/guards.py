"""Rules the screening and MASH actions share."""

from __future__ import annotations

from typing import Any

from workflow.engine.action import Ctx, Failure, Guard


def _rag_set(ctx: Ctx[Any]) -> Failure:
    return None if ctx.contact.rag else ("rag", "set a RAG rating (red, amber or green) first")


#: Information gathering runs on the RAG rating's deadlines, so it needs one.
RAG_SET: Guard[Any] = Guard("rag_set", _rag_set)


def _no_open_requests(ctx: Ctx[Any]) -> Failure:
    if not ctx.contact.open_requests:
        return None
    return "requests", ("answer the outstanding information requests, or have a manager "
                        "close them with a reason")


#: A contact leaves information gathering only when every request is answered or closed.
#: Nothing typed can satisfy it, so a page does not offer what it would refuse.
NO_OPEN_REQUESTS: Guard[Any] = Guard("no_open_requests", _no_open_requests,
                                     before_input=True)
