"""Normalisation shared by indexing and querying, and the one-edit distance."""

from __future__ import annotations

import pytest

from cabas.search.text import deletion_keys, fold, stems, within_one_edit, words


def test_fold_lowers_and_removes_accents_and_ligatures():
    assert fold("Œufs ÉLEVÉS à la Crème Brûlée, Æsop, Straße") == (
        "oeufs eleves a la creme brulee, aesop, strasse"
    )


def test_words_split_punctuation_numbers_and_drop_small_words():
    assert words("Jus d'orange 100% pur-jus (1L) x6") == [
        "jus",
        "orange",
        "100",
        "pur",
        "jus",
        "1",
        "6",
    ]


def test_words_drop_emoji_control_characters_and_other_scripts():
    assert words("🍫 choco\x00lat\x1b 巧克力 ") == ["choco", "lat"]


def test_singular_and_plural_share_a_stem():
    assert stems("tomate pâte chocolat gâteau") == stems("tomates pâtes chocolats gâteaux")


@pytest.mark.parametrize(
    ("typed", "term", "close"),
    [
        ("chocolta", "chocolat", True),  # swap of neighbours
        ("lorriane", "lorraine", True),
        ("chocolat", "chocolat", True),
        ("chocolt", "chocolat", True),  # deletion
        ("chocolatt", "chocolat", True),  # insertion
        ("chocolar", "chocolat", True),  # substitution
        ("cohcolta", "chocolat", False),  # two swaps
        ("chocol", "chocolat", False),
        ("tomate", "tomme", False),
    ],
)
def test_within_one_edit(typed, term, close):
    assert within_one_edit(typed, term) is close
    assert within_one_edit(term, typed) is close


def test_words_one_edit_apart_share_a_deletion_key():
    for typed, term in [("chocolta", "chocolat"), ("lorriane", "lorraine"), ("pattes", "pates")]:
        assert deletion_keys(typed) & deletion_keys(term)
