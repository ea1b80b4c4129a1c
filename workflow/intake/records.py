"""What the known-child check found when a contact arrived, kept on the contact.

DOMAIN.md §2: a contact about a child whose case is open goes to the allocated worker, not
into a second referral; a referral within 12 months of a previous one is a re-referral
(DfE statistics); repeat contacts inside a window raise an alert. The flags are the
contact's first state, written with it, and shown on its page.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class IntakeFlags:
    """The alerts raised at intake (all empty for a child not known before)."""

    open_case_contact_id: int | None = None
    re_referral_of: int | None = None
    repeat_contacts: int | None = None
    repeat_window_days: int | None = None
