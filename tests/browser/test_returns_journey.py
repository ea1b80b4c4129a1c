"""The CIN census kept clean as the work is recorded, in a real browser.

A social worker records the initial child protection conference of a child in a section 47
enquiry and types last Saturday's date: the form refuses it there and then, citing the
DfE's rule 8875, and keeps what was typed; the Friday before is accepted. The child came
from the police with no date of birth: the contact page warns of the DfE's query 8525Q with
a link, and the team manager's census check for the year lists the child under 8525Q. The
worker follows the warning's link to the field and records the date of birth; the warning is
gone from the page, and the manager's check no longer lists the child under 8525Q.

(An ethnicity never asked is recorded as the DfE's own code NOBT, "information not yet
obtained", which the census accepts; an ethnicity code the year does not accept is rule
4220, warned the same way: tests/web/test_census_warnings.py.)
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from tests.browser.helpers import axe_scan, describe, page_problems
from tests.builders import OnService, walk_to
from workflow.persistence.tables import ContactRow
from workflow.stages import Stage

pytestmark = pytest.mark.browser
LONDON = ZoneInfo("Europe/London")
BIRTH_RULE, WEEKEND_RULE = "8525Q", "8875"


def _in_section_47(live_app: Any) -> int:
    """A contact received eleven days ago and walked into a section 47 enquiry ten days
    ago, so that a weekend lies between the enquiry and today; the social worker's team
    holds it (record scope)."""
    contact_id = live_app.record("Greta", "Census", hours_ago=24 * 11)
    app = live_app.app
    with app.extensions["store"].read() as db:
        version = db.get(ContactRow, contact_id).version
    driver = OnService(app.extensions["uow"], app.extensions["rules"], contact_id, version,
                       datetime.now(UTC) - timedelta(days=10))
    walk_to(driver, Stage.SECTION_47)
    live_app.allocate(contact_id, "assessment-1", live_app.people["socialworker"].username)
    return contact_id


def _last_saturday(today: date) -> date:
    """The latest Saturday before today (one to seven days ago)."""
    back = (today.weekday() - 5) % 7 or 7
    return today - timedelta(days=back)


def _conference_form(page: Any) -> Any:
    action = page.locator("#action-hold_icpc")
    if action.get_attribute("open") is None:
        action.locator("summary").click()
    return action


def _record_conference(page: Any, day: date) -> None:
    form = _conference_form(page)
    form.locator('input[name="held_at"]').fill(f"{day.isoformat()}T10:00")
    form.get_by_role("group", name="Did the conference make a child protection plan?") \
        .get_by_label("Yes").check()
    form.get_by_label("Initial category of abuse").select_option("NEG")
    form.get_by_role("button", name="Record the initial conference").click()


def _warned(page: Any) -> set[str]:
    panel = page.locator("#census-warnings li")
    return {str(li.get_attribute("data-rule")) for li in panel.all()}


def _census_rules_for(page: Any, person_id: int) -> set[str]:
    """The rules the manager's census check lists against this child (by the record the
    finding links to)."""
    today = datetime.now(UTC).astimezone(LONDON).date()
    first = today.year if today.month >= 4 else today.year - 1
    page.goto(f"/returns/cin-census?year={first}-{(first + 1) % 100:02d}")
    rows = page.locator("#census-findings tbody tr", has=page.locator(
        f'a[href^="/people/{person_id}?"]'))
    return {str(r.get_attribute("data-rule")) for r in rows.all()}


def test_a_weekend_conference_is_refused_and_a_missing_date_of_birth_is_put_right(
        open_context: Callable[..., Any], live_app: Any) -> None:
    contact_id = _in_section_47(live_app)
    worker = open_context(as_="socialworker", bypass_csp=True).new_page()  # axe is injected
    manager = open_context(as_="manager").new_page()
    worker.goto(f"/contacts/{contact_id}")
    saturday = _last_saturday(datetime.now(UTC).astimezone(LONDON).date())

    # At entry: last Saturday is refused with the DfE's rule, and nothing typed is lost.
    _record_conference(worker, saturday)
    summary = worker.locator(".govuk-error-summary").inner_text()
    assert "is a Saturday" in summary and f"DfE census rule {WEEKEND_RULE}" in summary
    form = _conference_form(worker)
    assert form.locator('input[name="held_at"]').input_value() == f"{saturday}T10:00"
    assert form.get_by_label("Initial category of abuse").input_value() == "NEG"
    violations = axe_scan(worker)
    assert not violations, describe(violations)
    _record_conference(worker, saturday - timedelta(days=1))
    assert "Record the initial conference: done." in worker.locator(
        ".govuk-notification-banner").inner_text()

    # The missing date of birth: warned on the contact page and listed by the census check.
    assert BIRTH_RULE in _warned(worker)
    fix = worker.locator(f'#census-warnings li[data-rule="{BIRTH_RULE}"] a')
    person_id = int(str(fix.get_attribute("href")).split("/people/")[1].split("?")[0])
    assert BIRTH_RULE in _census_rules_for(manager, person_id)

    # The link opens the form at the field; the worker records the date of birth.
    fix.click()
    worker.wait_for_url(f"**/people/{person_id}?edit=details#date_of_birth")
    born = worker.get_by_label("Date of birth", exact=True)
    born.wait_for(state="visible")  # the details open at the field the link names
    born.fill("2022-06-12")  # under school age: her UPN-unknown reason (UN1) still holds
    worker.get_by_label("Why the record is changed").fill("Told by her mother at the visit")
    worker.get_by_role("button", name="Save changes").click()
    assert "12/06/2022" in worker.locator("main").inner_text()

    worker.goto(f"/contacts/{contact_id}")
    assert BIRTH_RULE not in _warned(worker)
    assert BIRTH_RULE not in _census_rules_for(manager, person_id)
    assert page_problems(worker) == [] and page_problems(manager) == []
