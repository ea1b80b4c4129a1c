"""schemathesis against the running API on PostgreSQL: no server error, every answer as the
OpenAPI document says.

The suite runs a smaller pass than ``make api-fuzz`` (the coverage phase in full, a few
fuzzed examples per operation) so it fits the suite's time on a shared machine; the make
target sends 10,000 and more. Both count the requests from gunicorn's access log.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.api_fuzz import fuzz
from tests.web.conftest import postgres_schema

#: Fuzzed examples per operation here (FRONTDOOR_FUZZ_EXAMPLES to change it).
EXAMPLES = int(os.environ.get("FRONTDOOR_FUZZ_EXAMPLES", "5"))
PORT = int(os.environ.get("FRONTDOOR_FUZZ_PORT", "5121"))


@pytest.mark.postgres
def test_schemathesis_finds_no_server_error_and_no_answer_unlike_the_document(
        tmp_path: Path, _secret_key_env: None) -> None:
    with postgres_schema("frontdoor_fuzz") as url:
        figures = fuzz(url, PORT, EXAMPLES, 2, tmp_path)
    print(figures.line())

    assert figures.requests >= 2_000, figures.line()
    assert figures.server_errors == 0, figures.line()
    assert figures.schemathesis_exit == 0, figures.summary
