"""Helpers the templates use to feed the govuk_frontend_jinja macros.

A macro such as govukSelect takes its options as a list of dicts; Jinja macros cannot
return lists, so building one in every template would repeat the same loop. These build
them from the (value, text) pairs the views already pass.
"""
from collections.abc import Iterable
from typing import Any

Item = dict[str, Any]


def select_items(choices: Iterable[tuple[Any, Any]], chosen: Any, blank: str = "") -> list[Item]:
    """govukSelect items for ``choices``, ``chosen`` selected, led by a blank option if given."""
    items: list[Item] = [{"value": "", "text": blank}] if blank else []
    items += [{"value": v, "text": text, "selected": chosen == v} for v, text in choices]
    return items
