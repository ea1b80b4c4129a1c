"""Information sharing through the engine (no database): the lawful bases are configuration,
s16LA is refused until commenced, and an answer that keeps anything back says why and who
decided — or is refused at the field that is missing, leaving the contact as it was.

The commenced cases load a copy of ``config/`` whose only change is the s16LA entry's
``commences`` date, exactly the edit a council makes when the regulations are made.
"""

from __future__ import annotations

import shutil
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from tests.builders import FRONT_DOOR_WORKER, PARTNER, contact_at, snapshot
from thresholds.policy import catalogue_policy
from workflow.config_errors import ConfigError
from workflow.contact import Contact
from workflow.engine.engine import Engine
from workflow.errors import FrontDoorError, GuardFailed, InvalidInput
from workflow.mash.lawful_bases import load_lawful_bases
from workflow.mash.records import InfoRequest, RequestStatus, Sharing
from workflow.rules import DEFAULT_CONFIG, Rules, load_rules
from workflow.stages import Stage

REQUEST_ID = 7
S16LA = "s16la_duty_to_share"
QUESTION = {"agency": "police", "question": "Any call-outs to the address?",
            "lawful_basis": "public_task", "authorised_by": "Mo Manager, team manager"}
WITHHELD = {"request_id": REQUEST_ID, "sharing": "not_shared",
            "not_shared_reason": "Telling the family now would alert a suspect",
            "decided_by_name": "Insp. Example", "decided_by_role": "Public protection inspector"}


def _commenced_on(tmp: Path, day: str) -> Rules:
    """The real configuration with s16LA's commencement date set to ``day``."""
    config = tmp / "config"
    shutil.copytree(DEFAULT_CONFIG, config)
    path = config / "lawful_bases.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("# commences = 2027-04-01", f"commences = {day}"),
                    encoding="utf-8")
    return load_rules(config, catalogue_policy(config))


@pytest.fixture(scope="module")
def commenced(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    """s16LA in force from Sun 1 Mar 2026 (the tests act on Wed 4 Mar 2026)."""
    return _commenced_on(tmp_path_factory.mktemp("commenced"), "2026-03-01").engine


@pytest.fixture(scope="module")
def commences_later(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    """s16LA commencing on Wed 1 Apr 2026, after the day the tests act."""
    return _commenced_on(tmp_path_factory.mktemp("later"), "2026-04-01").engine


def _refused(engine: Engine, contact: Contact, trigger: str, data: dict[str, Any],
             now: datetime, error: type[FrontDoorError] = GuardFailed) -> FrontDoorError:
    who = PARTNER if trigger == "answer_request" else FRONT_DOOR_WORKER
    before = snapshot(contact)
    with pytest.raises(error) as caught:
        engine.fire(contact, trigger, who, data, now)
    assert snapshot(contact) == before
    return caught.value


def _asked(engine: Engine, now: datetime, **question: Any) -> Contact:
    """A contact with one open request to the police, saved with id REQUEST_ID."""
    contact = contact_at(engine, Stage.INFORMATION_GATHERING, now)
    engine.fire(contact, "request_information", FRONT_DOOR_WORKER, QUESTION | question, now)
    [(key, new)] = [(k, r) for k, r in contact.changed_records.items()
                    if isinstance(r, InfoRequest)]
    contact.stored(key, replace(new, id=REQUEST_ID))
    contact.clear_changes()
    return contact


def _answered(engine: Engine, contact: Contact, data: dict[str, Any],
              now: datetime) -> InfoRequest:
    engine.fire(contact, "answer_request", PARTNER, data, now)
    answered = contact.request(REQUEST_ID)
    assert answered is not None
    return answered


# -- the bases as configuration ---------------------------------------------------------
def test_the_configured_bases_are_the_ones_the_domain_names() -> None:
    bases = load_lawful_bases(DEFAULT_CONFIG / "lawful_bases.toml")

    assert [b.id for b in bases.all()] == [
        S16LA, "s47_enquiry", "s17_child_in_need", "public_task", "consent_given",
        "consent_not_sought", "consent_refused_overridden"]
    assert all(b.source for b in bases.all())
    public_task = bases.get("public_task")
    assert public_task is not None and "6(1)(e)" in public_task.name
    assert "Sch 8" in public_task.source and "Sch 1 para 18" in public_task.source
    duty = bases.get(S16LA)
    assert duty is not None and duty.awaits_commencement and duty.commences is None
    assert "s16LA" in duty.source and "s78" in duty.source


def test_s16la_is_not_offered_until_its_commencement_date() -> None:
    bases = load_lawful_bases(DEFAULT_CONFIG / "lawful_bases.toml")
    duty = bases.get(S16LA)
    assert duty is not None
    dated = replace(duty, commences=date(2027, 4, 1))

    assert S16LA not in dict(bases.choices(date(2099, 1, 1)))  # no date: never in force
    assert not dated.in_force(date(2027, 3, 31))
    assert dated.in_force(date(2027, 4, 1))
    assert dated.not_in_force(date(2027, 3, 31)) == (
        f"{duty.name} is not in force until 1 April 2027. Choose another basis")


@pytest.mark.parametrize(("entry", "problem"), [
    ('commences = 2027-04-01', "commences is only for a basis that awaits commencement "
                               "(set awaits_commencement = true)"),
    ('commences = "2027-04-01"',
     "commences must be a TOML date like 2027-04-01 (got '2027-04-01')"),
    ('commenced = 2027-04-01', "unknown key commenced"),
])
def test_a_mistake_in_the_bases_names_the_file_the_basis_and_the_problem(
        tmp_path: Path, entry: str, problem: str) -> None:
    path = tmp_path / "lawful_bases.toml"
    path.write_text(f'[[basis]]\nid = "s47_enquiry"\nname = "s47"\nsource = "CA 1989 s47"\n'
                    f"{entry}\n", encoding="utf-8")

    with pytest.raises(ConfigError) as caught:
        load_lawful_bases(path)

    assert str(caught.value) == f"{path}: basis 's47_enquiry': {problem}"


def test_a_basis_id_used_twice_is_refused(tmp_path: Path) -> None:
    entry = '[[basis]]\nid = "public_task"\nname = "Public task"\nsource = "UK GDPR"\n'
    path = tmp_path / "lawful_bases.toml"
    path.write_text(entry + entry, encoding="utf-8")

    with pytest.raises(ConfigError, match="basis 'public_task': the id is used twice"):
        load_lawful_bases(path)


# -- asking on a basis ------------------------------------------------------------------
def test_a_request_under_s16la_before_it_commences_is_refused_with_the_reason(
        workflow_engine: Engine, now: datetime) -> None:
    contact = contact_at(workflow_engine, Stage.INFORMATION_GATHERING, now)

    refusal = _refused(workflow_engine, contact, "request_information",
                       QUESTION | {"lawful_basis": S16LA}, now)

    assert isinstance(refusal, GuardFailed) and refusal.field == "lawful_basis"
    assert refusal.message == (
        "Duty to share information (Children Act 2004 s16LA; UK GDPR art. 6(1)(c) legal "
        "obligation) is not in force yet: it awaits commencement and no commencement date "
        "is set (config/lawful_bases.toml). Choose another basis.")


def test_a_request_under_s16la_before_its_configured_date_is_refused_with_the_date(
        commences_later: Engine, now: datetime) -> None:
    contact = contact_at(commences_later, Stage.INFORMATION_GATHERING, now)

    refusal = _refused(commences_later, contact, "request_information",
                       QUESTION | {"lawful_basis": S16LA}, now)

    assert isinstance(refusal, GuardFailed) and refusal.field == "lawful_basis"
    assert "is not in force until 1 April 2026" in refusal.message


def test_once_commenced_a_request_under_s16la_is_recorded(commenced: Engine,
                                                          now: datetime) -> None:
    contact = _asked(commenced, now, lawful_basis=S16LA)

    request = contact.request(REQUEST_ID)
    assert request is not None and request.lawful_basis == S16LA


def test_consent_refused_and_overridden_without_the_reason_is_refused_at_the_detail(
        workflow_engine: Engine, now: datetime) -> None:
    contact = contact_at(workflow_engine, Stage.INFORMATION_GATHERING, now)

    refusal = _refused(workflow_engine, contact, "request_information",
                       QUESTION | {"lawful_basis": "consent_refused_overridden"}, now)

    assert isinstance(refusal, GuardFailed) and refusal.field == "lawful_basis_detail"
    assert refusal.message == ("Give the reason consent was overridden (the basis chosen is: "
                               "Consent refused, and overridden to safeguard the child).")


def test_consent_overridden_with_its_reason_is_recorded(workflow_engine: Engine,
                                                        now: datetime) -> None:
    contact = _asked(workflow_engine, now, lawful_basis="consent_refused_overridden",
                     lawful_basis_detail="Mother refused; the injury needs explaining today")

    request = contact.request(REQUEST_ID)
    assert request is not None
    assert (request.lawful_basis, request.lawful_basis_detail) == (
        "consent_refused_overridden", "Mother refused; the injury needs explaining today")


# -- answering: what was shared and what was not ----------------------------------------
def test_a_shared_answer_records_the_basis_the_agency_shared_on(
        workflow_engine: Engine, now: datetime) -> None:
    contact = _asked(workflow_engine, now)

    answered = _answered(workflow_engine, contact, {
        "request_id": REQUEST_ID, "sharing": "shared", "answer": "Two call-outs in May",
        "lawful_basis": "s47_enquiry"}, now)

    assert answered.status is RequestStatus.ANSWERED
    assert (answered.sharing, answered.answer, answered.answer_basis) == (
        Sharing.SHARED, "Two call-outs in May", "s47_enquiry")
    assert (answered.not_shared_reason, answered.decided_by_name) == ("", "")


def test_a_decision_not_to_share_is_recorded_with_its_reason_and_who_decided(
        workflow_engine: Engine, now: datetime) -> None:
    contact = _asked(workflow_engine, now)

    answered = _answered(workflow_engine, contact, WITHHELD, now)

    assert answered.status is RequestStatus.ANSWERED and answered.sharing is Sharing.NOT_SHARED
    assert (answered.not_shared_reason, answered.decided_by_name, answered.decided_by_role) == (
        "Telling the family now would alert a suspect", "Insp. Example",
        "Public protection inspector")
    assert answered.answer == "" and answered.answer_basis is None
    assert (answered.answered_by, answered.answered_at) == (PARTNER.username, now)


@pytest.mark.parametrize(("change", "field", "words"), [
    ({"not_shared_reason": ""}, "not_shared_reason", "give the reason your agency did not"),
    ({"not_shared_reason": "   "}, "not_shared_reason", "give the reason your agency did not"),
    ({"decided_by_name": ""}, "decided_by_name", "name of the person who decided"),
    ({"decided_by_role": ""}, "decided_by_role", "role of the person who decided"),
    ({"sharing": "shared_in_part", "answer": "Address history only",
      "lawful_basis": "public_task", "not_shared_reason": ""},
     "not_shared_reason", "give the reason"),
    ({"sharing": "shared_in_part", "not_shared_reason": "Health records withheld"},
     "answer", "write what your agency shares"),
    ({"sharing": None}, "sharing", "say whether your agency shared"),
])
def test_an_answer_that_keeps_anything_back_without_saying_why_or_who_is_refused(
        workflow_engine: Engine, now: datetime, change: dict[str, Any], field: str,
        words: str) -> None:
    contact = _asked(workflow_engine, now)

    refusal = _refused(workflow_engine, contact, "answer_request", WITHHELD | change, now)

    assert isinstance(refusal, GuardFailed) and refusal.field == field
    assert words in refusal.message.lower()
    request = contact.request(REQUEST_ID)
    assert request is not None and request.is_open and request.sharing is None


@pytest.mark.parametrize(("change", "field", "words"), [
    ({"lawful_basis": None}, "lawful_basis", "record the lawful basis your agency shares on"),
    ({"lawful_basis": S16LA}, "lawful_basis", "is not in force yet"),
    ({"lawful_basis": "consent_refused_overridden"}, "lawful_basis_detail",
     "give the reason consent was overridden"),
    ({"not_shared_reason": "Some of it"}, "not_shared_reason", "choose 'shared in part'"),
])
def test_a_shared_answer_needs_a_basis_in_force_and_no_reason_to_withhold(
        workflow_engine: Engine, now: datetime, change: dict[str, Any], field: str,
        words: str) -> None:
    contact = _asked(workflow_engine, now)
    shared = {"request_id": REQUEST_ID, "sharing": "shared", "answer": "Known to us",
              "lawful_basis": "public_task"}

    refusal = _refused(workflow_engine, contact, "answer_request", shared | change, now)

    assert isinstance(refusal, GuardFailed) and refusal.field == field
    assert words in refusal.message.lower()


def test_a_sharing_value_off_the_list_is_refused_by_the_payload(
        workflow_engine: Engine, now: datetime) -> None:
    contact = _asked(workflow_engine, now)

    refusal = _refused(workflow_engine, contact, "answer_request",
                       WITHHELD | {"sharing": "maybe"}, now, InvalidInput)

    assert isinstance(refusal, InvalidInput)
    assert refusal.errors["sharing"] == "Choose one of: shared, shared_in_part, not_shared"


def test_before_s16la_commences_withholding_needs_no_detriment_judgement(
        workflow_engine: Engine, now: datetime) -> None:
    contact = _asked(workflow_engine, now)

    answered = _answered(workflow_engine, contact, WITHHELD, now)

    assert answered.more_detrimental is None


def test_once_s16la_is_in_force_withholding_needs_the_detriment_judgement(
        commenced: Engine, now: datetime) -> None:
    contact = _asked(commenced, now)

    for judged in (None, False):
        refusal = _refused(commenced, contact, "answer_request",
                           WITHHELD | {"more_detrimental": judged}, now)
        assert isinstance(refusal, GuardFailed) and refusal.field == "more_detrimental"
        assert refusal.message.startswith(
            "Information may be kept back only when sharing the information would be more "
            "detrimental to the child than not sharing it (Children Act 2004 s16LA)")
    answered = _answered(commenced, contact, WITHHELD | {"more_detrimental": True}, now)

    assert answered.sharing is Sharing.NOT_SHARED and answered.more_detrimental is True


def test_once_s16la_is_in_force_sharing_everything_needs_no_judgement(
        commenced: Engine, now: datetime) -> None:
    contact = _asked(commenced, now, lawful_basis=S16LA)

    answered = _answered(commenced, contact, {
        "request_id": REQUEST_ID, "sharing": "shared", "answer": "One call-out",
        "lawful_basis": S16LA}, now)

    assert (answered.sharing, answered.answer_basis) == (Sharing.SHARED, S16LA)


def test_the_detriment_judgement_is_kept_only_with_a_decision_to_withhold(
        commenced: Engine, now: datetime) -> None:
    contact = _asked(commenced, now)

    answered = _answered(commenced, contact, {
        "request_id": REQUEST_ID, "sharing": "shared", "answer": "Known to us",
        "lawful_basis": "public_task", "more_detrimental": False}, now)

    assert answered.more_detrimental is None


# -- the chronology's words -------------------------------------------------------------
class _Narration:
    """What the chronology knows, for the answer's narrator alone."""

    reason = ""

    def agency(self, agency_id: str) -> str:
        return agency_id.title()

    def in_agency_order(self, agency_ids: Any) -> list[str]:
        return list(agency_ids)

    def request_agency(self, request_id: int) -> str:
        return "Police"

    def lawful_basis(self, basis_id: str) -> str:
        return {"public_task": "Public task"}.get(basis_id, basis_id)

    def contact_detail(self, name: str) -> str:
        return ""

    def linked_contact(self) -> int | None:
        return None


def test_the_chronology_narrates_not_shared_with_its_reason_and_who_decided(
        workflow_engine: Engine) -> None:
    narrate = workflow_engine.action("answer_request").narrate
    assert narrate is not None

    told = narrate(WITHHELD, _Narration())

    assert told.title == "Police answered: not shared"
    assert told.detail == ("Not shared: Telling the family now would alert a suspect "
                           "(decided by Insp. Example, Public protection inspector)")


def test_the_chronology_narrates_a_shared_answer_with_its_basis_and_an_old_one_as_it_was(
        workflow_engine: Engine) -> None:
    narrate = workflow_engine.action("answer_request").narrate
    assert narrate is not None

    shared = narrate({"request_id": 7, "sharing": "shared", "answer": "One call-out",
                      "lawful_basis": "public_task"}, _Narration())
    earlier = narrate({"request_id": 7, "answer": "Nothing known"}, _Narration())

    assert (shared.title, shared.detail) == ("Police answered: shared",
                                             "One call-out (lawful basis: Public task)")
    assert (earlier.title, earlier.detail) == ("Police answered", "Nothing known")

