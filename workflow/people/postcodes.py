"""UK postcodes as people type them, normalised to one form ("wr12ab" -> "WR1 2AB").

Why normalise: search by postcode, or by its first part (the outward code, "WR1"), is an
index lookup only if every postcode is stored the same way. The shape is checked (the six
forms Royal Mail uses), not whether the postcode exists: no list of addresses is fetched.
"""

from __future__ import annotations

import re

_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][A-Z]{2})$")
_OUTWARD = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?$")


def normalise_postcode(text: str) -> str | None:
    """"WR1 2AB" for any spacing or case; None when it is not a postcode's shape."""
    compact = re.sub(r"\s+", "", text or "").upper()
    match = _POSTCODE.match(compact)
    return f"{match.group(1)} {match.group(2)}" if match else None


def outward_code(text: str) -> str | None:
    """The first part of a postcode, from a whole postcode or from the first part alone."""
    whole = normalise_postcode(text)
    if whole:
        return whole.split(" ")[0]
    compact = re.sub(r"\s+", "", text or "").upper()
    return compact if _OUTWARD.match(compact) else None
