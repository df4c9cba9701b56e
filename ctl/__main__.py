"""Entry point of the `ctl` console script and of `python -m ctl`.

Why a fast path: `ctl query` is measured against a bare `duckdb.sql(...)` one-liner (bench/run.py) and
must stay within 1.5x of it. typer 0.29 imports pydantic and builds a pydantic TypeAdapter for every
parameter of every command, about 100 ms before any work starts, which alone breaks that budget. So
`ctl query ...` is parsed here with a tiny argparse parser that accepts exactly the options and defaults
of the typer `query` command in ctl/cli.py and calls the same `ctl.query.query_command`.

The fast parser only handles what it fully understands. Anything else (--help, an unknown option, an
unusual number such as "1_000" that pydantic and Python parse differently, a missing value, another
command, no command) falls back to the typer app, so errors and help look exactly as they always do.
tests/test_fastpath.py checks that both parsers produce the same arguments.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path
from typing import Any

# Options of `ctl query` that take a value (all of them do), as in ctl/cli.py.
_VALUE_OPTIONS = ("--file", "--timeout", "--max-rows", "--format", "-f", "--seeds", "--db")
# Plain decimal numbers only: typer converts numbers with pydantic, whose rules for forms like "1_000",
# " 5" or "0x10" differ from Python's; those go to typer rather than risk a different answer.
_INT = re.compile(r"-?[0-9]+")
_FLOAT = re.compile(r"-?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?")


class _Fallback(Exception):
    """The fast parser does not fully understand the command line; let typer handle it."""


def parse_query_args(argv: list[str]) -> dict[str, Any] | None:
    """The keyword arguments of query_command for `argv` (without the program name), or None when
    `argv` is not a `ctl query` command line the fast parser fully understands."""
    if not argv or argv[0] != "query":
        return None
    from ctl.output import FORMATS  # stdlib only; query_command needs it anyway

    try:
        _prescan(argv[1:])
        ns = _parser().parse_args(argv[1:])
        if ns.fmt not in FORMATS:
            raise _Fallback  # typer prints the "unknown format" error
        return {
            "sql": ns.sql,
            "file": _path(ns.file),
            "timeout": _number(ns.timeout, _FLOAT, float),
            "max_rows": _number(ns.max_rows, _INT, int),
            "fmt": ns.fmt,
            # typer reads the environment when the option is absent, and ignores an empty variable.
            "seeds": _path(ns.seeds if ns.seeds is not None else os.environ.get("CTL_SEEDS") or None),
            "db": _path(ns.db if ns.db is not None else os.environ.get("CTL_DB") or None),
        }
    except _Fallback:
        return None


def _prescan(args: list[str]) -> None:
    """Refuse what argparse and click read differently: argparse takes "-1" or "-x" as a positional
    argument and "-f=json" as "json"; click reports an unknown option and reads "=json". Also --help,
    "--" and every unknown option."""
    expect_value = False
    for arg in args:
        if expect_value:
            expect_value = False
            if arg.startswith("-") and arg != "-":
                raise _Fallback  # click would take it as the value; argparse would not
        elif arg in _VALUE_OPTIONS:
            expect_value = True
        elif arg.startswith("--") and arg.partition("=")[0] in _VALUE_OPTIONS and "=" in arg:
            pass
        elif arg.startswith("-f") and len(arg) > 2 and arg[2] != "=":
            pass  # -fjson
        elif arg.startswith("-") and arg != "-":
            raise _Fallback
    if expect_value:
        raise _Fallback  # an option without its value at the end


def _parser():
    import argparse  # ~2 ms; only `ctl query` needs it

    class Parser(argparse.ArgumentParser):
        def error(self, message: str):  # type: ignore[override]
            raise _Fallback(message)

    # Defaults mirror the typer command in ctl/cli.py; numbers stay strings until checked by _number.
    p = Parser(prog="ctl query", add_help=False, allow_abbrev=False)
    p.add_argument("sql", nargs="?", default=None)
    p.add_argument("--file", default=None)
    p.add_argument("--timeout", default="30")
    p.add_argument("--max-rows", dest="max_rows", default="1000")
    p.add_argument("--format", "-f", dest="fmt", default="table")
    p.add_argument("--seeds", default=None)
    p.add_argument("--db", default=None)
    return p


def _number(text: str, pattern: re.Pattern[str], kind: type) -> Any:
    if not pattern.fullmatch(text):
        raise _Fallback
    return kind(text)


def _path(value: str | None) -> Path | None:
    return None if value is None else Path(value)


def main() -> None:
    kwargs = parse_query_args(sys.argv[1:])
    if kwargs is not None:
        from ctl.query import query_command

        raise SystemExit(query_command(**kwargs))

    from ctl.cli import app

    app()


if __name__ == "__main__":
    main()
