"""The people pages as the front door uses them: the header's search box, its results, a
child's page and its edit form, and what the contact page shows of the child.

What a worker and an auditor would notice: a name never travels in a URL (the box posts);
every child a search shows is in the access log (DOMAIN.md §6), with no name in the log;
a bad UPN is shown at its own box with everything typed kept and nothing stored; an edit
made on an out-of-date page is refused with a message that says what happened to which
record; a partner or an administrator cannot read or change a child's record; a warning
for staff and the child's family are on every contact about the child; and the reasons a
UPN is unknown are offered as the DfE describes them, so the code chosen means what the
worker meant.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.web.conftest import Browser, Contacts, all_counts, text_of
from tests.web.test_one_command_path import error_summary, field_error
from workflow.people.codes import load_code_lists
from workflow.persistence.tables import AccessLogRow, ContactRow
from workflow.persistence.tables_people import PersonChangeRow, PersonRow

BAD_UPN = "N909123400011"  # the check letter of 909123400011 is M (149 = 6x23 + 11)


def page(response: Any) -> str:
    return html.unescape(text_of(response))


def person_of(db: Callable[[], Session], contact_id: int) -> int:
    with db() as session:
        found = session.scalar(select(ContactRow.child_id).where(ContactRow.id == contact_id))
    assert found is not None
    return int(found)


def logged(db: Callable[[], Session], route: str) -> list[tuple[str, int | None, str]]:
    with db() as session:
        rows = session.scalars(select(AccessLogRow).where(AccessLogRow.route == route)
                               .order_by(AccessLogRow.id)).all()
    return [(r.username, r.child_id, r.outcome) for r in rows]


def details_form(body: str) -> str:
    """The person page's "Change the record" form."""
    found = re.search(
        r'<details (?=[^>]*id="edit-details")[^>]*class="govuk-details app-action".*?</details>',
        body, re.S)
    assert found, "the page has no edit form"
    return found.group(0)


def input_value(block: str, name: str) -> str:
    found = re.search(rf'<input[^>]*\sname="{re.escape(name)}" type="text"[^>]*>', block)
    assert found, f"no text box {name}"
    value = re.search(r'\svalue="([^"]*)"', found.group(0))
    return html.unescape(value.group(1)) if value else ""


# -- the search box ---------------------------------------------------------------------------

def test_the_header_search_box_posts_its_words_and_never_puts_them_in_the_url(
        signed_in: Callable[[str], Browser]) -> None:
    body = text_of(signed_in("worker").get("/queue"))

    header = re.search(r'<form class="app-header-search"[^>]*>.*?</form>', body, re.S)
    assert header, "the header has no search box"
    assert 'method="post" action="/search"' in header.group(0)
    assert 'name="csrf_token"' in header.group(0) and 'name="q"' in header.group(0)
    assert not re.search(r'<form[^>]*method="get"[^>]*>(?:(?!</form>).)*name="q"', body, re.S)


def test_a_name_in_the_address_bar_is_not_searched_for_and_nobody_is_shown(
        signed_in: Callable[[str], Browser], contacts: Contacts,
        db: Callable[[], Session]) -> None:
    contacts.one("Robin", "Smith")

    response = signed_in("worker").get("/search?q=Robin+Smith")

    assert response.status_code == 200
    assert "Robin Smith" not in page(response) and "found" not in page(response)
    assert logged(db, "/search") == []


def test_the_results_list_the_children_found_and_the_log_names_each_one_shown(
        signed_in: Callable[[str], Browser], contacts: Contacts,
        db: Callable[[], Session]) -> None:
    robin = person_of(db, contacts.one("Robin", "Smith"))
    robyn = person_of(db, contacts.one("Robyn", "Smyth"))
    contacts.one("Ash", "Sample")

    response = signed_in("worker").post("/search", {"q": "Smith"})

    body = page(response)
    assert response.status_code == 200
    assert "2 children found" in body
    assert f'href="/people/{robin}">Robin Smith</a>' in body
    assert f'href="/people/{robyn}">Robyn Smyth</a>' in body
    assert "Ash Sample" not in body
    assert sorted(logged(db, "/search")) == sorted([
        ("fd.worker", robin, "viewed"), ("fd.worker", robyn, "viewed")])
    with db() as session:
        routes = session.scalars(select(AccessLogRow.route)).all()
    assert not any("Smith" in route for route in routes)


def test_a_search_that_finds_nobody_says_so_and_logs_nobody(
        signed_in: Callable[[str], Browser], contacts: Contacts,
        db: Callable[[], Session]) -> None:
    contacts.one("Robin", "Smith")

    response = signed_in("worker").post("/search", {"q": "Quenbie"})

    assert response.status_code == 200
    assert "0 children found" in page(response) and "Nobody matches" in page(response)
    assert logged(db, "/search") == []


@pytest.mark.parametrize(("form", "field", "words"), [
    ({"q": "Smith", "born_from": "01/01/2016", "born_to": "01/01/2015"}, "born_to",
     "before its start"),
    ({"q": "Smith " * 40}, "q", "no more than 200 characters"),
    ({"q": "Smith", "born_from": "31/02/2015"}, "born_from", "dd/mm/yyyy"),
    ({"q": "   "}, "q", "Enter a name"),
])
def test_a_search_no_box_can_run_is_refused_at_its_box_with_the_words_kept(
        signed_in: Callable[[str], Browser], contacts: Contacts, db: Callable[[], Session],
        form: dict[str, str], field: str, words: str) -> None:
    contacts.one("Robin", "Smith")

    response = signed_in("worker").post("/search", form)

    assert response.status_code == 422
    body = page(response)
    assert words in error_summary(body)[field]
    assert words in field_error(body, field)
    assert "children found" not in body
    assert logged(db, "/search") == []
    if field == "born_to":
        assert input_value(body, "born_from") == "01/01/2016"
        assert input_value(body, "born_to") == "01/01/2015"


def test_the_api_refuses_a_range_the_wrong_way_round_at_its_field(
        signed_in: Callable[[str], Browser], contacts: Contacts) -> None:
    contacts.one("Robin", "Smith")

    response = signed_in("worker").api("POST", "/api/v1/search", {
        "q": "Smith", "born_from": "2016-01-01", "born_to": "2015-01-01"})

    assert response.status_code == 422
    assert "before its start" in response.get_json()["errors"]["born_to"][0]


# -- a child's page and its edit form ---------------------------------------------------------

def test_a_bad_upn_is_refused_at_its_box_with_every_typed_value_kept_and_nothing_stored(
        signed_in: Callable[[str], Browser], contacts: Contacts,
        db: Callable[[], Session]) -> None:
    person = person_of(db, contacts.one("Robin", "Smith"))
    with db() as session:
        before = all_counts(session) | {"access_log": 0}

    response = signed_in("worker").post(f"/people/{person}/details", {
        "version": "1", "upn": BAD_UPN.lower(), "school": "Synthetic Primary",
        "preferred_name": "Robbie"})

    assert response.status_code == 422
    form = details_form(page(response))
    assert re.search(r'<details id="edit-details"[^>]*\sopen>', page(response))
    assert field_error(form, "upn") == "The check letter should be M"
    assert (input_value(form, "upn"), input_value(form, "school"),
            input_value(form, "preferred_name")) == (BAD_UPN.lower(), "Synthetic Primary",
                                                     "Robbie")
    with db() as session:
        assert all_counts(session) | {"access_log": 0} == before
        row = session.get(PersonRow, person)
        assert row is not None and (row.upn, row.school, row.version) == (None, "", 1)


def test_an_edit_made_on_an_out_of_date_page_is_refused_and_says_which_record(
        signed_in: Callable[[str], Browser], contacts: Contacts,
        db: Callable[[], Session]) -> None:
    person = person_of(db, contacts.one("Robin", "Smith"))
    first, second = signed_in("worker"), signed_in("chair")
    assert 'name="version" value="1"' in text_of(first.get(f"/people/{person}"))
    assert 'name="version" value="1"' in text_of(second.get(f"/people/{person}"))
    saved = second.post(f"/people/{person}/details", {"version": "1", "school": "Synthetic "
                                                                                "Academy"})
    assert saved.status_code == 302

    response = first.post(f"/people/{person}/details", {"version": "1",
                                                        "school": "Synthetic Primary"})

    assert response.status_code == 409
    body = page(response)
    box = re.search(r'<div class="govuk-error-summary".*?</div>\s*</div>\s*</div>', body, re.S)
    assert box and "Someone else changed this record since you opened it" in box.group(0)
    assert "contact" not in box.group(0)  # it is the person's record, not a contact
    assert input_value(details_form(body), "school") == "Synthetic Primary"
    with db() as session:
        row = session.get(PersonRow, person)
        assert row is not None and (row.school, row.version) == ("Synthetic Academy", 2)
        changes = session.scalars(select(PersonChangeRow.new).where(
            PersonChangeRow.person_id == person, PersonChangeRow.field == "school")).all()
    assert changes == ["Synthetic Academy"]


def test_the_api_says_whose_record_changed_when_an_edit_is_stale(
        signed_in: Callable[[str], Browser], contacts: Contacts,
        db: Callable[[], Session]) -> None:
    person = person_of(db, contacts.one("Robin", "Smith"))
    worker = signed_in("worker")
    url = f"/api/v1/people/{person}"
    assert worker.api("PATCH", url, {"version": 1, "school": "Synthetic"}).status_code == 200

    stale = worker.api("PATCH", url, {"version": 1, "school": "Other"})

    assert stale.status_code == 409
    message = stale.get_json()["message"]
    assert f"the record of person {person}" in message and "contact" not in message


def test_a_saved_change_shows_in_the_history_with_who_and_why(
        signed_in: Callable[[str], Browser], contacts: Contacts,
        db: Callable[[], Session]) -> None:
    person = person_of(db, contacts.one("Robin", "Smith"))
    worker = signed_in("worker")
    worker.post(f"/people/{person}/details", {"version": "1", "school": "Synthetic Primary"})

    refused = worker.post(f"/people/{person}/details", {"version": "2",
                                                        "school": "Synthetic Academy"})
    assert refused.status_code == 422
    assert "Say why school is changed" in field_error(details_form(page(refused)), "reason")
    worker.post(f"/people/{person}/details", {"version": "2", "school": "Synthetic Academy",
                                              "reason": "Moved school in January"})

    body = page(worker.get(f"/people/{person}"))
    assert "Synthetic Academy" in body and "Moved school in January" in body


def test_the_reasons_a_upn_is_unknown_are_offered_as_the_dfe_describes_them(
        signed_in: Callable[[str], Browser], contacts: Contacts,
        db: Callable[[], Session]) -> None:
    person = person_of(db, contacts.one("Robin", "Smith"))
    book = load_code_lists()

    body = page(signed_in("worker").get(f"/people/{person}"))

    select_box = re.search(r'<select[^>]*name="upn_unknown".*?</select>', body, re.S)
    assert select_box
    offered = dict(re.findall(r'<option value="(UN\d+)"[^>]*>([^<]*)</option>',
                              select_box.group(0)))
    assert sorted(offered) == [f"UN{n}" for n in range(1, 8)]
    for code, label in offered.items():
        assert book.label("upn_unknown", code, "2025-26") in label, code


# -- who may see and change a child's record -------------------------------------------------

@pytest.mark.parametrize("who", ["partner", "admin"])
def test_a_partner_or_an_administrator_cannot_search_read_or_change_a_childs_record(
        signed_in: Callable[[str], Browser], contacts: Contacts, db: Callable[[], Session],
        who: str) -> None:
    person = person_of(db, contacts.one("Robin", "Smith"))
    browser = signed_in(who)
    with db() as session:
        before = {k: v for k, v in all_counts(session).items() if k != "access_log"}

    answers = [browser.get("/search").status_code,
               browser.post("/search", {"q": "Robin Smith"}).status_code,
               browser.get(f"/people/{person}").status_code,
               browser.post(f"/people/{person}/details",
                            {"version": "1", "school": "Synthetic"}).status_code,
               browser.post(f"/people/{person}/warnings", {"text": "Synthetic"}).status_code,
               browser.api("POST", "/api/v1/search", {"q": "Robin Smith"}).status_code]

    assert answers == [403] * len(answers)
    with db() as session:
        assert {k: v for k, v in all_counts(session).items() if k != "access_log"} == before
        shown = session.scalars(select(AccessLogRow).where(
            AccessLogRow.child_id == person, AccessLogRow.outcome == "viewed")).all()
    assert [r.username for r in shown] == []


# -- what the contact page shows of the child ---------------------------------------------------

def test_the_contact_page_shows_the_childs_warnings_and_family(
        signed_in: Callable[[str], Browser], contacts: Contacts,
        db: Callable[[], Session]) -> None:
    first, second = (int(m["id"]) for m in contacts.record(("Robin", "Smith"),
                                                           ("Sam", "Smith")))
    robin, sam = person_of(db, first), person_of(db, second)
    worker = signed_in("worker")
    warned = worker.post(f"/people/{robin}/warnings",
                         {"text": "Synthetic: large dog at the address"})
    assert warned.status_code == 302

    body = page(worker.get(f"/contacts/{first}"))

    banner = re.search(r'id="staff-warnings".*?</div>', body, re.S)
    assert banner and "Synthetic: large dog at the address" in banner.group(0)
    family = re.search(r'id="family">.*?</dd>', body, re.S)
    assert family and f'href="/people/{sam}">Sam Smith</a> (sibling' in family.group(0)
    other = page(worker.get(f"/contacts/{second}"))
    assert "Synthetic: large dog at the address" not in other
    assert f'href="/people/{robin}">Robin Smith</a> (sibling' in other


def whole_form(block: str) -> dict[str, Any]:
    """Every field of a form as a browser submits it (text, hidden, selected, ticked)."""
    fields: dict[str, Any] = {}
    for name, value in re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', block):
        if name != "disabilities":
            fields[name] = html.unescape(value)
    for name, options in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', block,
                                    re.S):
        chosen = re.search(r'<option value="([^"]*)"\s*selected', options)
        fields[name] = chosen.group(1) if chosen else ""
    fields["disabilities"] = re.findall(r'name="disabilities" type="checkbox" value="([^"]+)"'
                                        r' checked', block)
    fields.pop("csrf_token", None)
    return fields


def test_saving_again_after_a_conflict_keeps_the_other_persons_change(
        signed_in: Callable[[str], Browser], contacts: Contacts,
        db: Callable[[], Session]) -> None:
    person = person_of(db, contacts.one("Robin", "Smith"))
    first, second = signed_in("worker"), signed_in("chair")
    mine = whole_form(details_form(page(first.get(f"/people/{person}"))))
    theirs = whole_form(details_form(page(second.get(f"/people/{person}"))))
    assert second.post(f"/people/{person}/details",
                       theirs | {"school": "Synthetic Academy"}).status_code == 302

    refused = first.post(f"/people/{person}/details", mine | {"first_language": "Welsh"})
    assert refused.status_code == 409
    again = whole_form(details_form(page(refused)))
    assert again["school"] == "Synthetic Academy"  # the record as it is now
    assert again["first_language"] == "Welsh"  # what this person typed, kept
    saved = first.post(f"/people/{person}/details", again)

    assert saved.status_code == 302
    with db() as session:
        row = session.get(PersonRow, person)
        assert row is not None
        assert (row.school, row.first_language) == ("Synthetic Academy", "Welsh")
