"""Fast paths of db/25_import_macros.sql, each checked against the plain form it stands in for.

`imp_text` is nullif(trim(x), ''), computed without trim() where trim() would change nothing (trim()
walks the whole string, which costs at a million notes). It must give the same value for every
string: blanks and NULL, every Unicode space DuckDB's trim strips, at either end, inside, alone, and
strings with other non-ASCII characters.

`imp_count` and `imp_code` cast plain digits at once (`imp_digits`); every other value takes the
general path of three NULL-safe casts. Both must agree with that general path on every string.
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


# The general paths of imp_count and imp_code, as they were before the digits' fast path.
SLOW = """
CREATE TEMP MACRO slow_count(x) AS CASE
    WHEN imp_unknown(x) THEN NULL
    WHEN try_cast(imp_text(x) AS DOUBLE) BETWEEN 0 AND 2147483647
        AND try_cast(imp_text(x) AS DOUBLE) = floor(try_cast(imp_text(x) AS DOUBLE))
        THEN try_cast(imp_text(x) AS DOUBLE)::INTEGER
END;
CREATE TEMP MACRO slow_code(x) AS CASE
    WHEN NOT imp_unknown(x) AND try_cast(imp_text(x) AS DOUBLE) = floor(try_cast(imp_text(x) AS DOUBLE))
        THEN try_cast(try_cast(imp_text(x) AS DOUBLE) AS INTEGER)
END;
"""


def numbers(con, values: list[str | None]) -> list[tuple]:
    con.execute(SLOW.replace("CREATE TEMP MACRO", "CREATE OR REPLACE TEMP MACRO"))
    return con.execute(
        "SELECT v, imp_digits(v), slow_count(v), imp_count(v), slow_code(v), imp_code(v) "
        "FROM (SELECT unnest(?::VARCHAR[]) AS v, generate_subscripts(?, 1) AS i) ORDER BY i",
        [values, values],
    ).fetchall()


def test_counts_and_codes_agree_with_the_general_path(con) -> None:
    values = [None, "", " ", "0", "7", "12", "007", "999999999", "1000000000", "2147483647", "2147483648"]
    values += [
        "-9",
        "-99",
        "-1",
        "3.0",
        "3.5",
        " 3",
        "3 ",
        "+3",
        "0x10",
        "1e3",
        "1_000",
        "３",
        "٣",
        "a",
        "9a",
    ]
    rows = numbers(con, values)
    for v, _, slow_count, fast_count, slow_code, fast_code in rows:
        assert (v, fast_count) == (v, slow_count)
        assert (v, fast_code) == (v, slow_code)
    by_value = {r[0]: r for r in rows}
    assert by_value["7"][1:4] == (True, 7, 7)
    assert by_value["999999999"][1] is True and by_value["1000000000"][1] is False  # ten digits: general path
    assert by_value["3.5"][3] is None and by_value["3.0"][3] == 3
    assert by_value["-9"][3] is None and by_value["0"][3] == 0  # unknown is NULL, zero is zero
    assert by_value["３"][1] is False and by_value["0x10"][1] is False  # only ASCII digits, no hex


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.none(),
            st.text(alphabet=st.sampled_from([*"0123456789", " ", "-", ".", "e", "x", "+"]), max_size=12),
        ),
        max_size=10,
    )
)
def test_counts_and_codes_agree_on_any_string(con, values: list[str | None]) -> None:
    for v, _, slow_count, fast_count, slow_code, fast_code in numbers(con, values):
        assert (v, fast_count, fast_code) == (v, slow_count, slow_code)
