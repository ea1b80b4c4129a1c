"""After each step the page says who acts next in a sentence a worker reads: role labels in
lower case inside it, but an acronym keeps its capitals, and alternatives listed as English
lists them."""

from __future__ import annotations

from web.views import either, in_sentence, who_acts_next


def test_a_label_reads_in_lower_case_inside_a_sentence_but_an_acronym_keeps_its_capitals(
        ) -> None:
    assert in_sentence("Team manager") == "team manager"
    assert in_sentence("MASH chair") == "MASH chair"
    assert in_sentence("MASH information gathering") == "MASH information gathering"
    assert in_sentence("A") == "a"


def test_alternatives_are_listed_with_commas_and_a_last_or() -> None:
    assert either(["team manager"]) == "team manager"
    assert either(["a", "b"]) == "a or b"
    assert either(["a", "b", "c"]) == "a, b or c"


def test_at_screening_the_mash_chair_is_named_with_its_capitals() -> None:
    said = who_acts_next("screening")

    assert said is not None and said.startswith("Next: the contact is at screening. Who acts: ")
    assert "MASH chair" in said and "mash chair" not in said
    assert " or " in said and "front door worker" in said


def test_a_final_stage_has_nobody_to_act_next() -> None:
    assert who_acts_next("closed") is None
    assert who_acts_next("no_such_stage") is None
