"""The errors the thresholds package raises, one class per thing a caller can act on.

Every error is a ``ValueError`` so a caller that only wants "bad input" can catch
that, while a caller that can do something specific catches the narrower class::

    ThresholdsError(ValueError)
    ├── CatalogueError           a levels-of-need file is wrong: names file, key and fix
    │                            (also a workflow.config_errors.ConfigError)
    ├── CatalogueNotFoundError   no catalogue for that date, or that id and version
    ├── UnknownIndicatorError    a ticked indicator id is not in the catalogue
    └── ThresholdDecisionError   a worker's level decision cannot be recorded as given

Messages say what to change, because the people who read them are an administrator
editing TOML or a MASH worker filling a form, not the developer who wrote the code.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from workflow.config_errors import ConfigError


class ThresholdsError(ValueError):
    """Base of every error raised by the thresholds package."""


class CatalogueError(ThresholdsError, ConfigError):
    """A catalogue file breaks a rule; says which file, which key, what is wrong, and the fix.

    Also a ``workflow.config_errors.ConfigError``, so the app factory and the CLI, which
    catch that one type for every file in config/, refuse to start on a bad catalogue
    too. It adds ``fix``: the catalogue is edited by hand, and the person editing it
    needs to be told what to write, not only what is wrong.
    """

    def __init__(self, file: str | Path, key: str, problem: str, fix: str) -> None:
        # ValueError comes first in the MRO and does not chain to ConfigError.__init__,
        # so the attributes ConfigError documents (file, key, kind, problem) are set here.
        ValueError.__init__(self, str(file), key, problem, fix)
        self.file = str(file)
        self.key = key
        self.kind = ""
        self.problem = problem
        self.fix = fix

    def __str__(self) -> str:
        return f"{self.file}: {self.key}: {self.problem}. Fix: {self.fix}"


class CatalogueNotFoundError(ThresholdsError, LookupError):
    """No catalogue answers the question (no version in force on a date, or no such id)."""


class UnknownIndicatorError(ThresholdsError, LookupError):
    """A ticked indicator id is not in the catalogue the decision is made under.

    Usually means the form was built from a different catalogue version than the one
    used to check it: the fix is to reload the form, never to drop the tick silently.
    """

    def __init__(self, unknown: Iterable[str], catalogue_id: str, version: int) -> None:
        self.unknown = tuple(unknown)
        names = ", ".join(repr(i) for i in self.unknown)
        super().__init__(
            f"unknown indicator id {names} in catalogue {catalogue_id!r} version {version}. "
            "Fix: tick only indicators listed by `frontdoor thresholds show`, "
            "or check the decision against the catalogue version the form was built from"
        )


class ThresholdDecisionError(ThresholdsError):
    """A decision on a level of need cannot be recorded; ``field`` is the form field to fix."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        # Shown at the field as a sentence (GOV.UK error messages start with a capital),
        # even when it opens with an outcome's label ("early help is not an outcome …").
        self.message = message[:1].upper() + message[1:]
        super().__init__(f"{field}: {self.message}")
