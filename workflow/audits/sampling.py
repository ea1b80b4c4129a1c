"""Drawing a sample of cases to audit, reproducibly.

Why a seed: an audit programme is itself audited ("why these cases?"). A random sample is
drawn from the candidates in a fixed order (their contact ids, ascending) with a seeded
generator, and the seed is stored and shown, so anyone can draw the same sample again from
the same candidates. A sample by rule takes every case that matches.
"""

from __future__ import annotations

import random
import secrets

#: Seeds are shown on screen and typed back in, so they stay short whole numbers.
MAX_SEED = 999_999


def new_seed() -> int:
    """A fresh seed for a sample nobody gave one for."""
    return secrets.randbelow(MAX_SEED) + 1


def draw(candidates: list[int], size: int, seed: int) -> tuple[int, ...]:
    """``size`` of the candidates, chosen by ``seed``, in ascending order (all of them
    when there are fewer)."""
    pool = sorted(set(candidates))
    if size >= len(pool):
        return tuple(pool)
    return tuple(sorted(random.Random(seed).sample(pool, size)))
