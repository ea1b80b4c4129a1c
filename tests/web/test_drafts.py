"""Drafts through the app: saved with the CSRF token only, read and replaced by their
owner only, refused with a clear 4xx when they cannot be kept, deleted when the form is
sent, and waiting on the same page after a time-out and signing in again."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from freezegun import freeze_time
from sqlalchemy import select

from tests.web.conftest import SPARE, Browser, Contacts, sign_in, store_of, text_of
from web.drafts import FORMS
from web.jobs import JobContext, run_sweep
from web.words import govuk_datetime, govuk_time
from workflow.drafts import KEEP_FOR, MAX_CHARACTERS
from workflow.persistence.tables_drafts import DraftRow
from workflow.rules import DEFAULT_CONFIG
from workflow.stages import Stage

NEW = "/drafts/new-contact/0"
CONCERNS = "Synthetic: Bo said he was scared to go home."
VALID_CONTACT = {"received_at": "2026-01-05T09:30", "source": "2A", "channel": "phone",
                 "referrer": "Head teacher", "concerns": CONCERNS, "consent": "given",
                 "child-0-first_name": "Bo", "child-0-last_name": "Example",
                 "confirmed": "received_at"}


def _save(browser: Browser, path: str, fields: dict[str, str], csrf: bool = True) -> Any:
    headers = {"X-CSRFToken": browser.csrf()} if csrf else {}
    return browser.client.post(path, data=fields, headers=headers)


def _drafts(browser: Browser, record: int = 0) -> list[dict[str, Any]]:
    response = browser.get(f"/drafts/{record}")
    assert response.status_code == 200
    found: list[dict[str, Any]] = response.get_json()["drafts"]
    return found


def test_a_draft_needs_the_csrf_token(signed_in: Any) -> None:
    worker = signed_in("worker")

    refused = _save(worker, NEW, {"concerns": CONCERNS}, csrf=False)

    assert refused.status_code == 400 and refused.is_json
    assert "Reload" in refused.get_json()["message"]
    assert _drafts(worker) == []


def test_what_was_typed_comes_back_to_its_owner_without_the_token(signed_in: Any) -> None:
    worker = signed_in("worker")
    saved = _save(worker, NEW, {"concerns": CONCERNS, "source": "2A",
                                "csrf_token": worker.csrf()})

    assert saved.status_code == 200
    (draft,) = _drafts(worker)
    assert draft["form"] == "new-contact"
    assert draft["fields"] == [["concerns", CONCERNS], ["source", "2A"]]
    assert draft["saved"] == f"at {govuk_time(datetime.now(UTC))}"  # today: the time alone


def test_another_person_can_neither_read_nor_overwrite_a_draft(signed_in: Any) -> None:
    worker, chair = signed_in("worker"), signed_in("chair")
    _save(worker, NEW, {"concerns": CONCERNS})

    assert _drafts(chair) == []
    _save(chair, NEW, {"concerns": "The chair's own words"})
    chair_discards = chair.client.post(f"{NEW}/discard", headers={"X-CSRFToken": chair.csrf()})

    assert chair_discards.status_code == 200
    assert [d["fields"] for d in _drafts(worker)] == [[["concerns", CONCERNS]]]
    assert _drafts(chair) == []


@pytest.mark.parametrize(("path", "fields", "status"), [
    ("/drafts/no-such-form/0", {"concerns": "x"}, 404),
    ("/drafts/action-no_such_action/7", {"summary": "x"}, 404),
    ("/drafts/Bo%20Example/0", {"concerns": "x"}, 404),
    (NEW, {"concerns": "x" * (MAX_CHARACTERS + 1)}, 413),
    (NEW, {"concerns": "a NUL \x00"}, 422),
], ids=["unknown-form", "unknown-action", "not-a-key", "too-long", "nul"])
def test_a_draft_that_cannot_be_kept_gets_a_clear_refusal(
        signed_in: Any, path: str, fields: dict[str, str], status: int) -> None:
    worker = signed_in("worker")

    refused = _save(worker, path, fields)

    assert refused.status_code == status and refused.is_json
    assert refused.get_json()["message"]
    assert _drafts(worker) == []


def test_sending_the_form_ends_its_draft_but_a_refusal_keeps_it(signed_in: Any) -> None:
    worker = signed_in("worker")
    _save(worker, NEW, {"concerns": CONCERNS})

    refused = worker.post("/contacts/new", {"concerns": CONCERNS})  # no child, no source
    assert refused.status_code == 422 and len(_drafts(worker)) == 1

    sent = worker.post("/contacts/new", VALID_CONTACT)
    assert sent.status_code == 302
    assert _drafts(worker) == []


def test_a_form_with_long_text_is_marked_for_drafts_and_posts_as_before(
        signed_in: Any) -> None:
    html = text_of(signed_in("worker").get("/contacts/new"))

    form = re.search(r'<form method="post" action="/contacts/new"[^>]*>', html)
    assert form and 'data-draft="new-contact"' in form.group(0)
    assert 'id="timeout-warning"' in html and 'id="draft-restored-banner"' in html


def _fresh_start() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def test_after_a_time_out_signing_in_returns_to_the_form_and_its_draft(
        anonymous: Browser) -> None:
    with freeze_time(_fresh_start()) as clock:
        assert sign_in(anonymous.client, SPARE.username, SPARE.password).status_code == 302
        anonymous.reset_token()
        assert anonymous.get("/contacts/new").status_code == 200
        assert _save(anonymous, NEW, {"concerns": CONCERNS}).status_code == 200
        clock.tick(timedelta(minutes=31))

        sent_away = anonymous.get("/contacts/new")
        assert sent_away.status_code == 302 and "/sign-in" in sent_away.headers["Location"]
        assert anonymous.get(sent_away.headers["Location"]).status_code == 200
        back = sign_in(anonymous.client, SPARE.username, SPARE.password)

        assert back.status_code == 302 and back.headers["Location"] == "/contacts/new"
        assert [d["fields"] for d in _drafts(anonymous)] == [[["concerns", CONCERNS]]]


def test_the_warning_signs_out_to_return_to_the_page_and_never_to_another_site(
        anonymous: Browser) -> None:
    for asked, lands in (("/contacts/new", "/contacts/new"), ("//evil.example/x", "/"),
                         ("https://evil.example/", "/")):
        assert sign_in(anonymous.client, SPARE.username, SPARE.password).status_code == 302
        anonymous.reset_token()
        out = anonymous.post("/sign-out", {"timed_out": "yes", "return_to": asked})
        assert out.headers["Location"] == "/sign-in"
        assert "nothing was done for a while" in text_of(anonymous.get("/sign-in"))
        anonymous.reset_token()

        back = sign_in(anonymous.client, SPARE.username, SPARE.password)

        assert back.headers["Location"] == lands, asked
        anonymous.reset_token()
        anonymous.post("/sign-out")
        anonymous.reset_token()


def test_stay_signed_in_starts_the_idle_time_again(anonymous: Browser) -> None:
    with freeze_time(_fresh_start()) as clock:
        assert sign_in(anonymous.client, SPARE.username, SPARE.password).status_code == 302
        anonymous.reset_token()
        page = text_of(anonymous.get("/contacts/new"))
        assert 'data-seconds-left="1800"' in page and 'data-warn-seconds="300"' in page
        clock.tick(timedelta(minutes=26))  # the warning is showing

        stayed = anonymous.client.post("/session/stay-signed-in",
                                       headers={"X-CSRFToken": anonymous.csrf()})
        assert stayed.status_code == 200 and stayed.get_json()["seconds_left"] == 1800
        clock.tick(timedelta(minutes=29))  # 55 minutes after the page was opened

        assert anonymous.get("/contacts/new").status_code == 200


def test_an_action_form_on_the_contact_page_keeps_a_draft_until_it_is_done(
        signed_in: Any, contacts: Contacts) -> None:
    worker = signed_in("worker")
    contact_id = contacts.at(Stage.SCREENING)
    page = text_of(worker.get(f"/contacts/{contact_id}"))
    assert f'data-draft="action-rate" data-draft-record="{contact_id}"' in page
    _save(worker, "/drafts/action-rate/" + str(contact_id), {"reason": "Bruise seen"})

    done = worker.post(f"/contacts/{contact_id}/actions/rate",
                       {"rag": "amber", "reason": "Bruise seen",
                        "version": contacts.version(contact_id)})

    assert done.status_code == 302
    assert _drafts(worker, contact_id) == []


def test_every_drafted_form_is_sent_by_a_route_that_exists_and_is_marked_in_a_template(
        app: Any) -> None:
    templates = Path(__file__).resolve().parents[2] / "web" / "templates"
    marked = set(re.findall(r"draft_key\('([a-z-]+)'\)",
                            " ".join(t.read_text() for t in templates.rglob("*.html"))))

    assert marked == set(FORMS)
    assert {endpoint for endpoint, _ in FORMS.values()} <= set(app.view_functions)


def test_a_draft_from_another_day_says_which_day(signed_in: Any, app: Any) -> None:
    worker = signed_in("worker")
    store = store_of(app)
    assert worker.person is not None
    account = store.accounts.account(worker.person.username)
    assert account is not None
    saved_at = (datetime.now(UTC) - timedelta(days=3)).replace(microsecond=0)
    store.drafts.save(account.id, "new-contact", 0, (("concerns", CONCERNS),), saved_at)

    (draft,) = _drafts(worker)

    assert draft["saved"] == f"on {govuk_datetime(saved_at)}"  # "on Saturday 28 November …"


def test_the_breach_sweep_purges_drafts_past_their_keeping_time(
        signed_in: Any, app: Any) -> None:
    worker = signed_in("worker")
    store = store_of(app)
    assert worker.person is not None
    account = store.accounts.account(worker.person.username)
    assert account is not None
    now = datetime.now(UTC)
    store.drafts.save(account.id, "new-contact", 0, (("concerns", "old"),),
                      now - KEEP_FOR - timedelta(hours=1))
    store.drafts.save(account.id, "action-rate", 0, (("reason", "recent"),),
                      now - timedelta(days=1))
    context = JobContext(store, DEFAULT_CONFIG, {}, lambda: app.extensions["rules"],
                         clock=lambda: now)

    run_sweep(context, {})

    with store.sessions() as db:
        kept = db.scalars(select(DraftRow.form_key)).all()
    assert kept == ["action-rate"]
