"""The pages people use: My work, recording a contact, the contact page, allocation.

Each test reads the HTML the way a person reads the screen (what is listed, in which
order, which badges and messages show) and checks the database only to prove that
something was, or was not, written.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import Flask
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from tests.web.conftest import PEOPLE, Browser, Contacts, all_counts, store_of, text_of
from web.views import when
from workflow.engine.registry import actions
from workflow.persistence.tables import AccessLogRow, ClockRow, ContactRow, EventRow
from workflow.roles import Role
from workflow.stages import STAGES, Stage

# -- reading pages -------------------------------------------------------------------------


def page(response: Any) -> str:
    """The HTML with entities decoded (so "child 1's" reads as typed)."""
    return html.unescape(text_of(response))


def queue_refs(response: Any) -> list[str]:
    """Contact references in the order My work lists them."""
    return re.findall(r'<a class="govuk-link" href="/contacts/\d+">(FD\d{7})</a>',
                      text_of(response))


def queue_row(response: Any, reference: str) -> str:
    """The HTML of one row of the queue table."""
    rows = re.findall(r'<tr class="govuk-table__row">(.*?)</tr>', text_of(response), re.S)
    [row] = [r for r in rows if f">{reference}<" in r]
    return row


def error_summary(response: Any) -> dict[str, str]:
    """The GOV.UK error summary as {link target: message}; {} when there is none."""
    body = page(response)
    box = re.search(r'<div class="govuk-error-summary".*?</ul>', body, re.S)
    if not box:
        return {}
    return {href: text.strip() for href, text in
            re.findall(r'<a href="#([^"]+)">(.*?)</a>', box.group(0), re.S)}


def stage_tag(body: str) -> str:
    """The stage shown in the tag beside the child's name in the heading."""
    found = re.search(r'<h1 class="govuk-heading-l">.*?<strong class="govuk-tag">(.*?)</strong>',
                      body, re.S)
    assert found, "the heading has no stage tag"
    return " ".join(found.group(1).split())


def offered_actions(response: Any) -> set[str]:
    """The triggers whose forms the contact page offers."""
    return set(re.findall(
        r'<details (?=[^>]*class="govuk-details app-action")[^>]*id="action-(\w+)"',
        text_of(response)))


def hidden_version(response: Any) -> int:
    """The contact version the page's forms will send back."""
    return int(re.findall(r'name="version" value="(\d+)"', text_of(response))[0])


def ref(contact_id: int) -> str:
    return f"FD{contact_id:07d}"


# -- My work -------------------------------------------------------------------------------

def test_my_work_lists_the_soonest_due_first_whatever_order_contacts_arrived(
        signed_in: Callable[[str], Browser], contacts: Contacts) -> None:
    newest = contacts.one("Nia", "Newest", ago=timedelta(minutes=10))
    middle = contacts.one("Mo", "Middle", ago=timedelta(days=8))
    oldest = contacts.one("Ola", "Oldest", ago=timedelta(days=20))

    refs = queue_refs(signed_in("worker").get("/queue"))

    assert refs == [ref(oldest), ref(middle), ref(newest)]


def test_my_work_shows_rag_and_overdue_badges_in_words(
        signed_in: Callable[[str], Browser], contacts: Contacts) -> None:
    late = contacts.one("Lee", "Late", ago=timedelta(days=10))
    rated = contacts.at(Stage.SCREENING, "Rae", "Rated", ago=timedelta(minutes=10))
    contacts.fire(rated, "rate", variant="red")

    response = signed_in("worker").get("/queue")

    late_row, rated_row = queue_row(response, ref(late)), queue_row(response, ref(rated))
    assert "Overdue" in late_row and "app-overdue-tag" in late_row
    assert "Overdue" not in rated_row
    assert re.search(r'app-rag--red"><span class="govuk-visually-hidden">RAG rating: </span>'
                     r'Red</strong>', rated_row)
    assert "Not rated" in late_row


def test_my_work_filters_by_stage_rag_overdue_and_worker(
        signed_in: Callable[[str], Browser], contacts: Contacts) -> None:
    received = contacts.one("Rob", "Received", ago=timedelta(days=10))
    red = contacts.at(Stage.SCREENING, "Ruby", "Red", ago=timedelta(minutes=10))
    contacts.fire(red, "rate", variant="red")
    allocated = contacts.at(Stage.SCREENING, "Al", "Located", ago=timedelta(minutes=10))
    contacts.fire(allocated, "allocate", who="manager")  # to social.worker
    worker = signed_in("worker")

    assert set(queue_refs(worker.get("/queue?stage=received"))) == {ref(received)}
    assert set(queue_refs(worker.get("/queue?stage=screening"))) == {ref(red), ref(allocated)}
    assert queue_refs(worker.get("/queue?rag=red")) == [ref(red)]
    assert queue_refs(worker.get("/queue?overdue=yes")) == [ref(received)]
    assert queue_refs(worker.get("/queue?worker=social.worker")) == [ref(allocated)]
    assert queue_refs(worker.get("/queue?stage=screening&rag=red")) == [ref(red)]


def test_a_social_worker_sees_only_their_own_contacts_by_default(
        signed_in: Callable[[str], Browser], contacts: Contacts) -> None:
    contacts.one("Un", "Allocated")
    mine = contacts.at(Stage.SCREENING, "Al", "Located")
    contacts.fire(mine, "allocate", who="manager")

    assert queue_refs(signed_in("social_worker").get("/queue")) == [ref(mine)]


def test_a_bogus_filter_shows_an_error_message_not_a_server_error(
        signed_in: Callable[[str], Browser], contacts: Contacts) -> None:
    contact_id = contacts.one()
    worker = signed_in("worker")

    response = worker.get("/queue?stage=nonsense&rag=purple&page=-3")

    assert response.status_code == 200
    assert error_summary(response) == {"stage": "Choose a stage from the list",
                                       "rag": "Choose red, amber or green"}
    assert queue_refs(response) == [ref(contact_id)]  # the bad filters were ignored


def test_my_work_counts_contacts_per_stage(
        signed_in: Callable[[str], Browser], contacts: Contacts) -> None:
    contacts.one("A", "One")
    contacts.one("B", "Two")
    contacts.at(Stage.SCREENING, "C", "Three")
    contacts.at(Stage.CLOSED, "D", "Four")

    body = page(signed_in("worker").get("/queue"))

    assert stage_counts(body) == {"Received": 2, "Screening": 1}  # closed ones are not work


def stage_counts(body: str) -> dict[str, int]:
    """The "Contacts per stage" box as {stage title: count}, read as words on the screen."""
    box = body[body.index("Contacts per stage"):]
    words = re.sub(r"<[^>]+>", " ", box[:box.index("</div>")])
    found = {spec.title: re.search(rf"{re.escape(spec.title)}\s*:?\s*(\d+)", words)
             for spec in STAGES.values()}
    return {title: int(m.group(1)) for title, m in found.items() if m}


# -- recording a new contact ---------------------------------------------------------------

NEW = {"received_at": "2026-01-05T09:30", "source": "2A", "channel": "email",
       "referrer": "Ms Head, Synthetic Primary", "concerns": "Bruising seen on both arms",
       "consent": "given", "child-0-first_name": "Robin", "child-0-last_name": "Testwell",
       "child-0-date_of_birth": "2015-06-01",
       # Received months before today: confirmed as right (the question is asked in
       # test_unusual_values_asked.py).
       "confirmed": "received_at"}
SIBLING = {"child-1-first_name": "Rowan", "child-1-last_name": "Testwell",
           "child-1-date_of_birth": "2018-09-12"}


def test_two_siblings_make_two_contacts_sharing_an_intake_each_linking_the_other(
        signed_in: Callable[[str], Browser], db: Callable[[], Session]) -> None:
    worker = signed_in("worker")

    response = worker.post("/contacts/new", NEW | SIBLING)

    with db() as session:
        made = session.scalars(select(ContactRow).order_by(ContactRow.id)).all()
    assert len(made) == 2
    first, second = made
    assert first.intake and first.intake == second.intake
    assert response.headers["Location"] == f"/contacts/{first.id}"
    landing = page(worker.get(f"/contacts/{first.id}"))
    assert f"Recorded 2 contacts: {ref(first.id)}, {ref(second.id)}" in landing
    assert "Robin Testwell" in landing
    assert f'<a class="govuk-link" href="/contacts/{second.id}">{ref(second.id)}</a>' in landing
    other = page(worker.get(f"/contacts/{second.id}"))
    assert "Rowan Testwell" in other and "12 September 2018" in other
    assert f'<a class="govuk-link" href="/contacts/{first.id}">{ref(first.id)}</a>' in other


def _refused(worker: Browser, db: Callable[[], Session], form: dict[str, str]
             ) -> tuple[Any, dict[str, str]]:
    with db() as session:
        before = all_counts(session)
    response = worker.post("/contacts/new", form)
    with db() as session:
        assert all_counts(session) == before, "a refused contact wrote rows"
    assert response.status_code == 422
    assert "<title>Error: Record a new contact – Front Door</title>" in text_of(response)
    return response, error_summary(response)


def _kept(response: Any, form: dict[str, str]) -> None:
    """Every typed value is back in the form (text inputs, textarea, select, radios)."""
    body = page(response)
    for name, value in form.items():
        if not value:
            continue
        if name == "concerns":
            assert f">{value}</textarea>" in body
        elif name in ("source", "channel"):
            assert re.search(rf'<option value="{re.escape(value)}" selected>', body), name
        elif name == "consent":
            assert re.search(rf'id="consent-{value}" name="consent" type="radio" '
                             rf'value="{value}" checked', body)
        else:
            assert f'name="{name}" type=' in body and f'value="{value}"' in body, name


def test_a_contact_without_a_source_is_refused_with_the_field_named_and_input_kept(
        signed_in: Callable[[str], Browser], db: Callable[[], Session]) -> None:
    form = NEW | {"source": ""}

    response, errors = _refused(signed_in("worker"), db, form)

    assert list(errors) == ["source"]
    assert "referral source" in errors["source"].lower()
    _kept(response, form)


def test_a_child_without_a_last_name_is_refused(
        signed_in: Callable[[str], Browser], db: Callable[[], Session]) -> None:
    form = NEW | {"child-0-last_name": ""}

    response, errors = _refused(signed_in("worker"), db, form)

    assert errors == {"child-0-first_name": "Enter child 1's first and last name"}
    _kept(response, form)


def test_a_contact_with_no_child_at_all_is_refused(
        signed_in: Callable[[str], Browser], db: Callable[[], Session]) -> None:
    form = NEW | {"child-0-first_name": "", "child-0-last_name": "",
                  "child-0-date_of_birth": ""}

    _response, errors = _refused(signed_in("worker"), db, form)

    assert errors == {"children": "Add between one and six children"}


def test_an_impossible_date_of_birth_is_refused(
        signed_in: Callable[[str], Browser], db: Callable[[], Session]) -> None:
    form = NEW | {"child-0-date_of_birth": "2015-02-30"}

    response, errors = _refused(signed_in("worker"), db, form)

    assert errors == {"child-0-date_of_birth": "Enter child 1's date of birth as a real date"}
    _kept(response, form)


def test_empty_concerns_are_refused_with_a_message_that_says_what_to_do(
        signed_in: Callable[[str], Browser], db: Callable[[], Session]) -> None:
    form = NEW | {"concerns": ""}

    response, errors = _refused(signed_in("worker"), db, form)

    assert errors == {"concerns": "Describe the concerns (up to 10,000 characters)"}
    _kept(response, form)


def test_every_problem_with_a_contact_is_listed_at_once_each_linking_to_its_field(
        signed_in: Callable[[str], Browser], db: Callable[[], Session]) -> None:
    form = NEW | {"source": "", "concerns": "", "child-0-date_of_birth": "2015-13-01",
                  "child-1-first_name": "Rowan"}

    response, errors = _refused(signed_in("worker"), db, form)

    assert set(errors) == {"source", "concerns", "child-0-date_of_birth",
                           "child-1-first_name"}
    for message in errors.values():
        assert "Missing data" not in message  # marshmallow's words are not for people
    for target in errors:
        assert f'id="{target}"' in text_of(response), f"#{target} links to nothing"


def test_the_summary_link_for_no_children_leads_to_the_children_fields(
        signed_in: Callable[[str], Browser], db: Callable[[], Session]) -> None:
    form = NEW | {"child-0-first_name": "", "child-0-last_name": "",
                  "child-0-date_of_birth": ""}

    response, errors = _refused(signed_in("worker"), db, form)

    assert list(errors) == ["children"]
    assert 'id="children"' in text_of(response)


# -- the contact page ----------------------------------------------------------------------

def test_the_contact_page_shows_every_clock_with_due_date_status_and_how_it_is_counted(
        app: Flask, signed_in: Callable[[str], Browser], contacts: Contacts,
        db: Callable[[], Session]) -> None:
    contact_id = contacts.at(Stage.ASSESSMENT)
    rules = app.extensions["rules"]
    with db() as session:
        # In the page's order: by when each clock counts from (the acknowledgement to
        # the referrer from receipt, though the referral started it).
        clocks = session.scalars(select(ClockRow).where(
            ClockRow.contact_id == contact_id).order_by(ClockRow.started_at, ClockRow.id)).all()
    assert len(clocks) >= 5  # decision, MASH, assessment (both countings), child seen…

    body = page(signed_in("social_worker").get(f"/contacts/{contact_id}"))

    rows = re.findall(r'<tr class="govuk-table__row">\s*<td class="govuk-table__cell">'
                      r'(.*?)</tr>', body, re.S)
    assert len(rows) == len(clocks)
    for clock, row in zip(clocks, rows, strict=True):
        rule = rules.timescales.rule(clock.rule, rules.calendar.local_date(clock.started_at))
        assert rule.title in row
        assert when(clock.due_at) in row
        assert rule.describe_counting() in row
        if clock.stopped_at is None:
            assert re.search(r"(left|late)</", row), row
        else:
            assert re.search(r"(Met|Met late|Not met|Not needed: the contact moved on|"
                             r"Replaced by a new rating|Stopped) \(",
                             row), row


def _clock_rows(body: str) -> list[str]:
    return re.findall(r'<tr class="govuk-table__row">\s*<td class="govuk-table__cell">'
                      r'(.*?)</tr>', body, re.S)


def _status_of(app: Flask, body: str, rule_name: str) -> str:
    """The status cell of the clock for one rule, as words."""
    rules = app.extensions["rules"]
    title = rules.timescales.rule(rule_name, rules.calendar.local_date(
        datetime.now(UTC))).title
    [row] = [r for r in _clock_rows(body) if r.split("<", 1)[0].strip() == title]
    status = re.findall(r'<td class="govuk-table__cell">(.*?)</td>', row, re.S)[-1]
    return " ".join(re.sub(r"<[^>]+>", " ", status).split())


def test_a_clock_the_contact_moved_past_is_not_needed_never_a_breach(
        app: Flask, signed_in: Callable[[str], Browser], contacts: Contacts) -> None:
    """Passed to the allocated worker from the MASH: the MASH clock ends "not needed"
    (the redesign closes it not applicable), where before it would have read as missed."""
    contact_id = contacts.at(Stage.INFORMATION_GATHERING)
    contacts.fire(contact_id, "pass_to_allocated_worker")

    body = page(signed_in("worker").get(f"/contacts/{contact_id}"))

    status = _status_of(app, body, "mash_amber")
    assert status.startswith("Not needed: the contact moved on"), status
    assert "Not met" not in status and "Overdue" not in status


def test_an_assessment_completed_without_seeing_the_child_shows_that_clock_not_met(
        app: Flask, signed_in: Callable[[str], Browser], contacts: Contacts) -> None:
    """The exception to "not needed": the child had to be seen for the assessment to
    conclude, so its clock is not met (a breach the returns count)."""
    contact_id = contacts.at(Stage.ASSESSMENT)
    contacts.fire(contact_id, "submit_assessment", who="social_worker")
    contacts.fire(contact_id, "complete_assessment", who="manager",
                  variant="no_further_action",
                  not_seen_reason="Family left the country before any visit")

    body = page(signed_in("social_worker").get(f"/contacts/{contact_id}"))

    unseen = _status_of(app, body, "child_seen_s17")
    assert "Not met (" in unseen and "Overdue" in unseen, unseen  # tagged as a breach
    assert _status_of(app, body, "assessment").startswith("Met")
    flag = re.search(r'<dt class="govuk-summary-list__key">\s*(Authorised with the child not seen)'
                     r'\s*</dt>\s*<dd[^>]*>(.*?)</dd>', body, re.S)
    assert flag is not None and 'id="assessment-not-seen"' in flag.group(2)
    assert " ".join(re.sub(r"<[^>]+>", " ", flag.group(2)).split()) == (
        "Child not seen Manager's reason: Family left the country before any visit")


def _permitted(app: Flask, contact_id: int, role: Role) -> set[str]:
    """What the engine grants this role from the contact's stage, on the page's list."""
    with app.extensions["uow"]() as uow:
        contact = uow.contacts.get(contact_id)
        return {a.name for a in app.extensions["rules"].engine.permitted(contact, role,
                                                                          "contact")}


def test_the_contact_page_offers_exactly_the_actions_the_engine_permits_this_role(
        app: Flask, signed_in: Callable[[str], Browser], contacts: Contacts) -> None:
    screening = contacts.at(Stage.SCREENING, "Sam", "Screened")
    signoff = contacts.at(Stage.AWAITING_SIGNOFF, "Ash", "Override")
    for key in ("worker", "chair", "manager"):
        person = signed_in(key)
        for contact_id in (screening, signoff):
            offered = offered_actions(person.get(f"/contacts/{contact_id}"))
            assert offered == _permitted(app, contact_id, PEOPLE[key].role), (key, contact_id)

    worker_view = page(signed_in("worker").get(f"/contacts/{screening}"))
    assert "Set or change the RAG rating" in worker_view
    assert "Sign off the override" not in worker_view
    assert "Sign off the override" in page(signed_in("manager").get(f"/contacts/{signoff}"))
    # The front door's work is not an assessment social worker's case: refused, with the
    # way to open it for a reason (record scope).
    social = signed_in("social_worker").get(f"/contacts/{screening}")
    assert social.status_code == 403
    assert "This child is not one of your cases" in page(social)
    assert "Set or change the RAG rating" not in page(social)


def test_an_action_sent_from_the_page_moves_the_stage_and_is_on_the_timeline(
        signed_in: Callable[[str], Browser], contacts: Contacts) -> None:
    contact_id = contacts.at(Stage.SCREENING)
    worker = signed_in("worker")
    version = hidden_version(worker.get(f"/contacts/{contact_id}"))
    rated = worker.post(f"/contacts/{contact_id}/actions/rate",
                        {"rag": "amber", "reason": "School says bruising", "version": version})
    assert rated.headers["Location"] == f"/contacts/{contact_id}"
    version = hidden_version(worker.get(f"/contacts/{contact_id}"))

    response = worker.post(f"/contacts/{contact_id}/actions/proceed_to_decision",
                           {"reason": "Police already know the family", "version": version})

    assert response.status_code == 302
    body = page(worker.get(f"/contacts/{contact_id}"))
    assert "Go straight to the threshold decision: done." in body
    assert stage_tag(body) == "Threshold decision"
    timeline = body[body.index(">Timeline<"):]
    newest = timeline[:timeline.index("</div>\n    </div>")]
    assert "Go straight to the threshold decision: Screening → Threshold decision" in newest
    assert "by Dee Worker (Front door worker)" in newest
    assert "Reason:</strong> Police already know the family" in newest
    assert "Set or change the RAG rating" in timeline and "School says bruising" in timeline
    assert contacts.stage(contact_id) == "threshold_decision"


def test_a_refused_action_shows_the_reason_at_the_form_and_keeps_what_was_typed(
        signed_in: Callable[[str], Browser], contacts: Contacts,
        db: Callable[[], Session]) -> None:
    contact_id = contacts.at(Stage.SCREENING)  # not rated yet: cannot go straight on
    worker = signed_in("worker")

    response = worker.post(f"/contacts/{contact_id}/actions/proceed_to_decision",
                           {"reason": "My careful reasons", "version":
                            contacts.version(contact_id)})

    assert response.status_code == 422
    body = page(response)
    assert re.search(r'<details id="action-proceed_to_decision"[^>]*\sopen>', body)
    assert ">My careful reasons</textarea>" in body
    errors = error_summary(response)
    assert any("RAG" in message for message in errors.values()), errors
    for target in errors:
        assert f'id="{target}"' in body, f"#{target} links to nothing"
    assert contacts.stage(contact_id) == "screening"
    with db() as session:
        assert len(session.scalars(select(EventRow).where(
            EventRow.contact_id == contact_id)).all()) == 2  # received, screening


def test_a_stale_form_gets_409_with_the_latest_stage_and_what_was_typed_kept(
        signed_in: Callable[[str], Browser], contacts: Contacts,
        db: Callable[[], Session]) -> None:
    contact_id = contacts.at(Stage.SCREENING)
    contacts.fire(contact_id, "rate", variant="amber")
    a, b = signed_in("worker"), signed_in("chair")
    a_version = hidden_version(a.get(f"/contacts/{contact_id}"))
    b_version = hidden_version(b.get(f"/contacts/{contact_id}"))
    assert a.post(f"/contacts/{contact_id}/actions/send_to_mash",
                  {"version": a_version}).status_code == 302

    response = b.post(f"/contacts/{contact_id}/actions/rate",
                      {"rag": "red", "reason": "B's careful words", "version": b_version})

    assert response.status_code == 409
    body = page(response)
    assert "Someone else changed this contact since you opened it" in body
    assert stage_tag(body) == "MASH information gathering"
    assert ">B's careful words</textarea>" in body
    assert re.search(r'value="red" checked', body)
    assert hidden_version(response) == a_version + 1  # B can send it again on the latest
    with db() as session:
        row = session.get(ContactRow, contact_id)
        assert (row.rag, row.stage) == ("amber", "information_gathering")


def test_a_stale_form_whose_action_is_gone_still_shows_what_was_typed(
        signed_in: Callable[[str], Browser], contacts: Contacts) -> None:
    contact_id = contacts.at(Stage.SCREENING)
    contacts.fire(contact_id, "rate", variant="amber")
    b = signed_in("chair")
    b_version = hidden_version(b.get(f"/contacts/{contact_id}"))
    contacts.fire(contact_id, "proceed_to_decision")  # A moves it where rating is over

    response = b.post(f"/contacts/{contact_id}/actions/rate",
                      {"rag": "red", "reason": "B's careful words", "version": b_version})

    assert response.status_code == 409
    body = page(response)
    assert stage_tag(body) == "Threshold decision"
    assert "B's careful words" in body
    assert "What you typed is kept in the form below" not in body  # there is no such form


def test_an_unknown_contact_is_a_404_that_says_so_in_words(
        signed_in: Callable[[str], Browser]) -> None:
    response = signed_in("worker").get("/contacts/424242")

    assert response.status_code == 404
    body = page(response)
    assert "Page not found" in body and "There is no contact FD0424242." in body


def test_an_unknown_address_and_a_refused_page_say_what_to_do_not_what_the_server_did(
        signed_in: Callable[[str], Browser]) -> None:
    worker = signed_in("worker")

    missing, refused = page(worker.get("/no-such-page")), worker.get("/allocation")
    api = worker.get("/api/v1/no-such-thing").get_json()

    assert "use the search box or go back to My work" in missing
    assert refused.status_code == 403 and "Ask your manager" in page(refused)
    assert "There is nothing at this address" in api["message"]
    for body in (missing, page(refused), api["message"]):  # werkzeug's stock words gone
        assert "requested URL" not in body and "read-protected" not in body


def test_every_signed_in_page_links_to_the_account_and_it_to_the_password(
        signed_in: Callable[[str], Browser]) -> None:
    partner = signed_in("partner")

    assert 'href="/account/security">Your account</a>' in page(partner.get("/inbox"))
    assert 'href="/account/password"' in page(partner.get("/account/security"))


def test_every_view_of_a_contact_page_is_written_to_the_access_log(
        signed_in: Callable[[str], Browser], contacts: Contacts,
        db: Callable[[], Session]) -> None:
    contact_id = contacts.one()
    worker, chair = signed_in("worker"), signed_in("chair")

    worker.get(f"/contacts/{contact_id}")
    worker.get(f"/contacts/{contact_id}")
    chair.get(f"/contacts/{contact_id}")

    with db() as session:
        child_id = session.get(ContactRow, contact_id).child_id
        logged = session.scalars(select(AccessLogRow).order_by(AccessLogRow.id)).all()
    assert [(r.username, r.child_id, r.contact_id, r.route, r.outcome) for r in logged] == [
        (who, child_id, contact_id, "/contacts/<int:contact_id>", "viewed")
        for who in ("fd.worker", "fd.worker", "mash.chair")]


def test_a_contact_page_view_logs_itself_with_one_insert_and_no_reads_of_the_log(
        app: Flask, signed_in: Callable[[str], Browser], contacts: Contacts) -> None:
    """The log is written on every view, so it must cost one INSERT: no read of the log
    back and no second statement (a busy front door views a contact every second)."""
    contact_id = contacts.one()
    worker = signed_in("worker")
    sent: list[str] = []

    def keep(_c: Any, _cur: Any, statement: str, *_: Any) -> None:
        if "access_log" in statement:
            sent.append(" ".join(statement.split()[:3]).upper())

    engine = store_of(app).engine
    event.listen(engine, "before_cursor_execute", keep)
    try:
        response = worker.get(f"/contacts/{contact_id}")
    finally:
        event.remove(engine, "before_cursor_execute", keep)

    assert response.status_code == 200
    assert [s for s in sent if not s.startswith("SELECT ACCESS_LOG.CHILD_ID")] == [
        "INSERT INTO ACCESS_LOG"]


# -- allocation ----------------------------------------------------------------------------

def test_a_manager_allocates_a_team_and_worker_and_the_contact_shows_it(
        signed_in: Callable[[str], Browser], contacts: Contacts) -> None:
    contact_id = contacts.at(Stage.SCREENING, "Al", "Located")
    manager = signed_in("manager")
    listing = text_of(manager.get("/allocation"))
    assert f'action="/allocation/{contact_id}"' in listing
    version = int(re.search(rf'action="/allocation/{contact_id}".*?name="version" '
                            r'value="(\d+)"', listing, re.S).group(1))

    response = manager.post(f"/allocation/{contact_id}",
                            {"team": "assessment-1", "worker": "social.worker",
                             "version": version})

    assert response.headers["Location"] == "/allocation"
    after = page(manager.get("/allocation"))
    assert f"{ref(contact_id)} allocated." in after
    assert f'action="/allocation/{contact_id}"' not in after  # no longer unallocated
    body = page(manager.get(f"/contacts/{contact_id}"))
    assert "Assessment 1 / Sol Worker" in body  # names, not codes
    assert "Allocate to a team and worker" in body and "by Mo Manager (Team manager)" in body
    assert queue_refs(signed_in("social_worker").get("/queue")) == [ref(contact_id)]


def test_allocating_from_a_later_page_of_the_list_returns_to_that_page(
        signed_in: Callable[[str], Browser], contacts: Contacts) -> None:
    """The row's form says where it was sent from ("back"), as the page writes it; that is
    the page's, not the action's, and must not make the allocation refused."""
    contact_id = contacts.at(Stage.SCREENING, "Bo", "Located")
    manager = signed_in("manager")

    response = manager.post(f"/allocation/{contact_id}",
                            {"team": "assessment-1", "worker": "social.worker",
                             "version": contacts.version(contact_id),
                             "back": "/allocation?page=2&sort=child"})

    assert response.status_code == 302, text_of(response)
    assert response.headers["Location"] == "/allocation?page=2&sort=child"
    assert queue_refs(signed_in("social_worker").get("/queue")) == [ref(contact_id)]


def test_a_worker_may_not_open_or_use_allocation(
        signed_in: Callable[[str], Browser], contacts: Contacts,
        db: Callable[[], Session]) -> None:
    contact_id = contacts.at(Stage.SCREENING)
    worker = signed_in("worker")

    assert worker.get("/allocation").status_code == 403
    response = worker.post(f"/allocation/{contact_id}", {
        "team": "x", "worker": "fd.worker", "version": contacts.version(contact_id)})

    assert response.status_code == 403
    with db() as session:
        assert session.get(ContactRow, contact_id).worker is None


# -- the workflow page ---------------------------------------------------------------------

def test_the_workflow_page_lists_every_row_of_the_transition_table(
        signed_in: Callable[[str], Browser]) -> None:
    body = page(signed_in("worker").get("/workflow"))

    table = body[body.index('<tbody class="govuk-table__body">'):body.index("</tbody>")]
    rows = [(a.name, a.label) for a in actions().values() for _ in a.rows]
    assert table.count('<tr class="govuk-table__row">') == len(rows)
    for name, label in rows:
        assert label in table, name
    for spec in STAGES.values():
        assert spec.title in table


def test_allocation_offers_the_directorys_teams_and_workers_with_their_caseloads(
        signed_in: Callable[[str], Browser], contacts: Contacts) -> None:
    held = contacts.at(Stage.SCREENING, "Al", "Ready")
    contacts.fire(held, "allocate", who="manager")  # the builders' team: to social.worker
    waiting = contacts.at(Stage.SCREENING, "Bo", "Waiting")
    manager = signed_in("manager")

    listing = page(manager.get("/allocation"))

    form = re.search(rf'action="/allocation/{waiting}".*?</form>', listing, re.S).group(0)
    assert '<option value="assessment-1">Assessment 1 (Assessment, 0 open of 20)</option>' \
        in form
    assert re.search(r'<option value="social.worker">Sol Worker \([^;]*Assessment 1[^;]*; '
                     r'1 open\)</option>', form), form
    assert 'value="police.partner"' not in form and 'value="admin"' not in form
    caseloads = listing[listing.index('id="caseloads"'):]
    assert "Sol Worker: 1" in caseloads


def test_allocating_to_a_team_or_worker_not_in_the_directory_is_refused_and_nothing_changes(
        signed_in: Callable[[str], Browser], contacts: Contacts) -> None:
    contact_id = contacts.at(Stage.SCREENING, "Al", "Typo")
    manager = signed_in("manager")
    listing = text_of(manager.get("/allocation"))
    version = int(re.search(rf'action="/allocation/{contact_id}".*?name="version" '
                            r'value="(\d+)"', listing, re.S).group(1))

    for sent, words in (({"team": "no such team", "worker": ""}, "Choose a team from the list"),
                        ({"team": "", "worker": "nobody.here"}, "Choose a worker from the list"),
                        ({"team": "front-door", "worker": "social.worker"},
                         "Sol Worker is not a member of Front Door")):
        refused = manager.post(f"/allocation/{contact_id}", {**sent, "version": version})
        after = page(refused)
        assert refused.status_code == 422, sent
        assert words in after.split(f'id="row-{contact_id}-error"')[1].split("</p>")[0], sent
        for box, chosen in sent.items():  # what the manager chose is still chosen
            if chosen and box == "team" and chosen != "no such team":
                assert re.search(rf'id="team-{contact_id}".*?<option value="{chosen}" '
                                 r'selected>', after, re.S), sent
    assert f'action="/allocation/{contact_id}"' in after  # still unallocated
