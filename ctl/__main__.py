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

`ctl timeline ...` takes the same kind of fast path (its budget is 2x `ctl query 'select 42'`): a parser
with exactly the options of the typer `timeline` command, calling the same
`ctl.reports.timeline_command` (tests/test_fastpath_timeline.py). Both parsers share `_prescan`.

`ctl tui ...` has one as well (tests/test_fastpath_tui.py), for the time to its first screen: a parser
with exactly the options of the typer `tui` command, calling the same `ctl.tui.app.run`. Before it
imports Textual it imports DuckDB and starts the database work in a thread (a `ctl.opening.Preload`:
the staleness check, the connection, the first queries), which then overlaps Textual's import.

`ctl import FORMAT FILE ...` has one too (tests/test_fastpath_import.py): its budget is 1.5x a bare
DuckDB `CREATE TABLE AS` of the same file (bench/import_bench.py), and typer's parsing is time that
budget does not have. A parser with exactly the typer `import` command's arguments and options calls
the same `ctl.importers.command.run_import`.
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
from pathlib import Path
from typing import Any

# Options of `ctl query` that take a value (all of them do), as in ctl/cli.py.
_VALUE_OPTIONS = ("--file", "--timeout", "--max-rows", "--format", "-f", "--seeds", "--db")
# Options of `ctl timeline` (all take a value too): the repeatable filter flags, then the single ones.
_TIMELINE_LISTS = ("--actor", "--group", "--region", "--type", "--search", "--dataset")
_TIMELINE_OPTIONS = (*_TIMELINE_LISTS, "--since", "--until", "--format", "-f", "--seeds", "--db")
# Options of `ctl tui`.
_TUI_OPTIONS = ("--seeds", "--db")
# Options of `ctl import`: those that take a value, then the flag.
_IMPORT_OPTIONS = ("--id", "--seeds", "--db")
_IMPORT_FLAGS = ("--skip-bad",)
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
        _prescan(argv[1:], _VALUE_OPTIONS)
        ns = _parser().parse_args(argv[1:])
        if ns.fmt not in FORMATS:
            raise _Fallback  # typer prints the "unknown format" error
        return {
            "sql": ns.sql,
            "file": _path(ns.file),
            "timeout": _number(ns.timeout, _FLOAT, float),
            "max_rows": _number(ns.max_rows, _INT, int),
            "fmt": ns.fmt,
            "seeds": _seeds(ns),
            "db": _db(ns),
        }
    except _Fallback:
        return None


def parse_timeline_args(argv: list[str]) -> dict[str, Any] | None:
    """The keyword arguments of ctl.reports.timeline_command for `argv` (without the program name), or
    None when `argv` is not a `ctl timeline` command line the fast parser fully understands.

    The format is passed on unchecked: timeline_command checks it, for the typer command as well."""
    if not argv or argv[0] != "timeline":
        return None
    try:
        _prescan(argv[1:], _TIMELINE_OPTIONS)
        # Intermixed: click takes EXPR words before, between and after the options alike.
        ns = _timeline_parser().parse_intermixed_args(argv[1:])
        return {
            "expr": ns.expr or None,  # typer gives None, not [], when there is no EXPR word
            "options": {
                "actor": ns.actor,
                "group": ns.group,
                "region": ns.region,
                "type": ns.type,
                "since": ns.since,
                "until": ns.until,
                "search": ns.search,
                "dataset": ns.dataset,
            },
            "fmt": ns.fmt,
            "seeds": _seeds(ns),
            "db": _db(ns),
        }
    except _Fallback:
        return None


def parse_tui_args(argv: list[str]) -> dict[str, Any] | None:
    """The keyword arguments the typer `tui` command passes to ctl.tui.app.run for `argv` (without the
    program name), or None when `argv` is not a `ctl tui` command line the fast parser fully understands."""
    if not argv or argv[0] != "tui":
        return None
    try:
        _prescan(argv[1:], _TUI_OPTIONS)
        ns = _tui_parser().parse_intermixed_args(argv[1:])  # EXPR words anywhere, as in click
    except _Fallback:
        return None
    from ctl.filters import join_args  # stdlib and ctl only; the app imports it anyway

    return {"seeds": _seeds(ns), "db": _db(ns), "expr": join_args(ns.expr)}


def parse_import_args(argv: list[str]) -> dict[str, Any] | None:
    """The keyword arguments of ctl.importers.command.run_import for `argv` (without the program name),
    or None when `argv` is not a `ctl import` command line the fast parser fully understands."""
    if not argv or argv[0] != "import":
        return None
    try:
        _prescan(argv[1:], _IMPORT_OPTIONS, _IMPORT_FLAGS)
        ns = _import_parser().parse_intermixed_args(argv[1:])
    except _Fallback:
        return None
    from ctl import paths  # stdlib only

    seeds = paths.seeds_dir(_seeds(ns))
    return {
        "fmt": ns.format,
        "file": Path(ns.file),
        "seeds": seeds,
        "db": paths.db_path(_db(ns), seeds),
        "import_id": ns.id,
        "skip_bad": ns.skip_bad,
    }


def _prescan(args: list[str], value_options: tuple[str, ...], flags: tuple[str, ...] = ()) -> None:
    """Refuse what argparse and click read differently: argparse takes "-1" or "-x" as a positional
    argument and "-f=json" as "json"; click reports an unknown option and reads "=json". Also --help,
    "--" and every unknown option. `value_options` are the command's options that take a value,
    `flags` those that take none."""
    shorts = tuple(o for o in value_options if len(o) == 2 and o[1] != "-")
    expect_value = False
    for arg in args:
        if expect_value:
            expect_value = False
            if arg.startswith("-") and arg != "-":
                raise _Fallback  # click would take it as the value; argparse would not
        elif arg in value_options:
            expect_value = True
        elif arg in flags or (arg.startswith("--") and arg.partition("=")[0] in value_options and "=" in arg):
            pass
        elif arg.startswith(shorts) and len(arg) > 2 and arg[2] != "=":
            pass  # -fjson
        elif arg.startswith("-") and arg != "-":
            raise _Fallback
    if expect_value:
        raise _Fallback  # an option without its value at the end


def _new_parser(prog: str):
    import argparse  # ~2 ms; only the fast paths need it

    class Parser(argparse.ArgumentParser):
        def error(self, message: str):  # type: ignore[override]
            raise _Fallback(message)

    return Parser(prog=prog, add_help=False, allow_abbrev=False)


def _parser():
    # Defaults mirror the typer command in ctl/cli.py; numbers stay strings until checked by _number.
    p = _new_parser("ctl query")
    p.add_argument("sql", nargs="?", default=None)
    p.add_argument("--file", default=None)
    p.add_argument("--timeout", default="30")
    p.add_argument("--max-rows", dest="max_rows", default="1000")
    p.add_argument("--format", "-f", dest="fmt", default="table")
    p.add_argument("--seeds", default=None)
    p.add_argument("--db", default=None)
    return p


def _timeline_parser():
    # Defaults mirror the typer `timeline` command in ctl/cli.py; a repeated list option accumulates,
    # a repeated single option keeps its last value, as in click.
    p = _new_parser("ctl timeline")
    p.add_argument("expr", nargs="*")
    for option in _TIMELINE_LISTS:
        p.add_argument(option, action="append", default=None)
    p.add_argument("--since", default=None)
    p.add_argument("--until", default=None)
    p.add_argument("--format", "-f", dest="fmt", default="table")
    p.add_argument("--seeds", default=None)
    p.add_argument("--db", default=None)
    return p


def _tui_parser():
    # As the typer `tui` command in ctl/cli.py: EXPR words, --seeds, --db (the last one given wins).
    p = _new_parser("ctl tui")
    p.add_argument("expr", nargs="*")
    p.add_argument("--seeds", default=None)
    p.add_argument("--db", default=None)
    return p


def _import_parser():
    # As the typer `import` command in ctl/cli.py: FORMAT FILE, --id, --skip-bad, --seeds, --db.
    p = _new_parser("ctl import")
    p.add_argument("format")
    p.add_argument("file")
    p.add_argument("--id", default=None)
    p.add_argument("--skip-bad", dest="skip_bad", action="store_true")
    p.add_argument("--seeds", default=None)
    p.add_argument("--db", default=None)
    return p


def _seeds(ns) -> Path | None:
    # typer reads the environment when the option is absent, and ignores an empty variable.
    return _path(ns.seeds if ns.seeds is not None else os.environ.get("CTL_SEEDS") or None)


def _db(ns) -> Path | None:
    return _path(ns.db if ns.db is not None else os.environ.get("CTL_DB") or None)


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

    kwargs = parse_timeline_args(sys.argv[1:])
    if kwargs is not None:
        from ctl.reports import timeline_command

        raise SystemExit(_as_typer_would(timeline_command, kwargs))

    kwargs = parse_tui_args(sys.argv[1:])
    if kwargs is not None:
        raise SystemExit(_as_typer_would(_tui, kwargs))

    kwargs = parse_import_args(sys.argv[1:])
    if kwargs is not None:
        from ctl.importers.command import run_import

        raise SystemExit(_as_typer_would(run_import, kwargs))

    from ctl.cli import app

    app()


def _tui(seeds: Path | None, db: Path | None, expr: str) -> int:
    """`ctl tui`: start the database work at once, then import Textual and run the app."""
    from ctl.opening import Preload

    preload = Preload.start(seeds, db, expr)
    from ctl.tui.app import run

    run(seeds=seeds, db=db, expr=expr, preload=preload)
    return 0


def _as_typer_would(command, kwargs: dict[str, Any]) -> int:
    """Run a command function with the endings typer's main loop gives it: Ctrl-C exits 130 quietly,
    a closed pipe (`ctl timeline | head`) exits 1 quietly."""
    try:
        return command(**kwargs)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # Point stdout at devnull so the interpreter's final flush does not fail again.
        with contextlib.suppress(OSError, ValueError, AttributeError):  # stdout may be no real file
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


if __name__ == "__main__":
    main()
