"""The words of a notification: timescale title, contact reference, due time in London."""

from __future__ import annotations

from datetime import UTC, datetime

from workflow.oversight.messages import compose

LINK = "https://frontdoor.example.gov.uk/contacts/290"


def test_a_breach_reads_as_a_sentence_with_the_reference_and_the_london_due_time() -> None:
    message = compose("breach", "Decision on a contact", 290,
                      datetime(2026, 12, 1, 17, 0, tzinfo=UTC), LINK)

    assert message.subject == "Decision on a contact is overdue: FD0000290, due Tue 1 Dec 17:00"
    assert message.body.endswith(f"Sign in to Front Door to see the contact: {LINK}\n")


def test_in_summer_the_due_time_is_british_summer_time() -> None:
    message = compose("warning", "Assessment", 7, datetime(2026, 7, 1, 16, 0, tzinfo=UTC), LINK)

    assert message.subject == "Assessment is due soon: FD0000007, due Wed 1 Jul 17:00"
    assert (message.reference, message.due) == ("FD0000007", "Wed 1 Jul 17:00")


def test_an_escalation_says_it_is_still_overdue() -> None:
    message = compose("escalation", "Feedback to the referrer", 12,
                      datetime(2026, 12, 2, 9, 30, tzinfo=UTC), LINK)

    assert message.subject == ("Feedback to the referrer is still overdue (escalated to you): "
                               "FD0000012, due Wed 2 Dec 09:30")


def test_a_rule_no_longer_in_the_configuration_is_never_shown_by_its_id() -> None:
    message = compose("breach", None, 3, datetime(2026, 12, 1, 17, 0, tzinfo=UTC), LINK)

    assert message.subject.startswith("A timescale is overdue: FD0000003")
