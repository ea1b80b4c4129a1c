"""The intake form records what the returns need about each child (sex, an unborn child's
expected date, school, identifiers) and the household's address; a UPN or postcode the
DfE's rules refuse is shown at its own box, with everything typed kept and nothing stored."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.web.conftest import Browser
from tests.web.test_pages import NEW, SIBLING, _kept, _refused
from workflow.people.upn import with_check_letter
from workflow.persistence.tables import ContactRow
from workflow.persistence.tables_people import PersonAddressRow, PersonRow

UPN = with_check_letter("885201500001")
ADDRESS = {"address-line_1": "1 Synthetic Row", "address-town": "Worcester",
           "address-postcode": "wr1 2ab"}


def test_the_form_records_sex_school_upn_an_unborn_sibling_and_the_household_address(
        signed_in: Callable[[str], Browser], db: Callable[[], Session]) -> None:
    form = NEW | ADDRESS | {"child-0-sex": "F", "child-0-upn": UPN.lower(),
                            "child-0-school": "Synthetic Primary",
                            "child-1-first_name": "Baby", "child-1-last_name": "Testwell",
                            "child-1-expected_date_of_birth": "2026-04-20"}

    response = signed_in("worker").post("/contacts/new", form)

    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    with db() as session:
        people = session.scalars(select(PersonRow).join(
            ContactRow, ContactRow.child_id == PersonRow.id).order_by(ContactRow.id)).all()
        robin, baby = people
        assert (robin.sex, robin.upn, robin.school, robin.date_of_birth) == (
            "F", UPN, "Synthetic Primary", date(2015, 6, 1))
        assert (baby.date_of_birth, baby.expected_date_of_birth, baby.sex) == (
            None, date(2026, 4, 20), "U")
        homes = {a.person_id: (a.line_1, a.town, a.postcode, a.outward) for a in
                 session.scalars(select(PersonAddressRow))}
    assert homes == {p.id: ("1 Synthetic Row", "Worcester", "WR1 2AB", "WR1") for p in people}


def test_a_upn_with_the_wrong_check_letter_is_shown_at_its_box_and_nothing_is_stored(
        signed_in: Callable[[str], Browser], db: Callable[[], Session]) -> None:
    wrong = ("A" if UPN[0] != "A" else "B") + UPN[1:]
    form = NEW | SIBLING | {"child-1-upn": wrong, "child-0-sex": "M"}

    response, errors = _refused(signed_in("worker"), db, form)

    assert list(errors) == ["child-1-upn"]
    assert "check letter" in errors["child-1-upn"]
    _kept(response, {k: v for k, v in form.items() if k != "child-0-sex"})
    assert '<option value="M" selected>' in response.get_data(as_text=True)


def test_a_postcode_that_is_not_a_postcode_is_shown_at_the_address(
        signed_in: Callable[[str], Browser], db: Callable[[], Session]) -> None:
    form = NEW | ADDRESS | {"address-postcode": "NOT A CODE"}

    response, errors = _refused(signed_in("worker"), db, form)

    assert list(errors) == ["address-postcode"]
    _kept(response, form)
