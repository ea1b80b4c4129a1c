"""The person record in a browser, used as the people at the front door would use it.

A front-door worker records one contact for two siblings through the intake form (sex,
dates of birth, the household's address) and tells the known-child check that the older
girl is not the other Alexandra Wetherall already on record. A second worker finds her from
the header search box by a nickname and a misspelt surname; the results tell the two
Alexandras apart by date of birth, postcode, stage and worker. On her page the worker
changes her ethnicity and records several disabilities, first without the reason (the error
summary's link puts the cursor in the reason box), then with it: the record shows the new
values and the history says who changed what, when, from what, to what and why. A second
tab still showing the old page is told the record changed and saves nothing. The worker adds
a staff warning. A team manager allocates the contact to a team and a worker chosen from the
lists, and the caseloads in the options go up by one. The contact page then names the team
and the worker, links the sibling and shows the warning.

axe-core finds no serious or critical WCAG 2.2 A/AA violation on the search results, on the
person page with its error, or on the allocation page. Nothing is fetched from outside the
app (checked by the open_context fixture), and the browser reports no errors, such as CSP
refusals.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from tests.browser.helpers import axe_scan, describe, page_problems, screenshot

pytestmark = pytest.mark.browser

#: The screenshots this journey takes (listed in docs/screenshots/README.md).
SHOTS = ("search", "person")
SURNAME = "Wetherall"
REFERENCE = re.compile(r"FD\d{7}")
WHEN = re.compile(r"[A-Z][a-z]+day \d{1,2} [A-Z][a-z]+ \d{4} at "
                  r"(\d{1,2}(:\d{2})?(am|pm)|midday|midnight)")
REASON = "Mother confirmed on the phone; GP letter lists the diagnoses (synthetic)"
WARNING = "Large dog at the address: visit in pairs (synthetic)"


@dataclass(frozen=True)
class Child:
    """A child as the intake form asks for them, and as the pages show them."""

    first: str
    born: str  # what the date input takes
    shown_born: str  # how the pages write it
    sex: str


ALEXANDRA = Child("Alexandra", "2015-03-04", "4 March 2015", "Female")
FREDERICK = Child("Frederick", "2018-11-20", "20 November 2018", "Male")
#: The other Alexandra Wetherall, already known: born on the day-and-month swap of our
#: Alexandra's birthday (so the known-child check asks), elsewhere, and in screening.
NAMESAKE_BORN, NAMESAKE_POSTCODE = "3 April 2015", "WR5 3DA"


def _cells(row: Any) -> list[str]:
    return [" ".join(t.split()) for t in row.locator("td").all_inner_texts()]


def _accessible(page: Any, what: str) -> None:
    violations = axe_scan(page)
    assert not violations, f"{what}: serious/critical WCAG violations:\n{describe(violations)}"
    assert not page_problems(page), what


def _known_namesake(live_app: Any) -> int:
    """Another Alexandra Wetherall with her own date of birth and address, in screening and
    allocated to a front-door worker (recorded through the service, as a past contact)."""
    from tests.builders import record_contact
    from workflow.intake.commands import NewContact
    from workflow.people.records import Address, PersonDetails

    app, worker, now = live_app.app, live_app.actor("worker"), datetime.now(UTC)
    child = PersonDetails("Alexandra", SURNAME, date_of_birth=date(2015, 4, 3), sex="F",
                          address=Address("3 Mill Lane", NAMESAKE_POSTCODE, town="Worcester"))
    intake = NewContact(now - timedelta(days=3), "3A", [child], "phone", "GP surgery",
                        "Missed appointments (synthetic).", "given")
    made = record_contact(app.extensions["uow"](), app.extensions["rules"], intake, worker,
                          now)[0]
    live_app.act(made["id"], "start_screening", "worker")
    live_app.allocate(made["id"], "front-door", live_app.people["worker"].username)
    return int(made["id"])


# -- 1. intake, then search ------------------------------------------------------------
def _fill_intake(page: Any) -> None:
    page.get_by_role("link", name="New contact").click()
    page.get_by_label("Referral source (CIN census code)").select_option("2A")
    page.get_by_label("Referrer (name and organisation)").fill("Ms Head, Hill Primary")
    for i, child in enumerate((ALEXANDRA, FREDERICK)):
        box = page.locator("fieldset.app-child").nth(i)
        box.get_by_label("First name").fill(child.first)
        box.get_by_label("Last name").fill(SURNAME)
        box.get_by_label("Date of birth", exact=True).fill(child.born)
        box.get_by_label("Sex").select_option(label=child.sex)
    home = page.get_by_role("group", name="Where the children live (optional)")
    home.get_by_label("Address line 1").fill("12 Orchard Row")
    home.get_by_label("Town or city").fill("Worcester")
    home.get_by_label("Postcode").fill("wr1 2ab")
    page.get_by_label("What are the concerns?").fill("Both children hungry all week (synthetic).")
    page.get_by_role("button", name="Record contact").click()


def _record_siblings(page: Any) -> list[str]:
    """The intake form for both children; the older girl is confirmed as a new child."""
    _fill_intake(page)
    known = page.locator("#known-child")
    assert "Is this a child we already know?" in known.inner_text()
    assert f"Alexandra {SURNAME}, born {NAMESAKE_BORN}" in known.inner_text()
    assert page.get_by_role("group", name="Where the children live (optional)").get_by_label(
        "Postcode").input_value() == "WR1 2AB", "the address typed was lost at the check"
    known.get_by_label("None of these: a new child").check()
    page.get_by_role("button", name="Record contact").click()
    banner = page.locator(".govuk-notification-banner--success").inner_text()
    refs = REFERENCE.findall(banner)
    assert "Recorded 2 contacts" in banner and len(set(refs)) == 2, banner
    return refs


def _search(page: Any, text: str) -> Any:
    """Search from the header box; the results table's rows."""
    header = page.get_by_role("search")
    header.get_by_role("searchbox").fill(text)
    header.get_by_role("button", name="Search").click()
    assert page.locator("h1").inner_text() == "Find a child"
    page.locator("#results").wait_for()
    return page.locator("table.app-search-results tbody tr")


def _row(rows: Any, born: str) -> list[str]:
    matching = rows.filter(has_text=born)
    assert matching.count() == 1, f"no single result born {born}: {rows.all_inner_texts()}"
    return _cells(matching)


def _find_by_misspelling(page: Any, refs: list[str], live_app: Any) -> None:
    rows = _search(page, "Wetheral")  # the surname misspelt: all three are found
    names = [c[0] for c in map(_cells, rows.all())]
    assert sorted(names) == [f"Alexandra {SURNAME}"] * 2 + [f"Frederick {SURNAME}"], names
    rows = _search(page, "Sandy Wetheral")  # a nickname of Alexandra: her brother is not
    assert page.locator("#results").inner_text() == "2 children found"
    ours, namesake = _row(rows, ALEXANDRA.shown_born), _row(rows, NAMESAKE_BORN)
    assert ours[:3] == [f"Alexandra {SURNAME}", ALEXANDRA.shown_born, "WR1 2AB"], ours
    assert ours[3] == f"{refs[0]} (Received)" and ours[4] == "–", ours
    tess = live_app.people["worker"]
    assert namesake[2] == NAMESAKE_POSTCODE and namesake[3].endswith("(Screening)"), namesake
    assert namesake[4] in (tess.display, tess.username), namesake
    assert "nickname" in ours[5], ours
    _accessible(page, "the search results")


# -- 2. the person page ----------------------------------------------------------------
def _record_summary(page: Any, key: str) -> str:
    row = page.locator(".govuk-summary-list__row", has=page.locator("dt", has_text=key))
    return " ".join(row.locator("dd").inner_text().split())


def _open_form(page: Any, summary: str) -> Any:
    page.locator("summary", has_text=summary).click()
    return page.locator("details[open]", has=page.locator("summary", has_text=summary))


def _change_ethnicity_and_disabilities(page: Any) -> None:
    form = _open_form(page, "Change the record")
    form.get_by_label("Ethnicity (DfE code)").select_option(label="White and Black Caribbean")
    for label in ("Mobility", "Communication", "Autism"):
        form.get_by_label(label, exact=True).check()
    form.get_by_role("button", name="Save changes").click()


def _refused_without_reason(page: Any) -> None:
    """The error summary names the missing reason and its link puts the cursor in its box;
    the choices already made are kept."""
    assert page.title().startswith("Error: ")
    summaries = page.locator(".govuk-error-summary")
    assert summaries.count() == 1, "the problem is listed once, at the top"
    link = summaries.get_by_role("link")
    assert "ethnicity is changed" in link.inner_text(), link.inner_text()
    _accessible(page, "the person page with its error")
    link.click()
    assert page.evaluate("document.activeElement.id") == "reason"
    assert page.get_by_label("Why the record is changed").is_visible()
    assert page.get_by_label("Autism", exact=True).is_checked()
    assert page.get_by_label("Ethnicity (DfE code)").input_value() == "MWBC"


def _history(page: Any, field: str) -> list[str]:
    row = page.locator("#history ~ div table tbody tr", has_text=field)
    assert row.count() == 1, f"one history line for {field}: {row.all_inner_texts()}"
    return _cells(row)


def _today() -> str:
    """Today as the pages write it ("Tuesday 1 December 2026"), in London."""
    now = datetime.now(ZoneInfo("Europe/London"))
    return f"{now:%A} {now.day} {now:%B %Y}"


def _changed_with_reason(page: Any, live_app: Any) -> None:
    days = {_today()}
    page.get_by_label("Why the record is changed").fill(REASON)
    page.get_by_role("button", name="Save changes").click()
    days.add(_today())  # saved either side of midnight: either day is right
    assert "The record is updated" in page.locator(".govuk-notification-banner").inner_text()
    assert _record_summary(page, "Ethnicity") == "White and Black Caribbean (MWBC)"
    assert _record_summary(page, "Disabilities") == "Mobility, Communication, Autism"
    tom = live_app.people["worker2"]
    when, _field, old, new, why, by = _history(page, "Ethnicity")
    assert WHEN.fullmatch(when) and when.split(" at ")[0] in days, when
    assert (old, new, why) == ("Information not yet obtained (NOBT)",
                               "White and Black Caribbean (MWBC)", REASON)
    assert by in (tom.username, tom.display), by
    assert _history(page, "Disabilities")[2:5] == [
        "–", "Mobility (MOB), Communication (COMM), Autism (AUT)", REASON]


def _stale_tab_saves_nothing(old_tab: Any) -> None:
    """The tab opened before the change tries to save: told, nothing saved, typing kept."""
    form = _open_form(old_tab, "Change the record")
    assert _record_summary(old_tab, "Ethnicity").endswith("(NOBT)")  # the old page
    form.get_by_label("Ethnicity (DfE code)").select_option(label="Indian")
    form.get_by_label("Why the record is changed").fill("School record says Indian")
    form.get_by_role("button", name="Save changes").click()
    stale = old_tab.locator("#stale")
    assert "Someone else changed this record since you opened it" in stale.inner_text()
    assert "Nothing you sent was saved" in stale.inner_text()
    assert _record_summary(old_tab, "Ethnicity") == "White and Black Caribbean (MWBC)"
    assert "Indian" not in old_tab.locator("#history ~ div table").inner_text()
    assert old_tab.get_by_label("Ethnicity (DfE code)").input_value() == "AIND"
    assert old_tab.get_by_label("Why the record is changed").input_value() == \
        "School record says Indian"


def _add_warning(page: Any) -> None:
    form = _open_form(page, "Record a warning for staff safety")
    form.get_by_label("Warning", exact=True).fill(WARNING)
    form.get_by_role("button", name="Record warning").click()
    assert "Warning recorded." in page.locator(".govuk-notification-banner").inner_text()
    assert WARNING in page.locator("#warnings-banner").inner_text()


# -- 3. allocation ---------------------------------------------------------------------
def _option(select: Any, pattern: str) -> tuple[str, int]:
    """The option whose text matches ``pattern`` (its open count as group 1)."""
    for text in select.locator("option").all_inner_texts():
        match = re.match(pattern, text)
        if match:
            return text, int(match.group(1))
    options = select.locator("option").all_inner_texts()
    raise AssertionError(f"no option like {pattern!r} in {options}")


TEAM_OPTION = r"Assessment 1 \(Assessment, (\d+) open of 20\)$"
WORKER_OPTION = r"Sam Social \(Assessment 1; (\d+) open\)$"


def _allocate(page: Any, ref: str) -> None:
    """Choose a team and a worker from the lists; each option's count goes up by one."""
    page.get_by_role("link", name="Allocation", exact=True).click()
    row = page.locator("tr", has=page.get_by_role("link", name=ref, exact=True))
    team, worker = row.get_by_label(f"Team for {ref}"), row.get_by_label(f"Worker for {ref}")
    team_text, team_before = _option(team, TEAM_OPTION)
    worker_text, worker_before = _option(worker, WORKER_OPTION)
    team.select_option(label=team_text)
    worker.select_option(label=worker_text)
    row.get_by_role("button", name=f"Allocate {ref}").click()
    assert f"{ref} allocated." in page.locator(".govuk-notification-banner").inner_text()
    _accessible(page, "the allocation page")
    page.get_by_role("link", name="Show all open contacts").click()
    row = page.locator("tr", has=page.get_by_role("link", name=ref, exact=True))
    chosen = row.get_by_label(f"Team for {ref}").locator("option:checked").inner_text()
    assert _option(row.get_by_label(f"Team for {ref}"), TEAM_OPTION)[1] == team_before + 1
    assert re.match(TEAM_OPTION, chosen), chosen
    assert _option(row.get_by_label(f"Worker for {ref}"), WORKER_OPTION)[1] == \
        worker_before + 1
    caseloads = page.locator("#caseloads tr", has_text="Assessment 1").inner_text()
    assert f"Sam Social: {worker_before + 1}" in caseloads, caseloads


# -- 4. the contact page ---------------------------------------------------------------
def _contact_shows_the_family(page: Any, refs: list[str]) -> None:
    row = page.locator("tr", has=page.get_by_role("link", name=refs[0], exact=True))
    row.get_by_role("link", name=refs[0]).click()
    assert page.locator(".govuk-caption-l").inner_text() == f"Contact {refs[0]}"
    assert _record_summary(page, "Allocated") == "Assessment 1 / Sam Social"
    assert WARNING in page.locator("#staff-warnings").inner_text()
    family = page.locator("#family")
    assert f"Frederick {SURNAME} (sibling)" in family.inner_text(), family.inner_text()
    assert page.get_by_role("link", name=refs[1], exact=True).count() == 1
    family.get_by_role("link", name=f"Frederick {SURNAME}").click()
    assert page.locator("h1").inner_text() == f"Frederick {SURNAME}"
    assert _record_summary(page, "Date of birth") == FREDERICK.shown_born
    assert _record_summary(page, "Sex") == "Male"
    assert _record_summary(page, "Address") == "12 Orchard Row, Worcester, WR1 2AB"


def test_a_misspelt_child_found_edited_allocated_and_shown_with_her_family(
        open_context: Callable[..., Any], live_app: Any, traffic: Any) -> None:
    _known_namesake(live_app)
    intake = open_context(as_="worker").new_page()  # the CSP in force
    intake.goto("/queue")
    refs = _record_siblings(intake)

    worker = open_context(as_="worker2", bypass_csp=True)  # axe scans need bypass_csp
    page = worker.new_page()
    page.goto("/queue")
    _find_by_misspelling(page, refs, live_app)
    page.locator("table.app-search-results tbody tr", has_text=ALEXANDRA.shown_born) \
        .get_by_role("link", name=f"Alexandra {SURNAME}").click()
    assert page.locator("h1").inner_text() == f"Alexandra {SURNAME}"
    assert _record_summary(page, "Date of birth") == ALEXANDRA.shown_born
    assert _record_summary(page, "Sex") == "Female"
    old_tab = worker.new_page()  # a second tab, opened before the change
    old_tab.goto(page.url)

    _change_ethnicity_and_disabilities(page)
    _refused_without_reason(page)
    _changed_with_reason(page, live_app)
    _stale_tab_saves_nothing(old_tab)
    _add_warning(page)
    screenshot(page, "person")

    manager = open_context(as_="manager", bypass_csp=True).new_page()
    manager.goto("/queue")
    _allocate(manager, refs[0])
    _contact_shows_the_family(manager, refs)

    rows = _search(page, "Sandy Wetheral")  # the search now names her worker
    sam = live_app.people["socialworker"]
    assert _row(rows, ALEXANDRA.shown_born)[4] in (sam.display, sam.username)
    screenshot(page, "search")
    # Chromium logs the refusals this journey provokes (422, 409) as console errors.
    provoked = re.compile(r"Failed to load resource: .* status of (422|409) ")
    assert [e for e in traffic.console_errors if not provoked.match(e)] == []
