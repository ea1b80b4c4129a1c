"""The password policy for local accounts, after the NCSC's guidance (config/passwords.toml).

Length over complexity: at least 12 characters, no composition rules, no expiry; refuse
what a guesser tries first: the deny-lists shipped under ``config/passwords/`` (common
passwords, and words about this service), also with digits and punctuation stripped from
either end ("Password1234!" is "password" with decoration), and the person's own username.
One policy for every way a password is set: the CLI, an administrator's reset (which sets
a temporary password and forces a change) and a person changing their own.
"""

from __future__ import annotations

import re
import string
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from workflow.config_errors import ConfigError

_DECORATION = string.digits + string.punctuation + string.whitespace
_USERNAME_PARTS = re.compile(r"[._@\-\s]+")


@dataclass(frozen=True)
class PasswordPolicy:
    """What a new password must be; ``problem`` says the first thing wrong, in words."""

    min_length: int
    max_length: int
    denied: frozenset[str]

    def problem(self, password: str, username: str = "") -> str | None:
        """None for a good password, else one sentence a person can act on."""
        if len(password) < self.min_length:
            return (f"Use a password of at least {self.min_length} characters: a few "
                    "unrelated words make a long one easy to remember.")
        if len(password) > self.max_length:
            return f"Use a password of at most {self.max_length} characters."
        if self.too_common(password):
            return "This password is too common (it is on a list guessers try first). " \
                   "Choose another."
        if _contains_username(password, username):
            return "Do not put your username in your password."
        return None

    def too_common(self, password: str) -> bool:
        folded = password.casefold()
        stripped = folded.strip(_DECORATION)
        return folded in self.denied or stripped in self.denied or len(set(folded)) <= 2


def _contains_username(password: str, username: str) -> bool:
    folded = password.casefold()
    name = username.casefold().strip()
    parts = [p for p in _USERNAME_PARTS.split(name) if len(p) >= 4]
    return bool(name) and (name in folded or any(p in folded for p in parts))


@cache
def load_policy(config_dir: Path) -> PasswordPolicy:
    """Read ``passwords.toml`` and its deny-lists once per process."""
    path = config_dir / "passwords.toml"
    try:
        with path.open("rb") as handle:
            policy = tomllib.load(handle)["policy"]
        denied: set[str] = set()
        for name in policy["deny_lists"]:
            lines = (config_dir / name).read_text(encoding="utf-8").splitlines()
            denied.update(w.strip().casefold() for w in lines if w.strip())
        low, high = int(policy["min_length"]), int(policy["max_length"])
    except (OSError, KeyError, ValueError, tomllib.TOMLDecodeError) as error:
        raise ConfigError(path, None, f"{type(error).__name__}: {error}") from None
    if low < 12 or high < low:
        raise ConfigError(path, "min_length", "must be at least 12 (NCSC), and max_length "
                          "at least min_length", kind="setting")
    return PasswordPolicy(low, high, frozenset(denied))
