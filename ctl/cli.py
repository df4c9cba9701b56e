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
        "--seeds",
        envvar="CTL_SEEDS",
        help="Seeds folder [default: nearest ./seeds]",
        show_default=False,
        metavar="DIR",
    ),
]
DbOpt = Annotated[
    Path | None,
    typer.Option(
        "--db", envvar="CTL_DB", help="Database file [default: .ctl/ctl.duckdb beside seeds/]", metavar="PATH"
    ),
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
    """Resolve paths, build the database if missing or stale, and connect read-only (ctl.opening)."""
    from ctl.opening import OpenError, open_database

    try:
        return open_database(seeds, db, sandbox=sandbox)
    except OpenError as exc:
        raise fail(str(exc)) from None


@app.command()
def check(
    seeds: SeedsOpt = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print errors as a JSON list.")] = False,
    strict: Annotated[
        bool, typer.Option("--strict", help="Also warn of single-source events and conflicting figures.")
    ] = False,
) -> None:
    """Validate every seed file; report every error as path:LINE:COL. Exit 1 on any error."""
    from ctl import paths
    from ctl.check import check as run_check
    from ctl.diagnostics import render_json, render_text

    result = run_check(paths.seeds_dir(seeds))
    if strict:  # warnings only: the exit code still reflects errors alone
        from ctl.trust import with_warnings

        result = with_warnings(result)
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

# The filter flags shared by timeline, stats and export (each adds terms to the filter expression).
ActorOpt = Annotated[
    ListOpt, typer.Option("--actor", help="Actor name or alias (repeatable).", metavar="NAME")
]
GroupOpt = Annotated[
    ListOpt, typer.Option("--group", help="Group name or alias, e.g. TTP, Daesh.", metavar="NAME")
]
RegionOpt = Annotated[
    ListOpt, typer.Option("--region", help="Region or alias (includes sub-regions).", metavar="NAME")
]
TypeOpt = Annotated[
    ListOpt, typer.Option("--type", help="Event type, e.g. dialogue, statement.", metavar="TYPE")
]
SinceOpt = Annotated[
    str | None, typer.Option("--since", help="Keep records overlapping this date or later.", metavar="DATE")
]
UntilOpt = Annotated[
    str | None, typer.Option("--until", help="Keep records overlapping this date or earlier.", metavar="DATE")
]
SearchOpt = Annotated[
    ListOpt, typer.Option("--search", help="Free text in title or summary.", metavar="TEXT")
]


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
        metavar="EXPR",
    ),
]


@app.command()
def timeline(
    expr: Expr = None,
    actor: ActorOpt = None,
    group: GroupOpt = None,
    region: RegionOpt = None,
    type_: TypeOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    search: SearchOpt = None,
    dataset: Annotated[
        ListOpt,
        typer.Option("--dataset", help="curated, acled, ucdp, gtd, or an import's id.", metavar="DATASET"),
    ] = None,
    fmt: FormatOpt = "table",
    seeds: SeedsOpt = None,
    db: DbOpt = None,
) -> None:
    """The events, oldest first, filtered by actor, group, region, type, date and text."""
    from ctl import reports  # the same function as the fast path of ctl/__main__.py

    options = dict(
        actor=actor,
        group=group,
        region=region,
        type=type_,
        since=since,
        until=until,
        search=search,
        dataset=dataset,
    )
    raise typer.Exit(reports.timeline_command(expr, options, fmt, seeds, db))


@app.command()
def stats(
    expr: Expr = None,
    region: RegionOpt = None,
    measure: Annotated[
        ListOpt, typer.Option("--measure", help="fatalities, injuries, incidents, ...")
    ] = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    compare: Annotated[
        bool, typer.Option("--compare", help="Set each reported count beside imported events' sum.")
    ] = False,
    fmt: FormatOpt = "table",
    seeds: SeedsOpt = None,
    db: DbOpt = None,
) -> None:
    """Reported and derived figures per report, period and region (the regional_aggregates view);
    with --compare, each beside the event-based figure of every imported dataset (statistic_vs_events)."""
    from ctl import reports

    fmt = _check_format(fmt)
    terms = _filter_terms(expr, "aggregates", region=region, measure=measure, since=since, until=until)
    con = open_db(seeds, db)
    result = (reports.compare if compare else reports.stats)(con, terms)
    if fmt == "table":
        write = reports.write_compare_table if compare else reports.write_stats_table
        write(result, terms, sys.stdout, reports.report_titles(con))
    else:
        _write(result.columns, result.rows, fmt)


@app.command()
def tui(expr: Expr = None, seeds: SeedsOpt = None, db: DbOpt = None) -> None:
    """Browse the timeline in the terminal: filter bar, facets, detail, regional figures."""
    from ctl.filters import join_args
    from ctl.tui.app import run

    run(seeds=seeds, db=db, expr=join_args(expr or []))


@app.command()
def export(
    expr: Expr = None,
    what: Annotated[
        str, typer.Option("--what", help="timeline (the events) or aggregates (the regional figures).")
    ] = "timeline",
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            "-f",
            help="csv, json, parquet, markdown, ics or html [default: from -o's suffix, else csv]",
            metavar="FORMAT",
            show_default=False,
        ),
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file (atomically) instead of stdout.")
    ] = None,
    actor: ActorOpt = None,
    group: GroupOpt = None,
    region: RegionOpt = None,
    type_: TypeOpt = None,
    measure: Annotated[
        ListOpt, typer.Option("--measure", help="With --what aggregates: fatalities, injuries, ...")
    ] = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    search: SearchOpt = None,
    seeds: SeedsOpt = None,
    db: DbOpt = None,
) -> None:
    """Export the timeline or the regional figures, filtered as in `ctl timeline`, to csv, json,
    parquet, markdown (with numbered citations), ics (all-day calendar entries) or html (one page)."""
    from ctl import export as exporting

    try:
        fmt = exporting.resolve_options(fmt, what, output)
        options = dict(actor=actor, group=group, region=region, type=type_, measure=measure)
        terms = _filter_terms(
            expr, exporting.target(what), since=since, until=until, search=search, **options
        )
        exporting.check_terms(terms, what)
    except exporting.ExportError as exc:
        raise fail(str(exc), 2) from None
    # Parquet is written by DuckDB itself, which the sandbox forbids to touch files: that one format
    # gets a read-only connection without the sandbox (user text still reaches SQL only as parameters).
    con = open_db(seeds, db, sandbox=fmt != "parquet")
    try:
        count = exporting.export(con, what, terms, fmt, output, sys.stdout)
    except OSError as exc:
        raise fail(f"cannot write {output}: {exc.strerror or exc}") from None
    finally:
        con.close()
    if output is not None and str(output) != "-":
        noun = "events" if what == "timeline" else "figures"
        print(f"ctl: wrote {count} {noun} to {output} ({fmt})", file=sys.stderr)


@app.command()
def sources(fmt: FormatOpt = "table", seeds: SeedsOpt = None, db: DbOpt = None) -> None:
    """Each source with its outlet, title, byline and date, and the events and statistics it supports."""
    from ctl import trust

    fmt = _check_format(fmt)
    con = open_db(seeds, db)
    columns, rows = trust.sources(con)
    if fmt == "table":
        trust.write_sources_table(columns, rows, sys.stdout)
    else:
        _write(columns, rows, fmt)


# -- curating: ctl add, ctl fmt, ctl show ----------------------------------------------------------------


@app.command()
def add(
    kind: Annotated[str, typer.Argument(help="source, actor, group, region, event or statistic.")],
    id_: Annotated[str | None, typer.Option("--id", help="The new record's id (lowercase).")] = None,
    title: Annotated[str | None, typer.Option("--title", help="event, source: the title.")] = None,
    type_: Annotated[str | None, typer.Option("--type", help="event: dialogue, statement, ...")] = None,
    date: Annotated[
        str | None, typer.Option("--date", help="event: 2024-05-10, 2024-W20, 2024-05, 2024-Q1, 2024, A..B.")
    ] = None,
    region: Annotated[str | None, typer.Option("--region", help="event, statistic: region id.")] = None,
    location: Annotated[str | None, typer.Option("--location", help="event: the place, as text.")] = None,
    summary: Annotated[str | None, typer.Option("--summary", help="event: in your own words.")] = None,
    source: Annotated[
        ListOpt, typer.Option("--source", help="event, statistic: a source id (repeatable).")
    ] = None,
    group: Annotated[ListOpt, typer.Option("--group", help="event: a group id (repeatable).")] = None,
    actor: Annotated[
        ListOpt, typer.Option("--actor", help="event: ID or ID:ROLE, e.g. crss:publisher (repeatable).")
    ] = None,
    record_kind: Annotated[
        str | None, typer.Option("--kind", help="source, actor, region: the record's own kind field.")
    ] = None,
    outlet: Annotated[str | None, typer.Option("--outlet", help="source: the outlet.")] = None,
    byline: Annotated[str | None, typer.Option("--byline", help="source: the byline.")] = None,
    published: Annotated[str | None, typer.Option("--published", help="source: date or range.")] = None,
    url: Annotated[str | None, typer.Option("--url", help="source: the address.")] = None,
    publisher: Annotated[
        str | None, typer.Option("--publisher", help="source, statistic: the publisher's actor id.")
    ] = None,
    cite: Annotated[ListOpt, typer.Option("--cite", help="source: a source it relays (repeatable).")] = None,
    name: Annotated[str | None, typer.Option("--name", help="actor, group, region: the name.")] = None,
    full_name: Annotated[str | None, typer.Option("--full-name", help="group: the full name.")] = None,
    alias: Annotated[
        ListOpt, typer.Option("--alias", help="actor, group, region: another spelling (repeatable).")
    ] = None,
    parent: Annotated[str | None, typer.Option("--parent", help="region: the parent region id.")] = None,
    member: Annotated[ListOpt, typer.Option("--member", help="region: a member region (repeatable).")] = None,
    report: Annotated[str | None, typer.Option("--report", help="statistic: the report's source id.")] = None,
    period: Annotated[str | None, typer.Option("--period", help="statistic: the period it covers.")] = None,
    measure: Annotated[str | None, typer.Option("--measure", help="statistic: fatalities, ...")] = None,
    subgroup: Annotated[str | None, typer.Option("--subgroup", help="statistic: default all.")] = None,
    value: Annotated[str | None, typer.Option("--value", help="statistic: the figure.")] = None,
    unit: Annotated[str | None, typer.Option("--unit", help="statistic: count or percent.")] = None,
    qualifier: Annotated[
        str | None, typer.Option("--qualifier", help="statistic: exact, at_least, nearly, ...")
    ] = None,
    of: Annotated[str | None, typer.Option("--of", help="statistic: the whole it is a share of.")] = None,
    note: Annotated[str | None, typer.Option("--note", help="Any kind: a note.")] = None,
    field: Annotated[
        ListOpt,
        typer.Option(
            "--field",
            help="Any field as KEY=VALUE; lists comma-separated or TOML, e.g. "
            '\'roles=[{ title = "Envoy", organisation = "pk-mofa" }]\' (repeatable).',
        ),
    ] = None,
    file: Annotated[
        Path | None, typer.Option("--file", help="Seed file to append to [default: seeds/<kind>s.toml].")
    ] = None,
    seeds: SeedsOpt = None,
) -> None:
    """Append one new record to the seeds, in canonical form, after checking it like `ctl check`.

    Fields come from the flags; in a terminal, ctl asks for each required field still missing. Prints
    where the record was written; refuses a duplicate id or any record `ctl check` would reject."""
    from ctl import add as adding
    from ctl import paths

    flags = dict(
        id=id_, title=title, type=type_, date=date, region=region, location=location, summary=summary,
        sources=source, groups=group, actors=actor, kind=record_kind, outlet=outlet, byline=byline,
        published=published, url=url, publisher=publisher, cites=cite, name=name, full_name=full_name,
        aliases=alias, parent=parent, members=member, report=report, period=period, measure=measure,
        subgroup=subgroup, value=value, unit=unit, qualifier=qualifier, of=of, note=note,
    )  # fmt: skip
    # Prompts only when a person is there to answer them; scripts get an error listing what is missing.
    ask = (lambda label, default: typer.prompt(label, default=default)) if adding.stdin_is_tty() else None
    try:
        added = adding.add(
            kind,
            flags,
            field or [],
            paths.seeds_dir(seeds),
            file=file,
            ask=ask,
            say=lambda m: print(m, file=sys.stderr),
        )
    except adding.AddError as exc:
        raise fail(str(exc), exc.code) from None
    print(f"added {added.kind} {added.id!r} at {added.shown}:{added.line}")


@app.command("fmt")
def fmt_command(
    targets: Annotated[
        list[Path] | None,
        typer.Argument(
            metavar="PATHS", help="Files or folders [default: the seeds folder].", show_default=False
        ),
    ] = None,
    check_only: Annotated[
        bool, typer.Option("--check", help="Change nothing; list the files that would change, exit 1 if any.")
    ] = False,
    seeds: SeedsOpt = None,
) -> None:
    """Rewrite seed files in the canonical layout (key order, quoting, blank lines); never changes what
    they say. Running it twice changes nothing the second time."""
    from ctl import paths
    from ctl.fmt import run

    raise typer.Exit(run(targets or [paths.seeds_dir(seeds)], check_only, sys.stdout, sys.stderr))


@app.command()
def show(
    record_id: Annotated[str, typer.Argument(metavar="ID", help="The id of any record.")],
    kind: Annotated[
        str | None, typer.Option("--kind", help="The record's kind, when the id names several.")
    ] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="table or json.", metavar="FORMAT")] = "table",
    seeds: SeedsOpt = None,
    db: DbOpt = None,
) -> None:
    """One record in full, with its file:line, its sources and everything that refers to it."""
    from ctl import paths
    from ctl import show as showing

    try:
        showing.show(record_id, kind, fmt, paths.seeds_dir(seeds), lambda: open_db(seeds, db), sys.stdout)
    except showing.ShowError as exc:
        raise fail(str(exc), exc.code) from None


@app.command("import")
def import_(
    format_: Annotated[
        str, typer.Argument(metavar="FORMAT", help="acled, ucdp, gtd, or auto (recognised from the header).")
    ],
    file: Annotated[Path, typer.Argument(metavar="FILE", help="The CSV export to import.")],
    id_: Annotated[
        str | None, typer.Option("--id", help="Id of the import [default: from the file name].")
    ] = None,
    skip_bad: Annotated[
        bool,
        typer.Option("--skip-bad", help="Import the good rows and list the bad ones (else: all or nothing)."),
    ] = False,
    seeds: SeedsOpt = None,
    db: DbOpt = None,
) -> None:
    """Import an ACLED, UCDP GED or GTD export: record it in seeds/imports.toml, then rebuild the database.

    A bad row (a date that is no date, a count that is no number, a malformed line) stops the import
    and leaves the manifest and the database as they were, unless --skip-bad. The summary lists rows,
    events, skipped lines and the names the alias registry does not know."""
    from ctl import paths
    from ctl.importers.command import run_import

    seeds_dir = paths.seeds_dir(seeds)
    db_file = paths.db_path(db, seeds_dir)
    raise typer.Exit(run_import(format_, file, seeds=seeds_dir, db=db_file, import_id=id_, skip_bad=skip_bad))
