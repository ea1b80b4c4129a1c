"""The header (``<Header>``): the collection and its reference date."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from reporting.census.model import Return
from reporting.cin_rules.base import SOFTWARE, Ctx, Family, Hit, dmy

family = Family()


@family.return_rule("100", "Reference Date is incorrect", fields=("ReferenceDate",),
                    fix=SOFTWARE)
def _reference_date(census: Return, ctx: Ctx) -> Iterator[Hit]:
    """``<ReferenceDate>`` is 31 March of the header's ``<Year>``."""
    header = census.header
    year = int(header.year) if header.year and header.year.isdigit() else None
    expected = date(year, 3, 31) if year else None
    if header.reference_date is None or header.reference_date != expected:
        yield Hit(f"the reference date is {dmy(header.reference_date)}, not 31 March "
                  f"{header.year or '(no year)'}")
