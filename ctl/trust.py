"""Trust reports: what each source supports (`ctl sources`), and `ctl check --strict`'s warnings.

Warnings are not errors: the data is valid and loads, but a reviewer should look twice.

    single-source        an event rests on one source alone
    conflicting-figures  two statistics give different values for the same measure, period, region,
                         subgroup and unit (from different reports, or different sources of one report)

The strict checks read the checked Dataset, not the database, so `ctl check --strict` works on seeds
that have never been built. `ctl check` still exits 0 when there are only warnings; the summary line
counts them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, fields
from typing import TextIO

from ctl.check import CheckResult, Dataset, Located
from ctl.diagnostics import Diagnostic

WARNING_HINTS: dict[str, str] = {
    "single-source": "find a second, independent source and add it to `sources` (or accept the risk)",
    "conflicting-figures": "check both figures against their sources; note why they differ, or correct one",
}


# -- ctl check --strict -------------------------------------------------------------------------------


def _warning(loc: Located, key: tuple, code: str, message: str) -> Diagnostic:
    line, col = loc.file.locate(loc.kind, loc.index, key)
    return Diagnostic(loc.path, line, col, code, message, WARNING_HINTS[code], severity="warning")


def single_source(data: Dataset) -> Iterator[Diagnostic]:
    for loc in data.of("event"):
        sources = getattr(loc.record, "sources", None)
        if loc.partial or not isinstance(sources, list) or len(sources) != 1:
            continue
        yield _warning(
            loc, ("sources",), "single-source", f"event {loc.record.id!r} rests on one source ({sources[0]})"
        )


def _figure(loc: Located) -> str:
    s = loc.record
    hedge = {"exact": "", "at_least": "at least ", "more_than": "more than ", "nearly": "nearly ",
             "less_than": "less than ", "about": "about "}.get(s.qualifier, "")  # fmt: skip
    unit = "%" if s.unit == "percent" else ""
    return f"{hedge}{s.value:g}{unit}"


def conflicting_figures(data: Dataset) -> Iterator[Diagnostic]:
    """One warning per statistic whose value differs from an earlier one of the same key, at its value."""
    groups: dict[tuple, list[Located]] = defaultdict(list)
    for loc in data.of("statistic"):
        if loc.partial:
            continue
        s = loc.record
        # The period's days, not its spelling: 2024-Q1 and 2024-01..2024-03 are the same period.
        groups[(s.measure, s.period.start, s.period.end, s.region, s.subgroup, s.unit)].append(loc)
    for members in groups.values():
        members.sort(key=lambda m: (m.path, m.line))
        for i, loc in enumerate(members):
            s = loc.record
            earlier = next((m for m in members[:i] if abs(m.record.value - s.value) > 1e-9), None)
            if earlier is None:
                continue
            e = earlier.record
            who = (
                f"report {e.report!r}"
                if e.report != s.report
                else f"the same report through {', '.join(e.sources)}"
            )
            yield _warning(
                loc,
                ("value",),
                "conflicting-figures",
                f"statistic {s.id!r} gives {_figure(loc)} {s.measure} for {s.region}, {s.period.label()}"
                f"{'' if s.subgroup == 'all' else f' ({s.subgroup})'} in report {s.report!r}; "
                f"{e.id!r} ({earlier.path}:{earlier.line}) gives {_figure(earlier)} in {who}",
            )


def strict_warnings(data: Dataset) -> list[Diagnostic]:
    return sorted([*single_source(data), *conflicting_figures(data)])


@dataclass
class StrictResult(CheckResult):
    """A CheckResult with the strict warnings added; its summary counts them."""

    def summary(self) -> str:
        n = sum(d.severity == "warning" for d in self.diagnostics)
        base = super().summary()
        return f"{base}; {n} {'warning' if n == 1 else 'warnings'}" if n else base


def with_warnings(result: CheckResult) -> StrictResult:
    """The result of `ctl check --strict`: errors and warnings, in file and line order."""
    # Copy every field, not just the two known today, so the summary keeps whatever CheckResult counts.
    values = {f.name: getattr(result, f.name) for f in fields(result)}
    values["diagnostics"] = sorted([*result.diagnostics, *strict_warnings(result.dataset)])
    return StrictResult(**values)


# -- ctl sources --------------------------------------------------------------------------------------

SOURCE_COLUMNS = (
    "id", "kind", "outlet", "title", "byline", "published_label", "publisher", "event_count", "events",
    "statistic_count", "statistics", "sole_source_of", "reported_statistics", "cites", "cited_by", "file",
    "line",
)  # fmt: skip

# Events that cite exactly one source, by that source: what would be lost if the source were wrong.
_SOURCES_SQL = """
WITH sole AS (
    SELECT sources[1] AS source_id, list(id ORDER BY id) AS events
    FROM timeline WHERE source_count = 1 GROUP BY ALL
)
SELECT
    s.id, s.kind, coalesce(s.outlet, 'unknown') AS outlet, s.title, s.byline, s.published_label,
    s.publisher, len(s.events) AS event_count, s.events, len(s.statistics) AS statistic_count,
    s.statistics, coalesce(sole.events, []::VARCHAR[]) AS sole_source_of, s.reported_statistics,
    s.cites, s.cited_by, s.file, s.line
FROM source_support s LEFT JOIN sole ON sole.source_id = s.id
ORDER BY s.file, s.line, s.id
"""


def sources(con) -> tuple[list[str], list[tuple]]:
    """Each source with the events and statistics it supports, in the order the seeds list them."""
    cur = con.cursor()
    try:
        cur.execute(_SOURCES_SQL)
        columns = [d[0] for d in cur.description]
        return columns, cur.fetchall()
    finally:
        cur.close()


def _ids(label: str, ids: list[str]) -> str:
    return f"    {label}: {', '.join(ids)}" if ids else ""


def write_sources_table(columns: list[str], rows: list[tuple], out: TextIO) -> None:
    """A block per source: who and when on one line, then what it supports, then what it relays."""
    if not rows:
        out.write("no sources\n")
        return
    for row in rows:
        r = dict(zip(columns, row, strict=True))
        who = [r["kind"], f"outlet {r['outlet']}", f"“{r['title']}”" if r["title"] else "untitled"]
        if r["byline"]:
            who.append(f"by {r['byline']}")
        if r["publisher"]:
            who.append(f"publisher {r['publisher']}")
        who.append(r["published_label"] or "date unknown")
        out.write(f"{r['id']}  {' · '.join(who)}\n")
        ev, st = r["event_count"], r["statistic_count"]
        out.write(
            f"    supports {ev} {'event' if ev == 1 else 'events'}, "
            f"{st} {'statistic' if st == 1 else 'statistics'}"
            + (f"; the only source of {len(r['sole_source_of'])}" if r["sole_source_of"] else "")
            + "\n"
        )
        for line in (
            _ids("events", r["events"]),
            _ids("statistics", r["statistics"]),
            _ids("only source of", r["sole_source_of"]),
            _ids("report of", r["reported_statistics"]),
            _ids("cites", r["cites"]),
            _ids("cited by", r["cited_by"]),
        ):
            if line:
                out.write(line + "\n")
    n = len(rows)
    out.write(f"{n} {'source' if n == 1 else 'sources'}\n")
