"""Recording a new contact: one contact per child, siblings together, the known-child step.

The handler checks the form's own fields (every problem at once, GOV.UK pattern), runs the
known-child step (the worker links a known child or confirms a new one), then sends one
``RecordContact`` command; an open case found on the way goes straight to its worker.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from flask import Blueprint, current_app, flash, g, redirect, render_template, request
from flask_login import current_user
from marshmallow import ValidationError
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response

from web.access import allow
from web.forms import NewContactSchema, flat_errors
from web.intake.known_child import IDENTIFIERS, identifiers, known_child_step
from web.views import LONDON
from web.words import plural
from workflow.decision.actions.give_referrer_feedback import METHODS as FEEDBACK_METHODS
from workflow.engine.action import sentence
from workflow.errors import FrontDoorError, InvalidInput, NeedsConfirmation
from workflow.intake.codes import CHANNELS, REFERRAL_SOURCES
from workflow.intake.commands import NewContact, RecordContact
from workflow.people.postcodes import normalise_postcode
from workflow.people.records import SEXES, Address, PersonDetails
from workflow.people.rules import postcode_problem
from workflow.roles import Role
from workflow.services import handle

bp = Blueprint("intake", __name__)
INTAKE = (Role.FRONT_DOOR_WORKER, Role.MASH_CHAIR, Role.TEAM_MANAGER)
MAX_CHILDREN = 4
#: The prefix of the referrer's feedback boxes at the known-child step.
FEEDBACK = "referrer_feedback"


def _now() -> datetime:
    return datetime.now(UTC)


def _children_from_form(form: MultiDict[str, str]) -> list[dict[str, str]]:
    kids = []
    for i in range(MAX_CHILDREN):
        child = {k: (form.get(f"child-{i}-{k}") or "").strip() for k in CHILD_FIELDS}
        if any(v for k, v in child.items() if k != "sex"):
            kids.append(child)
    return kids


#: What the intake form asks about each child (the rest is added on the person's page).
CHILD_FIELDS = ("first_name", "last_name", "date_of_birth", "expected_date_of_birth", "sex",
                *IDENTIFIERS, "school")
#: The household's address, typed once for the children recorded together.
ADDRESS_FIELDS = ("line_1", "line_2", "town", "postcode")


def _day(kid: dict[str, str], key: str, i: int, what: str,
         errors: dict[str, str]) -> date | None:
    if not kid.get(key):
        return None
    try:
        return datetime.strptime(kid[key], "%Y-%m-%d").date()
    except ValueError:
        errors[f"child-{i}-{key}"] = f"Enter child {i + 1}'s {what} as a real date"
        return None


def _address(form: MultiDict[str, str], errors: dict[str, str]) -> Address | None:
    """The household's address, its postcode in the standard form ("WR1 2AB"), checked
    before the known-child step: the step shows it beside each candidate's."""
    typed = {k: (form.get(f"address-{k}") or "").strip() for k in ADDRESS_FIELDS}
    if not any(typed.values()):
        return None
    postcode = typed["postcode"][:10]
    if postcode and (problem := postcode_problem(postcode)):
        errors["address-postcode"] = sentence(problem)
    return Address(typed["line_1"][:120], normalise_postcode(postcode) or postcode,
                   typed["line_2"][:120], typed["town"][:80])


def _referrer_feedback(form: MultiDict[str, str]) -> dict[str, str] | None:
    """What the referrer was told, typed at the known-child step (None when nothing was)."""
    typed = {k: form.get(f"{FEEDBACK}-{k}") or "" for k in ("method", "reason")}
    return {k: v for k, v in typed.items() if v} or None


def _child_details(kids: list[dict[str, str]], address: Address | None
                   ) -> tuple[list[PersonDetails], dict[str, str]]:
    errors: dict[str, str] = {}
    details = []
    for i, kid in enumerate(kids):
        if not kid.get("first_name") or not kid.get("last_name"):
            errors[f"child-{i}-first_name"] = f"Enter child {i + 1}'s first and last name"
            continue
        before = len(errors)
        born = _day(kid, "date_of_birth", i, "date of birth", errors)
        expected = _day(kid, "expected_date_of_birth", i, "expected date of birth", errors)
        ids, id_errors = identifiers(kid, i)
        errors |= id_errors
        if len(errors) > before:
            continue
        details.append(PersonDetails(
            kid["first_name"][:80], kid["last_name"][:80], date_of_birth=born,
            expected_date_of_birth=expected, sex=kid.get("sex") or "U",
            nhs_number=ids["nhs_number"], upn=ids["upn"], school=kid.get("school", "")[:120],
            address=address))
    return details, errors


def _on_the_form(errors: dict[str, str]) -> dict[str, str]:
    """The command's field names (``children.0.upn``, ``children.0.address.postcode``) as
    the form's inputs (``child-0-upn``, ``address-postcode``), so each problem shows at the
    box it is about."""
    shown = {}
    for key, text in errors.items():
        parts = key.split(".")
        if parts[0] == "referrer_feedback":
            shown[f"{FEEDBACK}-{parts[-1]}"] = text
        elif parts[0] == "children" and len(parts) >= 3 and parts[2] == "address":
            shown[f"address-{parts[-1]}"] = text
        elif parts[0] == "children" and len(parts) >= 3 and parts[1].isdigit():
            shown[f"child-{parts[1]}-{parts[2]}"] = text
        else:
            shown[key] = text
    return shown


def _page(values: dict[str, Any], errors: dict[str, str], status: int = 200,
          matches: list[dict[str, Any]] | None = None,
          questions: dict[str, str] | None = None, ask_feedback: bool = False
          ) -> tuple[str, int]:
    """The form; ``questions`` maps each box asked about to the field to confirm;
    ``ask_feedback`` shows the referrer's feedback (a child may have an open case)."""
    typed_feedback = any(values.get(f"{FEEDBACK}-{k}") or errors.get(f"{FEEDBACK}-{k}")
                         for k in ("method", "reason"))
    return render_template("contact_new.html", title="Record a new contact", values=values,
                           errors=errors, sources=REFERRAL_SOURCES, channels=tuple(CHANNELS),
                           slots=range(MAX_CHILDREN), matches=matches or [],
                           sexes=SEXES, questions=questions or {},
                           ask_feedback=ask_feedback or typed_feedback,
                           feedback_methods=FEEDBACK_METHODS,
                           confirmed=request.form.getlist("confirmed")), status


@bp.get("/contacts/new")
@allow(*INTAKE)
def new_contact() -> tuple[str, int]:
    """The intake form (received time defaults to now, London time)."""
    now_local = _now().astimezone(LONDON).strftime("%Y-%m-%dT%H:%M")
    return _page({"received_at": now_local}, {})


@bp.post("/contacts/new")
@allow(*INTAKE)
def new_contact_post() -> Response | tuple[str, int]:
    """Record one contact per child; siblings share an intake."""
    form = request.form
    kids = _children_from_form(form)
    data: dict[str, Any] = {k: form.get(k) for k in ("received_at", "source", "channel",
                                                     "referrer", "concerns", "consent")
                            if form.get(k)}
    data["confirmed"] = form.getlist("confirmed")
    values = dict(form.items())
    address_errors: dict[str, str] = {}
    address = _address(form, address_errors)
    if address is not None and not address_errors:
        values["address-postcode"] = address.postcode
    details, errors = _child_details(kids, address)
    errors |= address_errors
    try:
        loaded = NewContactSchema().load(data | {"children": kids})
    except ValidationError as error:
        errors = flat_errors(error) | errors  # every problem at once (GOV.UK pattern)
    if errors:
        return _page(values, errors, 422)
    known = known_child_step(g.db, form, details)
    if known.unresolved:
        return _page(values, known.errors, 422 if known.errors else 200, known.unresolved,
                     ask_feedback=known.open_case)
    intake = NewContact(loaded["received_at"], loaded["source"], known.children,
                        loaded["channel"], loaded["referrer"], loaded["concerns"],
                        loaded["consent"], frozenset(loaded["confirmed"]),
                        _referrer_feedback(form))
    try:
        made = handle(current_app.extensions["uow"](), current_app.extensions["rules"],
                      RecordContact(intake, current_user.actor, _now()))
    except NeedsConfirmation as error:
        return _page(values, _on_the_form(error.errors), 422,
                     questions=_on_the_form({k: k for k in error.errors}))
    except InvalidInput as error:
        return _page(values, _on_the_form(error.errors), 422)
    except FrontDoorError as error:
        return _page(values, {"children": error.message}, error.status)
    flash(f"Recorded {plural(len(made), 'contact')}: " + ", ".join(m["reference"] for m in made),
          "success")
    return redirect(f"/contacts/{made[0]['id']}")
