"""The feed as plain data: each child's record, what was refused, and the POST batches.

Why a record carries more than its JSON: once the DfE accepts a batch, the send log keeps,
per child, a digest of what it now holds and the ids of every episode and record in it
(``items``). The next delta compares against that ledger: a child whose digest is the same
is not sent again, and an id sent before that our records no longer hold is sent back with
its purge flag (DfE schema: "a purge flag set here will remove all data related to ...").
Nothing personal is kept in the ledger: LA ids, reference numbers and a hash.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

#: The DfE's limit on one POST (openapi.json, ``components.schemas.CSC.maxItems``).
BATCH_LIMIT = 100
#: Batch ids are name-based UUIDs in this namespace (see :func:`batch_id_of`).
_BATCH_NAMESPACE = uuid.UUID("6f1c2c7e-35a4-4d0e-9a53-0d1f6e2b8f41")


class FeedKind(StrEnum):
    """A full send restates every child in the cohort; a delta only what changed."""

    FULL = "full"
    DELTA = "delta"


@dataclass(frozen=True)
class ChildRecord:
    """One child's entry in the feed (``body`` is one item of the DfE's ``CSC`` array)."""

    la_child_id: str
    body: dict[str, Any]
    digest: str = ""  # of the child's state, purge entries left out ("" for a purge)
    items: tuple[str, ...] = ()  # episode and record ids sent, as "FD0000123/A45"
    purge: bool = False  # the whole child is to be removed from the DfE's data

    @classmethod
    def purged(cls, la_child_id: str) -> ChildRecord:
        """The DfE's way to remove a child and everything about them."""
        return cls(la_child_id, {"la_child_id": la_child_id, "purge": True}, purge=True)


@dataclass(frozen=True)
class Refusal:
    """A child's record the schema refused: where, and which rule (never the value)."""

    la_child_id: str
    path: str
    rule: str

    def __str__(self) -> str:
        return f"{self.la_child_id}: {self.path or '(the record)'} fails {self.rule}"


@dataclass(frozen=True)
class Feed:
    """What one run would send, as at ``as_at``, and what it refused to send."""

    kind: FeedKind
    as_at: datetime
    window_start: date
    records: tuple[ChildRecord, ...]
    refusals: tuple[Refusal, ...] = ()
    note: str = ""  # why the run is what it is (e.g. "no earlier send: a full send")

    @property
    def purges(self) -> int:
        return sum(r.purge for r in self.records)


@dataclass(frozen=True)
class Batch:
    """One POST: up to BATCH_LIMIT records, its bytes, and the id derived from them."""

    seq: int
    records: tuple[ChildRecord, ...]
    body: bytes

    @property
    def batch_id(self) -> str:
        return batch_id_of(self.body)

    @property
    def children(self) -> int:
        return len(self.records)

    @property
    def purges(self) -> int:
        return sum(r.purge for r in self.records)


def batch_id_of(body: bytes) -> str:
    """The same bytes always get the same id, so a retried POST, or a run repeated after a
    crash before its answer was logged, carries the id the DfE may already have seen."""
    return str(uuid.uuid5(_BATCH_NAMESPACE, hashlib.sha256(body).hexdigest()))


def digest_of(body: dict[str, Any]) -> str:
    """A stable hash of a record (keys sorted), for "has anything changed?"."""
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def batches(records: Sequence[ChildRecord], limit: int = BATCH_LIMIT) -> list[Batch]:
    """The records in POSTs of at most ``limit``, in order, each body compact JSON."""
    found = []
    for seq, start in enumerate(range(0, len(records), limit), start=1):
        chunk = tuple(records[start:start + limit])
        body = json.dumps([r.body for r in chunk], separators=(",", ":"),
                          ensure_ascii=False).encode("utf-8")
        found.append(Batch(seq, chunk, body))
    return found
