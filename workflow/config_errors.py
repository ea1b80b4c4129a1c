"""The one error start-up raises for a malformed configuration file.

Why one class: the rules in ``config/`` (timescales, closures, agencies, levels of need)
are data that councils edit by hand. When an edit is wrong the service must refuse to
start and say *where* and *what* in a sentence a council officer can act on, e.g.::

    config/timescales.toml: rule 'assessment': limit must be a positive whole number (got -3)

Every loader raises ``ConfigError(file, key, problem, kind=...)`` so the CLI and the app
factory catch a single type and print ``str(error)``. ``read_toml`` reports the two
failures every loader shares (file missing, file not TOML) in the same words.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

__all__ = ["ConfigError", "listed", "read_toml"]


class ConfigError(Exception):
    """A configuration file is missing, unreadable or breaks one of its rules.

    ``file`` is the path as given to the loader, ``key`` names the entry at fault (a rule
    name, a date, a setting) or is ``None`` when the whole file is wrong, ``kind`` is the
    word for that entry ("rule", "closure", "setting") and ``problem`` says what is wrong.
    """

    def __init__(
        self, file: str | Path, key: str | None, problem: str, *, kind: str = ""
    ) -> None:
        self.file = str(file)
        self.key = key
        self.kind = kind
        self.problem = problem
        super().__init__(self.file, key, problem)

    def __str__(self) -> str:
        if self.key is None:
            return f"{self.file}: {self.problem}"
        where = f"{self.kind} {self.key!r}" if self.kind else self.key
        return f"{self.file}: {where}: {self.problem}"


def read_toml(path: Path) -> dict[str, Any]:
    """Parse one TOML file, turning "missing" and "not TOML" into a ``ConfigError``.

    Why here: every loader needs the same two failures reported the same way, naming the
    file, before it checks its own rules.
    """
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise ConfigError(path, None, "file not found") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(path, None, f"not valid TOML ({error})") from None


def listed(noun: str, names: list[str]) -> str:
    """``key colour`` or ``keys colour, size``: the list chooses its own plural, so an
    officer never reads "key(s)"."""
    return f"{noun if len(names) == 1 else noun + 's'} {', '.join(names)}"
