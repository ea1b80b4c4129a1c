"""Input no database can store, refused before any view runs, with the field it sits in.

Why at the request and not in each schema: PostgreSQL refuses a NUL character in text and
an integer past 2^31-1 in an ``Integer`` column, and Python's JSON parser overflows its
stack on deeply nested arrays; SQLite takes the first two silently. A field schema can (and
the payload's ``Text`` does) refuse these with its own words, but a single form or route
that uses a plain ``String`` would turn them into a server error on PostgreSQL only, where
no laptop test sees it. So every request passes one check first, whichever view it goes
to:

- path ids are bounded by the URL converter itself (an id past what a column holds names
  no record: 404, like any other unknown id);
- an API request that writes must send a JSON object (415 for another content type, 400
  for JSON that does not parse, nests deeper than ``MAX_DEPTH`` or is not an object);
- text anywhere (a JSON string or key, a form field, a query parameter) must hold no NUL
  character and no lone surrogate, and a JSON number must be finite and, if whole, fit an
  ``Integer`` column: 422 naming each field at fault (``children.0.first_name``) under
  the API, the error page naming the field for a form (a browser cannot type these, so
  only a crafted request meets that page);
- a body larger than ``MAX_CONTENT_LENGTH`` is 413 (werkzeug refuses it unread).
"""

from __future__ import annotations

import json
import math
from typing import Any

from flask import Flask, request
from flask.json.provider import DefaultJSONProvider
from flask_smorest import abort
from werkzeug.exceptions import BadRequest
from werkzeug.routing import IntegerConverter, Map

from workflow.engine.payload import MAX_ID

#: No body this API takes nests deeper than a handful of levels; 32 leaves room to grow
#: and stays far below what the parser's recursion can take.
MAX_DEPTH = 32
NUL = "Remove the NUL character: it cannot be stored"
NOT_TEXT = "Remove the character that is not valid text"
TOO_BIG = f"Send a whole number no larger than {MAX_ID:,}"
NOT_FINITE = "Send a finite number"
_WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def at_most(limit: int) -> str:
    """A regular expression for the whole numbers 0..limit, without leading zeros.

    The bound sits in the pattern, not in ``to_python``: werkzeug's matcher answers a
    converter's refusal with 405 for the other methods of the route, a pattern that does
    not match with 404 for all of them.
    """
    digits = str(limit)
    options = ["0", rf"[1-9]\d{{0,{len(digits) - 2}}}"] if len(digits) > 1 else ["0"]
    for i, d in enumerate(digits):
        rest = len(digits) - i - 1
        low = "1" if i == 0 else "0"
        if int(d) > int(low):
            tail = rf"\d{{{rest}}}" if rest else ""
            options.append(digits[:i] + f"[{low}-{int(d) - 1}]" + tail)
    options.append(digits)
    return "(?:" + "|".join(options) + ")"


class RecordId(IntegerConverter):
    """``<int:...>`` in every route: a non-negative id no larger than a column holds, so
    ``/contacts/2147483648`` is an unknown record (404) on every database."""

    regex = at_most(MAX_ID)

    def __init__(self, url_map: Map, fixed_digits: int = 0, min: int | None = 0,  # noqa: A002
                 max: int | None = MAX_ID, signed: bool = False) -> None:  # noqa: A002
        super().__init__(url_map, fixed_digits, min, max, signed)


class GuardedJSON(DefaultJSONProvider):
    """Flask's JSON, refusing (as malformed) a document nested deeper than ``MAX_DEPTH``."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        try:
            value = json.loads(s, **kwargs)
        except RecursionError:
            raise ValueError("JSON nested too deeply") from None
        if _depth(value) > MAX_DEPTH:
            raise ValueError("JSON nested too deeply")
        return value


def _depth(value: Any) -> int:
    """How deeply arrays and objects nest (counted without recursion)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            item = list(item.values())
        if isinstance(item, list):
            deepest = max(deepest, level)
            stack.extend((child, level + 1) for child in item)
    return deepest


def text_problem(text: str) -> str | None:
    """Why a piece of text cannot be stored, or None."""
    if "\x00" in text:
        return NUL
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return NOT_TEXT
    return None


def _number_problem(number: float) -> str | None:
    if isinstance(number, bool):
        return None
    if isinstance(number, int):
        return TOO_BIG if abs(number) > MAX_ID else None
    return None if math.isfinite(number) else NOT_FINITE


def json_problems(value: Any) -> dict[str, list[str]]:
    """Each ``path.to.field`` of a parsed JSON document holding what cannot be stored."""
    found: dict[str, list[str]] = {}
    stack: list[tuple[str, Any]] = [("", value)]
    while stack:
        path, item = stack.pop()
        if isinstance(item, dict):
            for key, child in item.items():
                name = f"{path}.{key}" if path else str(key)
                if problem := text_problem(str(key)):
                    found.setdefault(path or "_schema", []).append(problem)
                    continue
                stack.append((name, child))
        elif isinstance(item, list):
            stack.extend((f"{path}.{i}" if path else str(i), c) for i, c in enumerate(item))
        elif isinstance(item, str):
            if problem := text_problem(item):
                found.setdefault(path or "_schema", []).append(problem)
        elif isinstance(item, int | float) and (problem := _number_problem(item)):
            found.setdefault(path or "_schema", []).append(problem)
    return found


def _pairs_problems(pairs: Any) -> dict[str, list[str]]:
    """Problems in a form's or a query string's fields (keys and values alike)."""
    found: dict[str, list[str]] = {}
    for key, text in pairs:
        problem = text_problem(key) or text_problem(text)
        if problem:
            found.setdefault(text_problem(key) and "_schema" or key, []).append(problem)
    return found


def _api_body() -> None:
    """An API write's body: JSON, an object, parseable and shallow (else 400/415)."""
    if not request.content_length and not request.is_json:
        return  # an empty body: the route's schema says what is missing
    if not request.is_json:
        abort(415, message="Send the body as JSON (Content-Type: application/json).")
    try:
        body = request.get_json()
    except BadRequest:
        abort(400, message="The body is not valid JSON, or nests deeper than "
                           f"{MAX_DEPTH} levels.")
    if not isinstance(body, dict):
        abort(400, message="Send a JSON object (Content-Type: application/json).")
    if problems := json_problems(body):
        abort(422, message="Check what you sent: each field at fault is named.",
              errors=problems)


def check_request() -> None:
    """Refuse what no database can store before the view runs (see the module docstring)."""
    api = request.path.startswith("/api/")
    problems = _pairs_problems(request.args.items(multi=True))
    if api and request.method in _WRITES:
        _api_body()
    elif request.method in _WRITES and request.mimetype in (
            "application/x-www-form-urlencoded", "multipart/form-data"):
        problems |= _pairs_problems(request.form.items(multi=True))
    if problems and api:
        abort(422, message="Check what you sent: each field at fault is named.",
              errors=problems)
    if problems:
        field = next(iter(problems))
        abort(422, message=f"{problems[field][0]}, then send the form again (it was in "
                           f"the field named “{field}”).")


def install_converters(app: Flask) -> None:
    """Bounded ids in every route and JSON with a depth limit (before any route is added:
    a rule takes its converter when it is added)."""
    app.url_map.converters["int"] = RecordId
    app.json = GuardedJSON(app)
