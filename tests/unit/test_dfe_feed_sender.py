"""The feed's sending policy against a fake DfE (answers scripted in turn) and an in-memory
log, and the feed's settings as the environment gives them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime

import pytest

from web.settings import SettingsError, load_feed_settings
from workflow.feed.ports import Answer, FeedAuthError, FeedUnavailable, RunStart
from workflow.feed.records import Batch, ChildRecord, Feed, FeedKind, Refusal
from workflow.feed.sender import RetryPolicy, send_feed

NOW = datetime(2026, 3, 4, 10, tzinfo=UTC)


class FakeDfE:
    """Answers each POST with the next scripted status (an exception is raised instead)."""

    def __init__(self, *answers: int | Exception) -> None:
        self.answers, self.posts, self.tokens = list(answers), [], 0

    def token(self) -> str:
        self.tokens += 1
        return f"t{self.tokens}"

    def submit(self, body: bytes, batch_id: str, token: str) -> Answer:
        self.posts.append((batch_id, token))
        answer = self.answers.pop(0) if self.answers else 200
        if isinstance(answer, Exception):
            raise answer
        return Answer(answer)


class MemoryLog:
    def __init__(self) -> None:
        self.runs: dict[str, str] = {}
        self.batches: dict[int, tuple[int | None, int]] = {}
        self.refused: list[Refusal] = []

    def start_run(self, run: RunStart, refusals: Sequence[Refusal]) -> None:
        self.runs[run.run_id] = "running"
        self.refused += refusals

    def add_batch(self, run_id: str, batch: Batch, at: datetime) -> None:
        self.batches[batch.seq] = (None, 0)

    def batch_done(self, run_id: str, batch: Batch, answer: Answer | None, attempts: int,
                   at: datetime) -> None:
        self.batches[batch.seq] = (answer.status if answer else None, attempts)

    def finish_run(self, run_id: str, status: str, at: datetime, note: str = "") -> None:
        self.runs[run_id] = status


def a_feed(children: int, refusals: tuple[Refusal, ...] = ()) -> Feed:
    records = tuple(ChildRecord.purged(f"FDC{i:07d}") for i in range(children))
    return Feed(FeedKind.DELTA, NOW, date(2023, 4, 1), records, refusals)


def send(feed: Feed, dfe: FakeDfE, log: MemoryLog, sleeps: list[float] | None = None,
         attempts: int = 5):  # type: ignore[no-untyped-def]
    waits: list[float] = [] if sleeps is None else sleeps
    return send_feed(feed, dfe, log, lambda: NOW, waits.append, RetryPolicy(attempts=attempts))


def test_backoff_doubles_to_its_cap_and_retry_after_wins() -> None:
    policy = RetryPolicy(attempts=8, first_delay=2, max_delay=60)

    assert [policy.delay(n, None) for n in range(1, 7)] == [2, 4, 8, 16, 32, 60]
    assert policy.delay(1, Answer(429, retry_after=7)) == 7
    assert policy.delay(1, Answer(429, retry_after=900)) == 60


def test_a_timeout_then_a_503_are_retried_and_the_batch_is_sent() -> None:
    dfe, log, sleeps = FakeDfE(FeedUnavailable("timeout"), 503), MemoryLog(), []

    result = send(a_feed(3), dfe, log, sleeps)

    assert (result.status, log.batches, sleeps) == ("sent", {1: (200, 3)}, [2.0, 4.0])
    assert len({batch_id for batch_id, _ in dfe.posts}) == 1


def test_a_413_fails_only_its_batch_and_the_next_is_sent() -> None:
    dfe, log = FakeDfE(413), MemoryLog()

    result = send(a_feed(150), dfe, log)

    assert (result.status, log.batches) == ("partial", {1: (413, 1), 2: (200, 1)})


def test_a_403_stops_the_run_with_a_clear_error() -> None:
    dfe, log = FakeDfE(403), MemoryLog()

    with pytest.raises(FeedAuthError, match="HTTP 403: check the client id, the scope"):
        send(a_feed(150), dfe, log)

    assert list(log.runs.values()) == ["failed"]
    assert log.batches == {1: (None, 1)}  # the second batch was never tried


def test_a_401_gets_one_fresh_token_and_then_gives_up() -> None:
    dfe, log = FakeDfE(401, 401), MemoryLog()

    with pytest.raises(FeedAuthError):
        send(a_feed(1), dfe, log)

    assert dfe.posts == [(dfe.posts[0][0], "t1"), (dfe.posts[0][0], "t2")]


def test_refused_records_are_logged_and_a_feed_of_nothing_asks_for_no_token(
        caplog: pytest.LogCaptureFixture) -> None:
    refusal = Refusal("FDC0000009", "child_details/date_of_birth", 'format "date"')
    dfe, log = FakeDfE(), MemoryLog()

    result = send(a_feed(0, (refusal,)), dfe, log)

    assert (result.status, dfe.tokens, log.refused) == ("nothing_to_send", 0, [refusal])
    [line] = [r for r in caplog.records if r.name == "frontdoor.feed"]
    assert (line.la_child_id, line.schema_path) == (  # type: ignore[attr-defined]
        "FDC0000009", "child_details/date_of_birth")


# -- settings ----------------------------------------------------------------------------------

GOOD = {"FRONTDOOR_DFE_API_URL": "https://api.example.test/csc/1/",
        "FRONTDOOR_DFE_TOKEN_URL": "https://login.example.test/oauth2/token",
        "FRONTDOOR_DFE_CLIENT_ID": "client", "FRONTDOOR_DFE_CLIENT_SECRET": "s3cret-value",
        "FRONTDOOR_DFE_SCOPE": "api://csc/.default"}


def test_the_settings_build_the_submission_url_and_never_show_the_secret() -> None:
    settings = load_feed_settings(GOOD)

    assert settings.submission_url("885") == \
        "https://api.example.test/csc/1/children_social_care_data/885/children"
    assert settings.describe()["client_secret"] == "set"
    assert "s3cret-value" not in repr(settings) and "s3cret-value" not in str(
        settings.describe())


@pytest.mark.parametrize("missing", sorted(GOOD))
def test_each_missing_setting_is_named(missing: str) -> None:
    with pytest.raises(SettingsError, match=f"{missing} is not set"):
        load_feed_settings({k: v for k, v in GOOD.items() if k != missing})


@pytest.mark.parametrize(("url", "env"), [("http://api.example.test/csc", "development"),
                                          ("http://127.0.0.1:8080/csc", "production"),
                                          ("https://api.example.test/csc?key=1", "development")])
def test_plain_http_is_only_for_this_machine_outside_production(url: str, env: str) -> None:
    with pytest.raises(SettingsError, match="FRONTDOOR_DFE_API_URL"):
        load_feed_settings(GOOD | {"FRONTDOOR_DFE_API_URL": url, "FRONTDOOR_ENV": env})


def test_a_stand_in_on_this_machine_is_allowed_outside_production() -> None:
    settings = load_feed_settings(GOOD | {"FRONTDOOR_DFE_API_URL": "http://127.0.0.1:8080/x"})

    assert settings.api_url == "http://127.0.0.1:8080/x"
