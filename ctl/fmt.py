"""`ctl fmt`: rewrite seed files in their canonical layout, without changing what they say.

The canonical layout is the way seeds/*.toml are written by hand, so the bundled seeds are already in it:

- A file starts with its header comments; every `[[kind]]` record, and every sub-table such as
  `[[actor.roles]]`, has exactly one blank line before its header. Inside a record there are no blank
  lines. Comment blocks between records keep their place, one blank line around each block; a comment
  written directly above a header stays directly above it.
- Keys of a record follow the model's field order (ctl.model, KINDS[kind].model_fields). Keys the
  model does not know keep their order after the known ones (`ctl check` reports them; fmt never
  drops anything).
- A comment above a key, or at the end of its line, moves with the key.
- `key = value` with single spaces; bare keys where TOML allows them, else double-quoted.
- Strings are basic (double-quoted) strings with escapes; a string that holds a line break is a
  multi-line basic string (`\"\"\"` and a newline). Integers in decimal; floats as Python spells them.
- Day-precision dates in date fields (`published`, `date`, `period`, a role's `valid_from`, `valid_to`
  and `attested`) are TOML dates (`published = 2024-05-14`); any other period stays a string
  (`"2024-W20"`, `"2023-03-06..2023-03-07"`). Date-times and times are kept as written.
- An array that fits on one line of WIDTH (110) columns is written on one line, `["a", "b"]`; a longer
  one, one holding a comment, or one of two or more inline tables (`actors = [{ id = ..., role = ... }]`)
  has one element per line, indented by two spaces, each with a trailing comma. Inline tables are
  `{ key = value, ... }` in their model's field order.
- A person's roles are `[[actor.roles]]` sub-tables, and an event's actors an inline array: the other
  spelling of either (`roles = [...]`, `[[event.actors]]`) is rewritten into the canonical one.
- The file ends with one newline.

Meaning is never changed: every result is parsed with tomllib and compared with the input (dates in
date fields compared as dates), and a file whose meaning would change is reported and left alone.
Formatting is idempotent: fmt(fmt(x)) == fmt(x).
"""

from __future__ import annotations

import itertools
import math
import os
import re
import tempfile
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, TextIO, get_args, get_origin

import tomlkit
from tomlkit import items
from tomlkit.exceptions import TOMLKitError

from ctl.dates import Period
from ctl.diagnostics import Diagnostic, render_text
from ctl.model import KINDS, Actor, Event, Record
from ctl.seedfile import scan_tables  # the header scanner `ctl check` uses, shared so both read headers alike

WIDTH = 110
INDENT = "  "

# Lists of records written as sub-tables ([[actor.roles]]) rather than inline, and the reverse.
SUBTABLE_FIELDS: dict[type[Record], set[str]] = {Actor: {"roles"}}
INLINE_FIELDS: dict[type[Record], set[str]] = {Event: {"actors"}}

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


class FmtError(Exception):
    """A file that cannot be formatted; `diagnostic` is set for invalid TOML."""

    def __init__(self, message: str, diagnostic: Diagnostic | None = None):
        super().__init__(message)
        self.diagnostic = diagnostic


# -- the tree fmt works on ------------------------------------------------------------------------------

# Layout markers in the list of output lines: BLANK asks for a blank line; HUG (after a comment) forbids
# one, so that a comment written directly above a header stays there.
BLANK = object()
HUG = object()
Line = Any  # str | BLANK | HUG


@dataclass
class Raw:
    """A value kept exactly as written (date-times and times: their spelling is their meaning)."""

    text: str


@dataclass
class Elem:
    value: Any
    comments: list[str] = field(default_factory=list)  # comment lines above the element
    trailing: str = ""  # the comment after it on its line


@dataclass
class ArrayNode:
    elems: list[Elem] = field(default_factory=list)
    dangling: list[str] = field(default_factory=list)  # comments after the last element


@dataclass
class InlineNode:
    pairs: list[tuple[list[str], Any]] = field(default_factory=list)  # (dotted key parts, value)


@dataclass
class Entry:
    """One `key = value` line of a table, with the comments that belong to it."""

    key: list[str]  # parts of a dotted key; usually one
    value: Any
    comments: list[Line] = field(default_factory=list)
    trailing: str = ""


@dataclass
class TableNode:
    path: list[str]  # header key parts: ["actor", "roles"]
    array: bool = True  # [[path]] rather than [path]
    header: bool = True  # False for the document itself
    model: type[Record] | None = None
    comment: str = ""  # on the header line
    lead: list[Line] = field(default_factory=list)  # comments above the header
    entries: list[Entry] = field(default_factory=list)
    children: list[TableNode] = field(default_factory=list)
    tail: list[Line] = field(default_factory=list)  # comments after the table's last line


# -- what the model says about a field ----------------------------------------------------------------


def leaf_types(annotation: Any) -> set[type]:
    """The classes inside an annotation (through Optional, list and Annotated)."""
    if isinstance(annotation, type) and get_origin(annotation) is None:
        return {annotation}
    out: set[type] = set()
    for arg in get_args(annotation):
        out |= leaf_types(arg)
    return out


def field_order(model: type[Record]) -> tuple[str, ...]:
    return tuple(model.model_fields)


def nested_model(model: type[Record] | None, key: str) -> type[Record] | None:
    """The record model of a field that holds records (Actor.roles -> Role), else None."""
    info = model.model_fields.get(key) if model else None
    if info is None:
        return None
    nested = [t for t in leaf_types(info.annotation) if issubclass(t, Record)]
    return nested[0] if nested else None


def date_fields(model: type[Record] | None) -> tuple[set[str], set[str]]:
    """(fields holding one date or period, fields holding a list of dates) of a model."""
    scalar: set[str] = set()
    listed: set[str] = set()
    for name, info in (model.model_fields if model else {}).items():
        if leaf_types(info.annotation) & {Period, date}:
            (listed if get_origin(info.annotation) is list else scalar).add(name)
    return scalar, listed


def _as_date(value: Any) -> Any:
    """A day written as a string, as a date; anything else unchanged."""
    if isinstance(value, str) and _DAY.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return value
    return value


# -- reading: tomlkit items -> tree ---------------------------------------------------------------------


def _comment(trivia: items.Trivia) -> str:
    return trivia.comment.rstrip()


def _node(item: Any, model: type[Record] | None, hoisted: list[str]) -> Any:
    """The value of a tomlkit item; comments inside nested arrays go to `hoisted`."""
    if isinstance(item, items.Array):
        array = _array_node(item, model)
        for elem in array.elems:
            hoisted.extend(elem.comments)
            if elem.trailing:
                hoisted.append(elem.trailing)
            elem.comments, elem.trailing = [], ""
        hoisted.extend(array.dangling)
        array.dangling = []
        return array
    if isinstance(item, items.InlineTable | items.Table):
        return InlineNode([(k, _node(v, nested_model(model, k[0]), hoisted)) for k, v in _pairs(item)])
    if isinstance(item, items.Bool):
        return bool(item.value)
    if isinstance(item, items.String):
        return str(item.value)
    if isinstance(item, items.DateTime | items.Time):
        return Raw(item.as_string().strip())
    if isinstance(item, items.Date):
        return date(item.year, item.month, item.day)
    if isinstance(item, items.Integer):
        return int(item)
    if isinstance(item, items.Float):
        return float(item)
    raise FmtError(f"cannot format a value of type {type(item).__name__}")


def _pairs(table: Any, prefix: list[str] | None = None) -> list[tuple[list[str], Any]]:
    """The (key parts, item) pairs of an inline table, with dotted keys (`a.b = 1`) flattened."""
    out: list[tuple[list[str], Any]] = []
    for key, item in table.value.body:
        if key is None:
            continue
        parts = [*(prefix or []), key.key]
        if isinstance(item, items.Table | items.InlineTable) and item.is_super_table():
            out.extend(_pairs(item, parts))
        else:
            out.append((parts, item))
    return out


def _array_node(array: items.Array, model: type[Record] | None) -> ArrayNode:
    node = ArrayNode()
    pending: list[str] = []
    after_value = False  # a value was read and no line break followed yet
    for item in array._iter_items():  # tomlkit keeps comments and line breaks only here
        if isinstance(item, items.Whitespace):
            if "\n" in item.s:
                after_value = False
        elif isinstance(item, items.Comment):
            text = _comment(item.trivia)
            if after_value and node.elems:
                node.elems[-1].trailing = text
            else:
                pending.append(text)
        elif isinstance(item, items.Null):
            continue
        else:
            hoisted: list[str] = []
            value = _node(item, model, hoisted)
            node.elems.append(Elem(value, [*pending, *hoisted]))
            pending, after_value = [], True
    node.dangling = pending
    return node


def _blank_after(trivia: items.Trivia) -> bool:
    return trivia.trail.count("\n") > 1


def _read_body(
    table: TableNode, body: Iterable[tuple[Any, Any]], prefix: list[str], pending: list[Line] | None = None
) -> list[Line]:
    """Fill `table` from a tomlkit body; returns the comments left over at its end."""
    pending = list(pending or [])
    for key, item in body:
        if key is None:
            if isinstance(item, items.Whitespace):
                pending.extend(BLANK for _ in range(item.s.count("\n")))
            elif isinstance(item, items.Comment):
                pending.append(_comment(item.trivia))
                if _blank_after(item.trivia):
                    pending.append(BLANK)
            continue
        parts = [*prefix, key.key]
        if isinstance(item, items.AoT):
            # Arrays of tables at the top of a file are records; below a record, lists of records.
            model = nested_model(table.model, key.key) if table.path else KINDS.get(key.key)
            for sub in item.body:
                child = _read_table([*table.path, *parts], sub, model, array=True)
                child.lead, pending = pending, []
                table.children.append(child)
        elif isinstance(item, items.Table) and item.is_super_table():
            # `[a.b]` without `[a]`, or dotted keys `a.b = 1`: no header of its own.
            pending = _read_super(table, item, parts, pending)
        elif isinstance(item, items.Table):
            child = _read_table([*table.path, *parts], item, nested_model(table.model, key.key), array=False)
            child.lead, pending = pending, []
            table.children.append(child)
        else:
            hoisted: list[str] = []
            sub = nested_model(table.model, key.key)
            # An entry's own array keeps its comments in place; deeper ones go above the entry.
            value = _array_node(item, sub) if isinstance(item, items.Array) else _node(item, sub, hoisted)
            table.entries.append(Entry(parts, value, [*pending, *hoisted], _comment(item.trivia)))
            pending = [BLANK] if _blank_after(item.trivia) else []
    return pending


def _read_super(table: TableNode, item: items.Table, parts: list[str], pending: list[Line]) -> list[Line]:
    has_keys = any(k is not None and not isinstance(v, items.Table | items.AoT) for k, v in item.value.body)
    if has_keys:  # dotted keys belong to this table
        before = len(table.entries)
        rest = _read_body(table, item.value.body, parts)
        if len(table.entries) > before:
            table.entries[before].comments[:0] = pending
            return rest
        return [*pending, *rest]
    holder = TableNode([*table.path, *parts], header=False)
    rest = _read_body(holder, item.value.body, [])
    if holder.children:
        holder.children[0].lead[:0] = pending
        pending = []
    table.children.extend(holder.children)
    return [*pending, *rest]


def _read_table(path: list[str], item: items.Table, model: type[Record] | None, array: bool) -> TableNode:
    table = TableNode(path, array=array, model=model, comment=_comment(item.trivia))
    table.tail = _read_body(table, item.value.body, [])
    if model is not None:
        _canonical_record(table)
    return table


# -- reading: plain Python values -> tree (for `ctl add`) ----------------------------------------------


def _py_node(value: Any) -> Any:
    if isinstance(value, bool | int | float | str | Raw):
        return value
    if isinstance(value, datetime | time):
        return Raw(value.isoformat())
    if isinstance(value, date):
        return value
    if isinstance(value, list | tuple):
        return ArrayNode([Elem(_py_node(v)) for v in value])
    if isinstance(value, dict):
        return InlineNode([([str(k)], _py_node(v)) for k, v in value.items()])
    raise FmtError(f"cannot write a value of type {type(value).__name__}")


def record_table(kind: str, record: dict[str, Any]) -> TableNode:
    """The tree of one new record, in canonical form."""
    table = TableNode([kind], model=KINDS[kind])
    table.entries = [Entry([k], _py_node(v)) for k, v in record.items() if v is not None]
    _canonical_record(table)
    return table


# -- canonical form of a record -------------------------------------------------------------------------


def _canonical_record(table: TableNode) -> None:
    model = table.model
    assert model is not None
    scalar, listed = date_fields(model)
    for entry in table.entries:
        name = entry.key[0] if len(entry.key) == 1 else None
        if name in scalar:
            entry.value = _as_date(entry.value)
        elif name in listed and isinstance(entry.value, ArrayNode):
            for elem in entry.value.elems:
                elem.value = _as_date(elem.value)
        sub = nested_model(model, name) if name else None
        if sub is not None and isinstance(entry.value, ArrayNode):
            for elem in entry.value.elems:
                if isinstance(elem.value, InlineNode):
                    _order_inline(elem.value, sub)
    _to_subtables(table)
    _to_inline(table)
    table.entries = _ordered(table.entries, field_order(model), lambda e: e.key[0])


def _ordered(things: list, order: tuple[str, ...], name_of) -> list:
    rank = {name: i for i, name in enumerate(order)}
    # sorted() is stable: unknown keys keep their written order after the known ones.
    return sorted(things, key=lambda t: rank.get(name_of(t), len(rank)))


def _order_inline(node: InlineNode, model: type[Record]) -> None:
    scalar, listed = date_fields(model)
    pairs = []
    for key, value in node.pairs:
        if len(key) == 1 and key[0] in scalar:
            value = _as_date(value)
        elif len(key) == 1 and key[0] in listed and isinstance(value, ArrayNode):
            for elem in value.elems:
                elem.value = _as_date(elem.value)
        pairs.append((key, value))
    node.pairs = _ordered(pairs, field_order(model), lambda p: p[0][0])


def _to_subtables(table: TableNode) -> None:
    """`roles = [{...}, ...]` -> `[[actor.roles]]` sub-tables (the canonical spelling)."""
    model = table.model
    keep: list[Entry] = []
    converted: list[TableNode] = []
    for entry in table.entries:
        name = entry.key[0]
        array = entry.value
        if (
            len(entry.key) == 1
            and name in SUBTABLE_FIELDS.get(model, set())  # type: ignore[arg-type]
            and isinstance(array, ArrayNode)
            and array.elems
            and all(isinstance(e.value, InlineNode) for e in array.elems)
        ):
            sub_model = nested_model(model, name)
            for i, elem in enumerate(array.elems):
                child = TableNode([*table.path, name], model=sub_model, comment=elem.trailing)
                child.lead = [*entry.comments, *elem.comments] if i == 0 else list(elem.comments)
                if i == 0 and entry.trailing:
                    child.lead.append(entry.trailing)
                child.entries = [Entry(k, v) for k, v in elem.value.pairs]
                _canonical_record(child)
                converted.append(child)
            converted[-1].tail = list(array.dangling)
        else:
            keep.append(entry)
    table.entries = keep
    table.children[:0] = converted


def _to_inline(table: TableNode) -> None:
    """`[[event.actors]]` sub-tables -> `actors = [{...}, ...]` (the canonical spelling)."""
    model = table.model
    names = INLINE_FIELDS.get(model, set())  # type: ignore[arg-type]
    groups: dict[str, list[TableNode]] = {}
    rest: list[TableNode] = []
    for child in table.children:
        name = child.path[-1]
        if child.array and name in names and len(child.path) == len(table.path) + 1 and not child.children:
            groups.setdefault(name, []).append(child)
        else:
            rest.append(child)
    table.children = rest
    for name, subs in groups.items():
        array = ArrayNode()
        carried: list[str] = []
        for sub in subs:
            comments = [*carried, *_texts(sub.lead)]
            if sub.comment:
                comments.append(sub.comment)
            for entry in sub.entries:
                comments.extend(_texts(entry.comments))
                if entry.trailing:
                    comments.append(entry.trailing)
            node = InlineNode([(e.key, e.value) for e in sub.entries])
            array.elems.append(Elem(node, comments))
            carried = _texts(sub.tail)
        array.dangling = carried
        table.entries.append(Entry([name], array))


def _texts(lines: list[Line]) -> list[str]:
    return [line for line in lines if isinstance(line, str)]


# -- writing: tree -> text ------------------------------------------------------------------------------


def _key(parts: list[str]) -> str:
    return ".".join(p if _BARE_KEY.fullmatch(p) else _basic(p) for p in parts)


_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}


def _escape_char(ch: str, keep_newline: bool) -> str:
    if keep_newline and ch == "\n":
        return ch
    if ch in _ESCAPES:
        return _ESCAPES[ch]
    if ord(ch) < 0x20 or ord(ch) == 0x7F:
        return f"\\u{ord(ch):04X}"
    return ch


def _basic(text: str) -> str:
    return '"' + "".join(_escape_char(ch, False) for ch in text) + '"'


def _multiline(text: str) -> str:
    # A quote is escaped only where it would make a run of three (closing the string early) or touch
    # the closing delimiter; quoted words inside a paragraph stay readable.
    out: list[str] = []
    run = 0
    for ch in text:
        if ch == '"':
            out.append('\\"' if run == 2 else '"')
            run = 0 if run == 2 else run + 1
        else:
            out.append(_escape_char(ch, True))
            run = 0
    if run:
        out[-1] = '\\"'
    return '"""\n' + "".join(out) + '"""'


def _float(value: float) -> str:
    if math.isnan(value):
        return "nan"
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    return repr(value)


def _value(value: Any) -> str:
    """A value on one line (a multi-line string keeps its line breaks)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _float(value)
    if isinstance(value, str):
        return _multiline(value) if "\n" in value else _basic(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Raw):
        return value.text
    if isinstance(value, ArrayNode):
        return "[" + ", ".join(_value(e.value) for e in value.elems) + "]"
    if isinstance(value, InlineNode):
        if not value.pairs:
            return "{}"
        return "{ " + ", ".join(f"{_key(k)} = {_value(v)}" for k, v in value.pairs) + " }"
    raise FmtError(f"cannot write a value of type {type(value).__name__}")


def _one_line_fits(prefix: str, array: ArrayNode) -> bool:
    if array.dangling or any(e.comments or e.trailing for e in array.elems):
        return False
    if sum(isinstance(e.value, InlineNode) for e in array.elems) >= 2:
        return False
    text = prefix + _value(array)
    return "\n" not in text and len(text) <= WIDTH


def _entry_lines(entry: Entry, keep_blanks: bool) -> list[Line]:
    lines: list[Line] = []
    for line in entry.comments:
        if isinstance(line, str):
            lines.append(line)
        elif keep_blanks:
            lines.append(BLANK)
    if keep_blanks and lines and isinstance(lines[-1], str):
        lines.append(HUG)
    prefix = f"{_key(entry.key)} = "
    value = entry.value
    if isinstance(value, ArrayNode) and not _one_line_fits(prefix, value):
        body: list[str] = [prefix + "["]
        for elem in value.elems:
            body.extend(INDENT + c for c in elem.comments)
            body.append(INDENT + _value(elem.value) + "," + (f"  {elem.trailing}" if elem.trailing else ""))
        body.extend(INDENT + c for c in value.dangling)
        body.append("]")
    else:
        body = [prefix + _value(value)]
    if entry.trailing:
        body[-1] += f"  {entry.trailing}"
    return [*lines, *body]


def _comment_block(lines: list[Line]) -> list[Line]:
    """Comments with their blank lines; HUG when the last comment touched what follows."""
    out = list(lines)
    if out and isinstance(out[-1], str):
        out.append(HUG)
    return out


def _table_lines(table: TableNode) -> list[Line]:
    out: list[Line] = []
    if table.header:
        out.append(BLANK)
        out.extend(_comment_block(table.lead))
        out.append(BLANK)
        brackets = ("[[", "]]") if table.array else ("[", "]")
        header = f"{brackets[0]}{_key(table.path)}{brackets[1]}"
        out.append(header + (f"  {table.comment}" if table.comment else ""))
    for entry in table.entries:
        # Inside a record blank lines go; between top-level keys (not seeds, but valid TOML) they stay.
        out.extend(_entry_lines(entry, keep_blanks=not table.header))
    for child in table.children:
        out.extend(_table_lines(child))
    if table.tail:
        out.append(BLANK)
        out.extend(_comment_block(table.tail))
    return out


def _join(lines: list[Line]) -> str:
    text: list[str] = []
    blank = hug = False
    for line in lines:
        if line is BLANK:
            blank = not hug
        elif line is HUG:
            hug, blank = True, False
        else:
            if blank and text:
                text.append("")
            text.append(line)
            blank = hug = False
    return "\n".join(text) + "\n" if text else ""


def render_record(kind: str, record: dict[str, Any]) -> str:
    """One record as canonical TOML text, starting with its `[[kind]]` header."""
    return _join(_table_lines(record_table(kind, record)))


# -- formatting a text --------------------------------------------------------------------------------


def format_text(text: str) -> str:
    """The canonical layout of a seed file's text. Raises FmtError when it cannot be done safely."""
    try:
        before = _meaning(text)
    except tomllib.TOMLDecodeError as exc:
        raise FmtError(f"invalid TOML: {exc}") from None
    root = TableNode([], header=False)
    pending: list[Line] = []
    for chunk in _chunks(text):
        try:
            doc = tomlkit.parse(chunk)
        except TOMLKitError as exc:  # valid for tomllib (checked above) but not for tomlkit
            raise FmtError(f"cannot format this file: {exc}") from None
        pending = _read_body(root, doc.body, [], pending)
    root.tail = pending
    result = _join(_table_lines(root))
    if _meaning(result) != before:
        raise FmtError("formatting would change the file's meaning; left as it is (please report this)")
    return result


def _chunks(text: str) -> list[str]:
    """The text cut before each top-level header (`[[event]]`, `[x]`; not `[[actor.roles]]`).

    tomlkit gathers the records of one kind into one array, so a file that mixes kinds (event, source,
    event) would come back grouped by kind. Parsing each record on its own keeps every record where it
    was written. seedfile's scanner finds the headers: it knows multi-line strings and arrays, so a
    line of a string that looks like a header is not one.
    """
    lines = text.split("\n")
    starts = sorted({t.pos[0] - 1 for tables in scan_tables(lines).values() for t in tables})
    cuts = [0, *(n for n in starts if n > 0), len(lines)]
    return ["\n".join(lines[a:b]) + "\n" for a, b in itertools.pairwise(cuts) if b > a]


def _meaning(text: str) -> Any:
    """What a text says: its tomllib data with day-dates in date fields as dates, and every value
    tagged with its type (so 1 and 1.0, or "2024" and 2024, never compare equal)."""
    data = tomllib.loads(text)
    for kind, records in data.items():
        if kind in KINDS and isinstance(records, list):
            for record in records:
                _normalise(record, KINDS[kind])
    return _tagged(data)


def _normalise(record: Any, model: type[Record] | None) -> None:
    if not isinstance(record, dict) or model is None:
        return
    scalar, listed = date_fields(model)
    for key, value in record.items():
        if key in scalar:
            record[key] = _as_date(value)
        elif key in listed and isinstance(value, list):
            record[key] = [_as_date(v) for v in value]
        elif isinstance(value, list) and (sub := nested_model(model, key)):
            for item in value:
                _normalise(item, sub)


def _tagged(value: Any) -> Any:
    if isinstance(value, dict):
        return ("table", tuple(sorted((k, _tagged(v)) for k, v in value.items())))
    if isinstance(value, list):
        return ("array", tuple(_tagged(v) for v in value))
    if isinstance(value, float):
        return ("float", repr(value))  # repr: nan equals nan
    return (type(value).__name__, value)


# -- files ----------------------------------------------------------------------------------------------


@dataclass
class FileResult:
    path: Path
    shown: str
    changed: bool = False
    formatted: str | None = None
    error: FmtError | None = None


def syntax_diagnostic(path: Path, shown: str) -> Diagnostic | None:
    """The toml-syntax diagnostic `ctl check` gives for a file, or None when it parses."""
    from ctl.check import HINTS
    from ctl.seedfile import SeedSyntaxError, read_seed_file

    try:
        read_seed_file(path, shown)
    except SeedSyntaxError as exc:
        return Diagnostic(exc.path, exc.pos[0], exc.pos[1], "toml-syntax", exc.message, HINTS["toml-syntax"])
    return None


def format_file(path: Path, shown: str) -> FileResult:
    result = FileResult(path, shown)
    diag = syntax_diagnostic(path, shown)
    if diag is not None:
        result.error = FmtError(diag.message, diag)
        return result
    text = path.read_text(encoding="utf-8")
    try:
        result.formatted = format_text(text)
    except FmtError as exc:
        result.error = exc
        return result
    result.changed = result.formatted != text
    return result


def write_atomically(path: Path, text: str) -> None:
    """Replace a file's text in one step (a crash never leaves half a file), keeping its mode."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            f.write(text)
        if path.exists():
            mode = path.stat().st_mode & 0o7777
        else:  # mkstemp makes 0600; a new seed file gets the usual mode
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def expand(paths: list[Path]) -> list[Path]:
    """Files to format: each file as given, and every seed file below each folder."""
    from ctl.check import seed_files

    out: list[Path] = []
    for path in paths:
        out.extend(seed_files(path) if path.is_dir() else [path])
    return list(dict.fromkeys(out))


def shown_path(path: Path) -> str:
    """A path as ctl prints it: relative to the working directory when below it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def run(paths: list[Path], check_only: bool, out: TextIO, err: TextIO) -> int:
    """`ctl fmt`: format (or with check_only, list) the files; the exit code."""
    files = expand(paths)
    missing = [p for p in files if not p.is_file()]
    for path in missing:
        print(f"ctl: error: {shown_path(path)}: no such file", file=err)
    results = [format_file(p, shown_path(p)) for p in files if p.is_file()]
    failed = [r for r in results if r.error]
    for r in failed:
        assert r.error is not None
        if r.error.diagnostic is not None:
            err.write(render_text([r.error.diagnostic]))
        else:
            print(f"{r.shown}: error: {r.error}", file=err)
    changed = [r for r in results if r.changed]
    for r in changed:
        if check_only:
            print(r.shown, file=out)
        else:
            assert r.formatted is not None
            write_atomically(r.path, r.formatted)
    verb = "would reformat" if check_only else "reformatted"
    print(f"ctl: {verb} {len(changed)} of {len(results)} files", file=err)
    if missing or failed:
        return 1
    return 1 if check_only and changed else 0
