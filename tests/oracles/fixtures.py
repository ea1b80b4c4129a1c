"""Pytest fixtures that hand a test an oracle, building its venv once per session.

``cin_validator`` gives ``harness.cin_report``, ``annex_a_cleaner`` gives
``harness.annex_a_oracle`` and ``liia_template`` what ``harness.annex_a_template`` reads
from liiatools' template, each only after its venv is built (minutes the first time on a
machine, a file read after). When a venv cannot be built (no network, no wheel for this
Python) a test that asks for the oracle is skipped with the reason, except in CI
(``CI=true``), where it fails: a green build must mean the returns were checked.

Tests in ``tests/oracles`` get these through its conftest; elsewhere add
``pytest_plugins = ["tests.oracles.fixtures"]`` to ``tests/conftest.py``.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.oracles.build import HOME, OracleUnavailable, ensure
from tests.oracles.harness import (
    AnnexTemplate,
    CinReport,
    CleanReport,
    annex_a_oracle,
    annex_a_template,
    cin_report,
)


def _ready(name: str) -> None:
    """Build the oracle's venv or skip (fail in CI) saying why."""
    try:
        ensure(name)
    except OracleUnavailable as error:
        message = (f"the {name} oracle's venv could not be built in {HOME / name}: {error}\n"
                   "Run `make oracles` where PyPI is reachable.")
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"oracles are required in CI: {message}", pytrace=False)
        pytest.skip(message)


@pytest.fixture(scope="session")
def cin_validator() -> Callable[[Path | str, str], CinReport]:
    """csc-validator-be-cin as ``check(path, "2025-26") -> CinReport``."""
    _ready("cin")
    return cin_report


@pytest.fixture(scope="session")
def annex_a_cleaner() -> Callable[[Path | str], CleanReport]:
    """liiatools' Annex A cleaner as ``clean(path) -> CleanReport``."""
    _ready("liia")
    return annex_a_oracle


@pytest.fixture(scope="session")
def liia_template() -> AnnexTemplate:
    """Ofsted's Annex A template as the installed liiatools transcribes it."""
    _ready("liia")
    return annex_a_template()
