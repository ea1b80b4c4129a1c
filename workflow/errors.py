"""The engine's error vocabulary: one class per thing a caller can act on.

Every refusal the engine makes is one of these, so the web layer can map each to an
HTTP status and a message without guessing, and the CLI can print it and exit non-zero.
Nothing is ever half-written when one is raised: the service layer rolls back first.

    FrontDoorError
     ├── NotFound            the contact (or other record) does not exist        → 404
     ├── NotPermitted        this role was not granted this action                → 403
     ├── InvalidTransition   the action does not exist, or not from this stage    → 409
     ├── GuardFailed         the action is allowed here but a condition is unmet  → 422
     ├── StaleVersion        someone else changed the contact since it was read   → 409
     └── InvalidInput        a field is missing or malformed (per-field messages) → 422
"""

from __future__ import annotations

from collections.abc import Mapping


class FrontDoorError(Exception):
    """Base of every refusal; ``message`` is written for the person who must fix it."""

    status = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(FrontDoorError):
    """The record asked for does not exist (or is not visible to this user)."""

    status = 404


class NotPermitted(FrontDoorError):
    """Deny by default: the role was not granted the action."""

    status = 403


class InvalidTransition(FrontDoorError):
    """The trigger is unknown, or cannot be fired from the contact's current stage."""

    status = 409


class GuardFailed(FrontDoorError):
    """A rule of the process is not met yet; ``guard`` names which one."""

    status = 422

    def __init__(self, guard: str, message: str, field: str | None = None,
                 errors: Mapping[str, str] | None = None) -> None:
        super().__init__(message)
        self.guard = guard
        self.field = field
        #: Every field that failed a rule in the same attempt, with what to fix: a form
        #: shows them all at once (the first is ``field``/``message``).
        self.errors = dict(errors) if errors else ({field: message} if field else {})


class StaleVersion(FrontDoorError):
    """Optimistic locking: the contact (or the ``record`` named, e.g. a person's) moved on
    since the caller read it."""

    status = 409

    def __init__(self, contact_id: int, expected: int, actual: int | None,
                 record: str = "contact") -> None:
        super().__init__(
            f"Someone else changed {record} {contact_id} since you opened it "
            f"(you had version {expected}, it is now at version {actual}). "
            "Reload it, check what changed, then try again."
        )
        self.contact_id = contact_id
        self.expected = expected
        self.actual = actual


def capitalised(text: str) -> str:
    """A message as GOV.UK writes one, starting with a capital ("Choose the team to
    sample"): rules are written as fragments, so each refusal is raised up here, once."""
    return text[:1].upper() + text[1:] if isinstance(text, str) else text


class InvalidInput(FrontDoorError):
    """Input that cannot be used; ``errors`` maps each field to what to fix."""

    status = 422

    def __init__(self, errors: Mapping[str, str]) -> None:
        said = {field: capitalised(text) for field, text in errors.items()}
        summary = "; ".join(f"{field}: {text}" for field, text in said.items())
        super().__init__(summary or "The input was not valid.")
        self.errors = said


class NeedsConfirmation(InvalidInput):
    """Input that is possible but unusual (a contact received years ago, a child who would
    be an adult): the person is asked whether it is right and may confirm and continue,
    rather than being refused. ``errors`` holds the questions, by field."""


class NaiveDatetime(InvalidInput):
    """A datetime without a timezone: refused, because we could not tell which instant it is."""

    def __init__(self, field: str) -> None:
        super().__init__({field: "give a timezone-aware date and time (UTC or Europe/London)"})
