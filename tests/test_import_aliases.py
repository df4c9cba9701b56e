"""Names from imported files resolve in SQL: norm_key agrees with ctl.aliases.normalise, and the rules of
db/post/40_names.sql pick the right actor, group or region for the spellings the datasets use."""

from __future__ import annotations

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ctl.aliases import normalise
from ctl.paths import sql_files
from tests.import_fixtures.support import Project, make_project

# What names in the datasets and seeds are made of: Latin letters with the diacritics of transliterated
# Urdu, Pashto and Arabic, digits, every quote, dash, dot and space the normaliser ignores, and the
# punctuation of dataset names (ABBR: Name (2018-), &, /).
ALPHABET = (
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    "āīūēōĀĪŪáéíóúàèìòùâêîôûäëïöüÄÖÜçÇñÑšžčćđẓṣṭḥḤṢṬẒǧ"
    " \t\u00a0\u2009\u3000'\"`´‘’‚‛“”„‟′″ʹʺʻʼʽʾʿˈ-‐‑‒–—―−_.·\u00ad\u200b\ufeff"
    ":;,()&/ßẞ"
)


@pytest.fixture(scope="module")
def con():
    c = duckdb.connect()
    for sql in sql_files():
        c.execute(sql.read_text(encoding="utf-8"))
    yield c
    c.close()


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=ALPHABET, max_size=40))
def test_norm_key_in_sql_agrees_with_normalise(con, name: str):
    assert con.execute("SELECT norm_key(?)", [name]).fetchone()[0] == normalise(name)


@pytest.mark.parametrize(
    "name",
    ["TTP: Tehrik-i-Taliban Pakistan", "Tehrik-i-Taliban Pakistan (TTP)", "Khyber Pakhtunkwa province",
     "Da’ish", "Ḥaqqānī Network", "ISKP: Islamic State (Khorasan Province)", "Azad Jammu & Kashmir"],
)  # fmt: skip
def test_norm_key_on_dataset_spellings(con, name: str):
    assert con.execute("SELECT norm_key(?)", [name]).fetchone()[0] == normalise(name)


@pytest.fixture(scope="module")
def resolved(tmp_path_factory: pytest.TempPathFactory) -> Project:
    """A file whose actor and place columns hold every spelling rule the resolver has."""
    project = make_project(tmp_path_factory.mktemp("names"))
    rows = [
        ("N1", "TTP: Tehrik-i-Taliban Pakistan", "Khyber Pakhtunkwa province", "Pakistan"),  # whole alias
        ("N2", "TTP: Pakistani Taliban", "Balochistan province", "Pakistan"),  # the ABBR part
        ("N3", "XYZ: Tehreek-e-Taliban Pakistan", "Punjab", "Pakistan"),  # the Name part
        ("N4", "Islamic State Khorasan (2015-)", "Sindh province", "Pakistan"),  # without the (...)
        ("N5", "Tehreek-i-Taliban (TTP)", "Azad Jammu & Kashmir", "Pakistan"),  # the (...) part
        ("N6", "Civilians (Pakistan)", "FATA", "Pakistan"),  # (Pakistan) names no group: unresolved
        ("N7", "Government of Pakistan", "Punjab", "India"),  # an actor; India's Punjab is not ours
        ("N8", "Unknown", "Islamabad Capital Territory", "Pakistan"),  # nobody
    ]
    text = "event_id_cnty,event_date,actor1,admin1,country\n"
    text += "".join(f"{i},2024-05-10,{actor},{admin1},{country}\n" for i, actor, admin1, country in rows)
    project.data("names.csv").write_text(text, encoding="utf-8")
    result = project.import_("acled", "names.csv", "--id", "names")
    assert result.exit_code == 0, result.output
    return project


def test_actor_names_resolve_by_whole_abbr_name_and_parentheses(resolved):
    e = {i.split("/")[1]: r for i, r in resolved.events("import_id = 'names'").items()}
    assert [e[f"N{i}"]["group_ids"] for i in range(1, 6)] == [["ttp"], ["ttp"], ["ttp"], ["isis-k"], ["ttp"]]
    assert (e["N6"]["group_ids"], e["N6"]["actor_ids"], e["N6"]["unresolved"]) == (
        [],
        [],
        ["Civilians (Pakistan)"],
    )
    assert (e["N7"]["actor_ids"], e["N7"]["actors"]) == (["pakistan"], ["Pakistan"])
    assert (e["N8"]["actors"], e["N8"]["unresolved"]) == ([], [])


def test_places_resolve_within_their_country(resolved):
    e = {i.split("/")[1]: r["region"] for i, r in resolved.events("import_id = 'names'").items()}
    assert e == {
        "N1": "kp",
        "N2": "balochistan",
        "N3": "punjab",
        "N4": "sindh",
        "N5": "ajk",
        "N6": "fata",
        "N7": None,  # India is not in the registry: no region, and never Pakistan's Punjab
        "N8": "ict",
    }
    unresolved = resolved.rows("SELECT kind, name, mentions FROM unresolved_names ORDER BY kind, name")
    assert {"kind": "region", "name": "India", "mentions": 1} in unresolved
