"""The `ctl` command line (typer). Each command imports what it needs inside its body, so that no
command pays for another's dependencies: textual is imported by `ctl tui` alone (a test proves it)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from ctl import __version__
from ctl.output import FORMATS

app = typer.Typer(
    name="ctl",
    help="A plain-text-first timeline database of counterterrorism events.\n\n"
    "Seeds (TOML under seeds/) are the source of truth; the DuckDB file is built from them.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)

SeedsOpt = Annotated[
    Path | None,
    typer.Option(
        "--seeds", envvar="CTL_SEEDS", help="Seeds folder [default: nearest ./seeds]", show_default=False
    ),
]
DbOpt = Annotated[
    Path | None,
    typer.Option("--db", envvar="CTL_DB", help="Database file [default: .ctl/ctl.duckdb beside seeds/]"),
]
FormatOpt = Annotated[
    str, typer.Option("--format", "-f", help="Output format: " + ", ".join(FORMATS), metavar="FORMAT")
]


def fail(message: str, code: int = 1) -> typer.Exit:
    """Print one clear line on stderr; the caller raises the returned Exit."""
    print(f"ctl: error: {message}", file=sys.stderr)
    return typer.Exit(code)


def _check_format(fmt: str) -> str:
    if fmt not in FORMATS:
        raise fail(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}", 2)
    return fmt


def _version(value: bool) -> None:
    if value:
        print(f"ctl {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    pass


def open_db(seeds: Path | None, db: Path | None, *, sandbox: bool = True):
    """Resolve paths, build the database if missing or stale, and connect read-only."""
    from ctl import paths
    from ctl.db import BuildFailed, connect, ensure_db
    from ctl.diagnostics import render_text

    seeds_dir = paths.seeds_dir(seeds)
    db_file = paths.db_path(db, seeds_dir)
    try:
        fresh = ensure_db(seeds_dir, db_file, progress=lambda m: print(f"ctl: {m}", file=sys.stderr))
    except BuildFailed as exc:
        sys.stderr.write(render_text(exc.diagnostics))
        raise fail(
            f"cannot build the database: {len(exc.diagnostics)} errors in {seeds_dir} (see above)"
        ) from None
    if fresh.stale_errors:
        n = len(fresh.stale_errors)
        print(
            f"ctl: warning: {n} errors in {seeds_dir}; using the last good build (run `ctl check`)",
            file=sys.stderr,
        )
    return connect(db_file, sandbox=sandbox)


@app.command()
def check(
    seeds: SeedsOpt = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print errors as a JSON list.")] = False,
) -> None:
    """Validate every seed file; report every error as path:LINE:COL. Exit 1 on any error."""
    from ctl import paths
    from ctl.check import check as run_check
    from ctl.diagnostics import render_json, render_text

    result = run_check(paths.seeds_dir(seeds))
    if json_out:
        print(render_json(result.diagnostics))
    else:
        if result.diagnostics:
            print(render_text(result.diagnostics), end="")
        print(result.summary())
    raise typer.Exit(0 if result.ok else 1)


@app.command()
def load(seeds: SeedsOpt = None, db: DbOpt = None) -> None:
    """Check the seeds, then rebuild the database atomically (a failed load changes nothing)."""
    from ctl import paths
    from ctl.db import rebuild
    from ctl.diagnostics import render_text

    seeds_dir = paths.seeds_dir(seeds)
    db_file = paths.db_path(db, seeds_dir)
    result = rebuild(seeds_dir, db_file)
    if not result.ok:
        sys.stderr.write(render_text(result.diagnostics))
        raise fail(f"{result.summary()}; {db_file} left unchanged")
    print(f"loaded {db_file}: {result.summary().removeprefix('ok: ')}")


@app.command()
def query(
    sql: Annotated[
        str | None, typer.Argument(help="SQL to run; '-' reads it from stdin.", show_default=False)
    ] = None,
    file: Annotated[Path | None, typer.Option("--file", help="Read the SQL from a file.")] = None,
    timeout: Annotated[
        float, typer.Option("--timeout", help="Stop the query after this many seconds.")
    ] = 30.0,
    max_rows: Annotated[
        int, typer.Option("--max-rows", help="Print at most this many rows (0: all).")
    ] = 1000,
    fmt: FormatOpt = "table",
    seeds: SeedsOpt = None,
    db: DbOpt = None,
) -> None:
    """Run one read-only SQL statement against the views (sandboxed: no writes, files or settings)."""
    from ctl.query import query_command

    raise typer.Exit(
        query_command(
            sql=sql, file=file, timeout=timeout, max_rows=max_rows, fmt=_check_format(fmt), seeds=seeds, db=db
        )
    )


ListOpt = list[str] | None


def _filter_terms(expr: list[str] | None, target, **options: ListOpt):
    """Terms from the EXPR words and the option flags, or a usage error naming the mistake."""
    from ctl.filters import FilterError, from_options, join_args, parse

    try:
        return parse(join_args(expr or []), target) + from_options(target, **options)
    except FilterError as exc:
        raise fail(f"filter: {exc}", 2) from None


def _write(columns: list[str], rows: list[tuple], fmt: str) -> None:
    from ctl.output import render

    render(columns, rows, fmt, sys.stdout)


Expr = Annotated[
    list[str] | None,
    typer.Argument(
        help='Filter expression, e.g. group:TTP actor:"Elizabeth Richard" date:2024-05 dialogue',
        show_default=False,
    ),
]


@app.command()
def timeline(
    expr: Expr = None,
    actor: Annotated[ListOpt, typer.Option("--actor", help="Actor name or alias (repeatable).")] = None,
    group: Annotated[ListOpt, typer.Option("--group", help="Group name or alias, e.g. TTP, Daesh.")] = None,
    region: Annotated[
        ListOpt, typer.Option("--region", help="Region or alias (includes sub-regions).")
    ] = None,
    type_: Annotated[ListOpt, typer.Option("--type", help="Event type, e.g. dialogue, statement.")] = None,
    since: Annotated[
        str | None, typer.Option("--since", help="Keep events overlapping this date or later.")
    ] = None,
    until: Annotated[
        str | None, typer.Option("--until", help="Keep events overlapping this date or earlier.")
    ] = None,
    search: Annotated[ListOpt, typer.Option("--search", help="Free text in title or summary.")] = None,
    fmt: FormatOpt = "table",
    seeds: SeedsOpt = None,
    db: DbOpt = None,
) -> None:
    """The events, oldest first, filtered by actor, group, region, type, date and text."""
    from ctl import reports

    fmt = _check_format(fmt)
    terms = _filter_terms(
        expr,
        "timeline",
        actor=actor,
        group=group,
        region=region,
        type=type_,
        since=since,
        until=until,
        search=search,
    )
    con = open_db(seeds, db)
    result = reports.timeline(con, terms)
    if fmt == "table":
        reports.write_timeline_table(result, terms, sys.stdout)
    else:
        _write(result.columns, result.rows, fmt)


@app.command()
def stats(
    expr: Expr = None,
    region: Annotated[
        ListOpt, typer.Option("--region", help="Region or alias (includes sub-regions).")
    ] = None,
    measure: Annotated[
        ListOpt, typer.Option("--measure", help="fatalities, injuries, incidents, ...")
    ] = None,
    since: Annotated[
        str | None, typer.Option("--since", help="Keep periods overlapping this date or later.")
    ] = None,
    until: Annotated[
        str | None, typer.Option("--until", help="Keep periods overlapping this date or earlier.")
    ] = None,
    fmt: FormatOpt = "table",
    seeds: SeedsOpt = None,
    db: DbOpt = None,
) -> None:
    """Reported and derived figures per report, period and region (the regional_aggregates view)."""
    from ctl import reports

    fmt = _check_format(fmt)
    terms = _filter_terms(expr, "aggregates", region=region, measure=measure, since=since, until=until)
    con = open_db(seeds, db)
    result = reports.stats(con, terms)
    if fmt == "table":
        reports.write_stats_table(result, terms, sys.stdout, reports.report_titles(con))
    else:
        _write(result.columns, result.rows, fmt)


@app.command()
def tui(expr: Expr = None, seeds: SeedsOpt = None, db: DbOpt = None) -> None:
    """Browse the timeline in the terminal: filter bar, facets, detail, regional figures."""
    from ctl.filters import join_args
    from ctl.tui.app import run

    run(seeds=seeds, db=db, expr=join_args(expr or []))
