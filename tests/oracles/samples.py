"""Hand-written returns that show exactly which shapes the two oracles read.

Synthetic children, literal dates. ``CIN_2025_26`` is a census file for the 2025-26
collection (reference date 31 March 2026, LA 885) that csc-validator-be-cin passes with no
error and no child-level query: element names and order as the DfE schema has them since
2024-25 (``<Sex>`` in ``ChildIdentifiers``, after ``PersonBirthDate``). ``plant`` swaps one
exact piece of it for a defect, so each test states the one thing it changed.

``annex_a_workbook`` writes lists 1, 3, 4 and 5 in Ofsted's template layout (one sheet per
list, headings on the first row, one row per child per event, dates dd/mm/yyyy, coded
values as the template labels them).
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook

#: Three children. FD0001 (born 2016, school age): a referral, assessment, section 47, ICPC
#: and child protection plan, then a child in need plan, closed in February; UPN with a
#: valid check letter. FD0002 (born 2023): an open episode with an assessment under way,
#: no UPN yet (UN1, not of school age). FD0003: a referral closed with no further action,
#: no UPN (UN7).
CIN_2025_26 = """\
<?xml version="1.0" encoding="UTF-8"?>
<Message>
  <Header>
    <CollectionDetails>
      <Collection>CIN</Collection>
      <Year>2026</Year>
      <ReferenceDate>2026-03-31</ReferenceDate>
    </CollectionDetails>
    <Source>
      <SourceLevel>L</SourceLevel>
      <LEA>885</LEA>
      <SoftwareCode>Front Door</SoftwareCode>
      <Release>1</Release>
      <SerialNo>1</SerialNo>
      <DateTime>2026-04-02T09:30:00</DateTime>
    </Source>
  </Header>
  <Children>
    <Child>
      <ChildIdentifiers>
        <LAchildID>FD0001</LAchildID>
        <UPN>P885250000013</UPN>
        <PersonBirthDate>2016-05-14</PersonBirthDate>
        <Sex>F</Sex>
      </ChildIdentifiers>
      <ChildCharacteristics>
        <Ethnicity>WBRI</Ethnicity>
        <Disabilities>
          <Disability>NONE</Disability>
        </Disabilities>
      </ChildCharacteristics>
      <CINdetails>
        <CINreferralDate>2025-06-02</CINreferralDate>
        <ReferralSource>2A</ReferralSource>
        <PrimaryNeedCode>N1</PrimaryNeedCode>
        <CINclosureDate>2026-02-27</CINclosureDate>
        <ReasonForClosure>RC7</ReasonForClosure>
        <Assessments>
          <AssessmentActualStartDate>2025-06-03</AssessmentActualStartDate>
          <AssessmentAuthorisationDate>2025-07-15</AssessmentAuthorisationDate>
          <FactorsIdentifiedAtAssessment>
            <AssessmentFactors>3A</AssessmentFactors>
            <AssessmentFactors>4B</AssessmentFactors>
          </FactorsIdentifiedAtAssessment>
        </Assessments>
        <CINPlanDates>
          <CINPlanStartDate>2026-01-20</CINPlanStartDate>
          <CINPlanEndDate>2026-02-27</CINPlanEndDate>
        </CINPlanDates>
        <Section47>
          <S47ActualStartDate>2025-06-04</S47ActualStartDate>
          <InitialCPCtarget>2025-06-25</InitialCPCtarget>
          <DateOfInitialCPC>2025-06-24</DateOfInitialCPC>
          <ICPCnotRequired>false</ICPCnotRequired>
        </Section47>
        <ReferralNFA>false</ReferralNFA>
        <ChildProtectionPlans>
          <CPPstartDate>2025-06-24</CPPstartDate>
          <CPPendDate>2026-01-20</CPPendDate>
          <InitialCategoryOfAbuse>NEG</InitialCategoryOfAbuse>
          <LatestCategoryOfAbuse>NEG</LatestCategoryOfAbuse>
          <NumberOfPreviousCPP>0</NumberOfPreviousCPP>
          <Reviews>
            <CPPreviewDate>2025-09-23</CPPreviewDate>
          </Reviews>
        </ChildProtectionPlans>
      </CINdetails>
    </Child>
    <Child>
      <ChildIdentifiers>
        <LAchildID>FD0002</LAchildID>
        <UPNunknown>UN1</UPNunknown>
        <PersonBirthDate>2023-11-02</PersonBirthDate>
        <Sex>M</Sex>
      </ChildIdentifiers>
      <ChildCharacteristics>
        <Ethnicity>MWBA</Ethnicity>
        <Disabilities>
          <Disability>HAND</Disability>
          <Disability>VIS</Disability>
        </Disabilities>
      </ChildCharacteristics>
      <CINdetails>
        <CINreferralDate>2026-03-09</CINreferralDate>
        <ReferralSource>3B</ReferralSource>
        <PrimaryNeedCode>N4</PrimaryNeedCode>
        <Assessments>
          <AssessmentActualStartDate>2026-03-10</AssessmentActualStartDate>
        </Assessments>
        <ReferralNFA>false</ReferralNFA>
      </CINdetails>
    </Child>
    <Child>
      <ChildIdentifiers>
        <LAchildID>FD0003</LAchildID>
        <UPNunknown>UN7</UPNunknown>
        <PersonBirthDate>2012-09-30</PersonBirthDate>
        <Sex>M</Sex>
      </ChildIdentifiers>
      <ChildCharacteristics>
        <Ethnicity>NOBT</Ethnicity>
      </ChildCharacteristics>
      <CINdetails>
        <CINreferralDate>2025-11-12</CINreferralDate>
        <ReferralSource>6</ReferralSource>
        <CINclosureDate>2025-11-12</CINclosureDate>
        <ReasonForClosure>RC7</ReasonForClosure>
        <ReferralNFA>true</ReferralNFA>
      </CINdetails>
    </Child>
  </Children>
</Message>
"""

#: The same header with no children: what the export writes for a year with no referrals.
CIN_2025_26_EMPTY = CIN_2025_26.split("  <Children>")[0] + "  <Children/>\n</Message>\n"


def plant(text: str, old: str, new: str) -> str:
    """``text`` with its one ``old`` replaced by ``new`` (fails if ``old`` is not there once)."""
    count = text.count(old)
    if count != 1:
        raise ValueError(f"{old!r} occurs {count} times in the sample, not once")
    return text.replace(old, new)


def write(folder: Path, name: str, text: str) -> Path:
    """The file the oracle reads: ``text`` saved as ``folder/name`` in UTF-8."""
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


#: List name → (headings, one row): a workbook's contents.
Sheets = dict[str, tuple[tuple[str, ...], tuple[object, ...]]]

CHILD = ("Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age of Child (Years)")

#: Ofsted's headings for lists 1, 3, 4 and 5, as liiatools' spec/annex_a/annex-a-merge.yml
#: lists them, each with one synthetic row in the template's coded values.
ANNEX_A: Sheets = {
    "List 1": (CHILD + ("Date of Contact", "Contact Source"),
               ("FD0001", "b) Female", "a) WBRI", "14/05/2016", 9, "02/06/2025",
                "e) 2A: Schools")),
    "List 3": (CHILD + ("Date of referral", "Referral Source", "Referral NFA?",
                        "Number of Referrals in Last 12 Months", "Allocated Team",
                        "Allocated Worker"),
               ("FD0001", "b) Female", "a) WBRI", "14/05/2016", 9, "02/06/2025",
                "e) 2A: Schools", "b) No", 1, "Assessment Team 1", "Worker A")),
    "List 4": (CHILD + ("Does the Child have a Disability", "Continuous Assessment Start Date",
                        "Child Seen During Continuous Assessment",
                        "Continuous Assessment Date of Authorisation",
                        "Was the child assessed as requiring LA children's social care "
                        "support?", "Allocated Team", "Allocated Worker"),
               ("FD0001", "b) Female", "a) WBRI", "14/05/2016", 9, "b) No", "03/06/2025",
                "a) Yes", "15/07/2025", "a) Yes", "Assessment Team 1", "Worker A")),
    "List 5": (CHILD + ("Does the Child have a Disability",
                        "Strategy discussion initiating Section 47 Enquiry Start Date",
                        "Was an Initial Child Protection Conference deemed unnecessary?",
                        "Date of Initial Child Protection Conference",
                        "Did the Initial Child Protection Conference Result in a Child "
                        "Protection Plan", "Number of Section 47 Enquiries in the last 12 months",
                        "Number of ICPCs in the last 12 months", "Allocated Team",
                        "Allocated Worker"),
               ("FD0001", "b) Female", "a) WBRI", "14/05/2016", 9, "b) No", "04/06/2025",
                "b) No", "24/06/2025", "a) Yes", 1, 1, "Assessment Team 1", "Worker A")),
}


def annex_a_workbook(path: Path, sheets: Sheets, titles: dict[str, str] | None = None) -> Path:
    """One sheet per list (titled ``titles[list]`` or the list's name), headings then rows."""
    book = Workbook()
    book.remove(book.active)
    for name, (headings, row) in sheets.items():
        sheet = book.create_sheet((titles or {}).get(name, name))
        sheet.append(list(headings))
        sheet.append(list(row))
    book.save(path)
    return path


def with_cell(list_name: str, heading: str, value: object) -> Sheets:
    """``ANNEX_A`` with one cell of one list's row replaced by ``value``."""
    headings, row = ANNEX_A[list_name]
    changed = list(row)
    changed[headings.index(heading)] = value
    return {**ANNEX_A, list_name: (headings, tuple(changed))}
