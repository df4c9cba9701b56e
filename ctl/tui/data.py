"""The TUI's data layer: every query the browser runs, with no Textual in sight.

The screen never holds a result set. It asks for what it shows: a count, one page of rows, the facet
counts, one event's detail. Each call takes its own cursor (a DuckDB cursor is a separate connection
to the same database), so worker threads never share one, and `close` waits for the calls in flight:
DuckDB keeps a database file open while any connection to it lives, so a process that reconnects to
a replaced file sees the old one until all of them are closed.

Speed at a million events: every query reads the `timeline` view, which a build makes a projection
of the table `event_index` (db/post/60_index.sql): one row per event, curated or imported, with its
actor, group and source lists and their ids already in place, stored in timeline order. Facets count
through those id lists rather than the link tables, which imported events do not fill.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, ClassVar

from ctl.aliases import normalise
from ctl.filters import Term, compile_terms, describe, parse

ORDER = "t.date_start, t.date_end, t.id"  # the order of `ctl timeline` (ctl.reports.TIMELINE_ORDER)
FACET_KEYS = ("group", "actor", "type", "region", "date")
FACET_TITLES = {"group": "Groups", "actor": "Actors", "type": "Types", "region": "Regions", "date": "Years"}
MAIN_MEASURES = ("fatalities", "injuries", "incidents")  # the aggregates view's measures, in key order


class StoreClosed(RuntimeError):
    """The store was closed (a reload replaced it); the caller drops its result."""


# -- queries ------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Query:
    """A parsed and compiled filter. Build it with `compile_query`; FilterError says what is wrong."""

    text: str
    terms: tuple[Term, ...]
    where: str
    params: tuple[Any, ...]

    def describe(self) -> str:
        return describe(list(self.terms))

    @property
    def key(self) -> tuple[str, tuple[Any, ...]]:
        """What the filter selects: two spellings of one filter (`dialogue`, `type:dialogue`) share it."""
        return self.where, self.params


def compile_query(text: str) -> Query:
    terms = parse(text, "timeline")
    where, params = compile_terms(terms, "timeline")
    return Query(text, tuple(terms), where, tuple(params))


EVERYTHING = compile_query("")


# -- results ------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Row:
    """One line of the timeline table."""

    id: str
    date_label: str
    type: str
    title: str
    groups: tuple[str, ...]
    actors: tuple[str, ...]
    source_count: int


@dataclass(frozen=True, slots=True)
class Counts:
    matched: int
    total: int
    date_width: int  # the longest date label among the matches, so the column never jitters


@dataclass(frozen=True, slots=True)
class Facet:
    key: str  # the filter key it toggles: group, actor, type, region, date
    value: str  # the filter value: a canonical name, a type, a year
    count: int  # matching events under the current filter
    active: bool  # a term of the current filter selects it
    entity_id: str = ""  # the group, actor or region id; the value for types and years


@dataclass(frozen=True)
class Facets:
    query_key: tuple[str, tuple[Any, ...]]  # Query.key of the filter they count under
    sections: dict[str, list[Facet]]
    # For each term of the query (by index), the ids it selects: toggling a facet off removes the
    # terms that select it, whatever spelling they use (`group:Daesh` selects ISIS-K).
    term_ids: dict[int, frozenset[str]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ActorLine:
    actor: str
    kind: str
    role: str | None
    title: str | None  # the title held at the event's date (event_actor_roles)
    honorific: str | None
    organisation: str | None


@dataclass(frozen=True, slots=True)
class SourceLine:
    id: str
    kind: str
    outlet: str | None
    title: str | None
    byline: str | None
    published: str | None
    publisher: str | None
    url: str | None
    known: bool = True  # False: an imported event's source text that names no [[source]] record


@dataclass(frozen=True)
class Detail:
    id: str
    title: str
    type: str
    date_label: str
    precision: str
    date_start: date
    date_end: date
    location: str | None
    region: str | None
    region_name: str | None
    summary: str | None
    note: str | None
    groups: tuple[str, ...]
    actors: tuple[ActorLine, ...]
    sources: tuple[SourceLine, ...]
    file: str
    line: int
    extra: tuple[tuple[str, str], ...] = ()  # an imported event's dataset fields, as (label, value)


# The timeline columns the detail reads, in this order.
_DETAIL_COLUMNS = (
    *("id", "title", "type", "date_label", "precision", "date_start", "date_end", "location", "region"),
    *("region_name", "summary", "file", "line", "groups", "actors", "sources", "dataset", "import_id"),
    *("dataset_id", "dataset_type", "fatalities_low", "fatalities_best", "fatalities_high", "injuries"),
    *("admin1", "latitude", "longitude", "geo_precision", "unresolved"),
)


def _dataset_fields(r: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    """The fields an imported event has beyond the curated ones, those with a value, as text."""
    out: list[tuple[str, str]] = []
    if r["dataset"] and r["dataset"] != "curated":
        out.append(
            ("Dataset", " · ".join(str(x) for x in (r["dataset"], r["import_id"], r["dataset_id"]) if x))
        )
    if r["dataset_type"]:
        out.append(("Event type", str(r["dataset_type"])))
    low, best, high = r["fatalities_low"], r["fatalities_best"], r["fatalities_high"]
    if best is not None or low is not None or high is not None:
        spread = f" ({low}–{high})" if low is not None and high is not None and low != high else ""
        out.append(("Fatalities", f"{best if best is not None else '?'}{spread}"))
    if r["injuries"] is not None:
        out.append(("Injuries", str(r["injuries"])))
    if r["admin1"]:
        out.append(("Admin1", str(r["admin1"])))
    if r["latitude"] is not None and r["longitude"] is not None:
        where = f"{r['latitude']:.4f}, {r['longitude']:.4f}"
        out.append(("Coordinates", f"{where} ({r['geo_precision']})" if r["geo_precision"] else where))
    if r["unresolved"]:
        out.append(("Unresolved", ", ".join(r["unresolved"])))
    return tuple(out)


@dataclass(frozen=True, slots=True)
class Figure:
    region: str
    subgroup: str
    value: float | None
    value_basis: str | None  # reported, derived
    share_pct: float | None
    share_basis: str | None
    qualifier: str | None


@dataclass(frozen=True)
class ReportFigures:
    """The figures of one report for one period and measure, largest first."""

    report: str
    title: str
    period_label: str
    figures: tuple[Figure, ...]


# -- paths --------------------------------------------------------------------------------------------


def display_path(file: str, seeds_dir: Path | None) -> str:
    """A seed path as people read it: relative to the seeds folder's parent (`seeds/events.toml`).

    The loader stores the path as `ctl check` showed it, relative to the working directory of the
    build when it could; a build run elsewhere leaves it absolute, and a screen must not show that.
    """
    path = Path(file)
    if path.is_absolute() and seeds_dir is not None:
        try:
            return str(path.relative_to(seeds_dir.resolve().parent))
        except ValueError:
            pass
    return file


def locate_seed(file: str, seeds_dir: Path | None) -> Path:
    """The seed file on disk for a stored path, for the editor."""
    path = Path(file)
    if path.is_absolute():
        return path
    candidates = [Path.cwd() / path]
    if seeds_dir is not None:
        candidates[:0] = [seeds_dir.resolve().parent / path, seeds_dir / path.name]
    return next((c for c in candidates if c.exists()), candidates[0])


# -- the store ----------------------------------------------------------------------------------------


class Store:
    """Read-only access to one database file, safe to call from several threads at once."""

    def __init__(self, con: Any) -> None:
        self._con = con
        self._lock = threading.Condition()
        self._active = 0
        self._closed = False
        self._running: dict[str | None, set[Any]] = {}  # cursors by the tag of the work they serve
        self._local = threading.local()

    @classmethod
    def open(cls, db: Path) -> Store:
        """Connect read-only, without file access (as ctl.db.connect does), and turn off DuckDB's
        progress bar, which cursors inherit: a query that ran for seconds would print one over the
        screen. Unlike `ctl query`, the configuration is not locked: the TUI runs only its own SQL,
        with the user's text bound as parameters, and a lock is global to the process's database
        instance, where it would stop the next store from turning the bar off."""
        import duckdb

        con = duckdb.connect(str(db), read_only=True, config={"enable_external_access": False})
        con.execute("SET enable_progress_bar = false")
        return cls(con)

    def close(self, timeout: float = 10.0) -> None:
        """Refuse new calls, wait for those in flight, then close the connection."""
        with self._lock:
            self._closed = True
            self._lock.wait_for(lambda: self._active == 0, timeout=timeout)
            self._con.close()

    @property
    def closed(self) -> bool:
        return self._closed

    @contextmanager
    def tagged(self, tag: str | None) -> Iterator[None]:
        """Tag the queries this thread runs inside the block, so `interrupt(tag)` can stop them."""
        self._local.tag = tag
        try:
            yield
        finally:
            self._local.tag = None

    def interrupt(self, tag: str) -> None:
        """Stop the queries running under `tag`: a newer filter or selection has made them useless, and
        at a million events they would hold the CPU the new ones need. They raise in their thread."""
        with self._lock:
            for cur in self._running.get(tag, ()):
                cur.interrupt()

    @contextmanager
    def _cursor(self) -> Iterator[Any]:
        tag = getattr(self._local, "tag", None)
        with self._lock:
            if self._closed:
                raise StoreClosed
            self._active += 1
            cur = self._con.cursor()
            self._running.setdefault(tag, set()).add(cur)
        try:
            yield cur
        finally:
            with self._lock:  # unlisted before it closes: `interrupt` never meets a closed cursor
                self._running[tag].discard(cur)
            cur.close()
            with self._lock:
                self._active -= 1
                self._lock.notify_all()

    def _all(self, sql: str, params: list | tuple = ()) -> list[tuple]:
        with self._cursor() as cur:
            return cur.execute(sql, list(params)).fetchall()

    def _filtered(self, q: Query, template: str, extra: list | tuple = ()) -> list[tuple]:
        """Run `template`, whose `{where}` becomes the filter's condition on `timeline t`."""
        return self._all(template.format(where=q.where), [*q.params, *extra])

    # -- counts and rows

    def total(self) -> int:
        return self._all("SELECT count(*) FROM timeline")[0][0]

    def counts(self, q: Query) -> Counts:
        matched, width = self._filtered(
            q, "SELECT count(*), max(length(t.date_label)) FROM timeline t WHERE {where}"
        )[0]
        return Counts(matched, self.total(), width or 10)

    def rows(self, q: Query, offset: int, limit: int) -> list[Row]:
        """The rows [offset, offset + limit) of the filtered timeline, in timeline order."""
        found = self._filtered(
            q,
            "SELECT t.id, t.date_label, t.type, t.title, t.groups, t.actors, t.source_count "
            f"FROM timeline t WHERE {{where}} ORDER BY {ORDER} LIMIT ? OFFSET ?",
            [limit, offset],
        )
        return [Row(i, d, ty, ti, tuple(g), tuple(a), int(n)) for i, d, ty, ti, g, a, n in found]

    def position(self, q: Query, event_id: str) -> int | None:
        """The row index of an event under a filter, or None when the filter leaves it out."""
        found = self._filtered(
            q, "SELECT t.date_start, t.date_end FROM timeline t WHERE ({where}) AND t.id = ?", [event_id]
        )
        if not found:
            return None
        start, end = found[0]
        before = self._filtered(
            q,
            "SELECT count(*) FROM timeline t WHERE ({where}) AND (t.date_start < ? OR (t.date_start = ? "
            "AND (t.date_end < ? OR (t.date_end = ? AND t.id < ?))))",
            [start, start, end, end, event_id],
        )
        return before[0][0]

    # -- facets and density

    FACET_SQL: ClassVar[dict[str, str]] = {
        "group": "SELECT g.id, g.name, count(*) FROM (SELECT unnest(list_distinct(t.group_ids)) AS gid "
        "FROM timeline t WHERE {where}) x JOIN groups g ON g.id = x.gid GROUP BY ALL",
        "actor": "SELECT a.id, a.name, count(*) FROM (SELECT unnest(list_distinct(t.actor_ids)) AS aid "
        "FROM timeline t WHERE {where}) x JOIN actors a ON a.id = x.aid GROUP BY ALL",
        "type": "SELECT t.type, t.type, count(*) FROM timeline t WHERE {where} GROUP BY ALL",
        "region": "SELECT r.id, r.name, count(*) FROM timeline t "
        "JOIN region_tree rt ON rt.region_id = t.region JOIN regions r ON r.id = rt.ancestor_id "
        "WHERE {where} GROUP BY ALL",
        "date": "SELECT y::VARCHAR, y::VARCHAR, count(*) FROM (SELECT unnest(range(year(t.date_start), "
        "year(t.date_end) + 1)) AS y FROM timeline t WHERE {where}) GROUP BY ALL",
    }

    def facets(self, q: Query, limit: int = 8) -> Facets:
        """Counts per group, actor, type, region and year over the filter: the top `limit` of each,
        plus any the filter selects. A region counts the events of its sub-regions too, and a year the
        events that overlap it, as the `region:` and `date:` filters do."""
        term_ids = {
            i: self._term_ids(t) for i, t in enumerate(q.terms) if t.key in ("group", "actor", "region")
        }
        chosen: dict[str, set[str]] = {k: set() for k in FACET_KEYS}
        for i, t in enumerate(q.terms):
            if t.negated:
                continue
            if t.key in ("group", "actor", "region"):
                chosen[t.key] |= term_ids[i]
            elif t.key == "type":
                chosen["type"].add(t.value)
            elif t.key == "date" and t.value.isdigit() and len(t.value) == 4:
                chosen["date"].add(t.value)
        sections: dict[str, list[Facet]] = {}
        for key in FACET_KEYS:
            found = self._filtered(q, self.FACET_SQL[key])
            if key == "date":
                ranked = sorted(found, key=lambda r: r[0], reverse=True)  # newest year first
            else:
                ranked = sorted(found, key=lambda r: (-r[2], r[1].casefold()))
            shown = ranked[:limit] + [r for r in ranked[limit:] if r[0] in chosen[key]]
            present = {r[0] for r in shown}
            missing = [(v, v, 0) for v in sorted(chosen[key] - present) if key in ("type", "date")]
            missing += self._names(key, chosen[key] - present)
            sections[key] = [
                Facet(key, name, int(n), eid in chosen[key], eid) for eid, name, n in [*shown, *missing]
            ]
        return Facets(q.key, sections, term_ids)

    def _names(self, key: str, ids: set[str]) -> list[tuple[str, str, int]]:
        """Selected groups, actors or regions with no match: listed with 0 so they can be toggled off."""
        if not ids or key not in ("group", "actor", "region"):
            return []
        table = {"group": "groups", "actor": "actors", "region": "regions"}[key]
        rows = self._all(
            f"SELECT id, name FROM {table} WHERE id IN (SELECT unnest(?::VARCHAR[]))", [sorted(ids)]
        )
        return [(i, n, 0) for i, n in sorted(rows, key=lambda r: r[1].casefold())]

    def _term_ids(self, term: Term) -> frozenset[str]:
        """The ids a group/actor/region term selects: an exact alias, else a part of one (as filters do)."""
        norm = normalise(term.value)
        kind = term.key
        exact = self._all(
            "SELECT DISTINCT entity_id FROM aliases WHERE entity_kind = ? AND norm = ?", [kind, norm]
        )
        if not exact:
            like = norm.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            exact = self._all(
                "SELECT DISTINCT entity_id FROM aliases WHERE entity_kind = ? "
                "AND norm LIKE '%' || ? || '%' ESCAPE '\\'",
                [kind, like],
            )
        return frozenset(r[0] for r in exact)

    def density(self, q: Query) -> list[tuple[str, int]]:
        """Events per month (by start date) from the first to the last match, empty months included."""
        found = self._filtered(
            q,
            "SELECT strftime(date_trunc('month', t.date_start), '%Y-%m') AS m, count(*) "
            "FROM timeline t WHERE {where} GROUP BY m ORDER BY m",
        )
        if not found:
            return []
        counts = dict(found)
        first, last = found[0][0], found[-1][0]
        y, m = int(first[:4]), int(first[5:])
        out = []
        while True:
            label = f"{y:04d}-{m:02d}"
            out.append((label, int(counts.get(label, 0))))
            if label >= last:
                return out
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)

    # -- detail

    def detail(self, event_id: str) -> Detail | None:
        """Everything about one event. The timeline row serves curated and imported events alike; a
        curated one adds its note and, from `event_actor_roles`, each actor's role and the title they
        held at the event's date. Sources are looked up in `sources` (not the `source_support` view,
        which lists every event of every source: the whole database at scale)."""
        found = self._all(f"SELECT {', '.join(_DETAIL_COLUMNS)} FROM timeline WHERE id = ?", [event_id])
        if not found:
            return None
        r = dict(zip(_DETAIL_COLUMNS, found[0], strict=True))
        notes = self._all("SELECT note FROM events WHERE id = ?", [event_id])
        roles = self._all(
            "SELECT actor, actor_kind, role, title, honorific, organisation FROM event_actor_roles "
            "WHERE event_id = ? ORDER BY ord",
            [event_id],
        )
        actors = [ActorLine(*a) for a in roles] or [
            ActorLine(a, "", None, None, None, None) for a in r["actors"]
        ]
        listed = self._all(
            "SELECT u.id, s.kind, s.outlet, s.title, s.byline, CASE WHEN s.published_start IS NOT NULL "
            "THEN date_label(s.published_start, s.published_end, s.published_precision) END, p.name, s.url, "
            "s.id IS NOT NULL FROM unnest(?::VARCHAR[]) WITH ORDINALITY AS u(id, ord) "
            "LEFT JOIN sources s ON s.id = u.id LEFT JOIN actors p ON p.id = s.publisher ORDER BY u.ord",
            [list(r["sources"])],
        )
        return Detail(
            id=r["id"],
            title=r["title"],
            type=r["type"],
            date_label=r["date_label"],
            precision=r["precision"],
            date_start=r["date_start"],
            date_end=r["date_end"],
            location=r["location"],
            region=r["region"],
            region_name=r["region_name"],
            summary=r["summary"],
            note=notes[0][0] if notes else None,
            groups=tuple(r["groups"]),
            actors=tuple(actors),
            sources=tuple(SourceLine(*row[:8], known=bool(row[8])) for row in listed),
            file=r["file"],
            line=int(r["line"]),
            extra=_dataset_fields(r),
        )

    # -- regional aggregates

    def measures(self) -> list[str]:
        """The measures the aggregates view offers: the main three first, then any other present."""
        present = {m for (m,) in self._all("SELECT DISTINCT measure FROM regional_aggregates")}
        return [m for m in MAIN_MEASURES if m in present] + sorted(present - set(MAIN_MEASURES))

    def aggregates(self, measure: str) -> list[ReportFigures]:
        """Per report and period, the figures of one measure: reported and derived side by side."""
        found = self._all(
            "SELECT t.report, coalesce(s.title, s.id), p.name, t.period_label, "
            "coalesce(t.region_name, t.region), t.subgroup, t.value, t.value_basis, t.share_pct, "
            "t.share_basis, t.qualifier "
            "FROM regional_aggregates t LEFT JOIN sources s ON s.id = t.report "
            "LEFT JOIN actors p ON p.id = t.publisher WHERE t.measure = ? "
            "ORDER BY t.period_start, t.period_end, t.report, t.subgroup, t.value DESC NULLS LAST, "
            "t.share_pct DESC NULLS LAST, t.region",
            [measure],
        )
        reports: list[ReportFigures] = []
        for report, title, publisher, period, region, subgroup, value, vb, share, sb, qual in found:
            figure = Figure(region, subgroup, value, vb, share, sb, qual)
            if reports and (reports[-1].report, reports[-1].period_label) == (report, period):
                last = reports[-1]
                reports[-1] = ReportFigures(
                    last.report, last.title, last.period_label, (*last.figures, figure)
                )
            else:
                name = f"{title} ({publisher})" if publisher else title
                reports.append(ReportFigures(report, name, period, (figure,)))
        return reports
