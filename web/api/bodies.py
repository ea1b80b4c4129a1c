"""JSON bodies of the person and intake routes: loaded whole, refused field by field.

Why not webargs here: its errors nest under the location (``{"json": {"children": {"0":
{"upn": [...]}}}}``) while the command path names a child's field ``children.0.upn``. An
integrator should meet one name for one field whichever layer refused it, so these routes
load their body themselves and every refusal, the schema's or the domain's, is
``errors: {"children.0.upn": ["message", ...]}``. The body is documented in the OpenAPI
document from the same schema (``blp.doc(requestBody=...)``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import wraps
from typing import Any, NoReturn

from flask import request
from flask_smorest import Blueprint, abort
from marshmallow import Schema, ValidationError

from workflow.errors import FrontDoorError, GuardFailed, InvalidInput

#: What marshmallow says of a key the schema does not take, and what the API says instead.
_UNKNOWN = "Unknown field."
UNKNOWN_FIELD = "Unknown field: this route does not take it (remove it and send again)"


def dotted(messages: Any, prefix: str = "") -> dict[str, list[str]]:
    """marshmallow's nested messages as ``path.to.field`` → its messages (a schema-wide
    message keeps the path of the object it is about)."""
    if not isinstance(messages, Mapping):
        return {prefix or "_schema": _texts(messages)}
    flat: dict[str, list[str]] = {}
    for key, value in messages.items():
        name = prefix if key == "_schema" else f"{prefix}.{key}" if prefix else str(key)
        flat |= dotted(value, name)
    return flat


def _texts(value: Any) -> list[str]:
    items = value if isinstance(value, list) else [value]
    return [UNKNOWN_FIELD if str(v) == _UNKNOWN else str(v) for v in items]


def refuse(error: FrontDoorError) -> NoReturn:
    """A domain refusal as the API's error body, each field's messages as a list."""
    errors: dict[str, list[str]] = {}
    if isinstance(error, InvalidInput):
        errors = {field: [text] for field, text in error.errors.items()}
    elif isinstance(error, GuardFailed) and error.field:
        errors = {error.field: [error.message]}
    abort(error.status, message=error.message, errors=errors)
    raise AssertionError  # abort raises; this tells the type checker


def load_body(schema: Schema) -> dict[str, Any]:
    """The request's JSON object loaded by ``schema``: 400 if it is not a JSON object,
    422 naming every field at fault otherwise."""
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        abort(400, message="Send a JSON object (Content-Type: application/json).")
        raise AssertionError  # abort raises; this tells the type checker
    try:
        loaded: dict[str, Any] = schema.load(data)
    except ValidationError as error:
        abort(422, message="Check what you sent: each field at fault is named.",
              errors=dotted(error.messages))
    return loaded


def json_body(blp: Blueprint, schema: type[Schema]) -> Callable[[Any], Any]:
    """Decorate a view so it receives the loaded body first, and document the body."""
    instance = schema()

    def decorate(view: Callable[..., Any]) -> Any:
        @wraps(view)
        def loaded(*args: Any, **kwargs: Any) -> Any:
            return view(load_body(instance), *args, **kwargs)

        documented = blp.doc(requestBody={
            "required": True, "content": {"application/json": {"schema": schema}}})(loaded)
        return blp.alt_response(422, response="UNPROCESSABLE_ENTITY")(documented)

    return decorate
