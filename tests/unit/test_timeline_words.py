"""The contact page's timeline says what each event recorded in the words of the form that
asked for it: the field's label and the chosen option's text, never a stored code or the
id of a record the page itself filled in."""

from __future__ import annotations

from flask import Flask

from web.views import event_details
from workflow.rules import Rules


def _details(rules: Rules, trigger: str, payload: dict[str, object]) -> dict[str, str]:
    app = Flask(__name__)
    app.extensions["rules"] = rules  # the configured agencies are choices of the request
    with app.app_context():
        return event_details(trigger, payload)


def test_a_request_is_told_with_the_agency_and_lawful_basis_by_name(rules: Rules) -> None:
    shown = _details(rules, "request_information", {
        "agency": "police", "question": "Any call-outs?", "lawful_basis": "public_task",
        "authorised_by": "A Manager"})

    assert shown["Agency"] == "Police"
    assert shown["Lawful basis for sharing"].startswith("Public task (UK GDPR art. 6(1)(e))")
    assert shown["Question for the agency"] == "Any call-outs?"


def test_the_answer_leaves_out_the_request_id_the_page_sent(rules: Rules) -> None:
    shown = _details(rules, "answer_request", {"request_id": 3, "answer": "Two call-outs."})

    assert list(shown.values()) == ["Two call-outs."]


def test_an_answer_kept_back_is_told_with_the_choice_the_reason_and_who_decided(
        rules: Rules) -> None:
    shown = _details(rules, "answer_request", {
        "request_id": 3, "sharing": "not_shared", "not_shared_reason": "Would alert a suspect",
        "decided_by_name": "Insp. Example", "decided_by_role": "Inspector"})

    assert shown == {"Did your agency share the information asked for?": "Not shared",
                     "Why your agency did not share (all or part of) the information":
                         "Would alert a suspect",
                     "Who decided not to share: name": "Insp. Example",
                     "Who decided not to share: role": "Inspector"}


def test_a_decision_shows_its_level_and_outcome_as_chosen_and_keeps_the_reason_apart(
        rules: Rules) -> None:
    shown = _details(rules, "decide", {"level": 1, "outcome": "no_further_action",
                                       "rationale": "Why", "indicators": ["L3-CD-HEALTH-01"]})

    assert shown["Level of need"] == "Level 1"
    assert shown["Outcome"] == "No further action"
    assert shown["Indicators present (levels of need)"] == "L3-CD-HEALTH-01"
    assert "Why" not in shown.values()  # the rationale is the entry's reason, shown once


def test_a_field_no_action_asks_for_any_more_is_still_shown(rules: Rules) -> None:
    assert _details(rules, "no_longer_defined", {"old_field": "kept"}) == {"Old field": "kept"}
