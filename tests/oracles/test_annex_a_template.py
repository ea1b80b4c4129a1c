"""config/annex_a/ilacs-2022.toml against the template as the installed liiatools has it.

Our file is a transcription of a transcription; this test reads liiatools' own files
(annex-a-merge.yml, data-map.yml, its sample workbook) through the oracle's venv and holds
every sheet name, heading and written code of ours to them, so a mistyped heading or label
fails here rather than being blanked by the cleaner on an inspection day.
"""

from __future__ import annotations

import pytest

from reporting.annex_a_spec import ListSpec, load_spec
from tests.oracles.harness import AnnexTemplate
from workflow.rules import DEFAULT_CONFIG

SPEC = load_spec(DEFAULT_CONFIG / "annex_a" / "ilacs-2022.toml")
#: Our words the template has no code for, and why (see the comments in the TOML file).
NOT_IN_TEMPLATE = {("closure_reason", "RC9 - Case closed after assessment, referred to early "
                                      "help")}


def _key(heading: str) -> str:
    """How a data-map key is matched to a heading: liiatools' data map spells two of them
    with another case or without the question mark ("Case status", "... support")."""
    return heading.rstrip("?").strip().lower()


def _codes(template: AnnexTemplate, annex: ListSpec, heading: str) -> tuple[str, ...] | None:
    found = template.codes[annex.sheet]
    return next((codes for key, codes in found.items() if _key(key) == _key(heading)), None)


@pytest.mark.parametrize("annex", SPEC.lists, ids=lambda a: a.sheet)
def test_headings_are_the_templates_in_its_order(liia_template: AnnexTemplate,
                                                 annex: ListSpec) -> None:
    assert annex.headings == liia_template.headings[annex.sheet]


def test_sheets_are_named_as_in_the_templates_sample(liia_template: AnnexTemplate) -> None:
    assert [a.sheet for a in SPEC.lists] == list(liia_template.sample_sheets[:7])


@pytest.mark.parametrize("annex", SPEC.lists, ids=lambda a: a.sheet)
def test_every_coded_value_we_write_is_one_of_the_templates_codes(
        liia_template: AnnexTemplate, annex: ListSpec) -> None:
    for column in annex.columns:
        if column.type != "coded" or column.codes is None:
            continue
        codes = _codes(liia_template, annex, column.heading)
        assert codes is not None, f"{annex.sheet} {column.heading!r} has no codes in the map"
        ours = {w for w in SPEC.codes[column.codes].values()
                if (column.codes, w) not in NOT_IN_TEMPLATE}
        assert ours <= set(codes), (annex.sheet, column.heading, ours - set(codes))


def test_every_code_the_template_has_for_a_column_we_fill_is_one_we_can_write(
        liia_template: AnnexTemplate) -> None:
    """What we never write, listed: "d) Neither" (the census's sex has no such code)."""
    never: set[tuple[str, str]] = set()
    for annex in SPEC.lists:
        for column in annex.columns:
            codes = _codes(liia_template, annex, column.heading) or ()
            written = set(SPEC.codes.get(column.codes or "", {}).values())
            never |= {(column.heading, c) for c in codes if c not in written}
    assert never == {("Gender", "d) Neither")}

