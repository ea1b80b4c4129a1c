"""What the pages say about the timescales: the referrer's acknowledgement on the breach
dashboard by its title, the DfE-counted assessment clock named for what it counts, and an
assessment authorised with the child not seen (refused at its field without a reason;
flagged with the reason on the contact page, the KPI page and the API)."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from datetime import timedelta

from tests.web.conftest import Browser, Contacts, text_of
from tests.web.test_pages import error_summary, hidden_version, page
from workflow.stages import Stage

REASON = "Child in hospital out of area; seen by the ward social worker"
DFE_TITLE = ("Assessment within 45 working days, referral day counted as day 1 "
             "(CIN census validation)")


def _words(markup: str) -> str:
    """The page as a reader hears it: tags dropped, white space folded."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html.unescape(markup)))


def test_an_unacknowledged_referral_is_breached_on_the_dashboard_under_its_title(
        signed_in: Callable[[str], Browser], contacts: Contacts) -> None:
    # Received ten days ago and only now accepted: the acknowledgement is long overdue.
    contact_id = contacts.at(Stage.ASSESSMENT, "Kit", "Overdue", ago=timedelta(days=10))
    manager = signed_in("manager")

    dashboard = _words(text_of(manager.get("/oversight")))
    listed = _words(text_of(manager.get(
        "/oversight/clocks?state=breached&rule=referral_acknowledgement")))

    assert "Referral acknowledged to the referrer 1 breached, Referral acknowledged to " \
           "the referrer" in dashboard
    assert "referral_acknowledgement" not in dashboard  # the id is storage, not a label
    assert f"FD{contact_id:07d}" in listed and "Referral acknowledged to the referrer" in listed


def test_the_contact_page_names_the_dfe_counted_clock_for_what_it_counts(
        signed_in: Callable[[str], Browser], contacts: Contacts) -> None:
    contact_id = contacts.at(Stage.ASSESSMENT)

    body = _words(page(signed_in("social_worker").get(f"/contacts/{contact_id}")))

    assert DFE_TITLE in body
    assert "as the DfE's CIN census validation counts" in body
    assert "Referral acknowledged to the referrer" in body
    assert "Counted from when the contact was received, not from when the clock started." in body


def test_the_kpi_page_names_the_dfe_kpi_and_how_the_dfe_publishes_timeliness(
        signed_in: Callable[[str], Browser]) -> None:
    body = _words(page(signed_in("manager").get("/oversight/kpis")))

    assert ("Assessments completed within 45 working days, referral day counted as day 1 "
            "(CIN census validation)") in body
    assert "band completed assessments by working days from start to authorisation" in body
    assert "DfE census counting" not in body


def _submitted_unseen(contacts: Contacts) -> int:
    contact_id = contacts.at(Stage.ASSESSMENT, "Robin", "Unseen")
    contacts.fire(contact_id, "submit_assessment", "social_worker", factors=["21"])
    return contact_id


def test_authorising_unseen_is_refused_at_the_reason_field_then_flagged_everywhere(
        signed_in: Callable[[str], Browser], contacts: Contacts) -> None:
    contact_id = _submitted_unseen(contacts)
    manager = signed_in("manager")
    form = {"assessment_outcome": "cin_plan", "lateness_reason": "", "service": "",
            "handover_on": "", "not_seen_reason": ""}
    url = f"/contacts/{contact_id}/actions/complete_assessment"

    refused = manager.post(url, form | {"version": hidden_version(
        manager.get(f"/contacts/{contact_id}/assessment"))})
    assert refused.status_code == 422
    assert error_summary(refused) == {"not_seen_reason": (
        "The child has not been seen during this assessment: record why you authorise it.")}
    assert contacts.stage(contact_id) == "assessment"

    done = manager.post(url, form | {"not_seen_reason": REASON, "version": hidden_version(
        manager.get(f"/contacts/{contact_id}/assessment"))})
    assert done.status_code == 302
    contact = _words(page(manager.get(f"/contacts/{contact_id}")))
    assessment = _words(page(manager.get(f"/contacts/{contact_id}/assessment")))
    kpis = _words(page(manager.get("/oversight/kpis")))
    api = manager.get(f"/api/v1/contacts/{contact_id}/casework").get_json()

    expected = f"Authorised with the child not seen Child not seen Manager's reason: {REASON}"
    assert expected in contact and expected in assessment
    listing = kpis[kpis.index("Assessments authorised with the child not seen (last"):]
    assert f"FD{contact_id:07d} (s17)" in listing and REASON in listing
    assert "Assessments authorised with the child seen (target 100%)" in kpis
    [flagged] = api["assessments"]
    assert (flagged["authorised_not_seen"], flagged["not_seen_reason"]) == (True, REASON)


def test_the_api_refuses_an_unseen_authorisation_without_a_reason_at_its_field(
        signed_in: Callable[[str], Browser], contacts: Contacts) -> None:
    contact_id = _submitted_unseen(contacts)
    url = f"/api/v1/contacts/{contact_id}/actions/complete_assessment"

    refused = signed_in("manager").api("POST", url, {"version": contacts.version(contact_id),
                                                     "assessment_outcome": "cin_plan"})

    assert refused.status_code == 422
    assert refused.get_json()["errors"] == {"not_seen_reason": (
        "The child has not been seen during this assessment: record why you authorise it.")}
    assert contacts.stage(contact_id) == "assessment"
