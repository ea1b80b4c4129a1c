"""Lists people can work: the sort, page and search of a list read from its URL.

Every list keeps its filters, sort and page in the query string (the MOJ "filter a list"
pattern), so a link, the back button or a colleague's bookmark shows the same list; the
database does the filtering, ordering and paging, so nothing is dropped by a Python
filter after a limit. A value a person could not have chosen (a hand-edited URL) is
answered with a field error and the default, never a 500.

``Listing`` is what the templates' ``macros/lists.html`` read: the sort headers, the
"Showing 51 to 100 of 256" line and GOV.UK pagination with numbered pages.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from werkzeug.datastructures import MultiDict

#: At most this many pages either side of the current one are numbered (GOV.UK pattern:
#: first, last, and the neighbours of the current page, with ellipses between).
_NEIGHBOURS = 1
_MAX_PAGE = 100_000


@dataclass(frozen=True)
class ListArgs:
    """The sort, direction, page and child-name search a list was asked for."""

    sort: str
    descending: bool
    page: int
    size: int
    child: str | None = None
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.size


def read_list_args(args: MultiDict[str, str], sorts: Sequence[str], default_sort: str,
                   size: int) -> ListArgs:
    """The list's arguments from the query string, with a field error for any value a
    person could not have chosen (the default is used instead)."""
    errors: dict[str, str] = {}
    sort = args.get("sort") or default_sort
    if sort not in sorts:
        errors["sort"] = "Choose a column to sort by from the table's headings"
        sort = default_sort
    order = args.get("order") or "asc"
    if order not in ("asc", "desc"):
        errors["order"] = "Choose ascending or descending order"
        order = "asc"
    raw_page = args.get("page") or "1"
    page = int(raw_page) if raw_page.isdigit() and 0 < int(raw_page) < _MAX_PAGE else 1
    child = (args.get("child") or "").strip()[:100] or None
    return ListArgs(sort, order == "desc", page, size, child, errors)


@dataclass(frozen=True)
class Listing:
    """One page of a list, with what its headers and pagination need."""

    rows: list[dict[str, Any]]
    total: int
    args: ListArgs
    query: dict[str, str]

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.args.size))

    @property
    def first_shown(self) -> int:
        return self.args.offset + 1 if self.rows else 0

    @property
    def last_shown(self) -> int:
        return self.args.offset + len(self.rows)

    def link(self, **changes: Any) -> str:
        """This list's URL query with some values changed (the page reset on a new sort)."""
        query = dict(self.query) | {k: str(v) for k, v in changes.items()}
        return "?" + urlencode({k: v for k, v in query.items() if v})

    def sort_link(self, key: str) -> str:
        """The link a sortable header points to: this column, flipping its direction."""
        flip = key == self.args.sort and not self.args.descending
        return self.link(sort=key, order="desc" if flip else "asc", page=1)

    def aria_sort(self, key: str) -> str:
        if key != self.args.sort:
            return "none"
        return "descending" if self.args.descending else "ascending"

    def numbered(self) -> list[int | None]:
        """Page numbers to show, ``None`` where GOV.UK pagination shows an ellipsis."""
        here, last = self.args.page, self.pages
        wanted = {1, last, *range(here - _NEIGHBOURS, here + _NEIGHBOURS + 1)}
        shown: list[int | None] = []
        previous = 0
        for number in sorted(n for n in wanted if 1 <= n <= last):
            if previous and number - previous > 1:
                shown.append(None)
            shown.append(number)
            previous = number
        return shown


def kept_query(args: MultiDict[str, str], names: Sequence[str]) -> dict[str, str]:
    """The filters a list keeps in its links (only the names it knows, never the CSRF
    token or anything else a URL might carry)."""
    return {name: args.get(name, "") for name in names if args.get(name)}
