"""The DfE's schema for the daily feed, and the check every record passes before it is sent.

The schema is the DfE's own ``openapi.json`` (``schemas/dfe_feed/``, MIT; SOURCE.md says
which commit), read offline. Its request body, ``components.schemas.CSC``, is an OpenAPI
3.0 schema object: a subset of JSON Schema that draft 7 reads the same way for every
keyword this file uses, and draft 7's format checker knows ``date`` (draft 4's does not),
so a date such as 2026-02-30 is refused here rather than by the DfE.

Each child's record is checked on its own against ``CSC.items``, so a failure names its
child; the problem says where (the schema path into the record) and which rule, never the
value that broke it (that value may be a name, a date of birth or a UPN).
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from jsonschema import Draft7Validator
from jsonschema.exceptions import ValidationError

from workflow.feed.records import Refusal

SCHEMA = Path(__file__).resolve().parent / "schemas" / "dfe_feed" / "openapi.json"
SCHEMA_SHA256 = "4383ea78977cac9eaa6bde63490c9574d73feeb37e37a25f15e719ad591c2503"


def request_schema() -> dict[str, Any]:
    """``components.schemas.CSC``: the body of one POST (an array of child records)."""
    document = json.loads(SCHEMA.read_text(encoding="utf-8"))
    schema: dict[str, Any] = document["components"]["schemas"]["CSC"]
    return schema


@lru_cache(maxsize=1)
def _validators() -> tuple[Draft7Validator, Draft7Validator]:
    """(one record, a whole POST), built once when first needed."""
    schema = request_schema()
    Draft7Validator.check_schema(schema)
    checker = Draft7Validator.FORMAT_CHECKER
    return (Draft7Validator(schema["items"], format_checker=checker),
            Draft7Validator(schema, format_checker=checker))


def _rule(error: ValidationError) -> str:
    """The rule broken, in the schema's words, without the value that broke it."""
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        extra = sorted(set(error.instance) - set(error.schema.get("properties", {})))
        return f"additionalProperties (not allowed: {', '.join(extra)})"
    if error.validator == "required":
        missing = [n for n in error.validator_value if n not in (error.instance or {})]
        return f"required ({', '.join(missing)})"
    return f"{error.validator} {json.dumps(error.validator_value)}"


def record_refusals(la_child_id: str, record: dict[str, Any]) -> list[Refusal]:
    """Every way ``record`` breaks the schema (empty: it may be sent)."""
    item, _ = _validators()
    errors = sorted(item.iter_errors(record), key=lambda e: list(map(str, e.absolute_path)))
    return [Refusal(la_child_id, "/".join(str(p) for p in e.absolute_path), _rule(e))
            for e in errors]


def batch_problems(records: list[dict[str, Any]]) -> list[str]:
    """Problems of one POST body as a whole (its size above all); records are checked
    one by one before, so this names only what the array itself breaks."""
    _, array = _validators()
    return [f"{'/'.join(str(p) for p in e.absolute_path) or '(the batch)'} fails {_rule(e)}"
            for e in array.iter_errors(records) if not e.absolute_path]
