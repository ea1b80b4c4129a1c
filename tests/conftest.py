"""Fixtures shared by every test: the rules in force and a fixed "now".

Time is never read from the wall clock: engine calls take an explicit aware ``now``, and
anything that must look at the clock is frozen with freezegun. Under pytest 9 freezegun
must leave ``_pytest.timing`` alone, or test durations come out negative.
"""

from __future__ import annotations

from datetime import UTC, datetime

import freezegun
import pytest

from thresholds.policy import catalogue_policy
from workflow.engine.engine import Engine
from workflow.rules import DEFAULT_CONFIG, Rules, load_rules

freezegun.configure(extend_ignore_list=["_pytest.timing"])

#: Wednesday 4 March 2026, 10:00 in London (GMT, so also 10:00 UTC): an ordinary working
#: day well clear of bank holidays and summer-time changes.
NOW = datetime(2026, 3, 4, 10, 0, tzinfo=UTC)


@pytest.fixture(scope="session")
def rules() -> Rules:
    """The real rules from ``config/``: calendar, timescales, the levels of need and the
    engine built on them."""
    return load_rules(DEFAULT_CONFIG, catalogue_policy(DEFAULT_CONFIG))


@pytest.fixture(scope="session")
def workflow_engine(rules: Rules) -> Engine:
    """The one shared engine (one transitions machine for every contact)."""
    return rules.engine


@pytest.fixture
def now() -> datetime:
    """A fixed aware instant on a working day (Wed 4 Mar 2026 10:00 UTC)."""
    return NOW
