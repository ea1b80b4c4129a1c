"""Drafts of long forms, saved as the person types, and the session's "stay signed in".

The browser (web/assets/js/drafts.mjs) saves every form marked ``data-draft`` a few
seconds after the last keystroke, restores the person's drafts when the page opens, and
says so in a notification banner. Without JavaScript nothing here is used and the forms
work as before. The time-out warning (web/assets/js/timeout.mjs) asks here to extend the
session.

Why the draft is scoped as it is: the owner is the signed-in person and nobody else (no
route takes a user id); the form key (``new-contact``, ``action-rate``) is checked against
the forms that exist, so the table holds no rubbish; the record id (``record``: 0 is
allowed, so it is not named ``*_id``, which the access check bounds from 1) is only the
address of the draft. A draft holds only what its owner typed, so reading it back reveals
nothing they have not seen; the record's own scope still decides whether they may send
the form.

A draft ends when its form is sent successfully: ``_end_sent_drafts`` runs after each
request and, when the POST that a draft belongs to answered with a redirect (the
post-redirect-get of a success), deletes the draft. A refusal re-shows the form (4xx), so
the draft stays.

The draft's text is personal data: it is never logged, and never put in a URL.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, Flask, current_app, jsonify, request
from flask_login import current_user
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from web.access import allow
from web.auth.sessions import stay_signed_in
from web.words import LONDON, govuk_datetime, govuk_time
from workflow.drafts import Draft, DraftRefused, Drafts
from workflow.errors import FrontDoorError
from workflow.roles import Role

bp = Blueprint("drafts", __name__)
NEW_CONTACT = "new-contact"
_ACTION = "action-"
_KEY = re.compile(r"[a-z0-9_-]{1,64}")
#: Fields a form sends that are not what the person typed.
_NOT_TYPED = frozenset({"csrf_token", "version", "preview"})

#: Every form that keeps drafts but the actions': key -> (the endpoint of the POST that
#: sends it, where its record id comes from: a path variable, ``form:<field>`` for a
#: hidden field, or None for a form that creates a record). An accepted send (a redirect)
#: ends the draft.
FORMS: dict[str, tuple[str, str | None]] = {
    NEW_CONTACT: ("intake.new_contact_post", None),
    "audit": ("audits.save", "audit_id"),
    "audit-moderation": ("audits.moderate", "audit_id"),
    "audit-response": ("audits.respond", "audit_id"),
    "audit-learning": ("audits.add_learning", None),
    "mash-decision": ("mash_meetings.decision", "form:contact_id"),
    "person-details": ("people.update", "person_id"),
    "person-warning": ("people.warn", "person_id"),
}
#: The page's one route for every action; its form key is ``action-<name>``.
_ACTION_ENDPOINT = "contacts.action"


def _record_of(source: str | None) -> int:
    """The record id a sent form's draft is filed under (0 when there is none)."""
    if source is None:
        return 0
    if source.startswith("form:"):
        raw = request.form.get(source[len("form:"):], "")
    else:
        raw = str((request.view_args or {}).get(source, ""))
    return int(raw) if raw.isdigit() and len(raw) < 10 else 0


def _sent_draft() -> tuple[str, int] | None:
    """(form key, record id) of the draft the POST being answered sends, if any."""
    args = request.view_args or {}
    if request.endpoint == _ACTION_ENDPOINT:
        return _ACTION + str(args.get("name", "")), _record_of("contact_id")
    for key, (endpoint, source) in FORMS.items():
        if endpoint == request.endpoint:
            return key, _record_of(source)
    return None


def _drafts() -> Drafts:
    found: Drafts = current_app.extensions["drafts"]
    return found


def _now() -> datetime:
    return datetime.now(UTC)


def known_form(key: str) -> bool:
    """Whether a form of this key exists: one of ``FORMS``, or an action's form."""
    if key in FORMS:
        return True
    if not _KEY.fullmatch(key) or not key.startswith(_ACTION):
        return False
    try:
        current_app.extensions["rules"].engine.action(key[len(_ACTION):])
    except FrontDoorError:
        return False
    return True


def draft_key(key: str) -> str:
    """A form key for a template's ``data-draft`` (refused at render time if unknown, so a
    template can never mark a form whose drafts the server would refuse)."""
    if not known_form(key):
        raise ValueError(f"no form has the draft key {key!r}")
    return key


def _refuse(status: int, message: str) -> Response:
    response = jsonify({"message": message})
    response.status_code = status
    return response


def _as_json(error: HTTPException) -> Response:
    """The script reads these answers: a plain JSON message, never an HTML page."""
    messages = {400: "The form had expired or was not sent from Front Door. Reload the "
                     "page; what you typed is still on it.",
                413: "The form is too large to keep as a draft."}
    code = error.code or 400
    said = (getattr(error, "data", None) or {}).get("message") or error.description
    return _refuse(code, messages.get(code, str(said or "That cannot be done.")))


for _code in (400, 403, 404, 405, 413, 422, 429):  # by code: the app's CSRF handler is
    bp.register_error_handler(_code, _as_json)  # registered by code too, and would win


def _seconds_left() -> int:
    ends = getattr(current_user, "ends_at", None)
    return max(0, int((ends - _now()).total_seconds())) if ends else 0


def _shown(draft: Draft, now: datetime) -> dict[str, Any]:
    same_day = draft.saved_at.astimezone(LONDON).date() == now.astimezone(LONDON).date()
    # Read after "We restored what you had typed": "at 10:31am", or on another day
    # "on Tuesday 1 December 2026 at 10:31am".
    when = f"at {govuk_time(draft.saved_at)}" if same_day else \
        f"on {govuk_datetime(draft.saved_at)}"
    return {"form": draft.form, "fields": [list(pair) for pair in draft.fields],
            "saved": when}


@bp.get("/drafts/<int:record>")
@allow(*Role)
def drafts_for(record: int) -> Response:
    """The signed-in person's own drafts about one record (0: forms that create one)."""
    now = _now()
    found = _drafts().for_record(current_user.id, record, now)
    return jsonify({"drafts": [_shown(d, now) for d in found]})


def _typed() -> tuple[tuple[str, str], ...]:
    return tuple((name, value) for name, value in request.form.items(multi=True)
                 if name not in _NOT_TYPED)


@bp.post("/drafts/<key>/<int:record>")
@allow(*Role)
def save(key: str, record: int) -> Response:
    """Keep what is on the form now as the person's draft of it."""
    if not known_form(key):
        return _refuse(404, "There is no form of that name to keep a draft of.")
    now = _now()
    try:
        _drafts().save(current_user.id, key, record, _typed(), now)
    except DraftRefused as refused:
        return _refuse(refused.status, str(refused))
    return jsonify({"saved": govuk_time(now), "seconds_left": _seconds_left()})


@bp.post("/drafts/<key>/<int:record>/discard")
@allow(*Role)
def discard(key: str, record: int) -> Response:
    """The person threw the draft away (the form goes back to what the record holds)."""
    if not known_form(key):
        return _refuse(404, "There is no form of that name to keep a draft of.")
    _drafts().discard(current_user.id, key, record)
    return jsonify({"discarded": True})


@bp.post("/session/stay-signed-in")
@allow(*Role)
def stay() -> Response:
    """The time-out warning's "Stay signed in": the session starts its idle time again."""
    now = _now()
    ends = stay_signed_in(current_user._get_current_object(), now)
    return jsonify({"seconds_left": max(0, int((ends - now).total_seconds()))})


def session_clock() -> dict[str, int] | None:
    """What the time-out warning counts: seconds until the session ends, and how long
    before that it warns (``timeout_warning_minutes`` in settings.toml [web])."""
    if getattr(current_user, "ends_at", None) is None:
        return None
    minutes = float(current_app.config["FRONTDOOR_WEB"].get("timeout_warning_minutes", 5))
    return {"seconds_left": _seconds_left(), "warn_seconds": round(minutes * 60),
            "warn_minutes": max(1, round(minutes))}


def _end_sent_drafts(response: Response) -> Response:
    """After a drafted form was sent and accepted (a redirect), its draft is done with."""
    if (request.method != "POST" or response.status_code not in (301, 302, 303)
            or not hasattr(current_user, "session_id")):  # a person, not an API client
        return response
    sent = _sent_draft()
    if sent is None:
        return response
    try:
        _drafts().discard(current_user.id, *sent)
    except Exception as error:  # the form was sent: a draft left behind must not undo that
        current_app.logger.warning("Draft not deleted after %s", request.endpoint,
                                   exc_info=error)  # type and frames only (web.logs)
    return response


def register(app: Flask) -> None:
    """The drafts routes, the store's drafts, and the end of a draft when its form is sent."""
    app.extensions["drafts"] = app.extensions["store"].drafts
    app.jinja_env.globals["draft_key"] = draft_key
    app.jinja_env.globals["session_clock"] = session_clock
    app.register_blueprint(bp)
    app.after_request(_end_sent_drafts)
