"""One command path, seen from the browser and the API: what people are offered, where the
forms post, what a refusal shows, and what the API documents are all drawn from the
actions, and nothing a caller sends can skip a rule behind ``handle``.

Read the way a person reads the screen (which forms are there, where each posts, which
message sits at which field, what stayed in the boxes) or the way a client reads the API
(which actions are offered, which fields a body takes); the database is only read back
through the API or the page to prove that nothing moved.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from flask import Flask

from tests.builders import fire
from tests.web.conftest import Browser, Contacts, person_actor, text_of
from workflow.engine.action import Action
from workflow.engine.payload import Kind, asks
from workflow.engine.registry import actions
from workflow.stages import Stage

LONDON = ZoneInfo("Europe/London")

ACUTE = ["L4-PC-SAFETY-01", "L4-CD-HEALTH-01"]
RATIONALE = "Two acute needs recorded by the referrer and confirmed by health (synthetic)."
OVERRIDE = {"indicators": ACUTE, "level": 2, "outcome": "early_help", "consent": "given",
            "rationale": RATIONALE, "override_reason": "Risk managed by the school nurse"}
POLICE_QUESTION = "Any call-outs to the address? (synthetic)"


# -- reading pages ----------------------------------------------------------------------------
def page(response: Any) -> str:
    return html.unescape(text_of(response))


_ACTION = re.compile(r'<details (?=[^>]*class="govuk-details app-action")[^>]*id="action-([\w-]+)"')
_DETAILS_TAG = re.compile(r"<details\b|</details>")
_INLINE = re.compile(r'<form method="post" action="([^"]+)" class="app-inline-form".*?</form>',
                     re.S)


def action_blocks(body: str) -> dict[str, str]:
    """Every action form on a page, by its id without "action-" (``rate``,
    ``withdraw_request-3``), as the HTML of its ``<details>``."""
    return {m.group(1): _element(body, m.start()) for m in _ACTION.finditer(body)}


def _element(body: str, start: int) -> str:
    """The ``<details>`` starting at ``start`` up to its own closing tag (the decision's
    indicator picker nests more of them)."""
    depth = 0
    for tag in _DETAILS_TAG.finditer(body, start):
        depth += 1 if tag.group(0) == "<details" else -1
        if depth == 0:
            return body[start:tag.end()]
    raise AssertionError("unclosed <details>")


def form_target(block: str) -> str:
    """Where the (first) form in a piece of HTML posts."""
    found = re.search(r'<form method="post" action="([^"]+)"', block)
    assert found, "no form here"
    return found.group(1)


def error_summary(body: str) -> dict[str, str]:
    """The GOV.UK error summary as {link target: message}; {} when there is none."""
    box = re.search(r'<div class="govuk-error-summary".*?</ul>', body, re.S)
    if not box:
        return {}
    return {href: " ".join(text.split()) for href, text in
            re.findall(r'<a href="#([^"]+)">(.*?)</a>', box.group(0), re.S)}


def field_error(block: str, name: str) -> str:
    """The error message shown at one field of a form ("" when there is none)."""
    found = re.search(rf'id="(?:[^"]*-)?{re.escape(name)}-error"[^>]*>(.*?)</p>', block, re.S)
    if not found:
        return ""
    shown = re.sub(r'<span class="govuk-visually-hidden">Error:</span>', "", found.group(1))
    return " ".join(re.sub(r"<[^>]+>", " ", shown).split())


def get_contact(who: Browser, contact_id: int) -> dict[str, Any]:
    response = who.api("GET", f"/api/v1/contacts/{contact_id}")
    assert response.status_code == 200, response.get_json()
    body: dict[str, Any] = response.get_json()
    return body


def override_by(contacts: Contacts, who: str) -> int:
    """A contact whose level-2 decision (level 4 recommended) waits for sign-off, decided by
    ``who``: the command path stamps it an override from the ticked indicators."""
    contact_id = contacts.at(Stage.THRESHOLD_DECISION)
    fire(contacts.uow(), contacts.rules, contact_id, "decide", person_actor(who), OVERRIDE,
         contacts.version(contact_id), datetime.now(UTC))
    assert contacts.stage(contact_id) == "awaiting_signoff"
    return contact_id


# -- sign-off is offered only to a manager who did not decide ----------------------------------
def test_the_api_offers_sign_off_only_to_a_manager_who_is_not_the_overrides_author(
        signed_in: Callable[[str], Browser], contacts: Contacts) -> None:
    own = override_by(contacts, "manager")
    workers = override_by(contacts, "worker")
    author, other = signed_in("manager"), signed_in("manager2")

    assert "sign_off" not in get_contact(author, own)["permitted_actions"]
    assert "return_decision" in get_contact(author, own)["permitted_actions"]
    assert "sign_off" in get_contact(other, own)["permitted_actions"]
    assert "sign_off" in get_contact(author, workers)["permitted_actions"]  # not the author
    assert "sign_off" not in get_contact(signed_in("worker"), workers)["permitted_actions"]


def test_the_page_does_not_show_the_sign_off_form_to_the_overrides_author(
        signed_in: Callable[[str], Browser], contacts: Contacts) -> None:
    contact_id = override_by(contacts, "manager")

    own = action_blocks(page(signed_in("manager").get(f"/contacts/{contact_id}")))
    others = action_blocks(page(signed_in("manager2").get(f"/contacts/{contact_id}")))

    assert "sign_off" not in own and "return_decision" in own
    assert "sign_off" in others
    assert form_target(others["sign_off"]) == f"/contacts/{contact_id}/actions/sign_off"


# -- the stamp cannot be forged ----------------------------------------------------------------
@pytest.mark.parametrize(("forged", "value"), [
    ("is_override", False), ("recommended_level", 1), ("catalogue_version", 1),
    ("matches_recommendation", True),
], ids=["is_override", "recommended_level", "catalogue_version", "matches_recommendation"])
def test_a_decision_that_says_what_the_catalogue_recommends_is_refused_and_nothing_moves(
        forged: str, value: Any, signed_in: Callable[[str], Browser],
        contacts: Contacts) -> None:
    """An override must not skip its sign-off by calling itself "not an override": the
    stamp is worked out inside the command path, and a body that carries it is refused."""
    contact_id = contacts.at(Stage.THRESHOLD_DECISION)
    worker = signed_in("worker")
    before = get_contact(worker, contact_id)

    response = worker.api("POST", f"/api/v1/contacts/{contact_id}/actions/decide",
                          OVERRIDE | {forged: value, "version": before["version"]})

    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert set(errors.get("json", errors)) == {forged}
    after = get_contact(worker, contact_id)
    assert (after["version"], after["stage"], len(after["events"])) == (
        before["version"], "threshold_decision", len(before["events"]))


def test_the_same_override_without_the_forged_field_waits_for_sign_off(
        signed_in: Callable[[str], Browser], contacts: Contacts) -> None:
    """The control for the refusals above: the body was otherwise good."""
    contact_id = contacts.at(Stage.THRESHOLD_DECISION)
    worker = signed_in("worker")
    version = get_contact(worker, contact_id)["version"]

    response = worker.api("POST", f"/api/v1/contacts/{contact_id}/actions/decide",
                          OVERRIDE | {"version": version})

    assert response.status_code == 200, response.get_json()
    assert (response.get_json()["stage"], response.get_json()["version"]) == (
        "awaiting_signoff", version + 1)


# -- every form posts to the one action route; a refusal is shown at its field ----------------
@dataclass(frozen=True)
class Refused:
    """One action sent from the page with input a rule refuses, and what must come back."""

    action: str
    stage: Stage
    who: str
    form: dict[str, Any]
    field: str  # where the message is shown
    words: str  # part of the message
    kept: tuple[str, ...] = ()  # HTML that shows what was typed is still in the form
    arrange: tuple[tuple[str, str, str | None], ...] = field(default=())  # more steps


REFUSALS = [
    Refused("rate", Stage.SCREENING, "worker", {"rag": "red", "reason": "  "}, "reason",
            "Give a reason", ('value="red" checked',)),
    Refused("decide", Stage.THRESHOLD_DECISION, "worker",
            {"indicators": ACUTE, "level": "4", "outcome": "early_help",
             "rationale": RATIONALE}, "outcome", "Early help is not an outcome at level 4",
            (f">{RATIONALE}</textarea>", 'id="ind-L4-CD-HEALTH-01"')),
    Refused("pass_to_allocated_worker", Stage.SCREENING, "worker",
            {"open_case_reference": "", "reason": "Child already open to the CIN team"},
            "open_case_reference", "Give the reference of the child's open case",
            (">Child already open to the CIN team</textarea>",)),
    Refused("record_visit", Stage.ASSESSMENT, "social_worker",
            {"child_seen": "yes", "visited_at": ""}, "visited_at",
            "Give the date of the visit",
            ('value="yes" checked',)),
    Refused("hold_icpc", Stage.SECTION_47, "social_worker",
            {"plan": "yes", "held_at": "2020-01-06T10:00", "category": "NEG"}, "held_at",
            "cannot be before the referral", ('value="2020-01-06T10:00"',)),
    Refused("close_case", Stage.CIN_PLAN, "manager",
            {"closure_reason": "", "reason": "Plan ended, needs met (synthetic)"},
            "closure_reason", "Choose a CIN reason for closure",
            (">Plan ended, needs met (synthetic)</textarea>",)),
]


@pytest.mark.parametrize("case", REFUSALS, ids=[c.action for c in REFUSALS])
def test_a_refused_action_re_shows_the_page_with_the_message_at_its_field_and_input_kept(
        case: Refused, signed_in: Callable[[str], Browser], contacts: Contacts) -> None:
    contact_id = contacts.at(case.stage)
    who = signed_in(case.who)
    before = get_contact(who, contact_id)
    offered = action_blocks(page(who.get(f"/contacts/{contact_id}")))
    assert case.action in offered, sorted(offered)
    target = form_target(offered[case.action])
    assert target == f"/contacts/{contact_id}/actions/{case.action}"

    response = who.post(target, case.form | {"version": before["version"]})

    assert response.status_code == 422
    body = page(response)
    summary = error_summary(body)
    assert list(summary) == [case.field], summary
    assert case.words in summary[case.field]
    block = action_blocks(body)[case.action]
    assert re.match(r'<details[^>]*\bopen\b', block), "the refused form is not open"
    assert field_error(block, case.field) == summary[case.field]
    assert f'id="{case.field}"' in block  # the summary's link lands inside this form
    for kept in case.kept:
        assert kept in block, kept
    after = get_contact(who, contact_id)
    assert (after["version"], after["stage"]) == (before["version"], before["stage"])


def test_a_date_in_a_refusal_is_written_as_gov_uk_writes_it(
        signed_in: Callable[[str], Browser], contacts: Contacts) -> None:
    """The conference may not be held before the referral: the message names that day as
    people in England write it."""
    contact_id = contacts.at(Stage.SECTION_47)
    who = signed_in("social_worker")

    response = who.post(f"/contacts/{contact_id}/actions/hold_icpc", {
        "plan": "yes", "held_at": "2020-01-06T10:00", "category": "NEG",
        "version": contacts.version(contact_id)})

    message = error_summary(page(response))["held_at"]
    here = datetime.now(UTC).astimezone(LONDON)
    today = f"{here.day} {here:%B %Y}"
    days = re.findall(r"\b\d{1,2} [A-Z][a-z]+ \d{4}\b", message)
    assert days and set(days) <= {today, "6 January 2020"}, message
    assert not re.search(r"\d{4}-\d{2}-\d{2}", message), message


STAGES_TO_READ = [Stage.RECEIVED, Stage.SCREENING, Stage.INFORMATION_GATHERING,
                  Stage.THRESHOLD_DECISION, Stage.AWAITING_SIGNOFF, Stage.ASSESSMENT,
                  Stage.SECTION_47, Stage.CIN_PLAN]


@pytest.mark.parametrize("who", ["worker", "chair", "manager", "social_worker"])
def test_every_action_form_on_the_contact_page_posts_to_its_own_action_route(
        who: str, app: Flask, signed_in: Callable[[str], Browser], contacts: Contacts) -> None:
    person = signed_in(who)
    seen: set[str] = set()
    for stage in STAGES_TO_READ:
        contact_id = contacts.at(stage)
        if stage is Stage.INFORMATION_GATHERING:
            contacts.fire(contact_id, "request_information", agency="police",
                          question=POLICE_QUESTION, lawful_basis="public_task",
                          authorised_by="Mo Manager")
        response = person.get(f"/contacts/{contact_id}")
        if response.status_code == 403:  # not this person's case (record scope: its own test)
            continue
        body = page(response)
        for block_id, block in action_blocks(body).items():
            name = block_id.split("-")[0]
            assert name in actions(), block_id
            assert form_target(block) == f"/contacts/{contact_id}/actions/{name}", block_id
            assert actions()[name].label in block
            seen.add(name)
        for target in _INLINE.findall(body):
            assert re.fullmatch(rf"/contacts/{contact_id}/actions/(\w+)", target), target
            seen.add(target.rsplit("/", 1)[1])
        posts = set(re.findall(r'<form method="post" action="([^"]+)"', body))
        assert posts <= {"/sign-out"} | {t for t in posts if t.startswith(
            f"/contacts/{contact_id}/actions/")}, posts
    assert seen, f"{who} was offered nothing anywhere"


# -- the requests panel: chase and withdraw come from the actions ------------------------------
def _request_forms(body: str) -> dict[str, Any]:
    """The per-request forms of the requests panel: withdraw blocks by id, and the inline
    chase buttons as (target, request_id)."""
    blocks = {k: v for k, v in action_blocks(body).items() if "-" in k}
    inline = [(m.group(1), re.search(r'name="request_id" value="(\d+)"', m.group(0)))
              for m in _INLINE.finditer(body)]
    return {"blocks": blocks,
            "inline": [(target, int(rid.group(1)) if rid else None) for target, rid in inline]}


def test_with_no_request_the_panel_has_no_per_request_form(
        signed_in: Callable[[str], Browser], contacts: Contacts) -> None:
    contact_id = contacts.at(Stage.INFORMATION_GATHERING)

    body = page(signed_in("worker").get(f"/contacts/{contact_id}"))

    assert "No information requests." in body
    assert _request_forms(body) == {"blocks": {}, "inline": []}
    assert "request_information" in action_blocks(body)  # asking is still offered


def test_each_open_request_gets_the_chase_and_withdraw_forms_of_those_actions(
        app: Flask, signed_in: Callable[[str], Browser], contacts: Contacts) -> None:
    contact_id = contacts.at(Stage.INFORMATION_GATHERING)
    contacts.fire(contact_id, "request_information", agency="police",
                  question=POLICE_QUESTION, lawful_basis="public_task",
                  authorised_by="Mo Manager")
    with app.extensions["uow"]() as uow:
        [request] = uow.contacts.get(contact_id).open_requests
    worker = signed_in("worker")

    forms = _request_forms(page(worker.get(f"/contacts/{contact_id}")))

    chase, withdraw = actions()["chase_request"], actions()["withdraw_request"]
    assert forms["inline"] == [(f"/contacts/{contact_id}/actions/chase_request", request.id)]
    assert list(forms["blocks"]) == [f"withdraw_request-{request.id}"]
    block = forms["blocks"][f"withdraw_request-{request.id}"]
    assert withdraw.label in block
    assert form_target(block) == f"/contacts/{contact_id}/actions/withdraw_request"
    asked = {f.name for f in asks(withdraw.payload) if f.kind is not Kind.ID}
    assert set(re.findall(r'name="(\w+)"', block)) == asked | {
        "csrf_token", "version", "request_id"}
    assert chase.label in page(worker.get(f"/contacts/{contact_id}"))
    assert _request_forms(page(signed_in("social_worker").get(
        f"/contacts/{contact_id}"))) == {"blocks": {}, "inline": []}  # not granted to them


def test_chasing_from_the_panel_counts_a_chase_and_withdrawing_removes_the_forms(
        app: Flask, signed_in: Callable[[str], Browser], contacts: Contacts) -> None:
    contact_id = contacts.at(Stage.INFORMATION_GATHERING)
    contacts.fire(contact_id, "request_information", agency="police",
                  question=POLICE_QUESTION, lawful_basis="public_task",
                  authorised_by="Mo Manager")
    worker = signed_in("worker")
    body = page(worker.get(f"/contacts/{contact_id}"))
    [(target, request_id)] = _request_forms(body)["inline"]

    chased = worker.post(target, {"version": contacts.version(contact_id),
                                  "request_id": request_id})
    refused = worker.post(f"/contacts/{contact_id}/actions/withdraw_request", {
        "version": contacts.version(contact_id), "request_id": request_id, "reason": ""})
    withdrawn = worker.post(f"/contacts/{contact_id}/actions/withdraw_request", {
        "version": contacts.version(contact_id), "request_id": request_id,
        "reason": "Police answered by phone (synthetic)"})

    assert chased.status_code == 302
    assert chased.headers["Location"] == f"/contacts/{contact_id}#mash-requests"
    assert refused.status_code == 422
    block = action_blocks(page(refused))[f"withdraw_request-{request_id}"]
    assert re.match(r'<details[^>]*\bopen\b', block) and field_error(block, "reason")
    assert withdrawn.status_code == 302
    after = page(worker.get(f"/contacts/{contact_id}"))
    assert "chased 1×" in after and "Withdrawn" in after
    assert _request_forms(after) == {"blocks": {}, "inline": []}


# -- the API document: one path per action, its payload as the body ---------------------------
def _api_path(action: Action[Any]) -> str:
    if action.locate:
        record = action.locate.removesuffix("_id")
        return f"/api/v1/{record}s/{{record_id}}/actions/{action.name}"
    return f"/api/v1/contacts/{{contact_id}}/actions/{action.name}"


def _body_schema(doc: dict[str, Any], operation: dict[str, Any]) -> dict[str, Any]:
    ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    schema: dict[str, Any] = doc["components"]["schemas"][ref.rsplit("/", 1)[1]]
    return schema


def test_the_openapi_document_has_one_path_per_action_with_its_payload_as_the_body(
        signed_in: Callable[[str], Browser]) -> None:
    doc = signed_in("worker").get("/api/v1/openapi.json").get_json()
    paths = doc["paths"]
    checked = []
    for name, action in actions().items():
        if action.offered_in == ("intake",):  # recording a contact: POST /api/v1/contacts
            create = _body_schema(doc, paths["/api/v1/contacts"]["post"])
            assert {f.name for f in asks(action.payload)} <= set(create["properties"])
            continue
        routes = [p for p in paths if p.endswith(f"/actions/{name}")]
        assert routes == [_api_path(action)], (name, routes)
        operation = paths[routes[0]]["post"]
        asked = {f.name for f in asks(action.payload)}
        properties = set(_body_schema(doc, operation)["properties"])
        if action.locate:
            assert properties == asked - {action.locate}, name  # the record is in the path
        else:
            assert properties == asked | {"version"}, name
            assert "version" in _body_schema(doc, operation)["required"], name
        checked.append(name)
    assert len(checked) == len(actions()) - 1
    assert not [p for p in paths if "/actions/" in p and p.rsplit("/", 1)[1] not in actions()]


def test_a_stale_request_form_keeps_what_was_typed_in_the_panels_form(
        signed_in: Callable[[str], Browser], contacts: Contacts) -> None:
    """Someone else changed the contact while a worker typed a request: the request form is
    still offered, so the page says the typing is kept in it (not "no longer offered")."""
    contact_id = contacts.at(Stage.INFORMATION_GATHERING)
    worker = signed_in("worker")
    read = contacts.version(contact_id)
    contacts.fire(contact_id, "rate", variant="red")  # someone else re-rates it

    response = worker.post(f"/contacts/{contact_id}/actions/request_information", {
        "version": read, "agency": "police", "question": POLICE_QUESTION,
        "lawful_basis": "public_task", "authorised_by": "Mo Manager"})

    assert response.status_code == 409
    body = page(response)
    assert "What you typed is kept in the form below" in body
    assert "no longer offered" not in body
    block = action_blocks(body)["request_information"]
    assert f">{POLICE_QUESTION}</textarea>" in block


def test_a_stale_withdrawal_of_a_request_closed_meanwhile_lists_what_was_typed(
        app: Flask, signed_in: Callable[[str], Browser], contacts: Contacts) -> None:
    """The request's row has no forms any more, so the typing is shown in the banner."""
    contact_id = contacts.at(Stage.INFORMATION_GATHERING)
    contacts.fire(contact_id, "request_information", agency="police",
                  question=POLICE_QUESTION, lawful_basis="public_task",
                  authorised_by="Mo Manager")
    with app.extensions["uow"]() as uow:
        [request] = uow.contacts.get(contact_id).open_requests
    read = contacts.version(contact_id)
    contacts.fire(contact_id, "withdraw_request", request_id=request.id,
                  reason="Withdrawn by a colleague (synthetic)")

    response = signed_in("worker").post(
        f"/contacts/{contact_id}/actions/withdraw_request",
        {"version": read, "request_id": request.id, "reason": "My own words (synthetic)"})

    assert response.status_code == 409
    body = page(response)
    assert "where that action is no longer offered" in body
    assert "My own words (synthetic)" in body
    assert f"withdraw_request-{request.id}" not in action_blocks(body)


@pytest.mark.parametrize(("name", "stage", "who", "field_name", "form"), [
    ("rate", Stage.SCREENING, "worker", "rag", {"reason": "Synthetic reason"}),
    ("record_visit", Stage.ASSESSMENT, "social_worker", "child_seen",
     {"visited_at": "2026-01-05T09:30"}),
    ("hold_icpc", Stage.SECTION_47, "social_worker", "plan", {"held_at": "2026-01-05T09:30"}),
], ids=["rate", "record_visit", "hold_icpc"])
def test_a_choice_left_unmade_is_asked_for_in_a_sentence_at_its_field(
        name: str, stage: Stage, who: str, field_name: str, form: dict[str, str],
        signed_in: Callable[[str], Browser], contacts: Contacts) -> None:
    """When nothing typed matches a way the action can go (no RAG, "child seen" not
    answered), the page says what to choose as a GOV.UK message: a capital and a full
    stop, at the field, with the rest of the form kept."""
    contact_id = contacts.at(stage)
    person = signed_in(who)

    response = person.post(f"/contacts/{contact_id}/actions/{name}",
                           form | {"version": contacts.version(contact_id)})

    assert response.status_code == 422
    message = error_summary(page(response))[field_name]
    assert message[0].isupper() and message.endswith("."), message
    block = action_blocks(page(response))[name]
    assert field_error(block, field_name) == message
    for value in form.values():
        assert value in block
