"""Search, and a person's page with the forms that change the record.

The search box posts (a name or a date of birth never goes into a URL, where proxies and
browser history keep it); every child a search shows is written to the access log. A
person's page shows the record, its history, family, addresses, warnings and contacts;
each form sends one people command, and a refusal re-shows the page with every problem at
its field and what was typed kept.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, request
from flask_login import current_user
from werkzeug.wrappers import Response

from reporting.cin_census import child_warnings
from reporting.people import PersonPage, person_page
from reporting.search import Query, read_query, search, when_born
from web.access import allow, log_access, log_children_shown
from web.forms import read_version
from web.views import LONDON, when
from workflow.errors import FrontDoorError, InvalidInput, StaleVersion
from workflow.people.commands import (
    AddWarning,
    MoveAddress,
    RecordRelationship,
    UpdatePerson,
)
from workflow.people.consistent_identifier import IdentifierStatus
from workflow.people.records import (
    EDITABLE,
    IMMIGRATION_STATUSES,
    RELATIONSHIPS,
    SEXES,
    Address,
    PersonDetails,
)
from workflow.roles import Role
from workflow.services import handle

bp = Blueprint("people", __name__)
READERS = (Role.FRONT_DOOR_WORKER, Role.MASH_CHAIR, Role.TEAM_MANAGER, Role.SOCIAL_WORKER)
_DATES = ("date_of_birth", "expected_date_of_birth")


def _now() -> datetime:
    return datetime.now(UTC)


def _rules() -> Any:
    return current_app.extensions["rules"]


# -- search ---------------------------------------------------------------------------
@bp.get("/search")
@allow(*READERS)
def search_page() -> str:
    """The search form (results come back from a POST, never in the address bar)."""
    return render_template("people/search.html", title="Find a child", results=None,
                           typed={}, errors={}, when=when)


@bp.post("/search")
@allow(*READERS)
def search_results() -> tuple[str, int]:
    """What the box found, best match first; each child shown is access-logged."""
    sent = {k: request.form.get(k, "").strip() for k in ("q", "born_from", "born_to")}
    typed = {k: v[:200] for k, v in sent.items()}  # shown back; the query reads all of it
    errors = {name: "Enter the date as dd/mm/yyyy" for name in ("born_from", "born_to")
              if typed[name] and when_born(typed[name]) is None}
    try:
        query = read_query(sent["q"], when_born(sent["born_from"]), when_born(sent["born_to"]))
    except InvalidInput as refused:
        query, errors = Query(), refused.errors | errors
    if query.empty and not errors:
        errors["q"] = ("Enter a name, date of birth, NHS number, UPN, postcode or contact "
                       "reference")
    results = None if errors else search(g.db, query)  # refused: nothing was searched
    log_children_shown([r.person_id for r in results or []])
    return render_template("people/search.html", title="Find a child", results=results,
                           typed=typed, errors=errors, when=when), 422 if errors else 200


# -- a person's page ------------------------------------------------------------------
def _choices() -> dict[str, Any]:
    people = _rules().people
    year = people.year(_now().astimezone(LONDON).date())
    return {"sexes": SEXES, "ethnicities": people.codes.choices("ethnicity", year),
            "disabilities": people.codes.choices("disability", year),
            "upn_unknowns": [(code, f"{code}: {label}") for code, label in
                             people.codes.choices("upn_unknown", year)],
            "immigration": IMMIGRATION_STATUSES, "relationships": RELATIONSHIPS,
            "identifier_statuses": [(s.value, s.label) for s in IdentifierStatus]}


def person_response(person_id: int, status: int = 200, **extra: Any) -> tuple[str, int]:
    """A person's page, latest state, with whatever a refusal adds."""
    page: PersonPage | None = person_page(g.db, person_id)
    if page is None:
        abort(404, f"There is no person {person_id}.")
    log_access(person_id, None)
    opened = "details" if request.args.get("edit") == "details" else None
    context = {"errors": {}, "typed": {}, "open_form": opened} | extra
    census = _census_warnings(person_id) if page.person.kind == "child" else []
    return render_template("people/person.html", title=page.person.name, page=page,
                           p=page.person, when=when, census=census, **_choices(),
                           was=as_shown(page.person),
                           **context), status


def _census_warnings(person_id: int) -> list[Any]:
    """What the census rules about one child say of this record (put right on this page:
    the findings a contact's own record fixes are shown on that contact's page)."""
    today = _now().astimezone(LONDON).date()
    return [f for f in child_warnings(g.db, person_id, _rules().people, today)
            if f.fix.page == "person"]


@bp.get("/people/<int:person_id>")
@allow(*READERS, Role.PRINCIPAL_SOCIAL_WORKER)
def person(person_id: int) -> tuple[str, int]:
    """The record, its history, family, addresses, warnings and the contacts about them."""
    return person_response(person_id)


def as_shown(person: Any) -> dict[str, str]:
    """Each editable field as the form shows it, sent back as ``was-<field>``: what the
    person saw when they opened the form."""
    shown: dict[str, str] = {}
    for name in EDITABLE:
        value = getattr(person, name, None)
        if name == "disabilities":
            shown[name] = ",".join(sorted(value or ()))
        else:
            shown[name] = value.isoformat() if isinstance(value, date) else str(value or "")
    return shown


def _edited(form: Any, name: str) -> bool:
    """Whether this person changed the field: a field left as they saw it is not sent,
    so saving after someone else's change never puts back the value they replaced."""
    was = form.get(f"was-{name}")
    if was is None:
        return True  # an older form, or the API's shape: every field sent counts
    if name == "disabilities":
        return ",".join(sorted(form.getlist("disabilities"))) != was
    return form.get(name, "").strip() != was.strip()


def _form_changes(form: Any) -> dict[str, Any]:
    """The fields this person changed, as typed values (dates, the disability list)."""
    changes: dict[str, Any] = {}
    for name in EDITABLE:
        if name == "disabilities":
            if "disabilities-shown" in form and _edited(form, name):
                changes[name] = tuple(form.getlist("disabilities"))
        elif name in form and _edited(form, name):
            changes[name] = _value(name, form.get(name, ""))
    return changes


def _value(name: str, text: str) -> Any:
    text = text.strip()
    if name in _DATES:
        if not text:
            return None
        try:
            return date.fromisoformat(text)
        except ValueError:
            raise InvalidInput({name: "Enter a real date"}) from None
    if name in ("nhs_number", "upn", "upn_unknown"):
        return text or None
    return text


def _refused(person_id: int, form_name: str, error: FrontDoorError) -> tuple[str, int]:
    typed: dict[str, Any] = {k: v for k, v in request.form.items() if k != "csrf_token"}
    typed["disabilities"] = request.form.getlist("disabilities")
    if isinstance(error, StaleVersion):
        # Keep what this person changed; every other field shows the record as it is now.
        kept = {k: v for k, v in typed.items()
                if k not in EDITABLE or _edited(request.form, k)}
        return person_response(person_id, 409, stale=error.message, typed=kept,
                               open_form=form_name)
    if error.status == 404:
        abort(404, error.message)
    errors = dict(error.errors) if isinstance(error, InvalidInput) else {"form": error.message}
    return person_response(person_id, error.status, errors=errors, typed=typed,
                           open_form=form_name)


@bp.post("/people/<int:person_id>/details")
@allow(*READERS)
def update(person_id: int) -> Response | tuple[str, int]:
    """Change the record's fields; a recorded value changes only with a reason."""
    try:
        read = read_version(request.form.get("version", ""))
        if read is None:
            raise InvalidInput({"version": "Reload the page and try again"})
        handle(current_app.extensions["uow"](), _rules(), UpdatePerson(
            person_id, _form_changes(request.form), request.form.get("reason", ""),
            current_user.actor, _now(), read))
    except FrontDoorError as error:
        return _refused(person_id, "details", error)
    flash("The record is updated; the history keeps what it said before.", "success")
    return redirect(f"/people/{person_id}")


@bp.post("/people/<int:person_id>/address")
@allow(*READERS)
def move(person_id: int) -> Response | tuple[str, int]:
    """Record a new address (the old one is kept as history)."""
    f = request.form
    try:
        moved = _value("date_of_birth", f.get("moved_in", ""))
        address = Address(f.get("line_1", ""), f.get("postcode", ""), f.get("line_2", "")[:120],
                          f.get("town", "")[:80], moved_in=moved)
        handle(current_app.extensions["uow"](), _rules(),
               MoveAddress(person_id, address, current_user.actor, _now()))
    except FrontDoorError as error:
        return _refused(person_id, "address", error)
    flash("Address recorded.", "success")
    return redirect(f"/people/{person_id}#addresses")


@bp.post("/people/<int:person_id>/relationships")
@allow(*READERS)
def relate(person_id: int) -> Response | tuple[str, int]:
    """Record a family member: a person already known, or a new adult by name."""
    f = request.form
    try:
        known = read_version(f.get("relative_id", ""))
        relative = None if known else PersonDetails(
            f.get("first_name", "")[:80], f.get("last_name", "")[:80], kind="adult",
            date_of_birth=_value("date_of_birth", f.get("date_of_birth", "")))
        handle(current_app.extensions["uow"](), _rules(), RecordRelationship(
            person_id, f.get("kind", ""), current_user.actor, _now(), relative_id=known,
            relative=relative, parental_responsibility=f.get("parental_responsibility") == "yes",
            lives_with=f.get("lives_with") == "yes"))
    except FrontDoorError as error:
        return _refused(person_id, "family", error)
    flash("Family member recorded.", "success")
    return redirect(f"/people/{person_id}#family")


@bp.post("/people/<int:person_id>/warnings")
@allow(*READERS)
def warn(person_id: int) -> Response | tuple[str, int]:
    """A warning for staff safety."""
    try:
        handle(current_app.extensions["uow"](), _rules(),
               AddWarning(person_id, request.form.get("text", ""), current_user.actor, _now()))
    except FrontDoorError as error:
        return _refused(person_id, "warning", error)
    flash("Warning recorded.", "success")
    return redirect(f"/people/{person_id}#warnings")
