"""Diagnostics: what `ctl check` reports, rendered as `path:LINE:COL: error[CODE]: message`.

The text form follows hledger and rustc: the location, the code, the message, then the offending line
with a caret under the column, then a hint on how to fix it. The JSON form is a list of
{path, line, col, code, message} (plus severity and hint) for editors and scripts.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ctl.seedfile import split_lines


@dataclass(frozen=True, slots=True, order=True)
class Diagnostic:
    path: str
    line: int
    col: int
    code: str
    message: str
    hint: str = field(default="", compare=False)
    severity: str = field(default="error", compare=False)

    def header(self) -> str:
        return f"{self.path}:{self.line}:{self.col}: {self.severity}[{self.code}]: {self.message}"


def render_text(diagnostics: list[Diagnostic], read_line=None) -> str:
    """Every diagnostic with an excerpt of its line. `read_line(path, n)` returns the text of a line."""
    read_line = read_line or _line_reader()
    out: list[str] = []
    for d in diagnostics:
        out.append(d.header())
        text = read_line(d.path, d.line)
        if text is not None:
            gutter = f"{d.line} | "
            out.append(f"  {gutter}{text.rstrip()}")
            out.append("  " + " " * len(gutter) + " " * max(d.col - 1, 0) + "^")
        if d.hint:
            out.append(f"  = hint: {d.hint}")
        out.append("")
    return "\n".join(out)


def render_json(diagnostics: list[Diagnostic]) -> str:
    return json.dumps([asdict(d) for d in diagnostics], ensure_ascii=False, indent=2)


def _line_reader():
    cache: dict[str, list[str] | None] = {}

    def read(path: str, n: int) -> str | None:
        if path not in cache:
            try:
                cache[path] = split_lines(Path(path).read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError):
                cache[path] = None
        lines = cache[path]
        if lines is None or not 1 <= n <= len(lines):
            return None
        return lines[n - 1]

    return read
