"""ctl.aliases.normalise: one key per name. Case, quote style, hyphens and dashes, spaces, dots, underscores
and diacritics are ignored; letters are not, so different transliterations stay different keys."""

from __future__ import annotations

import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ctl.aliases import normalise


@pytest.mark.parametrize(
    "spelling",
    [
        "Da'ish",
        "Da’ish",
        "da ish",
        "DAISH",
        "Da`ish",
        "Da‘ish",
        "Daʼish",
        'Da"ish',
        "Da-ish",
        "Da.ish",
        "Da_ish",
    ],
)
def test_quote_styles_spaces_and_punctuation_give_one_key(spelling: str):
    assert normalise(spelling) == "daish"


def test_daesh_is_a_different_spelling_from_daish():
    assert normalise("Daesh") != normalise("Da'ish")


@pytest.mark.parametrize(
    "spelling",
    [
        "Tehrik-i-Taliban Pakistan",
        "tehrik i taliban pakistan",
        "TEHRIK-I-TALIBAN PAKISTAN",
        "Tehrik–i–Taliban Pakistan",  # en dash
        "Tehrik—i—Taliban Pakistan",  # em dash
        "Tehrik‐i‐Taliban Pakistan",  # U+2010 hyphen
        "Tehrik−i−Taliban Pakistan",  # minus sign
        "Tehrik i Taliban-Pakistan",
        "Tehrik\ti\u00a0Taliban  Pakistan",  # tab, no-break space, two spaces
        "Tehrīk-i-Ṭālibān Pākistān",  # diacritics
        "TehrikiTalibanPakistan",
    ],
)
def test_tehrik_i_variants_that_differ_only_in_ignored_characters_are_one_key(spelling: str):
    assert normalise(spelling) == "tehrikitalibanpakistan"


def test_different_transliterations_of_tehrik_taliban_are_different_keys():
    keys = {
        normalise(s)
        for s in [
            "Tehreek-e-Taliban Pakistan",
            "Tehreek-i-Taliban Pakistan",
            "Tehrik-i-Taliban Pakistan",
            "Tehrik-e-Taliban Pakistan",
        ]
    }
    assert keys == {
        "tehreeketalibanpakistan",
        "tehreekitalibanpakistan",
        "tehrikitalibanpakistan",
        "tehriketalibanpakistan",
    }


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("U.S.", "us"),
        ("ISIS-K", "isisk"),
        ("ＴＴＰ", "ttp"),  # fullwidth letters fold by NFKD
        ("Straße", "strasse"),  # casefold, not lower
        ("İstanbul", "istanbul"),
        ("Khyber Pakhtunkhwa", "khyberpakhtunkhwa"),
        ("", ""),
        (" - ' ’ . ", ""),
    ],
)
def test_normalised_keys(name: str, key: str):
    assert normalise(name) == key


def test_letters_and_digits_are_kept():
    assert normalise("IS-K") != normalise("ISK-P")
    assert normalise("Area 51") == "area51"


@settings(max_examples=200)
@given(st.text())
def test_normalise_is_idempotent(name: str):
    assert normalise(normalise(name)) == normalise(name)


@settings(max_examples=200)
@given(st.text(alphabet=string.ascii_letters + string.digits + " -'._"))
def test_normalise_ignores_ascii_case(name: str):
    assert normalise(name.upper()) == normalise(name.lower()) == normalise(name)


@pytest.mark.parametrize("spelling", ["Daʿish", "Daʾish", "Da\u00adish"])
def test_ayn_hamza_and_soft_hyphen_are_ignored(spelling: str):
    assert normalise(spelling) == normalise("Da'ish")
