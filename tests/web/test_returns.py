"""The returns pages: team managers download Annex A and the census; nobody else may.

Contacts are recorded through the services on the test's own database; files are opened
the way the recipient would (openpyxl, zipfile) rather than compared as bytes.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import openpyxl
import pytest
from sqlalchemy import select

from tests.web.conftest import Browser, Contacts, text_of
from web.views import LONDON
from workflow.persistence.tables import AccessLogRow
from workflow.stages import Stage

TODAY = datetime.now(UTC).astimezone(LONDON).date()
#: Yesterday too, so a contact recorded "30 minutes ago" just after midnight still counts.
ANNEX = f"/returns/annex-a?from={TODAY - timedelta(days=1)}&to={TODAY}"
SHEETS = [f"List {n}" for n in range(1, 8)]  # the template's own sheet names


def test_a_team_manager_downloads_annex_a_as_a_workbook(
        signed_in: Callable[[str], Browser], contacts: Contacts,
        db: Callable[[], Any]) -> None:
    contacts.at(Stage.ASSESSMENT)

    response = signed_in("manager").get(ANNEX + "&format=xlsx")

    assert response.status_code == 200
    assert str(response.mimetype).endswith("spreadsheetml.sheet")
    assert "attachment" in response.headers["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(response.get_data()))
    assert book.sheetnames == SHEETS
    # headings + rows: the contact, its referral, its assessment and its open episode
    assert [book[name].max_row for name in SHEETS] == [2, 1, 2, 2, 1, 2, 1]
    assert book["List 1"]["G2"].value == "q) 6: Police"
    with db() as session:
        logged = session.scalars(select(AccessLogRow).where(
            AccessLogRow.outcome == "exported")).all()
    assert [(r.username, r.route) for r in logged] == [("team.manager", "/returns/annex-a")]


def test_a_team_manager_downloads_annex_a_as_csv_files_in_a_zip(
        signed_in: Callable[[str], Browser], contacts: Contacts) -> None:
    contacts.one()

    response = signed_in("manager").get(ANNEX + "&format=csv")

    assert response.mimetype == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.get_data()))
    assert len(archive.namelist()) == 7
    assert archive.read("annex_a_list_1_contacts.csv").decode().count("\r\n") == 2


@pytest.mark.parametrize("who", ["worker", "chair", "social_worker", "partner", "admin"])
@pytest.mark.parametrize("path", ["/returns", ANNEX, "/returns/cin-census?year=2025-26"])
def test_every_other_role_is_refused(who: str, path: str,
                                     signed_in: Callable[[str], Browser]) -> None:
    assert signed_in(who).get(path).status_code == 403


def test_only_a_team_manager_sees_returns_in_the_navigation(
        signed_in: Callable[[str], Browser]) -> None:
    assert 'href="/returns"' in text_of(signed_in("manager").get("/queue"))
    assert 'href="/returns"' not in text_of(signed_in("chair").get("/queue"))


def test_an_empty_period_is_said_so_with_a_link_to_the_headings_only_file(
        signed_in: Callable[[str], Browser]) -> None:
    browser = signed_in("manager")
    empty = "/returns/annex-a?from=2024-01-01&to=2024-01-31&format=xlsx"

    page = browser.get(empty)

    assert page.status_code == 200 and page.mimetype == "text/html"
    assert ("Nothing was recorded from 01/01/2024 to 31/01/2024: every list would hold its "
            "headings only.") in text_of(page)
    assert 'href="/returns/annex-a?from=2024-01-01&amp;to=2024-01-31&amp;format=xlsx' \
           '&amp;empty=ok"' in text_of(page)
    anyway = browser.get(empty + "&empty=ok")
    book = openpyxl.load_workbook(io.BytesIO(anyway.get_data()))
    assert book.sheetnames == SHEETS
    assert [book[name].max_row for name in SHEETS] == [1] * 7


def test_a_period_that_ends_before_it_starts_is_sent_back_to_the_form(
        signed_in: Callable[[str], Browser]) -> None:
    response = signed_in("manager").get("/returns/annex-a?from=2026-03-01&to=2026-02-01")

    assert response.status_code == 400
    assert "The period must end on or after the day it starts" in text_of(response)


def test_census_findings_are_listed_by_child_instead_of_a_file(
        signed_in: Callable[[str], Browser], contacts: Contacts) -> None:
    contacts.at(Stage.ASSESSMENT)  # a child recorded by name only: no date of birth
    year = _this_year()

    page = signed_in("manager").get(f"/returns/cin-census?year={year}")
    forced = signed_in("manager").get(f"/returns/cin-census?year={year}&force=1")

    assert page.status_code == 200
    body = text_of(page)
    assert 'data-rule="8525Q"' in body  # the DfE's rule, by its code and message
    assert "Either Date of Birth or Expected Date of Birth must be provided" in body
    assert "FDC0000001" in body
    assert 'href="/people/1?edit=details#date_of_birth"' in body
    assert forced.mimetype == "application/xml"
    assert b"<LAchildID>FDC0000001</LAchildID>" in forced.get_data()


def test_a_year_with_no_child_is_reported_empty_and_offers_no_file(
        signed_in: Callable[[str], Browser], contacts: Contacts) -> None:
    contacts.at(Stage.ASSESSMENT)  # this year's: 2024-25 has nobody

    page = signed_in("manager").get("/returns/cin-census?year=2024-25")
    forced = signed_in("manager").get("/returns/cin-census?year=2024-25&force=1")

    assert page.status_code == forced.status_code == 200
    assert "No children in the census for 2024-25" in text_of(page)
    assert "force=1" not in text_of(page)
    assert forced.mimetype == "text/html"


def test_a_year_the_dfe_has_not_specified_is_sent_back_to_the_form(
        signed_in: Callable[[str], Browser]) -> None:
    response = signed_in("manager").get("/returns/cin-census?year=2031-32")

    assert response.status_code == 400
    assert "has not specified a CIN census for 2031-32" in text_of(response)


def _this_year() -> str:
    today = datetime.now(UTC).astimezone(LONDON).date()
    first = today.year if today.month >= 4 else today.year - 1
    return f"{first}-{(first + 1) % 100:02d}"
