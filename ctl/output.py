"""Rendering result rows as table, csv, json, jsonl or markdown.

Shared by `ctl query`, `ctl timeline` and `ctl stats`. Only the standard library is imported here, and
only cheap modules at that: `ctl query` runs on a budget measured against bare DuckDB (bench/run.py).

Values arrive as DuckDB's Python types: None, bool, int, float, Decimal, str, date/datetime/time,
timedelta, UUID, bytes, list (LIST/ARRAY) and dict (STRUCT/MAP).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import math
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any, TextIO

FORMATS = ("table", "csv", "json", "jsonl", "markdown")


def render(columns: list[str], rows: Sequence[tuple], fmt: str, out: TextIO) -> None:
    """Write `rows` (tuples in `columns` order) to `out` in format `fmt` (one of FORMATS)."""
    try:
        renderer = _RENDERERS[fmt]
    except KeyError:
        raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}") from None
    renderer(list(columns), rows, out)


# -- text cells (table, csv, markdown) -------------------------------------------------------------


def _is_number(value: Any) -> bool:
    # bool is an int subclass, but true/false is not a quantity to right-align.
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def _numeric_columns(n: int, rows: Sequence[tuple]) -> list[bool]:
    """Which columns to right-align: those whose non-NULL values are all numbers (and not all NULL)."""
    return [
        any(row[i] is not None for row in rows) and all(row[i] is None or _is_number(row[i]) for row in rows)
        for i in range(n)
    ]


def cell_text(value: Any, list_sep: str = ", ") -> str:
    """One value as plain text: NULL is empty, lists are joined with `list_sep`."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return _float_text(value)
    if isinstance(value, list | tuple):
        return list_sep.join(cell_text(v, list_sep) for v in value)
    if isinstance(value, dict):
        return json.dumps(_jsonable(value), ensure_ascii=False)
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).hex()
    if isinstance(value, dt.timedelta):
        return _timedelta_text(value)
    # int, Decimal, date, datetime (str() gives DuckDB's "YYYY-MM-DD HH:MM:SS"), time, UUID, ...
    return str(value)


def _float_text(value: float) -> str:
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    return repr(value)


def _timedelta_text(value: dt.timedelta) -> str:
    # str(timedelta(days=-1)) is "-1 day, 0:00:00"; keep that readable form, it is what people expect.
    return str(value)


# -- table ------------------------------------------------------------------------------------------


def _width(text: str) -> int:
    """Terminal columns taken by `text`: East Asian wide characters take two."""
    if text.isascii():
        return len(text)
    import unicodedata  # only for non-ASCII text; a C module, but no need to load it otherwise

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _one_line(text: str) -> str:
    # A newline inside a cell would break the alignment of every following row.
    return text.replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\r").replace("\t", " ")


def _render_table(columns: list[str], rows: Sequence[tuple], out: TextIO) -> None:
    header = [_one_line(c) for c in columns]
    cells = [[_one_line(cell_text(v)) for v in row] for row in rows]
    widths = [_width(h) for h in header]
    for row in cells:
        for i, text in enumerate(row):
            widths[i] = max(widths[i], _width(text))
    numeric = _numeric_columns(len(columns), rows)

    def line(texts: list[str]) -> str:
        parts = []
        for text, width, right in zip(texts, widths, numeric, strict=True):
            pad = " " * (width - _width(text))
            parts.append(pad + text if right else text + pad)
        return "  ".join(parts).rstrip()

    out.write(line(header) + "\n")
    out.write("  ".join("-" * w for w in widths) + "\n")
    for row in cells:
        out.write(line(row) + "\n")


# -- csv ----------------------------------------------------------------------------------------------


def _render_csv(columns: list[str], rows: Sequence[tuple], out: TextIO) -> None:
    # lineterminator "\n": the csv module's default "\r\n" is for files opened with newline="", and
    # stdout in text mode would turn it into "\r\r\n" on Windows.
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    if not rows:
        return
    # Column by column: a DuckDB column has one type, so most need no per-cell conversion at all.
    texts = [_csv_column(col) for col in zip(*rows, strict=True)]
    quoted = [_csv_quoted(col) for col in texts] if len(columns) > 1 else None
    if quoted is None or None in quoted:
        writer.writerows(zip(*texts, strict=True))
    else:
        out.write("\n".join(map(",".join, zip(*quoted, strict=True))) + "\n")


def _csv_quoted(texts: list[str]) -> list[str] | None:
    """The column's fields as csv.writer (QUOTE_MINIMAL, lineterminator "\n") writes them, or None when
    it is not plain enough to be sure. Joining fields with "," is what the writer does, at C speed,
    when it needs no quotes; it quotes a field holding a comma, a quote or a newline, and doubles the
    quotes inside. A carriage return (quoted or not depending on the Python version), a NUL and the
    lone empty field of a one-column row are left to the writer itself."""
    joined = "".join(texts)  # one character is found in the whole as in any of its parts
    if "\r" in joined or "\x00" in joined:
        return None
    if "," not in joined and '"' not in joined and "\n" not in joined:
        return texts
    return ['"' + t.replace('"', '""') + '"' if "," in t or '"' in t or "\n" in t else t for t in texts]


# Types whose cell_text is str(value) (checked by exact type: a subclass may print otherwise).
_STR_TYPES = frozenset({str, int, Decimal, dt.date, dt.datetime, dt.time})
_STR_OR_NULL = _STR_TYPES | {type(None)}


def _csv_column(col: tuple) -> list[str]:
    """One column's values as text, cell_text(value, "; ")."""
    kinds = set(map(type, col))
    if kinds == {str}:
        return list(col)
    if kinds <= _STR_TYPES:
        return [str(v) for v in col]
    if kinds <= _STR_OR_NULL:
        return ["" if v is None else str(v) for v in col]
    if kinds == {list}:
        return [_join_cells(v) for v in col]
    return [cell_text(v, "; ") for v in col]


def _join_cells(values: list) -> str:
    # A list of strings joins directly; anything else (NULL, numbers, nested lists) via cell_text.
    try:
        return "; ".join(values)
    except TypeError:
        return cell_text(values, "; ")


# -- json / jsonl -------------------------------------------------------------------------------------


def _jsonable(value: Any) -> Any:
    """A value json.dumps can write exactly: NaN and infinities become null (they are not JSON)."""
    if value is None or isinstance(value, str | bool | int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, Decimal):
        if not value.is_finite():
            return None
        # An integral Decimal (e.g. a SUM of integers is DECIMAL(38,0)) stays an exact int; others
        # become float, which is what a JSON reader would make of the number anyway.
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {_json_key(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, dt.date | dt.time):  # datetime is a date
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return _timedelta_text(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).hex()
    return str(value)  # UUID and anything newer


def _json_key(key: Any) -> str:
    # MAP keys may be any type; JSON object keys are strings.
    return key if isinstance(key, str) else cell_text(key)


def _unique_keys(columns: list[str]) -> list[str]:
    """`select 1 a, 2 a` is valid SQL; in an object the second `a` would silently replace the first."""
    seen: set[str] = set()
    keys = []
    for name in columns:
        key, n = name, 0
        while key in seen:
            n += 1
            key = f"{name}_{n}"
        seen.add(key)
        keys.append(key)
    return keys


def _objects(columns: list[str], rows: Sequence[tuple]):
    keys = _unique_keys(columns)
    for row in rows:
        yield {k: _jsonable(v) for k, v in zip(keys, row, strict=True)}


def _render_json(columns: list[str], rows: Sequence[tuple], out: TextIO) -> None:
    # allow_nan=False: _jsonable already removed NaN; this turns any slip into an error, not bad JSON.
    # What is written is json.dumps(objects, ensure_ascii=False, indent=2), laid out here because with
    # an indent json.dumps uses its pure-Python encoder, several times slower than the C one, which
    # _json_column uses for the values (a JSON text never holds a raw newline, so re-indenting is exact).
    if not rows or not columns:
        out.write(json.dumps(list(_objects(columns, rows)), ensure_ascii=False, indent=2, allow_nan=False))
        out.write("\n")
        return
    keys = ["    " + json.dumps(k, ensure_ascii=False) + ": " for k in _unique_keys(columns)]
    values = [_json_column(col) for col in zip(*rows, strict=True)]
    rows_texts = zip(*values, strict=True)
    objects = ("  {\n" + ",\n".join(map(str.__add__, keys, texts)) + "\n  }" for texts in rows_texts)
    out.write("[\n" + ",\n".join(objects) + "\n]\n")


# One C encoder for many values: separated by newlines, which no JSON value contains when unindented.
_ENCODE_LINES = json.JSONEncoder(ensure_ascii=False, allow_nan=False, separators=("\n", ":")).encode
_ENCODE = json.JSONEncoder(ensure_ascii=False, allow_nan=False).encode  # as json.dumps with these options
_JSON_AS_IS = frozenset({str, int, bool, type(None)})  # _jsonable returns these (exact types) unchanged
_JSON_SCALARS = frozenset({str, int, float, bool, type(None)})
_FLOAT_OR_NULL = frozenset({float, type(None)})
_DATE_OR_NULL = frozenset({dt.date, type(None)})  # exactly date: a datetime's isoformat differs
_VALUE_INDENT = "    "  # a value's place in the indented output: inside the list, inside its object


def _json_scalars(values: list) -> list[str]:
    return _ENCODE_LINES(values)[1:-1].split("\n") if values else []


def _json_column(col: tuple) -> list[str]:
    """Each value of one column as json.dumps(..., indent=2) writes it at the depth of an object's value.

    The common columns skip _jsonable: its result is known from the exact types alone."""
    kinds = set(map(type, col))
    if kinds <= _JSON_AS_IS:
        return _json_scalars(list(col))
    if kinds <= _FLOAT_OR_NULL:
        return _json_scalars([v if v is None or math.isfinite(v) else None for v in col])
    if kinds <= _DATE_OR_NULL:
        return _json_scalars([None if v is None else v.isoformat() for v in col])
    if kinds == {list}:
        items = [item for v in col for item in v]
        if set(map(type, items)) <= _JSON_AS_IS:
            return _json_lists(col, _json_scalars(items))
    values = [_jsonable(v) for v in col]
    kinds = set(map(type, values))
    if kinds <= _JSON_SCALARS:
        return _json_scalars(values)
    if kinds == {list}:
        items = [item for v in values for item in v]
        if set(map(type, items)) <= _JSON_SCALARS:
            return _json_lists(values, _json_scalars(items))
    return [
        json.dumps(v, ensure_ascii=False, indent=2, allow_nan=False).replace("\n", "\n" + _VALUE_INDENT)
        for v in values
    ]


def _json_lists(lists: Sequence[list], items: list[str]) -> list[str]:
    """Flat lists laid out as the indented json.dumps does, given the encoded items of all of them."""
    head, sep, tail = "[\n" + _VALUE_INDENT + "  ", ",\n" + _VALUE_INDENT + "  ", "\n" + _VALUE_INDENT + "]"
    out = []
    i = 0
    for v in lists:
        n = len(v)
        out.append(head + sep.join(items[i : i + n]) + tail if n else "[]")
        i += n
    return out


def _render_jsonl(columns: list[str], rows: Sequence[tuple], out: TextIO) -> None:
    for obj in _objects(columns, rows):
        out.write(_ENCODE(obj) + "\n")


# -- markdown -----------------------------------------------------------------------------------------


def _md_cell(text: str) -> str:
    # A pipe would end the cell and a newline the row (GitHub tables have no multi-line cells).
    text = text.replace("|", "\\|")
    return text.replace("\r\n", "<br>").replace("\n", "<br>").replace("\r", "<br>")


def _render_markdown(columns: list[str], rows: Sequence[tuple], out: TextIO) -> None:
    numeric = _numeric_columns(len(columns), rows)
    out.write("| " + " | ".join(_md_cell(c) for c in columns) + " |\n")
    out.write("|" + "|".join("---:" if right else "---" for right in numeric) + "|\n")
    for row in rows:
        out.write("| " + " | ".join(_md_cell(cell_text(v)) for v in row) + " |\n")


_RENDERERS: dict[str, Callable[[list[str], Sequence[tuple], TextIO], None]] = {
    "table": _render_table,
    "csv": _render_csv,
    "json": _render_json,
    "jsonl": _render_jsonl,
    "markdown": _render_markdown,
}
