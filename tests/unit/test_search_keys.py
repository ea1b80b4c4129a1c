"""Name search keys: a person is a candidate for a search exactly when they hold one of the
query's keys, so the keys decide who can be found, whatever the index does with them."""

from __future__ import annotations

from workflow.people.search_keys import (
    first_name_keys,
    pair_keys,
    person_keys,
    query_keys,
    soundex,
    surname_keys,
)


def _found(words: list[str], first: str, last: str, preferred: str = "") -> bool:
    return bool(query_keys(words) & person_keys(first, last, preferred))


def test_soundex_keeps_the_code_of_common_misspellings() -> None:
    assert {soundex(n) for n in ("smith", "smyth", "smtih")} == {"S530"}
    assert soundex("robert") == "R163"


def test_a_person_holds_every_surname_key_paired_with_every_first_name_key() -> None:
    keys = person_keys("Alfie", "Smith-Jones")
    pairs = {k for k in keys if "+" in k}
    assert pairs == pair_keys(surname_keys("Smith-Jones"), first_name_keys("Alfie"))
    assert "ls:J520+fs:A416" in pairs  # a part of the surname with the nickname's group


def test_a_preferred_name_is_paired_with_the_surname_too() -> None:
    assert _found(["Ollie", "Taylor"], "Oliver", "Taylor")
    assert _found(["Kit", "Taylor"], "Zebedee", "Taylor", preferred="Kit")
    assert not _found(["Kit", "Taylor"], "Zebedee", "Taylor")


def test_two_words_find_a_first_name_and_a_surname_in_either_order() -> None:
    assert _found(["Oliver", "Smtih"], "Oliver", "Smith")
    assert _found(["Smith", "Oliver"], "Oliver", "Smith")
    assert _found(["Alfie", "Jones"], "Alfred", "Smith-Jones")


def test_two_words_need_both_names_to_match_not_one() -> None:
    assert not _found(["Oliver", "Smith"], "Oliver", "Jones")
    assert not _found(["Oliver", "Smith"], "Harry", "Smith")
    assert not query_keys(["Oliver", "Smith"]) & {"ls:S530", "fs:O416"}  # no single keys


def test_one_word_may_be_a_surname_or_a_first_name() -> None:
    assert _found(["Smyth"], "Harry", "Smith")
    assert _found(["Olivr"], "Oliver", "Jones")
    assert not _found(["Quentin"], "Harry", "Smith")


def test_words_with_no_letters_have_no_keys() -> None:
    assert query_keys(["--"]) == set()
    assert query_keys(["Smith", "--"]) == pair_keys(surname_keys("Smith"),
                                                    first_name_keys("Smith"))
