"""`ctl export`: the timeline or the regional aggregates, filtered as in `ctl timeline`, written as a file.

    csv, json   the view's own columns, as `ctl timeline --format csv|json` prints them
    parquet     the view's own columns and types, written by DuckDB (needs -o: it is binary)
    markdown    a readable timeline (or list of figures) with numbered citations and a reference list
    ics         an RFC 5545 calendar of all-day events spanning each event's known date range
    html        one self-contained page: the timeline and the regional figures as CSS bars

Rows are selected and ordered exactly as `ctl timeline` and `ctl stats` do (ctl.reports). The page and
the calendar are pure functions of the rows, so the same data always gives byte-identical files: no
wall-clock time goes into them (the calendar's DTSTAMP is the newest date in the data).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TextIO

from ctl.filters import EVENT_KEYS, STAT_KEYS, Term

EXPORT_FORMATS = ("csv", "json", "parquet", "markdown", "ics", "html")
WHATS = ("timeline", "aggregates")
SUFFIXES = {
    ".csv": "csv",
    ".json": "json",
    ".parquet": "parquet",
    ".md": "markdown",
    ".markdown": "markdown",
    ".ics": "ics",
    ".html": "html",
    ".htm": "html",
}
# Filter keys that mean the same for events and for figures: the html page, which shows both, applies
# these to the section that the expression was not written for.
SHARED_KEYS = ("region", "date", "since", "until")


class ExportError(ValueError):
    """A usage mistake (wrong format, missing -o, a filter key for the other view): exit code 2."""


def resolve_options(fmt: str | None, what: str, output: Path | None) -> str:
    """The format to write: as given, else read from the output file's suffix, else csv."""
    if what not in WHATS:
        raise ExportError(f"unknown --what {what!r}; choose timeline or aggregates")
    if fmt is None:
        fmt = SUFFIXES.get(output.suffix.lower(), "csv") if output else "csv"
    if fmt not in EXPORT_FORMATS:
        raise ExportError(f"unknown export format {fmt!r}; choose one of {', '.join(EXPORT_FORMATS)}")
    if fmt == "parquet" and (output is None or str(output) == "-"):
        raise ExportError("parquet is a binary format: give a file with -o PATH")
    if fmt == "ics" and what != "timeline":
        raise ExportError("a calendar holds events: use --what timeline with --format ics")
    return fmt


def target(what: str) -> str:
    """The filter language's target for a `--what` value."""
    return "timeline" if what == "timeline" else "aggregates"


def check_terms(terms: list[Term], what: str) -> None:
    """Refuse a filter key the chosen view does not have (say --group with --what aggregates)."""
    keys = EVENT_KEYS if what == "timeline" else STAT_KEYS
    for term in terms:
        if term.key not in keys:
            other = "events" if what == "aggregates" else "figures"
            raise ExportError(f"{term.key}: filters {other} only; it does not apply to --what {what}")


def shared_terms(terms: list[Term]) -> list[Term]:
    return [t for t in terms if t.key in SHARED_KEYS]


# -- the data an export works on ----------------------------------------------------------------------


@dataclass
class ExportData:
    """Rows of both views (either may be None when the format shows only one) and what they cite."""

    terms: list[Term]
    events: list[dict] | None = None
    figures: list[dict] | None = None
    event_total: int = 0
    figure_total: int = 0
    sources: dict[str, dict] = field(default_factory=dict)  # source_support rows by id
    statistic_sources: dict[str, list[str]] = field(default_factory=dict)
    report_titles: dict[str, str] = field(default_factory=dict)
    stamp: date = date(1970, 1, 1)  # the newest date in the data, for the calendar's DTSTAMP


def load(con, what: str, terms: list[Term], fmt: str) -> ExportData:
    from ctl import reports

    data = ExportData(terms=terms)
    both = fmt == "html"
    if what == "timeline" or both:
        result = reports.timeline(con, terms if what == "timeline" else shared_terms(terms))
        data.events, data.event_total = result.records(), result.total
    if what == "aggregates" or both:
        result = reports.stats(con, terms if what == "aggregates" else shared_terms(terms))
        data.figures, data.figure_total = result.records(), result.total
        data.report_titles = reports.report_titles(con)
    cur = con.cursor()
    try:
        cur.execute("SELECT * FROM source_support")
        columns = [d[0] for d in cur.description]
        data.sources = {row[0]: dict(zip(columns, row, strict=True)) for row in cur.fetchall()}
        rows = cur.execute(
            "SELECT statistic_id, list(source_id ORDER BY ord) FROM statistic_sources GROUP BY statistic_id"
        ).fetchall()
        data.statistic_sources = dict(rows)
        newest = cur.execute(
            "SELECT max(d) FROM (SELECT date_end AS d FROM events "
            "UNION ALL SELECT published_end FROM sources)"
        ).fetchone()[0]
    finally:
        cur.close()
    data.stamp = newest or data.stamp
    return data


# -- writing ------------------------------------------------------------------------------------------


def export(con, what: str, terms: list[Term], fmt: str, output: Path | None, stdout: TextIO) -> int:
    """Write the export; returns the number of rows written (events, or figures)."""
    if fmt == "parquet":
        assert output is not None  # resolve_options refuses parquet without -o
        return write_parquet(con, what, terms, output)
    if fmt in ("csv", "json"):
        text, count = _tabular(con, what, terms, fmt)
    else:
        data = load(con, what, terms, fmt)
        text = render(data, what, fmt)
        count = len((data.events if what == "timeline" else data.figures) or [])
    if output is None or str(output) == "-":
        stdout.write(text)
    else:
        _atomic_write(output, text.encode("utf-8"))
    return count


def render(data: ExportData, what: str, fmt: str) -> str:
    """The markdown, ics or html text for loaded data."""
    if fmt == "markdown":
        from ctl.export_markdown import render_markdown

        return render_markdown(data, what)
    if fmt == "ics":
        from ctl.export_ics import render_ics

        return render_ics(data)
    if fmt == "html":
        from ctl.export_html import render_html

        return render_html(data, what)
    raise ExportError(f"no text renderer for {fmt!r}")


def _tabular(con, what: str, terms: list[Term], fmt: str) -> tuple[str, int]:
    import io

    from ctl import reports
    from ctl.output import render as render_rows

    result = reports.timeline(con, terms) if what == "timeline" else reports.stats(con, terms)
    buf = io.StringIO()
    render_rows(result.columns, result.rows, fmt, buf)
    return buf.getvalue(), len(result.rows)


def select_sql(what: str, terms: list[Term]) -> tuple[str, list]:
    """The same SELECT as reports.timeline / reports.stats, with `?` placeholders and the parameters."""
    from ctl import reports
    from ctl.filters import compile_terms

    where, params = compile_terms(terms, target(what))
    if what == "timeline":
        return f"SELECT t.* FROM timeline t WHERE {where} ORDER BY {reports.TIMELINE_ORDER}", params
    return f"SELECT t.* FROM regional_aggregates t WHERE {where} ORDER BY {reports.STATS_ORDER}", params


def write_parquet(con, what: str, terms: list[Term], output: Path) -> int:
    """Write through DuckDB so the file keeps the view's types (DATE, VARCHAR[], BIGINT ...).

    `con` must allow file access (ctl.db.connect(..., sandbox=False)); it is still read-only. User text
    stays a bound parameter, and the path is a Python argument to the relation API rather than text
    pasted into a COPY statement, so neither can change the SQL.
    """
    sql, params = select_sql(what, terms)
    relation = con.sql(sql, params=params)
    count = len(relation)
    tmp = _tmp_path(output)
    try:
        relation.to_parquet(str(tmp))
        os.replace(tmp, output)
    finally:
        tmp.unlink(missing_ok=True)
    return count


def _tmp_path(output: Path) -> Path:
    return output.with_name(f".{output.name}.tmp-{os.getpid()}")


def _atomic_write(output: Path, payload: bytes) -> None:
    """Write beside the target and rename, so an interrupted export never leaves half a file."""
    tmp = _tmp_path(output)
    try:
        tmp.write_bytes(payload)
        os.replace(tmp, output)
    finally:
        tmp.unlink(missing_ok=True)


# -- wording shared by the readable formats -----------------------------------------------------------

QUALIFIER_WORDS = {
    "exact": "",
    "at_least": "at least ",
    "more_than": "more than ",
    "nearly": "nearly ",
    "less_than": "less than ",
    "about": "about ",
}


def number(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def words(identifier: str) -> str:
    """`personnel_trained` as `personnel trained`."""
    return identifier.replace("_", " ")


def date_note(event: dict) -> str:
    """How exactly the date is known, in words; empty for a single known day."""
    start, end, precision = event["date_start"], event["date_end"], event["precision"]
    if precision == "day":
        return "" if start == end else f"a range of {(end - start).days + 1} days"
    return f"date known to the {precision}: between {start} and {end}"


def place(event: dict) -> str:
    """Where: the location as given and the region's name, once each (`Peshawar, Khyber Pakhtunkhwa`)."""
    return ", ".join(dict.fromkeys(p for p in (event["location"], event["region_name"]) if p))


def measure_label(figure: dict) -> str:
    label = words(figure["measure"])
    return label if figure["subgroup"] == "all" else f"{label} ({words(figure['subgroup'])})"


def count_text(figure: dict) -> str:
    """The count in words: reported with its hedge, derived with a tilde, or 'unknown'."""
    if figure["value"] is None:
        return "count unknown"
    if figure["value_basis"] == "derived":
        return "~" + number(figure["value"])
    return QUALIFIER_WORDS.get(figure["qualifier"], "") + number(figure["value"])


def share_text(figure: dict) -> str:
    if figure["share_pct"] is None:
        return ""
    if figure["share_basis"] == "derived":
        return f"~{number(figure['share_pct'])}%"
    return QUALIFIER_WORDS.get(figure["qualifier"], "") + f"{number(figure['share_pct'])}%"


def total_text(figure: dict) -> str:
    if figure["total"] is None:
        return ""
    return QUALIFIER_WORDS.get(figure["total_qualifier"] or "exact", "") + number(figure["total"])


def figure_phrase(figure: dict) -> str:
    """One figure as a sentence fragment: `55% of at least 400, so ~220 (derived)`."""
    count, share, total = count_text(figure), share_text(figure), total_text(figure)
    if figure["share_basis"] == "reported":
        if figure["value_basis"] == "derived":
            return f"{share} of {total}, so {count} (derived)"
        if figure["value"] is None:
            return f"{share} (no total given, so no count)"
        return f"{count}, {share}"
    if figure["share_basis"] == "derived":
        return f"{count} of {total}, so {share} (derived)"
    return count


def figure_groups(figures: list[dict]) -> list[tuple[tuple, list[dict]]]:
    """Figures grouped by (period label, report), in the order reports.stats gives them."""
    groups: dict[tuple, list[dict]] = {}
    for f in figures:
        groups.setdefault((f["period_label"], f["report"]), []).append(f)
    return list(groups.items())


def events_by_year(events: list[dict]) -> list[tuple[int, list[dict]]]:
    years: dict[int, list[dict]] = {}
    for e in events:
        years.setdefault(e["date_start"].year, []).append(e)
    return list(years.items())


class Citations:
    """Numbers sources in order of first citation, so [1] is the first source the reader meets."""

    def __init__(self, sources: dict[str, dict]):
        self.sources = sources
        self.order: list[str] = []

    def number(self, source_id: str) -> int:
        if source_id not in self.order:
            self.order.append(source_id)
        return self.order.index(source_id) + 1

    def numbers(self, source_ids: Iterable[str]) -> list[int]:
        """The numbers of several sources, ascending: [1] [3], never [3] [1]."""
        return sorted(self.number(s) for s in source_ids)

    def references(self) -> list[tuple[int, str, dict]]:
        return [(i, sid, self.sources.get(sid, {"id": sid})) for i, sid in enumerate(self.order, start=1)]


def reference_parts(source: dict) -> dict[str, str]:
    """A source's citation fields as text; what the seeds leave out is said to be unknown."""
    kind = source.get("kind") or "source"
    return {
        "outlet": source.get("outlet") or source.get("publisher") or "outlet unknown",
        "title": source.get("title") or f"untitled {kind}",
        "byline": source.get("byline") or "",
        "published": source.get("published_label") or "date unknown",
        "kind": kind,
    }


def summary_line(data: ExportData, what: str) -> str:
    """`5 of 8 events match group:TTP` (or all of them), for the top of a readable export."""
    from ctl.filters import describe

    if what == "timeline":
        shown, total, noun = len(data.events or []), data.event_total, "events"
    else:
        shown, total, noun = len(data.figures or []), data.figure_total, "figures"
    if not data.terms:
        return f"{total} {noun}"
    return f"{shown} of {total} {noun} match {describe(data.terms)}"
