"""The CIN census collection year: "2024-25" runs 1 April 2024 to 31 March 2025.

Why a type of its own: the DfE's code lists and validation rules change by collection
year, not by calendar date (``<Sex>`` replaced ``<GenderCurrent>`` from 2024-25; rule
8770Q changed its school-age test the same year). Every lookup in this package takes a
``CollectionYear`` so that "which list applies?" has one answer. The census covers the
financial year and its header's ``ReferenceDate`` is the last day, 31 March (DfE, Children
in need census: guide to submitting data, "The census covers the financial year
(1 April to 31 March)").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

__all__ = ["CollectionYear", "InvalidCollectionYear"]

_LABEL = re.compile(r"^(\d{4})-(\d{2})$")


class InvalidCollectionYear(ValueError):
    """A collection year label that is not of the form "2024-25"."""


@dataclass(frozen=True, order=True)
class CollectionYear:
    """One census year, identified by the calendar year in which it starts (1 April)."""

    start_year: int

    @classmethod
    def parse(cls, label: str) -> CollectionYear:
        """Read "2024-25"; refuse "2024-26", "2024/25" and anything else, naming it."""
        match = _LABEL.match(label.strip()) if isinstance(label, str) else None
        if match is None:
            raise InvalidCollectionYear(
                f"collection year {label!r} is not of the form 2024-25")
        start, end = int(match.group(1)), int(match.group(2))
        if (start + 1) % 100 != end:
            raise InvalidCollectionYear(
                f"collection year {label!r}: {end:02d} does not follow {start}")
        return cls(start)

    @classmethod
    def containing(cls, day: date) -> CollectionYear:
        """The collection year a date falls in (1 April to 31 March)."""
        return cls(day.year if day.month >= 4 else day.year - 1)

    @property
    def label(self) -> str:
        """The DfE's way of writing it: "2024-25"."""
        return f"{self.start_year}-{(self.start_year + 1) % 100:02d}"

    @property
    def start(self) -> date:
        """1 April, the first day the census covers."""
        return date(self.start_year, 4, 1)

    @property
    def reference_date(self) -> date:
        """31 March, the last day covered and the header's ``ReferenceDate``."""
        return date(self.start_year + 1, 3, 31)

    def __str__(self) -> str:
        return self.label
