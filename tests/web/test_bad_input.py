"""Whatever an integrator or a crafted request sends, the answer is a 4xx that says what is
wrong, and nothing is stored: on SQLite and on PostgreSQL.

PostgreSQL refuses what SQLite takes silently (a NUL in text, an id past 2^31-1), so each
row of the table below runs against both. The rows are the malformed requests a fuzzer and
a security review send: ids out of range in the path and the body, NUL characters and lone
surrogates in any text, impossible date-times, JSON nested 50,000 deep, a body that is not
a JSON object or not JSON, the wrong content type, a body over the size limit, text over
its length limit; through the API and through the pages' forms.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.web.conftest import Contacts, Site
from tests.web.test_pages import page

BIG = 2**31
DEEP = b"[" * 50_000 + b"]" * 50_000
DEEP_OBJECT = b'{"a":' * 50_000 + b"1" + b"}" * 50_000
NUL = "Sm\x00ith"
LONE = "Kit\ud800"  # a lone surrogate: JSON may carry it (\ud800), UTF-8 cannot


def _received() -> str:
    return (datetime.now(UTC) - timedelta(minutes=5)).isoformat()


def intake(**changes: Any) -> dict[str, Any]:
    """A valid new contact (the API's body) with ``changes`` made to it."""
    body: dict[str, Any] = {"received_at": _received(), "source": "6",
                            "channel": "police_notification", "referrer": "PC Synthetic",
                            "concerns": "Synthetic: domestic incident",
                            "consent": "not_sought_risk",
                            "children": [{"first_name": "Kit", "last_name": "Example",
                                          "date_of_birth": "2016-03-04"}]}
    child = changes.pop("child", {})
    body["children"][0].update(child)
    return body | changes


def form(**changes: str) -> dict[str, str]:
    """The new-contact page's form, filled, with ``changes`` made to it."""
    return {"received_at": "2026-01-05T09:30", "source": "2A", "channel": "email",
            "referrer": "Ms Head", "concerns": "Synthetic concern", "consent": "given",
            "child-0-first_name": "Robin", "child-0-last_name": "Testwell",
            "child-0-date_of_birth": "2015-06-01"} | changes


_UNSET = object()


@dataclass(frozen=True)
class Bad:
    """One malformed request and what the answer must say."""

    name: str
    method: str
    path: str  # {contact} and {person}: a real contact and its child
    json: Any = _UNSET
    raw: bytes | None = None
    content_type: str = "application/json"
    form: dict[str, str] | None = None
    status: int = 422
    field: str | None = None  # the field the answer names
    words: str = ""  # words the answer holds
    who: str = "worker"
    headers: dict[str, str] = dataclasses.field(default_factory=dict)


def _rate(**changes: Any) -> dict[str, Any]:
    return {"rag": "amber", "reason": "Synthetic reason", "version": 1} | changes


API = "/api/v1"
C = f"{API}/contacts"
CASES = [
    # -- ids out of range, negative, not numbers: an unknown record -------------------------
    Bad("contact id 2^31", "GET", f"{C}/{BIG}", status=404),
    Bad("contact id 20 digits", "GET", f"{C}/99999999999999999999", status=404),
    Bad("contact id negative", "GET", f"{C}/-1", status=404),
    Bad("contact id not a number", "GET", f"{C}/abc", status=404),
    Bad("chronology id 2^31", "GET", f"{C}/{BIG}/chronology", status=404),
    Bad("casework id 2^31", "GET", f"{C}/{BIG}/casework", status=404),
    Bad("person id 2^31", "GET", f"{API}/people/{BIG}", status=404),
    Bad("person change id 2^31", "PATCH", f"{API}/people/{BIG}",
        json={"version": 1, "first_name": "Kit"}, status=404),
    Bad("meeting id 2^31", "GET", f"{API}/mash/meetings/{BIG}", status=404),
    Bad("action on contact 2^31", "POST", f"{C}/{BIG}/actions/rate", json=_rate(),
        status=404),
    Bad("answer to request 2^31", "POST", f"{API}/requests/{BIG}/answer",
        json={"answer": "Nothing known"}, status=404, who="partner"),
    Bad("record action on request 2^31", "POST",
        f"{API}/requests/{BIG}/actions/answer_request", json={"answer": "x"}, status=404,
        who="partner"),
    Bad("version 2^31 in the body", "POST", f"{C}/{{contact}}/actions/rate",
        json=_rate(version=BIG), field="version"),
    Bad("version negative", "POST", f"{C}/{{contact}}/actions/rate",
        json=_rate(version=-1), field="version"),
    Bad("version a word", "POST", f"{C}/{{contact}}/actions/rate",
        json=_rate(version="one"), field="version"),
    Bad("person_id 2^31 in a child", "POST", C, json=intake(child={"person_id": BIG}),
        field="children.0.person_id"),
    Bad("person_id a word", "POST", C, json=intake(child={"person_id": "seven"}),
        field="children.0.person_id"),
    Bad("relative_id 2^31", "POST", f"{API}/people/{{person}}/relationships",
        json={"kind": "mother", "relative_id": BIG}, field="relative_id"),
    Bad("queue limit 2^31", "GET", f"{C}?limit={BIG}", field="limit"),
    Bad("queue offset negative", "GET", f"{C}?offset=-1", field="offset"),
    Bad("a number past every column", "POST", C, json=intake(source=10**30), field="source"),
    # -- NUL characters and lone surrogates in any text ---------------------------------
    Bad("NUL in concerns", "POST", C, json=intake(concerns=NUL), field="concerns",
        words="NUL"),
    Bad("NUL in a child's name", "POST", C, json=intake(child={"first_name": NUL}),
        field="children.0.first_name", words="NUL"),
    Bad("NUL in the referrer", "POST", C, json=intake(referrer=NUL), field="referrer"),
    Bad("NUL in an NHS number", "POST", C, json=intake(child={"nhs_number": "943\x00"}),
        field="children.0.nhs_number"),
    Bad("NUL in a key", "POST", C, json=intake(**{"conc\x00erns": "x"}), field="_schema"),
    Bad("lone surrogate in concerns", "POST", C, json=intake(concerns=LONE),
        field="concerns", words="not valid text"),
    Bad("lone surrogate in a child's name", "POST", C,
        json=intake(child={"last_name": LONE}), field="children.0.last_name"),
    Bad("NUL in an action's reason", "POST", f"{C}/{{contact}}/actions/rate",
        json=_rate(reason=NUL), field="reason"),
    Bad("lone surrogate in an action's reason", "POST", f"{C}/{{contact}}/actions/rate",
        json=_rate(reason=LONE), field="reason"),
    Bad("NUL in a search", "POST", f"{API}/search", json={"q": NUL}, field="q"),
    Bad("lone surrogate in a search", "POST", f"{API}/search", json={"q": LONE}, field="q"),
    Bad("NUL in a match's name", "POST", f"{API}/children/matches",
        json={"first_name": NUL, "last_name": "Example"}, field="first_name"),
    Bad("NUL in a person's change", "PATCH", f"{API}/people/{{person}}",
        json={"version": 1, "first_name": NUL}, field="first_name"),
    Bad("NUL in a postcode", "POST", f"{API}/people/{{person}}/addresses",
        json={"line_1": "1 Row", "postcode": "WR1\x002AB"}, field="postcode"),
    Bad("NUL in a warning", "POST", f"{API}/people/{{person}}/warnings",
        json={"text": NUL}, field="text"),
    Bad("NUL in the queue's worker filter", "GET", f"{C}?worker=a%00b", field="worker"),
    Bad("NUL in a partner's answer", "POST", f"{API}/requests/1/answer",
        json={"answer": NUL}, field="answer", who="partner"),
    # -- impossible date-times -------------------------------------------------------------
    Bad("year 0", "POST", C, json=intake(received_at="0000-01-01T00:00:00Z"),
        field="received_at"),
    Bad("month 13", "POST", C, json=intake(received_at="2026-13-01T09:00:00Z"),
        field="received_at"),
    Bad("24:61", "POST", C, json=intake(received_at="2026-01-05T24:61:00Z"),
        field="received_at"),
    Bad("no UTC instant", "POST", C, json=intake(received_at="0001-01-01T00:00:00+14:00"),
        field="received_at"),
    Bad("a date-time as a number", "POST", C, json=intake(received_at=1e308),
        field="received_at"),
    Bad("31 February", "POST", C, json=intake(child={"date_of_birth": "2016-02-31"}),
        field="children.0.date_of_birth"),
    Bad("year 0 date of birth", "POST", f"{API}/search",
        json={"q": "Kit", "born_from": "0000-01-01"}, field="born_from"),
    Bad("moved in on 30 February", "POST", f"{API}/people/{{person}}/addresses",
        json={"line_1": "1 Row", "postcode": "WR1 2AB", "moved_in": "2024-02-30"},
        field="moved_in"),
    # -- bodies that are not a JSON object -------------------------------------------------
    Bad("JSON nested 50,000 deep", "POST", C, raw=DEEP, status=400, words="nests deeper"),
    Bad("objects nested 50,000 deep", "POST", f"{C}/{{contact}}/actions/rate",
        raw=DEEP_OBJECT, status=400, words="nests deeper"),
    Bad("a body nested 40 deep", "POST", f"{API}/search",
        raw=b'{"q":' + b"[" * 40 + b"]" * 40 + b"}", status=400, words="nests deeper"),
    Bad("a JSON array", "POST", C, json=[intake()], status=400, words="JSON object"),
    Bad("a JSON string", "POST", f"{C}/{{contact}}/actions/rate", json="rate it",
        status=400, words="JSON object"),
    Bad("JSON null", "POST", f"{API}/search", raw=b"null", status=400, words="JSON object"),
    Bad("a JSON number", "PATCH", f"{API}/people/{{person}}", raw=b"7", status=400),
    Bad("JSON cut short", "POST", C, raw=b'{"concerns": "x', status=400),
    Bad("not UTF-8", "POST", C, raw=b'{"concerns": "\xff\xfe"}', status=400),
    Bad("NaN for the version", "POST", f"{C}/{{contact}}/actions/rate",
        raw=b'{"rag": "amber", "reason": "x", "version": NaN}', field="version"),
    Bad("Infinity for a number", "POST", C, raw=json.dumps(intake()).encode()[:-1]
        + b', "extra": Infinity}', field="extra"),
    Bad("a 5,000-digit number", "POST", f"{C}/{{contact}}/actions/rate",
        raw=b'{"version": ' + b"9" * 5000 + b"}", status=400),
    Bad("form-encoded to the API", "POST", C, raw=b"concerns=x&source=6",
        content_type="application/x-www-form-urlencoded", status=415, words="JSON"),
    Bad("plain text to the API", "POST", f"{API}/search", raw=b'{"q": "Kit"}',
        content_type="text/plain", status=415, words="JSON"),
    Bad("a body over the size limit", "POST", C,
        raw=json.dumps(intake(concerns="x" * 1_100_000)).encode(), status=413),
    # -- over-long text --------------------------------------------------------------------
    Bad("concerns over 10,000 characters", "POST", C, json=intake(concerns="x" * 10_001),
        field="concerns"),
    Bad("a first name over 80 characters", "POST", C,
        json=intake(child={"first_name": "K" * 81}), field="children.0.first_name"),
    Bad("a search over 200 characters", "POST", f"{API}/search", json={"q": "K" * 201},
        field="q"),
    Bad("a warning over its limit", "POST", f"{API}/people/{{person}}/warnings",
        json={"text": "w" * 20_000}, field="text"),
    # -- the pages' forms --------------------------------------------------------------------
    Bad("page: contact id 2^31", "GET", f"/contacts/{BIG}", status=404),
    Bad("page: person id 2^31", "GET", f"/people/{BIG}", status=404),
    Bad("page: chronology id 2^31", "GET", f"/children/{BIG}/chronology", status=404),
    Bad("page: meeting id 2^31", "GET", f"/mash/meetings/{BIG}", status=404),
    Bad("page: user id 2^31", "GET", f"/admin/users/{BIG}", status=404, who="admin"),
    Bad("page: access to contact 2^31", "POST", f"/access/contacts/{BIG}",
        form={"reason": "Covering for a colleague on leave today"}, status=404),
    Bad("page: NUL in concerns", "POST", "/contacts/new", form=form(concerns=NUL),
        field="concerns", words="NUL"),
    Bad("page: NUL in a child's name", "POST", "/contacts/new",
        form=form(**{"child-0-first_name": NUL}), field="child-0-first_name"),
    Bad("page: month 13", "POST", "/contacts/new", form=form(received_at="2026-13-05T09:30"),
        words="real date and time"),
    Bad("page: year 0", "POST", "/contacts/new", form=form(received_at="0000-01-05T09:30"),
        words="real date and time"),
    Bad("page: NUL in a search", "POST", "/search", form={"q": NUL}, field="q"),
    Bad("page: NUL in an action's reason", "POST", "/contacts/{contact}/actions/rate",
        form={"rag": "amber", "reason": NUL, "version": "1"}, field="reason"),
    Bad("page: NUL in a sign-in name", "POST", "/sign-in",
        form={"username": "fd.\x00worker", "password": "x"}, field="username",
        who="anonymous"),
    Bad("page: NUL in a new user's name", "POST", "/admin/users/new",
        form={"username": "new\x00user", "display_name": "New", "role": "social_worker"},
        field="username", who="admin"),
    Bad("page: NUL in the queue's filter", "GET", "/queue?worker=a%00b", field="worker"),
    Bad("page: a form over the size limit", "POST", "/contacts/new",
        form=form(concerns="x" * 1_100_000), status=413, words="too large"),
]


def _path(case: Bad, contact_id: int, person_id: int) -> str:
    return case.path.replace("{contact}", str(contact_id)).replace("{person}", str(person_id))


def send(site: Site, case: Bad, contact_id: int, person_id: int) -> Any:
    """The case's request, as its person, with a valid CSRF token."""
    who = site.browser(case.who) if case.who != "anonymous" else site.anonymous()
    path = _path(case, contact_id, person_id)
    headers = {"X-CSRFToken": who.csrf(), **case.headers}
    if case.form is not None:
        return who.post(path, case.form)
    if case.raw is not None:
        return who.client.open(path, method=case.method, data=case.raw,
                               content_type=case.content_type, headers=headers)
    if case.json is _UNSET:
        return who.client.open(path, method=case.method)
    return who.client.open(path, method=case.method, data=json.dumps(case.json),
                           content_type=case.content_type, headers=headers)


def _said(case: Bad, response: Any) -> str:
    """What the answer says, for the assertions (the API's JSON or the page's text)."""
    if case.path.startswith("/api/"):
        body = response.get_json()
        assert isinstance(body, dict) and body.get("message"), response.get_data(as_text=True)
        if case.field:
            assert case.field in body.get("errors", {}), body
        return json.dumps(body, ensure_ascii=False)
    text = page(response)
    if case.field:
        assert case.field in text, text[:2000]
    return text


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_a_malformed_request_is_a_4xx_that_says_what_is_wrong_and_stores_nothing(
        case: Bad, site: Site) -> None:
    contacts = Contacts(site.app)
    contact_id = contacts.one("Kit", "Known")
    person_id = contacts.child_of(contact_id)
    before = site.counts()

    response = send(site, case, contact_id, person_id)

    assert response.status_code == case.status, response.get_data(as_text=True)[:600]
    assert case.words in _said(case, response)
    assert site.counts() == before, "a refused request wrote rows"


def test_the_table_covers_what_a_fuzzer_and_a_review_send() -> None:
    """Sixty and more malformed requests, through the API and the forms alike."""
    assert len(CASES) >= 60
    assert sum(not c.path.startswith("/api/") for c in CASES) >= 15


def test_a_database_refusal_logs_its_type_and_never_the_childs_details(
        site: Site, caplog: pytest.LogCaptureFixture) -> None:
    """A row the database refuses (here a person stored twice under one id) is logged by
    the type of the error only. Its message cannot be trusted: the engine hides the bound
    parameters, but PostgreSQL's own DETAIL ("Failing row contains (…)") still quotes the
    child's name, date of birth and NHS number, so no log line may carry the message."""
    import logging

    from sqlalchemy import insert
    from sqlalchemy.exc import IntegrityError

    from web.logs import JsonFormatter
    from workflow.persistence.tables_people import PersonRow

    person_id = Contacts(site.app).child_of(Contacts(site.app).one("Kit", "Known"))
    row = {"id": person_id, "first_name": "Zebedina", "last_name": "Quarrington",
           "date_of_birth": datetime(2016, 7, 9).date(), "nhs_number": "4010232137"}
    with pytest.raises(IntegrityError) as refused, site.store.engine.begin() as conn:
        conn.execute(insert(PersonRow).values(**row))
    with caplog.at_level(logging.ERROR):
        logging.getLogger("web.app").error("Unhandled", exc_info=refused.value)
    line = JsonFormatter().format(caplog.records[-1])

    assert "SQL parameters hidden" in str(refused.value)
    assert "IntegrityError" in line
    for secret in ("Zebedina", "Quarrington", "2016-07-09", "4010232137"):
        assert secret not in line
