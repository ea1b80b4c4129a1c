"""One run of the feed: log it, get a token, POST each batch with retries, log the answers.

Why each choice:

* Retries only where waiting can help: 429 (too many requests), 5xx and timeouts or failed
  connections, with exponential backoff (``Retry-After`` wins when the DfE gives one). A
  400 (malformed) or 413 (too many records) fails that batch at once and the run goes on
  with the next; a 401 gets one fresh token, then stops the run, as does 403: every other
  batch would be refused the same way.
* A batch that used up its retries on an unavailable service stops the run: the rest
  would only add load to a service that is down; the next run sends them.
* Nothing is marked sent until the DfE accepted the batch (``FeedLog.batch_done``), so a
  failure at any point leaves the ledger as it was and the next delta sends it again.
* Time and sleeping are injected, so tests run the whole policy without waiting.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from workflow.feed.ports import (
    Answer,
    FeedAuthError,
    FeedError,
    FeedLog,
    FeedUnavailable,
    RunStart,
    Transport,
)
from workflow.feed.records import Batch, Feed, batches

logger = logging.getLogger("frontdoor.feed")
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how long to try one batch."""

    attempts: int = 5
    first_delay: float = 2.0
    max_delay: float = 60.0

    def delay(self, attempt: int, answer: Answer | None) -> float:
        """Seconds to wait after failed ``attempt`` (1-based)."""
        if answer is not None and answer.retry_after is not None:
            return min(max(answer.retry_after, 0.0), self.max_delay)
        return float(min(self.first_delay * 2 ** (attempt - 1), self.max_delay))


@dataclass(frozen=True)
class RunResult:
    """What a run did: its id, final status, and the batches by outcome."""

    run_id: str
    status: str
    sent: int = 0
    failed: int = 0
    note: str = ""


@dataclass
class _Posting:
    """One batch's tries: the token in use may be renewed once on a 401."""

    transport: Transport
    token: str
    sleep: Callable[[float], None]
    policy: RetryPolicy
    renewed: bool = False
    tries: int = 0  # of the batch being posted

    def post(self, batch: Batch) -> Answer | None:
        """The last answer (None: no answer at all); ``tries`` says how many it took."""
        answer: Answer | None = None
        for attempt in range(1, self.policy.attempts + 1):
            self.tries = attempt
            answer = self._try(batch)
            if answer is not None and answer.status not in RETRY_STATUSES:
                return answer
            if attempt < self.policy.attempts:
                self.sleep(self.policy.delay(attempt, answer))
        return answer

    def _try(self, batch: Batch) -> Answer | None:
        try:
            answer = self.transport.submit(batch.body, batch.batch_id, self.token)
        except FeedUnavailable:
            return None
        if answer.status == 401 and not self.renewed:
            self.renewed = True  # a token may expire mid-run: one fresh one, then give up
            self.token = self.transport.token()
            return self._try(batch)
        if answer.status in (401, 403):
            raise FeedAuthError(f"The DfE refused the batch with HTTP {answer.status}: check "
                                "the client id, the scope and that the LA code is this "
                                "council's.")
        return answer


def _log_refusals(feed: Feed) -> None:
    for refusal in feed.refusals:  # LA id and schema path only: never a name or a date
        logger.warning("dfe feed record refused by the schema",
                       extra={"la_child_id": refusal.la_child_id, "schema_path": refusal.path,
                              "schema_rule": refusal.rule})


BatchCheck = Callable[[list[dict[str, Any]]], list[str]]


def _unsendable(todo: list[Batch], check: BatchCheck | None) -> str:
    """The first problem of any whole batch (each record was checked when it was built)."""
    if check is None:
        return ""
    for batch in todo:
        problems = check([r.body for r in batch.records])
        if problems:
            return f"batch {batch.seq}: {problems[0]}"
    return ""


def send_feed(feed: Feed, transport: Transport, log: FeedLog, clock: Callable[[], datetime],
              sleep: Callable[[float], None], policy: RetryPolicy | None = None,
              check: BatchCheck | None = None) -> RunResult:
    """Send ``feed`` (each record already checked against the schema; ``check`` checks each
    whole POST body before anything is sent) and log it all."""
    run_id = str(uuid.uuid4())
    log.start_run(RunStart(run_id, feed.kind, feed.as_at, feed.window_start, clock(),
                           len(feed.records), feed.purges), feed.refusals)
    _log_refusals(feed)
    todo = batches(feed.records)
    if not todo:
        log.finish_run(run_id, "nothing_to_send", clock(), feed.note)
        return RunResult(run_id, "nothing_to_send", note=feed.note)
    problem = _unsendable(todo, check)
    if problem:
        log.finish_run(run_id, "failed", clock(), "a batch failed the schema")
        raise FeedError(f"Nothing was sent: {problem}.")
    try:
        posting = _Posting(transport, transport.token(), sleep, policy or RetryPolicy())
        return _send_batches(run_id, todo, posting, log, clock)
    except FeedAuthError as error:
        log.finish_run(run_id, "failed", clock(), "credentials refused")
        raise error
    except FeedUnavailable:
        log.finish_run(run_id, "failed", clock(), "token endpoint unavailable")
        raise


def _send_batches(run_id: str, todo: list[Batch], posting: _Posting, log: FeedLog,
                  clock: Callable[[], datetime]) -> RunResult:
    sent = failed = 0
    note = ""
    for batch in todo:
        log.add_batch(run_id, batch, clock())
        try:
            answer = posting.post(batch)
        except (FeedAuthError, FeedUnavailable):
            log.batch_done(run_id, batch, None, posting.tries, clock())
            raise
        log.batch_done(run_id, batch, answer, posting.tries, clock())
        if answer is not None and answer.accepted:
            sent += 1
            continue
        failed += 1
        if answer is None or answer.status in RETRY_STATUSES:
            note = f"the DfE was unavailable after {posting.tries} tries; the rest waits " \
                   "for the next run"
            break
    status = "sent" if not failed else ("partial" if sent else "failed")
    log.finish_run(run_id, status, clock(), note)
    return RunResult(run_id, status, sent, failed, note)
