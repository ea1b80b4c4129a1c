"""The code lists the statutory returns use, as DOMAIN.md §5 gives them.

Why a module of its own: the CIN census XML, its validation rules and Ofsted's Annex A
all quote the same lists, and a code that is valid in one and missing in another would
make the returns disagree. ``reporting/schemas/cin_census_2025_26.xsd`` repeats the
lists as enumerations; a unit test checks that the two copies match.

Order matters for ``REFERRAL_SOURCES``: Annex A writes a source as ``<letter>) <code>:
<label>`` and DOMAIN.md §5's example (``q) 6: Police``) fixes the letters. Counting the
CIN census list from 1A as a) gives 1A a) … 5C p), 6 q), 7 r), 8 s), 9 t), 10 u); 5D
(early help, added to the census later) follows them as v).
"""

from __future__ import annotations

from string import ascii_lowercase

#: Referral (and contact) source, in Annex A letter order (see the module docstring).
REFERRAL_SOURCES: tuple[tuple[str, str], ...] = (
    ("1A", "Family/relative/carer"), ("1B", "Acquaintance"), ("1C", "Self"),
    ("1D", "Other individual"), ("2A", "Schools"), ("2B", "Education services"),
    ("3A", "GP"), ("3B", "Health visitor"), ("3C", "School nurse"),
    ("3D", "Other primary health"), ("3E", "A&E"), ("3F", "Other health"), ("4", "Housing"),
    ("5A", "LA social care"), ("5B", "Other internal LA services"), ("5C", "Another LA"),
    ("6", "Police"), ("7", "Other legal agency"), ("8", "Other"), ("9", "Anonymous"),
    ("10", "Unknown"), ("5D", "Early help"),
)
PRIMARY_NEEDS = {
    "N1": "Abuse or neglect", "N2": "Child's disability", "N3": "Parental disability or illness",
    "N4": "Family in acute stress", "N5": "Family dysfunction",
    "N6": "Socially unacceptable behaviour", "N7": "Low income", "N8": "Absent parenting",
    "N9": "Cases other than children in need", "N0": "Not stated",
}
CLOSURE_REASONS = {
    "RC1": "Adopted", "RC2": "Died", "RC3": "Child arrangements order",
    "RC4": "Special guardianship order", "RC5": "Transferred to another LA",
    "RC6": "Transferred to adult social care", "RC7": "Services ceased for any other reason",
    "RC8": "Closed after assessment, no further action",
    "RC9": "Closed after assessment, referred to early help",
}
#: RC8 and RC9 are closures *after assessment*: they need one and forbid s47s and plans.
AFTER_ASSESSMENT = ("RC8", "RC9")
CATEGORIES_OF_ABUSE = ("NEG", "PHY", "SAB", "EMO", "MUL")
#: Assessment factors for 2025-26: 18A and 19A retired from 2024-25 (DOMAIN.md §5).
ASSESSMENT_FACTORS: tuple[str, ...] = (
    *(f"{n}{x}" for n in range(1, 7) for x in "ABC"), "7A", *(f"8{x}" for x in "BCDEF"),
    "9A", "10A", "11A", "12A", "13A", "14A", "15A", "16A", "17A", "18B", "18C", "19B", "19C",
    "20", "21", "22A", "23A", "24A",
)
#: CIN census GenderCurrent codes, as PersonRow stores them.
GENDERS = {"1": "Male", "2": "Female", "0": "Not recorded", "9": "Indeterminate"}
#: CIN census ethnicity codes in the DfE's order (Annex A letters a) to t) follow it).
ETHNICITIES = ("WBRI", "WIRI", "WIRT", "WOTH", "WROM", "MWBC", "MWBA", "MWAS", "MOTH", "AIND",
               "APKN", "ABAN", "AOTH", "BCRB", "BAFR", "BOTH", "CHNE", "OOTH", "REFU", "NOBT")
#: The UPN-unknown reasons this service can DERIVE from data it holds, and nothing else.
#: Meanings as published in the DfE's common basic data set code set for "UPN unknown"
#: (CS051) and quoted by the DfE CIN validation rules 8770Q and 8772: UN1 "Child is aged
#: under 6 years old and is not yet assigned a UPN"; UN7 "Child referred but no further
#: action taken" (8772: "UN7 (Referral with no further action)").
UPN_UNKNOWN = {"UN1": "Child is aged under 6 years old and is not yet assigned a UPN",
               "UN7": "Referral with no further action"}


def lettered(codes: list[str] | tuple[str, ...]) -> dict[str, str]:
    """``{code: "a"}`` … in list order (Annex A's lettering)."""
    return dict(zip(codes, ascii_lowercase, strict=False))


SOURCE_LETTERS = lettered([code for code, _ in REFERRAL_SOURCES])
SOURCE_LABELS = dict(REFERRAL_SOURCES)
