"""A step down from the front door, accepted by a Family Help service, in a real browser.

The front door decided early help; its worker hands the family over to Family Help North
and its named lead practitioner, with the family's agreement and today's date (the case is then the
service's: it leaves the front door's record scope). The lead
practitioner (not a social worker) finds the family in their queue, opens it and accepts
it; the contact page then says the service accepted it. Each page passes axe.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from tests.browser.helpers import axe_scan, describe, page_problems, screenshot
from tests.builders import OnService, walk_to
from workflow.persistence.tables import ContactRow
from workflow.stages import Stage

pytestmark = pytest.mark.browser
LONDON = ZoneInfo("Europe/London")


def _at_early_help(live_app: Any) -> int:
    contact_id = live_app.record("Gus", "Family", hours_ago=3)
    app = live_app.app
    with app.extensions["store"].read() as db:
        version = db.get(ContactRow, contact_id).version
    driver = OnService(app.extensions["uow"], app.extensions["rules"], contact_id, version,
                       datetime.now(UTC) - timedelta(hours=2))
    walk_to(driver, Stage.EARLY_HELP)  # the threshold decision: early help, level 2
    return contact_id


def _action(page: Any, trigger: str) -> Any:
    action = page.locator(f"#action-{trigger}")
    if action.get_attribute("open") is None:
        action.locator("summary").click()
    return action


def _scan(page: Any, where: str) -> list[str]:
    return ([f"{where}: {line}" for line in describe(axe_scan(page)).splitlines()]
            + [f"{where}: {p}" for p in page_problems(page)])


def test_a_step_down_from_the_front_door_is_accepted_by_a_family_help_service(
        open_context: Callable[..., Any], live_app: Any) -> None:
    contact_id = _at_early_help(live_app)
    reference = f"FD{contact_id:07d}"
    practitioner = live_app.people["familyhelp"]
    found: list[str] = []

    worker = open_context(as_="worker", bypass_csp=True).new_page()
    worker.goto(f"/contacts/{contact_id}")
    form = _action(worker, "step_down")
    found += _scan(worker, "the step down form")
    form.get_by_label("Yes, the family agrees").check()
    form.locator('select[name="service"]').select_option("fh-north")
    form.locator('select[name="practitioner"]').select_option(practitioner.username)
    today = datetime.now(UTC).astimezone(LONDON).date()
    form.locator('input[name="handover_on"]').fill(today.isoformat())
    form.get_by_role("button", name="Step down to Family Help").click()

    assert "Step down to Family Help: done." in worker.locator(
        ".govuk-notification-banner").inner_text()

    helper = open_context(as_="familyhelp", bypass_csp=True).new_page()
    helper.goto("/queue")
    found += _scan(helper, "the lead practitioner's queue")
    helper.get_by_role("link", name=reference).click()
    card = helper.locator("#step-down").inner_text()
    assert "Family Help North" in card and "Faye Family" in card
    assert "Waiting for the service to accept" in card
    _action(helper, "accept_transfer").get_by_role(
        "button", name="Accept the family into Family Help").click()

    assert "Accept the family into Family Help: done." in helper.locator(
        ".govuk-notification-banner").inner_text()
    status = helper.locator("#step-down-status").inner_text()
    assert "Accepted by the service" in status and "Faye Family" in status
    found += _scan(helper, "the accepted contact")
    screenshot(helper, "family-help-accepted")
    assert not found, "\n".join(found)
