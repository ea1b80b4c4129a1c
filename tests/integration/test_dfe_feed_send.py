"""Sending the DfE feed over HTTP to a stand-in on this machine (tests/integration/
dfe_standin.py): OAuth2 client credentials, the bearer token on every POST, retries with
backoff on 503, 429 and timeouts under one batch id, a fresh token after a 401, and a log
row for every POST; a wrong secret is a clear error with nothing marked sent. Every test
refuses connections anywhere but 127.0.0.1."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from tests.integration.dfe_standin import LA, SECRET, StandIn, only_loopback, standin
from tests.integration.feed_helpers import feed
from tests.integration.returns_dataset import Made, at, build
from web.feed_client import HttpTransport
from workflow.feed.ports import FeedAuthError
from workflow.feed.records import FeedKind, batch_id_of
from workflow.feed.sender import RetryPolicy, RunResult, send_feed
from workflow.persistence.feed_log import SqlFeedLog
from workflow.persistence.tables_feed import FeedBatchRow, FeedChildRow, FeedRunRow
from workflow.ports import UnitOfWork
from workflow.rules import Rules

__all__ = ["only_loopback", "standin"]  # fixtures, used by name
NOW = at("2026-03-04 10:00")
pytestmark = pytest.mark.usefixtures("only_loopback")


@pytest.fixture
def made(uow_factory: Callable[[], UnitOfWork], rules: Rules) -> Made:
    return build(uow_factory, rules)


class Sleeps(list[float]):
    """Records each backoff instead of waiting it out."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def send(engine: Engine, standin: StandIn, sleeps: Sleeps, secret: str = SECRET,
         timeout: float = 5.0, attempts: int = 5) -> RunResult:
    built = feed(engine, FeedKind.FULL, NOW)
    transport = HttpTransport(standin.settings(secret, timeout, attempts), LA)
    return send_feed(built, transport, SqlFeedLog(sessionmaker(engine)), lambda: NOW, sleeps,
                     RetryPolicy(attempts=attempts))


def rows(engine: Engine, table: type) -> list:  # type: ignore[type-arg]
    with Session(engine) as session:
        return list(session.scalars(select(table)))


def test_503_then_429_are_retried_under_one_batch_id_with_the_bearer_token(
        engine: Engine, made: Made, standin: StandIn, only_loopback: list[str]) -> None:
    standin.script.statuses = [503, 429]
    sleeps = Sleeps()

    result = send(engine, standin, sleeps)

    tries = standin.script.submissions()
    assert (result.status, result.sent, len(tries)) == ("sent", 1, 3)
    assert {t.headers["Authorization"] for t in tries} == {"Bearer token-1"}
    assert len({t.headers["Idempotency-Key"] for t in tries}) == 1
    assert tries[0].headers["Idempotency-Key"] == batch_id_of(tries[0].body)
    assert {t.body for t in tries} == {tries[0].body} and len(tries[0].json()) == 3
    assert sleeps == [2.0, 0.0]  # backoff after the 503; the 429 said Retry-After: 0
    [token] = standin.script.token_requests()
    assert token.form()["grant_type"] == "client_credentials"
    assert {s.host.split(":")[0] for s in standin.script.seen} == {"127.0.0.1"}
    assert only_loopback and set(only_loopback) == {"127.0.0.1"}


def test_each_post_is_logged_and_the_ledger_takes_what_was_accepted(
        engine: Engine, made: Made, standin: StandIn) -> None:
    standin.script.statuses = [503, 429]

    result = send(engine, standin, Sleeps())

    [batch] = rows(engine, FeedBatchRow)
    [run] = rows(engine, FeedRunRow)
    assert (batch.status, batch.response_code, batch.attempts, batch.children,
            batch.receipt) == ("sent", 200, 3, 3, standin.script.receipt)
    assert (run.id, run.kind, run.status, run.children, run.refused) == (
        result.run_id, "full", "sent", 3, 0)
    assert sorted(r.batch_id for r in rows(engine, FeedChildRow)) == [batch.batch_id] * 3
    assert feed(engine, FeedKind.DELTA, at("2026-03-05 10:00")).records == ()


def test_a_post_that_times_out_is_tried_again(engine: Engine, made: Made,
                                              standin: StandIn) -> None:
    standin.script.stall_first = 1.5

    result = send(engine, standin, Sleeps(), timeout=0.5)

    [batch] = rows(engine, FeedBatchRow)
    assert (result.status, batch.attempts, batch.response_code) == ("sent", 2, 200)


def test_an_expired_token_is_renewed_once(engine: Engine, made: Made,
                                         standin: StandIn) -> None:
    standin.script.first_token_expired = True

    result = send(engine, standin, Sleeps())

    assert result.status == "sent"
    assert [t.headers["Authorization"] for t in standin.script.submissions()] == [
        "Bearer token-1", "Bearer token-2"]


def test_a_wrong_secret_is_a_clear_error_and_nothing_is_sent_or_marked_sent(
        engine: Engine, made: Made, standin: StandIn) -> None:
    with pytest.raises(FeedAuthError) as refused:
        send(engine, standin, Sleeps(), secret="wrong-secret")

    assert "refused our credentials (HTTP 401 (invalid_client))" in str(refused.value)
    assert "FRONTDOOR_DFE_CLIENT_SECRET" in str(refused.value)
    assert "wrong-secret" not in str(refused.value)
    assert standin.script.submissions() == []
    assert [r.status for r in rows(engine, FeedRunRow)] == ["failed"]
    assert rows(engine, FeedBatchRow) == [] and rows(engine, FeedChildRow) == []


def test_a_malformed_answer_fails_the_batch_at_once_and_the_next_run_sends_it_again(
        engine: Engine, made: Made, standin: StandIn) -> None:
    standin.script.statuses = [400]
    sleeps = Sleeps()

    result = send(engine, standin, sleeps)

    [batch] = rows(engine, FeedBatchRow)
    assert (result.status, batch.status, batch.response_code, batch.attempts) == (
        "failed", "failed", 400, 1)
    assert sleeps == [] and rows(engine, FeedChildRow) == []
    assert len(feed(engine, FeedKind.DELTA, at("2026-03-05 10:00")).records) == 3


def test_a_service_still_down_after_every_try_stops_the_run(engine: Engine, made: Made,
                                                           standin: StandIn) -> None:
    standin.script.statuses = [503, 502, 500]
    sleeps = Sleeps()

    result = send(engine, standin, sleeps, attempts=3)

    [batch] = rows(engine, FeedBatchRow)
    assert (result.status, batch.status, batch.response_code, batch.attempts) == (
        "failed", "failed", 500, 3)
    assert sleeps == [2.0, 4.0]
    assert "unavailable after 3 tries" in result.note


def test_nothing_to_send_asks_for_no_token(engine: Engine, made: Made,
                                          standin: StandIn) -> None:
    send(engine, standin, Sleeps())
    standin.script.seen.clear()
    delta = feed(engine, FeedKind.DELTA, at("2026-03-05 10:00"))
    transport = HttpTransport(standin.settings(), LA)

    result = send_feed(delta, transport, SqlFeedLog(sessionmaker(engine)),
                       lambda: datetime.fromisoformat("2026-03-05T10:00:00+00:00"), Sleeps())

    assert (result.status, standin.script.seen) == ("nothing_to_send", [])
