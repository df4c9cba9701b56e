"""Read one seed file: its TOML data, and where in the text each record, key and value stands.

tomllib gives values without positions, so a small scanner walks the text beside it and remembers the
line and column of every `[[kind]]` header, every `key =` and every element of an array. Errors found
anywhere later (schema, references, consistency) are reported at the exact spot a person has to edit.
The scanner understands the TOML that people write by hand: comments, basic and literal strings
(single- and multi-line), multi-line arrays and inline tables; anything it misreads only moves a caret,
never changes a value, because values always come from tomllib.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

Pos = tuple[int, int]  # (line, col), both 1-based

_HEADER = re.compile(r"\s*(\[\[?)\s*([A-Za-z0-9_.\-\"' ]+?)\s*\]\]?")
_KEY = re.compile(r"\s*([A-Za-z0-9_\-]+|\"[^\"]*\"|'[^']*')\s*(?:\.\s*[A-Za-z0-9_\-]+\s*)*=")
_TOML_POS = re.compile(r"\(at line (\d+), column (\d+)\)")


@dataclass
class KeySpan:
    pos: Pos  # where the key starts
    value: Pos  # where its value starts
    end_line: int  # last line of the value


@dataclass
class Table:
    """One `[[kind]]` record (or a `[[kind.sub]]` sub-table) and the keys written in it."""

    pos: Pos
    keys: dict[str, KeySpan] = field(default_factory=dict)
    subtables: dict[str, list[Table]] = field(default_factory=dict)


@dataclass
class SeedFile:
    path: str  # as shown in diagnostics (relative to the working directory when possible)
    real: Path  # the file itself
    lines: list[str]
    data: dict
    tables: dict[str, list[Table]]

    # -- locating -------------------------------------------------------------------------------------
    def table(self, kind: str, index: int) -> Table | None:
        tables = self.tables.get(kind, [])
        return tables[index] if 0 <= index < len(tables) else None

    def locate(self, kind: str, index: int, loc: tuple = (), at_value: bool = True) -> Pos:
        """The position of `loc` (a pydantic-style path: key, list index, key ...) in record `index`:
        the value a key holds, or with `at_value=False` the key itself."""
        table = self.table(kind, index)
        if table is None:
            return (1, 1)
        pos = table.pos
        loc = tuple(loc)
        while loc:
            key, rest = loc[0], loc[1:]
            if not isinstance(key, str):
                break
            if key in table.subtables and rest and isinstance(rest[0], int):
                subs = table.subtables[key]
                if rest[0] < len(subs):
                    table, pos, loc = subs[rest[0]], subs[rest[0]].pos, rest[1:]
                    continue
                break
            span = table.keys.get(key)
            if span is None:
                break
            pos = span.value if at_value and not rest else span.pos
            if rest and isinstance(rest[0], int):
                element = self._element(span, rest[0])
                if element is not None:
                    pos = element
                    if len(rest) > 1 and isinstance(rest[1], str):
                        pos = self._inline_key(element, rest[1], at_value) or element
            break
        return pos

    def value_pos(self, kind: str, index: int, key: str, needle: str | None = None) -> Pos:
        """Where the value of `key` starts, or where the quoted `needle` stands inside it."""
        table = self.table(kind, index)
        if table is None:
            return (1, 1)
        span = table.keys.get(key)
        if span is None:
            return table.pos
        if needle is not None:
            for quote in ('"', "'"):
                target = f"{quote}{needle}{quote}"
                for n in range(span.pos[0], span.end_line + 1):
                    text = self.lines[n - 1]
                    start = span.value[1] - 1 if n == span.value[0] else 0
                    col = text.find(target, start)
                    if col >= 0:
                        return (n, col + 1)
        return span.value

    def _element(self, span: KeySpan, index: int) -> Pos | None:
        """The start of the index-th element of the array that starts at span.value."""
        depth = 0
        count = -1
        expecting = False
        for line_no, col, ch in _code_chars(self.lines, span.value, span.end_line):
            if ch in "[{":
                if depth == 1 and expecting:
                    count += 1
                    expecting = False
                    if count == index:
                        return (line_no, col)
                depth += 1
                if depth == 1:
                    expecting = True
            elif ch in "]}":
                depth -= 1
                if depth == 0:
                    return None
            elif ch == "," and depth == 1:
                expecting = True
            elif depth == 1 and expecting and not ch.isspace():
                count += 1
                expecting = False
                if count == index:
                    return (line_no, col)
        return None

    def _inline_key(self, start: Pos, key: str, at_value: bool) -> Pos | None:
        """`key` inside the inline table that starts at `start` (inline tables are one line in TOML 1.0)."""
        pattern = re.compile(rf"[{{,]\s*({re.escape(key)})\s*=\s*")
        line_no, col = start
        text = self.lines[line_no - 1]
        m = pattern.search(text, col - 1)
        if m is None:
            return None
        return (line_no, (m.end() if at_value else m.start(1)) + 1)


def split_lines(text: str) -> list[str]:
    """Lines as TOML counts them: only LF (or CRLF) ends a line. str.splitlines would also break at
    U+2028, U+0085 and others, which TOML allows inside strings and comments, and shift every line."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [line.removesuffix("\r") for line in lines]


class SeedSyntaxError(Exception):
    def __init__(self, path: str, pos: Pos, message: str):
        super().__init__(message)
        self.path, self.pos, self.message = path, pos, message


def read_seed_file(path: Path | str, display: str | None = None) -> SeedFile:
    """Parse a TOML seed file and index its positions. Raises SeedSyntaxError on invalid TOML."""
    shown = display or str(path)
    raw = Path(path).read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise SeedSyntaxError(shown, (line, 1), "file is not valid UTF-8") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        m = _TOML_POS.search(message)
        if m:
            pos = (int(m[1]), int(m[2]))
        else:  # "(at end of document)": point just past the last character
            last = split_lines(text) or [""]
            pos = (len(last), len(last[-1]) + 1)
        message = _TOML_POS.sub("", message).replace("(at end of document)", "at the end of the file").strip()
        raise SeedSyntaxError(shown, pos, f"invalid TOML: {message}") from None
    except RecursionError:  # tomllib recurses per nesting level
        raise SeedSyntaxError(shown, (1, 1), "invalid TOML: arrays or tables nested too deeply") from None
    lines = split_lines(text)
    return SeedFile(shown, Path(path).resolve(), lines, data, scan_tables(lines))


def scan_tables(lines: list[str]) -> dict[str, list[Table]]:
    tables: dict[str, list[Table]] = {}
    current: Table | None = None
    open_span: KeySpan | None = None
    depth = 0  # bracket depth of the value being read
    multiline: str | None = None  # the closing delimiter of an open multi-line string
    for n, line in enumerate(lines, start=1):
        if multiline is not None:
            close = line.find(multiline)
            if close < 0:
                if open_span:
                    open_span.end_line = n
                continue
            multiline = None
            if open_span:
                open_span.end_line = n
            line = " " * (close + 3) + line[close + 3 :]
        if depth == 0:
            if (m := _HEADER.match(line)) and not line.lstrip().startswith("#"):
                name = m[2].replace('"', "").replace("'", "").replace(" ", "")
                parts = name.split(".")
                table = Table((n, m.start(1) + 1))
                if len(parts) == 1:
                    tables.setdefault(name, []).append(table)
                elif tables.get(parts[0]):  # [[actor.roles]] belongs to the last [[actor]], wherever it is
                    tables[parts[0]][-1].subtables.setdefault(parts[-1], []).append(table)
                current, open_span = table, None
                continue
            if (m := _KEY.match(line)) and current is not None:
                key = m[1].strip("\"'")
                value_col = m.end() + 1
                while value_col <= len(line) and line[value_col - 1] == " ":
                    value_col += 1
                open_span = KeySpan((n, m.start(1) + 1), (n, value_col), n)
                current.keys[key] = open_span
                depth, multiline = _depth_after(line[m.end() :], 0)
                continue
        elif open_span:
            open_span.end_line = n
            depth, multiline = _depth_after(line, depth)
            continue
        if open_span and line.strip() and not line.lstrip().startswith("#"):
            open_span.end_line = n
    return tables


def _depth_after(text: str, depth: int) -> tuple[int, str | None]:
    """Bracket depth after reading `text`, and an unclosed multi-line string's delimiter, if any."""
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "#":
            break
        if text.startswith('"""', i) or text.startswith("'''", i):
            delim = text[i : i + 3]
            close = text.find(delim, i + 3)
            if close < 0:
                return depth, delim
            i = close + 3
            continue
        if ch in "\"'":
            i = _string_end(text, i)
            continue
        if ch in "[{":
            depth += 1
        elif ch in "]}":
            depth -= 1
        i += 1
    return max(depth, 0), None


def _string_end(text: str, i: int) -> int:
    quote = text[i]
    j = i + 1
    while j < len(text):
        if quote == '"' and text[j] == "\\":
            j += 2
            continue
        if text[j] == quote:
            return j + 1
        j += 1
    return j


def _code_chars(lines: list[str], start: Pos, end_line: int):
    """(line, col, char) of every character outside strings and comments; a string yields its first char."""
    for n in range(start[0], end_line + 1):
        text = lines[n - 1]
        i = start[1] - 1 if n == start[0] else 0
        while i < len(text):
            ch = text[i]
            if ch == "#":
                break
            if ch in "\"'":
                yield n, i + 1, ch
                i = _string_end(text, i)
                continue
            yield n, i + 1, ch
            i += 1
