"""ctl.output.render: each format on hand-made rows with the awkward values DuckDB can return."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
import subprocess
import sys
import uuid
from decimal import Decimal

import pytest

from ctl.output import FORMATS, cell_text, render

COLUMNS = ["name", "n", "amount", "day", "tags", "note"]
ROWS = [
    ("Peshawar | KP", 12, Decimal("1.50"), dt.date(2023, 1, 30), ["a", "b"], None),
    ("Quetta", None, Decimal("10"), dt.date(2024, 2, 1), [], "two\nlines"),
    ("ملتان", 7, None, None, ["c"], "x"),
]


def rendered(fmt: str, columns=COLUMNS, rows=ROWS) -> str:
    out = io.StringIO()
    render(columns, rows, fmt, out)
    return out.getvalue()


def test_formats_are_the_cli_formats() -> None:
    from ctl import cli

    assert FORMATS == cli.FORMATS == ("table", "csv", "json", "jsonl", "markdown")


def test_unknown_format_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="unknown format 'xml'"):
        rendered("xml")


def test_table_aligns_numbers_right_and_shows_null_as_empty() -> None:
    lines = rendered("table").splitlines()
    assert lines[0].split() == COLUMNS
    assert set(lines[1].replace(" ", "")) == {"-"}
    # "n" is numeric: right-aligned under its header; NULL is blank.
    n_end = lines[0].index(" n") + 2
    assert lines[2][:n_end].endswith("12")
    assert lines[3][:n_end].rstrip() == lines[3][: lines[0].index(" n")].rstrip()
    assert "a, b" in lines[2]
    assert "two\\nlines" in lines[3]  # one row stays one line
    assert len(lines) == 2 + len(ROWS)


def test_table_counts_wide_characters_twice() -> None:
    text = rendered("table", ["w", "z"], [("日本", 1), ("ab", 2)])
    lines = text.splitlines()
    # "日本" is two characters but four terminal columns, so both numbers end in the same column.
    assert lines[2].index("1") + 2 == lines[3].index("2")


def test_table_of_no_rows_is_header_and_rule() -> None:
    assert rendered("table", ["a", "bb"], []) == "a  bb\n-  --\n"


def test_csv_parses_back() -> None:
    parsed = list(csv.reader(io.StringIO(rendered("csv"))))
    assert parsed[0] == COLUMNS
    assert parsed[1] == ["Peshawar | KP", "12", "1.50", "2023-01-30", "a; b", ""]
    assert parsed[2][5] == "two\nlines"
    assert len(parsed) == 1 + len(ROWS)


def test_json_is_one_array_of_objects() -> None:
    data = json.loads(rendered("json"))
    assert data[0] == {
        "name": "Peshawar | KP",
        "n": 12,
        "amount": 1.5,
        "day": "2023-01-30",
        "tags": ["a", "b"],
        "note": None,
    }
    assert data[1]["amount"] == 10 and isinstance(data[1]["amount"], int)
    assert data[2]["name"] == "ملتان"
    assert "ملتان" in rendered("json")  # ensure_ascii=False


def test_json_of_no_rows_is_an_empty_array() -> None:
    assert json.loads(rendered("json", ["a"], [])) == []


def test_jsonl_is_one_object_per_line() -> None:
    lines = rendered("jsonl").splitlines()
    assert [json.loads(line)["name"] for line in lines] == ["Peshawar | KP", "Quetta", "ملتان"]


def test_json_never_emits_nan_or_infinity() -> None:
    rows = [(math.nan, math.inf, -math.inf, Decimal("NaN"), [math.nan])]
    for fmt in ("json", "jsonl"):
        text = rendered(fmt, ["a", "b", "c", "d", "e"], rows)
        assert "NaN" not in text and "Infinity" not in text
        obj = json.loads(text)
        obj = obj[0] if fmt == "json" else obj
        assert obj == {"a": None, "b": None, "c": None, "d": None, "e": [None]}


def test_json_converts_other_duckdb_types() -> None:
    u = uuid.UUID(int=1)
    row = (
        dt.datetime(2024, 5, 1, 10, 30),
        dt.time(9, 5),
        dt.timedelta(days=2),
        b"\x01\xff",
        u,
        {"k": Decimal("2"), 3: "three"},
        True,
        (1, 2),
    )
    obj = json.loads(rendered("jsonl", list("abcdefgh"), [row]))
    assert obj == {
        "a": "2024-05-01T10:30:00",
        "b": "09:05:00",
        "c": "2 days, 0:00:00",
        "d": "01ff",
        "e": str(u),
        "f": {"k": 2, "3": "three"},
        "g": True,
        "h": [1, 2],
    }


def test_json_keeps_duplicate_column_names_apart() -> None:
    assert json.loads(rendered("jsonl", ["a", "a", "a_1"], [(1, 2, 3)])) == {"a": 1, "a_1": 2, "a_1_1": 3}


def test_markdown_escapes_pipes_and_newlines() -> None:
    lines = rendered("markdown").splitlines()
    assert lines[0] == "| name | n | amount | day | tags | note |"
    assert lines[1] == "|---|---:|---:|---|---|---|"
    assert lines[2].startswith("| Peshawar \\| KP | 12 | 1.50 | 2023-01-30 | a, b |  |")
    assert "two<br>lines" in lines[3]


def test_cell_text() -> None:
    assert cell_text(None) == ""
    assert cell_text(False) == "false"
    assert cell_text(["a", None, 1]) == "a, , 1"
    assert cell_text(["a", "b"], "; ") == "a; b"
    assert cell_text(math.nan) == "NaN"
    assert cell_text(0.1) == "0.1"
    assert cell_text(dt.datetime(2024, 1, 2, 3, 4)) == "2024-01-02 03:04:00"


def test_import_is_stdlib_only() -> None:
    code = (
        "import sys; import ctl.output; "
        "heavy = ('duckdb', 'typer', 'pydantic', 'pyarrow', 'textual', 'rich'); "
        "bad = [m for m in heavy if m in sys.modules]; "
        "print(bad)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
