"""The threshold decision on the contact page, with and without JavaScript.

The decide form carries what the browser needs to recompute the recommendation (each
box's level and domain, the catalogue's levels and escalation rule), and the "Update
recommendation" button still asks the server when scripts do not run. An outcome the
chosen level does not allow is refused at the outcome field with the ticks kept; the
form's string level is recorded as a number. A manager is never offered the sign-off of
their own override (the engine would refuse it), and sending it anyway changes nothing.
The managers' consistency page says what became of each override.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from flask import Flask

from tests.builders import fire
from tests.web.conftest import Browser, Contacts, person_actor, text_of
from web.views import LONDON
from workflow.stages import Stage

ACUTE = ["L4-PC-SAFETY-01", "L4-CD-HEALTH-01"]
RATIONALE = "Two acute needs recorded by the referrer and confirmed by health."


def _form(contacts: Contacts, contact_id: int, **fields: Any) -> dict[str, Any]:
    return {"version": contacts.version(contact_id), "indicators": ACUTE,
            "rationale": RATIONALE} | fields


def _override_by(app: Flask, contacts: Contacts, who: str) -> int:
    """A contact whose level-2 decision (level 4 recommended) waits for sign-off."""
    contact_id = contacts.at(Stage.THRESHOLD_DECISION)
    now = datetime.now(UTC)
    payload = {"indicators": ACUTE, "level": 2, "outcome": "early_help",
               "rationale": RATIONALE, "override_reason": "Risk managed"}
    fire(contacts.uow(), contacts.rules, contact_id, "decide", person_actor(who), payload,
         contacts.version(contact_id), now)  # the command path stamps it an override
    return contact_id


def test_the_decide_form_carries_what_the_live_recommendation_needs(
        signed_in: Callable[[str], Browser], contacts: Contacts) -> None:
    contact_id = contacts.at(Stage.THRESHOLD_DECISION)

    body = text_of(signed_in("worker").get(f"/contacts/{contact_id}"))

    box = re.search(r'<div [^>]*id="recommendation"[^>]*>', body)
    assert box and "data-recommendation" in box.group(0)
    attributes = dict(re.findall(r'(data-[\w-]+)=(?:"([^"]*)"|\'[^\']*\')', box.group(0)))
    assert {k: attributes[k] for k in ("data-escalation-from", "data-escalation-count",
                                       "data-escalation-domains", "data-escalation-to",
                                       "data-lowest-level")} == {
        "data-escalation-from": "3", "data-escalation-count": "4",
        "data-escalation-domains": "2", "data-escalation-to": "4", "data-lowest-level": "1"}
    levels_attribute = re.search(r"""data-levels=(?:'([^']*)'|"([^"]*)")""", box.group(0))
    assert levels_attribute
    levels = json.loads(html.unescape(levels_attribute[1] or levels_attribute[2]))
    assert [(lv["number"], lv["outcomes"]) for lv in levels][3] == (
        4, ["referral_to_social_care", "strategy_discussion"])
    assert levels[1]["labels"] == ["early help", "advice and signposting"]
    assert re.search(r'id="ind-L4-PC-SAFETY-01"[^>]*data-level="4" data-domain="PC"', body)


def test_without_javascript_update_recommendation_asks_the_server_and_records_nothing(
        signed_in: Callable[[str], Browser], contacts: Contacts) -> None:
    contact_id = contacts.at(Stage.THRESHOLD_DECISION)
    version = contacts.version(contact_id)

    response = signed_in("worker").post(f"/contacts/{contact_id}/actions/decide",
                                        _form(contacts, contact_id, preview="yes"))

    assert response.status_code == 200
    body = text_of(response)
    assert "Recommended: level 4</h4>" in body
    assert re.search(r'id="ind-L4-PC-SAFETY-01"[^>]*checked', body)
    assert (contacts.stage(contact_id), contacts.version(contact_id)) == (
        "threshold_decision", version)


def test_an_outcome_the_level_does_not_allow_is_refused_at_the_outcome_field(
        signed_in: Callable[[str], Browser], contacts: Contacts) -> None:
    contact_id = contacts.at(Stage.THRESHOLD_DECISION)
    version = contacts.version(contact_id)

    response = signed_in("worker").post(
        f"/contacts/{contact_id}/actions/decide",
        _form(contacts, contact_id, level="4", outcome="early_help"))

    assert response.status_code == 422
    body = text_of(response)
    error = re.search(r'id="decide-outcome-error"[^>]*>(.*?)</p>', body, re.DOTALL)
    assert error and "Early help is not an outcome at level 4" in error.group(1)
    assert re.search(r'id="ind-L4-CD-HEALTH-01"[^>]*checked', body)
    assert f">{RATIONALE}</textarea>" in body
    assert contacts.version(contact_id) == version


def test_the_forms_string_level_is_recorded_as_a_number(
        app: Flask, signed_in: Callable[[str], Browser], contacts: Contacts) -> None:
    contact_id = contacts.at(Stage.THRESHOLD_DECISION)

    response = signed_in("worker").post(
        f"/contacts/{contact_id}/actions/decide",
        _form(contacts, contact_id, level="4", outcome="referral_to_social_care",
              primary_need="N1"))

    assert response.status_code == 302
    with contacts.uow() as uow:
        decision = uow.contacts.get(contact_id).decision
    assert decision is not None
    assert (decision.level, decision.stamp.recommended_level,
            decision.stamp.catalogue_version, decision.stamp.is_override) == (4, 4, 2, False)


def test_a_manager_is_not_offered_the_sign_off_of_their_own_override(
        app: Flask, signed_in: Callable[[str], Browser], contacts: Contacts) -> None:
    contact_id = _override_by(app, contacts, "manager")
    manager, other = signed_in("manager"), signed_in("manager2")

    own = text_of(manager.get(f"/contacts/{contact_id}"))
    sent_anyway = manager.post(f"/contacts/{contact_id}/actions/sign_off",
                               {"version": contacts.version(contact_id)})

    assert 'id="action-sign_off"' not in own and 'id="action-return_decision"' in own
    assert 'id="action-sign_off"' in text_of(other.get(f"/contacts/{contact_id}"))
    assert sent_anyway.status_code == 422
    assert "signed off by a different manager" in text_of(sent_anyway)
    assert contacts.stage(contact_id) == "awaiting_signoff"


def test_the_consistency_page_says_what_became_of_each_override(
        app: Flask, signed_in: Callable[[str], Browser], contacts: Contacts) -> None:
    signed, _waiting = (_override_by(app, contacts, "worker") for _ in range(2))
    contacts.fire(signed, "sign_off", "manager2")
    month = datetime.now(UTC).astimezone(LONDON).strftime("%Y-%m")

    body = " ".join(text_of(signed_in("manager").get(
        f"/oversight/consistency?month={month}")).split())

    assert body.count("2 (Max Manager: 1, returned: 0, awaiting sign-off: 1)") == 2
    assert "Dee Worker (Front Door)" in body
