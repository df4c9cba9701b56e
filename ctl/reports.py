"""`ctl timeline` and `ctl stats`: plain-text reports over the public views.

The machine formats (csv, json, jsonl, markdown) print the view's own columns through ctl.output, so
a script sees exactly what `ctl query "select * from timeline"` would give. The table format is a
register for people, in the manner of `hledger register`: one line per event, columns fitted to the
terminal width, and a closing count that never hides a filter.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from ctl.filters import Term, compile_terms, describe

TIMELINE_ORDER = "t.date_start, t.date_end, t.id"


@dataclass
class Result:
    columns: list[str]
    rows: list[tuple]
    total: int  # rows in the view before filtering (-1: not counted)

    def records(self) -> list[dict]:
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]


def _run(con, sql: str, params: Sequence, count_sql: str | None) -> Result:
    cur = con.cursor()
    try:
        cur.execute(sql, list(params))
        columns = [d[0] for d in cur.description]
        rows = cur.fetchall()
        total = cur.execute(count_sql).fetchone()[0] if count_sql is not None else -1
    finally:
        cur.close()
    return Result(columns, rows, total)


def _event_count_sql(con) -> str:
    """How to count all events: `event_index` has one row per event and, unlike the `timeline` view,
    needs no joins to be counted (a database built without it, a test's synthetic one, has the view)."""
    found = con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'event_index'").fetchone()
    return "SELECT count(*) FROM event_index" if found[0] else "SELECT count(*) FROM timeline"


def timeline(con, terms: list[Term], *, count: bool = True) -> Result:
    """The matching events; with count=False the total is not counted (-1), which the machine formats,
    printing rows alone, need not wait for."""
    where, params = compile_terms(terms, "timeline")
    sql = f"SELECT t.* FROM timeline t WHERE {where} ORDER BY {TIMELINE_ORDER}"
    return _run(con, sql, params, _event_count_sql(con) if count else None)


def timeline_command(
    expr: list[str] | None,
    options: dict[str, list[str] | str | None],
    fmt: str,
    seeds: Path | None,
    db: Path | None,
) -> int:
    """The whole of `ctl timeline`; returns the exit code. Called by the typer command (ctl.cli) and by
    the fast path of ctl/__main__.py alike, so it must stay free of typer (and of pydantic).

    `options` are the filter flags as from_options takes them: actor, group, region, type, since,
    until, search, dataset. Usage errors exit 2, a database that cannot be built exits 1, each with
    one `ctl: error: ...` line on stderr."""
    from ctl.filters import FilterError, from_options, join_args, parse
    from ctl.opening import OpenError, open_database
    from ctl.output import FORMATS, render

    if fmt not in FORMATS:
        return _fail(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}", 2)
    try:
        terms = parse(join_args(expr or []), "timeline") + from_options("timeline", **options)
    except FilterError as exc:
        return _fail(f"filter: {exc}", 2)
    try:
        con = open_database(seeds, db)
    except OpenError as exc:
        return _fail(str(exc))
    result = timeline(con, terms, count=fmt == "table")
    if fmt == "table":
        write_timeline_table(result, terms, sys.stdout)
    else:
        render(result.columns, result.rows, fmt, sys.stdout)
    return 0


def _fail(message: str, code: int = 1) -> int:
    print(f"ctl: error: {message}", file=sys.stderr)
    return code


STATS_ORDER = (
    "t.period_start, t.period_end, t.report, t.measure, t.subgroup, "
    "(t.share_pct IS NOT NULL), t.value DESC NULLS LAST, t.region"
)


def stats(con, terms: list[Term]) -> Result:
    where, params = compile_terms(terms, "aggregates")
    sql = f"SELECT t.* FROM regional_aggregates t WHERE {where} ORDER BY {STATS_ORDER}"
    return _run(con, sql, params, "SELECT count(*) FROM regional_aggregates")


COMPARE_ORDER = "t.period_start, t.period_end, t.report, t.measure, t.region, t.dataset"


def compare(con, terms: list[Term]) -> Result:
    """Reported figures beside the event-based ones (the statistic_vs_events view)."""
    where, params = compile_terms(terms, "aggregates")
    sql = f"SELECT t.* FROM statistic_vs_events t WHERE {where} ORDER BY {COMPARE_ORDER}"
    return _run(con, sql, params, "SELECT count(*) FROM statistic_vs_events")


def report_titles(con) -> dict[str, str]:
    """`Title (Publisher)` for every source that statistics cite as their report."""
    rows = con.execute(
        "SELECT s.id, coalesce(s.title, s.id), coalesce(a.name, s.outlet) "
        "FROM sources s LEFT JOIN actors a ON a.id = s.publisher"
    ).fetchall()
    return {sid: f"{title} ({who})" if who else title for sid, title, who in rows}


# -- the table format ---------------------------------------------------------------------------------


def _width(width: int | None) -> int:
    import shutil  # only the table format needs it; the fast path of `ctl timeline` counts milliseconds

    return width or shutil.get_terminal_size((100, 24)).columns


def _fit(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(width - 1, 0)] + "…"


def _count_line(shown: int, total: int, noun: str, terms: list[Term]) -> str:
    plural = noun if total == 1 else noun + ("s" if not noun.endswith("s") else "")
    if not terms:
        return f"{total} {plural}"
    return f"{shown} of {total} {plural} match {describe(terms)}"


def write_timeline_table(result: Result, terms: list[Term], out: TextIO, width: int | None = None) -> None:
    width = _width(width)
    recs = result.records()
    if not recs:
        out.write(f"no events match {describe(terms)} ({result.total} in all)\n")
        return
    date_w = max(len("DATE"), *(len(r["date_label"]) for r in recs))
    type_w = max(len("TYPE"), *(len(r["type"]) for r in recs))
    groups = [", ".join(r["groups"]) for r in recs]
    group_w = min(max(len("GROUPS"), *(len(g) for g in groups)), 24)
    src_w = len("SRC")
    fixed = date_w + type_w + group_w + src_w + 4 * 2
    title_w = max(width - fixed, 20)
    head = (
        f"{'DATE':<{date_w}}  {'TYPE':<{type_w}}  {'TITLE':<{title_w}}  "
        f"{'GROUPS':<{group_w}}  {'SRC':>{src_w}}"
    )
    out.write(head.rstrip() + "\n")
    for r, g in zip(recs, groups, strict=True):
        line = (
            f"{r['date_label']:<{date_w}}  {r['type']:<{type_w}}  {_fit(r['title'], title_w):<{title_w}}  "
            f"{_fit(g, group_w):<{group_w}}  {r['source_count']:>{src_w}}"
        )
        out.write(line.rstrip() + "\n")
    out.write(_count_line(len(recs), result.total, "event", terms) + "\n")


_QUALIFIER_SIGN = {
    "exact": "",
    "at_least": "≥",
    "more_than": ">",
    "nearly": "≲",
    "less_than": "<",
    "about": "≈",
}


def _number(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def _marked(text: str, basis: str | None, qualifier: str) -> str:
    """A figure with its mark: `~` when derived in SQL, else the sign of the source's hedge."""
    if not text:
        return text
    return ("~" if basis == "derived" else _QUALIFIER_SIGN.get(qualifier, "")) + text


def _by_report(recs: list[dict], titles: dict[str, str], header: str, out: TextIO):
    """Each record in turn, after writing a heading (period, report) and the column `header` at the
    start of every (report, period) block."""
    current = None
    for r in recs:
        key = (r["report"], r["period_start"], r["period_end"])
        if key != current:
            if current is not None:
                out.write("\n")
            current = key
            out.write(f"{r['period_label']}  {titles.get(r['report'], r['report'])}\n")
            out.write(header)
        yield r


def _region_measure_widths(recs: list[dict]) -> tuple[int, int]:
    region_w = min(max(len("REGION"), *(len(r["region_name"] or r["region"]) for r in recs)), 36)
    return region_w, max(len("MEASURE"), *(len(r["measure"]) for r in recs))


def write_stats_table(result: Result, terms: list[Term], out: TextIO, titles: dict[str, str]) -> None:
    recs = result.records()
    if not recs:
        out.write(f"no statistics match {describe(terms)} ({result.total} in all)\n")
        return
    region_w, measure_w = _region_measure_widths(recs)
    sub_w = min(max(len("SUBGROUP"), *(len(r["subgroup"]) for r in recs)), 32)
    value_w, share_w = 10, 8
    header = (
        f"  {'REGION':<{region_w}}  {'MEASURE':<{measure_w}}  {'SUBGROUP':<{sub_w}}  "
        f"{'VALUE':>{value_w}}  {'SHARE':>{share_w}}\n"
    )
    for r in _by_report(recs, titles, header, out):
        value = _marked(_number(r["value"]), r["value_basis"], r["qualifier"])
        share = ""
        if r["share_pct"] is not None:
            share = _marked(_number(r["share_pct"]) + "%", r["share_basis"], r["qualifier"])
        line = (
            f"  {_fit(r['region_name'] or r['region'], region_w):<{region_w}}  {r['measure']:<{measure_w}}  "
            f"{_fit(r['subgroup'], sub_w):<{sub_w}}  {value:>{value_w}}  {share:>{share_w}}"
        )
        out.write(line.rstrip() + "\n")
    out.write("\n" + _count_line(len(recs), result.total, "figure", terms) + "\n")
    out.write(
        "~ derived in SQL (a share of a reported whole, or a part of one);  "
        "≥ at least  > more than  ≲ nearly  < less than\n"
    )


def write_compare_table(result: Result, terms: list[Term], out: TextIO, titles: dict[str, str]) -> None:
    """One block per report and period: each reported count, and per dataset the events in the same
    region and period, their figure for the measure (low-best-high when they differ) and the ratio."""
    recs = result.records()
    if not recs:
        out.write(f"no comparisons match {describe(terms)} ({result.total} in all)\n")
        return
    region_w, measure_w = _region_measure_widths(recs)
    dataset_w = max(len("DATASET"), *(len(r["dataset"]) for r in recs))
    figures = {id(r): _event_figure(r) for r in recs}
    figure_w = max(len("EVENT-BASED"), *(len(f) for f in figures.values()))
    header = (
        f"  {'REGION':<{region_w}}  {'MEASURE':<{measure_w}}  {'REPORTED':>10}  "
        f"{'DATASET':<{dataset_w}}  {'EVENTS':>8}  {'EVENT-BASED':>{figure_w}}  {'RATIO':>6}\n"
    )
    for r in _by_report(recs, titles, header, out):
        figure = figures[id(r)]
        reported = _marked(_number(r["reported"]), r["value_basis"], r["qualifier"])
        ratio = f"{r['ratio']:.2f}" if r["ratio"] is not None else "-"
        line = (
            f"  {_fit(r['region_name'] or r['region'], region_w):<{region_w}}  {r['measure']:<{measure_w}}  "
            f"{reported:>10}  {r['dataset']:<{dataset_w}}  {r['events']:>8,}  "
            f"{figure:>{figure_w}}  {ratio:>6}"
        )
        out.write(line.rstrip() + "\n")
    out.write("\n" + _count_line(len(recs), result.total, "comparison", terms) + "\n")
    out.write(
        "EVENT-BASED: the dataset's events in the region (sub-regions included) lying inside the period, "
        "summed for the measure\n(low..high when the estimates differ; '?' when no event has a figure); "
        "RATIO: reported / event-based\n"
    )


def _event_figure(r: dict) -> str:
    if r["event_value"] is None:
        return "?"
    best = _number(r["event_value"])
    low, high = r["event_low"], r["event_high"]
    if low is not None and high is not None and (low, high) != (r["event_value"], r["event_value"]):
        return f"{_number(low)}..{_number(high)} ({best})"
    return best
