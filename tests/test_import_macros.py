"""`imp_text` of db/25_import_macros.sql: nullif(trim(x), ''), computed without trim() where trim()
would change nothing (trim() walks the whole string, which costs at a million notes).

It must give the same value as nullif(trim(x), '') for every string: blanks and NULL, every Unicode
space DuckDB's trim strips, at either end, inside, alone, and strings with other non-ASCII characters.
"""

from __future__ import annotations

import sys
import unicodedata

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ctl.paths import sql_dir

SPACES = [chr(cp) for cp in range(sys.maxunicode + 1) if unicodedata.category(chr(cp)) == "Zs"]


@pytest.fixture(scope="module")
def con():
    con = duckdb.connect()
    con.execute((sql_dir() / "25_import_macros.sql").read_text(encoding="utf-8"))
    yield con
    con.close()


def both(con, values: list[str | None]) -> list[tuple[str | None, str | None]]:
    return con.execute(
        "SELECT nullif(trim(v), ''), imp_text(v) "
        "FROM (SELECT unnest(?::VARCHAR[]) AS v, generate_subscripts(?, 1) AS i) ORDER BY i",
        [values, values],
    ).fetchall()


def test_trim_strips_exactly_the_unicode_spaces(con) -> None:
    """The fast path's premise: DuckDB's trim() strips category Zs and nothing else (not tabs or
    line breaks), so a string neither starting nor ending with one is its own trim."""
    stripped = con.execute(
        "SELECT list(c ORDER BY c) FROM (SELECT unnest(?::VARCHAR[]) AS c) WHERE trim(c || 'x' || c) = 'x'",
        [[chr(cp) for cp in range(sys.maxunicode + 1) if not 0xD800 <= cp < 0xE000]],
    ).fetchone()[0]
    assert stripped == SPACES
    assert "\t" not in stripped and "\n" not in stripped


def test_every_space_at_either_end(con) -> None:
    values = [None, "", " ", "x", "Dawn"]
    for space in SPACES:
        values += [
            space,
            space * 2,
            f"{space}x",
            f"x{space}",
            f"{space}x{space}",
            f"a{space}b",
            f" {space}x ",
        ]
    values += ["\tx\n", "Ünïcode", "ends in é", "中文", "x\u200b", "\u200bx"]  # not Zs: kept as they are
    rows = both(con, values)
    assert [fast for _, fast in rows] == [plain for plain, _ in rows]
    assert rows[values.index(f"{SPACES[1]}x{SPACES[1]}")] == ("x", "x")
    assert rows[values.index("\tx\n")] == ("\tx\n", "\tx\n")
    assert rows[1] == (None, None) and rows[2] == (None, None)  # blank and all-space are unknown


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from([*SPACES, "a", "é", "\t", "\n", "中", ";"]), max_size=8)))
def test_agrees_with_trim(con, values: list[str]) -> None:
    rows = both(con, values)
    assert [fast for _, fast in rows] == [plain for plain, _ in rows]
