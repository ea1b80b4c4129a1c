"""The contact page opens on what is due and what to do next, and every step says who
acts next; the timeline keeps a choice as it was made, not today's caseload."""

from __future__ import annotations

import html
import re
from collections.abc import Callable

from tests.web.conftest import Browser, Contacts, text_of
from workflow.stages import Stage


def top(body: str) -> str:
    found = re.search(r'<div id="next" class="govuk-inset-text app-next">(.*?)</div>', body,
                      re.S)
    assert found, "the page has no 'what is due and what to do next' panel"
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", found.group(1))).split())


def test_the_top_of_the_page_says_what_is_due_first_and_who_acts_next(
        signed_in: Callable[[str], Browser], contacts: Contacts) -> None:
    contact = contacts.at(Stage.SCREENING)

    panel = top(text_of(signed_in("worker").get(f"/contacts/{contact}")))

    assert panel.startswith("What is due and what to do next Due first: Decision on a "
                            "contact")
    assert "Who acts:" in panel and "front door worker" in panel
    assert "You can:" in panel


def test_after_a_step_the_worker_is_told_who_acts_next(
        signed_in: Callable[[str], Browser], contacts: Contacts) -> None:
    contact = contacts.one()
    worker = signed_in("worker")

    done = worker.post(f"/contacts/{contact}/actions/start_screening",
                       {"version": str(contacts.version(contact))}, follow_redirects=True)

    body = html.unescape(text_of(done))
    assert contacts.stage(contact) == "screening"
    assert re.search(r"Start screening: done\. Next: the contact is at screening\. Who acts: "
                     r"[^.]*front door worker", body, re.I)


def test_the_timeline_keeps_the_team_allocated_without_the_caseload_of_today(
        signed_in: Callable[[str], Browser], contacts: Contacts) -> None:
    contact = contacts.one()
    contacts.fire(contact, "allocate", who="manager", team="assessment-1",
                  worker="social.worker")

    body = html.unescape(text_of(signed_in("manager").get(f"/contacts/{contact}")))

    timeline = body[body.index(">Timeline</h2>"):]
    assert "Assessment 1" in timeline and "Sol Worker" in timeline
    assert "open of" not in timeline and "open)" not in timeline
