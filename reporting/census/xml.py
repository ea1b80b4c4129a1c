"""The census XML: the model written in the year's order, and a file read back.

Why one table of elements (``GROUPS``) for both ways: what an element means is said
once. Writing walks the year's layout (``config/cin_census.toml``) and asks this table for
each element's value, so the order and the elements present are the year's data, not
code; reading takes each element by name, as the DfE's tools do (the order of a file does
not change what it says).

Values are written as the schemas want them: dates ``YYYY-MM-DD``, the header's
``DateTime`` without an offset (London time), flags as the year's true/false, numbers as
digits. A value that is ``None`` is left out; a group with nothing in it is left out.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime
from typing import TYPE_CHECKING, Any
from xml.etree.ElementTree import Element, SubElement  # noqa: S405 - we write, we parse our own

from reporting.census.model import (
    AssessmentRecord,
    ChildRecord,
    CinPlanRecord,
    EpisodeRecord,
    Header,
    PlanRecord,
    PreProceedingsRecord,
    Return,
    Section47Record,
)

if TYPE_CHECKING:
    from reporting.census.spec import YearSpec

Get = Callable[[Any], Any]


def _one(item: Any) -> list[Any]:
    return [item]


def _if(present: Callable[[Any], object]) -> Get:
    """A sub-group written once when its content is there (``<Disabilities>`` …)."""
    return lambda item: [item] if present(item) else []


#: For each group element: its child elements and how to get each from the model. A child
#: that is itself a group gets the items to write it for; a leaf gets its value(s).
GROUPS: dict[str, dict[str, Get]] = {
    "Message": {"Header": lambda r: [r.header], "Children": _one},
    "Header": {"CollectionDetails": _one, "Source": _one},
    "CollectionDetails": {"Collection": lambda h: h.collection, "Year": lambda h: h.year,
                          "ReferenceDate": lambda h: h.reference_date},
    "Source": {"SourceLevel": lambda h: h.source_level, "LEA": lambda h: h.lea,
               "SoftwareCode": lambda h: h.software_code, "Release": lambda h: h.release,
               "SerialNo": lambda h: h.serial_no, "DateTime": lambda h: h.date_time},
    "Children": {"Child": lambda r: r.children},
    "Child": {"ChildIdentifiers": _one, "ChildCharacteristics": _one,
              "CINdetails": lambda c: c.episodes},
    "ChildIdentifiers": {
        "LAchildID": lambda c: c.la_child_id, "UPN": lambda c: c.upn,
        "FormerUPN": lambda c: c.former_upn, "UPNunknown": lambda c: c.upn_unknown,
        "PersonBirthDate": lambda c: c.birth,
        "ExpectedPersonBirthDate": lambda c: c.expected_birth,
        "GenderCurrent": lambda c: c.gender_current, "Sex": lambda c: c.sex,
        "PersonDeathDate": lambda c: c.death},
    "ChildCharacteristics": {"Ethnicity": lambda c: c.ethnicity,
                             "Disabilities": _if(lambda c: c.disabilities)},
    "Disabilities": {"Disability": lambda c: list(c.disabilities)},
    "CINdetails": {
        "CINreferralDate": lambda e: e.referral, "ReferralSource": lambda e: e.source,
        "PrimaryNeedCode": lambda e: e.primary_need, "CINclosureDate": lambda e: e.closure,
        "ReasonForClosure": lambda e: e.reason, "DateOfInitialCPC": lambda e: e.icpc,
        "Assessments": lambda e: e.assessments, "CINPlanDates": lambda e: e.cin_plans,
        "Section47": lambda e: e.section47s, "ReferralNFA": lambda e: e.nfa,
        "ChildProtectionPlans": lambda e: e.plans,
        "PreProceedingsandFGDM": lambda e: e.pre_proceedings},
    "Assessments": {
        "AssessmentActualStartDate": lambda a: a.start,
        "AssessmentInternalReviewDate": lambda a: a.internal_review,
        "AssessmentAuthorisationDate": lambda a: a.authorised,
        "FactorsIdentifiedAtAssessment": _if(lambda a: a.factors)},
    "FactorsIdentifiedAtAssessment": {"AssessmentFactors": lambda a: list(a.factors or ())},
    "CINPlanDates": {"CINPlanStartDate": lambda p: p.start, "CINPlanEndDate": lambda p: p.end},
    "Section47": {"S47ActualStartDate": lambda s: s.start,
                  "InitialCPCtarget": lambda s: s.target,
                  "DateOfInitialCPC": lambda s: s.icpc,
                  "ICPCnotRequired": lambda s: s.not_required},
    "ChildProtectionPlans": {
        "CPPstartDate": lambda p: p.start, "CPPendDate": lambda p: p.end,
        "InitialCategoryOfAbuse": lambda p: p.initial_category,
        "LatestCategoryOfAbuse": lambda p: p.latest_category,
        "NumberOfPreviousCPP": lambda p: p.previous, "Reviews": _if(lambda p: p.reviews)},
    "Reviews": {"CPPreviewDate": lambda p: list(p.reviews)},
    "PreProceedingsandFGDM": {
        "PPStartDate": lambda p: p.start, "LBPSentDate": lambda p: p.letter_sent,
        "FGDMMeetingOffer": lambda p: p.fgdm_offered,
        "FGDMMeetingFac": lambda p: p.fgdm_facilitated,
        "InitialPPMeetingDate": lambda p: p.initial_meeting,
        "ReviewMeetingsCount": lambda p: p.review_meetings,
        "StepDecisionDate": lambda p: p.step_decision, "PPOutcome": lambda p: p.outcome,
        "CourtAppDate": lambda p: p.court_application,
        "LetterInitCPDate": lambda p: p.letter_initiating},
}


# -- writing -------------------------------------------------------------------------------
def _text(value: Any, spec: YearSpec) -> str:
    if isinstance(value, bool):
        return spec.true if value else spec.false
    if isinstance(value, datetime):
        return value.replace(tzinfo=None, microsecond=0).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _write(parent: Element, group: str, item: Any, spec: YearSpec) -> None:
    getters = GROUPS[group]
    for element in spec.layout[group]:
        got = getters[element](item)
        if element in spec.layout:
            for sub in got:
                _write(SubElement(parent, element), element, sub, spec)
            continue
        for value in got if isinstance(got, list) else [got]:
            if value is not None:
                SubElement(parent, element).text = _text(value, spec)


def write_return(census: Return, spec: YearSpec) -> Element:
    """The ``<Message>`` element of ``census`` in ``spec``'s layout."""
    root = Element("Message")
    _write(root, "Message", census, spec)
    return root


# -- reading -------------------------------------------------------------------------------
def _day(node: Element | None, tag: str) -> date | None:
    text = _str(node, tag)
    try:
        return date.fromisoformat(text[:10]) if text else None
    except ValueError:
        return None  # unreadable: missing to the rules that need it, as in the DfE's tool


def _str(node: Element | None, tag: str) -> str | None:
    found = node.find(tag) if node is not None else None
    text = (found.text or "").strip() if found is not None else ""
    return text or None


def _flag(node: Element | None, tag: str) -> bool | None:
    text = (_str(node, tag) or "").lower()
    return {"1": True, "true": True, "0": False, "false": False}.get(text)


def _int(node: Element | None, tag: str) -> int | None:
    text = _str(node, tag)
    try:
        return int(text) if text is not None else None
    except ValueError:
        return None


def _texts(node: Element | None, path: str) -> tuple[str, ...]:
    return tuple((n.text or "").strip() for n in node.findall(path)) if node is not None \
        else ()


def _header(root: Element) -> Header:
    details, source = root.find("Header/CollectionDetails"), root.find("Header/Source")
    stamp = _str(source, "DateTime")
    try:
        when = datetime.fromisoformat(stamp) if stamp else None
    except ValueError:
        when = None
    return Header(_str(details, "Collection"), _str(details, "Year"),
                  _day(details, "ReferenceDate"), _str(source, "SourceLevel"),
                  _str(source, "LEA"), _str(source, "SoftwareCode"), _str(source, "Release"),
                  _str(source, "SerialNo"), when)


def _assessment(n: Element) -> AssessmentRecord:
    block = n.find("FactorsIdentifiedAtAssessment")
    factors = None if block is None else _texts(block, "*")
    return AssessmentRecord(_day(n, "AssessmentActualStartDate"),
                            _day(n, "AssessmentAuthorisationDate"),
                            _day(n, "AssessmentInternalReviewDate"), factors)


def _plan(n: Element) -> PlanRecord:
    flat = tuple(day for block in n.findall("Reviews") for day in _review(block))
    return PlanRecord(_day(n, "CPPstartDate"), _day(n, "CPPendDate"),
                      _str(n, "InitialCategoryOfAbuse"), _str(n, "LatestCategoryOfAbuse"),
                      _int(n, "NumberOfPreviousCPP"), flat)


def _review(block: Element) -> tuple[date | None, ...]:
    """Every review date of a ``<Reviews>`` block (a block without one: one missing date)."""
    days = [_parse_day(n.text) for n in block.findall("CPPreviewDate")]
    return tuple(days) or (None,)


def _parse_day(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text.strip()[:10]) if text and text.strip() else None
    except ValueError:
        return None


def _pre(n: Element) -> PreProceedingsRecord:
    return PreProceedingsRecord(
        _day(n, "PPStartDate"), _day(n, "LBPSentDate"), _flag(n, "FGDMMeetingOffer"),
        _flag(n, "FGDMMeetingFac"), _day(n, "InitialPPMeetingDate"),
        _int(n, "ReviewMeetingsCount"), _day(n, "StepDecisionDate"), _str(n, "PPOutcome"),
        _day(n, "CourtAppDate"), _day(n, "LetterInitCPDate"))


def _episode(n: Element) -> EpisodeRecord:
    return EpisodeRecord(
        _day(n, "CINreferralDate"), _str(n, "ReferralSource"), _flag(n, "ReferralNFA"),
        _str(n, "PrimaryNeedCode"), _day(n, "CINclosureDate"), _str(n, "ReasonForClosure"),
        _day(n, "DateOfInitialCPC"),
        tuple(map(_assessment, n.findall("Assessments"))),
        tuple(CinPlanRecord(_day(p, "CINPlanStartDate"), _day(p, "CINPlanEndDate"))
              for p in n.findall("CINPlanDates")),
        tuple(Section47Record(_day(s, "S47ActualStartDate"), _day(s, "InitialCPCtarget"),
                              _day(s, "DateOfInitialCPC"), _flag(s, "ICPCnotRequired"))
              for s in n.findall("Section47")),
        tuple(map(_plan, n.findall("ChildProtectionPlans"))),
        tuple(map(_pre, n.findall("PreProceedingsandFGDM"))))


def _child(n: Element) -> ChildRecord:
    ids, chars = n.find("ChildIdentifiers"), n.find("ChildCharacteristics")
    return ChildRecord(
        _str(ids, "LAchildID"), _str(chars, "Ethnicity"),
        tuple(map(_episode, n.findall("CINdetails"))), _str(ids, "UPN"),
        _str(ids, "FormerUPN"), _str(ids, "UPNunknown"), _day(ids, "PersonBirthDate"),
        _day(ids, "ExpectedPersonBirthDate"), _str(ids, "Sex"), _str(ids, "GenderCurrent"),
        _day(ids, "PersonDeathDate"), _texts(chars, "Disabilities/*"))


def read_return(root: Element) -> Return:
    """The model of a ``<Message>`` (elements found by name; what is missing is None)."""
    return Return(_header(root), tuple(map(_child, root.findall("Children/Child"))))


def elements(groups: Mapping[str, Iterable[str]]) -> set[str]:
    """Every element a layout names (for documents and checks)."""
    return {e for children in groups.values() for e in children}
