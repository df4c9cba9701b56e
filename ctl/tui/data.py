"""The TUI's data layer: every query the browser runs, with no Textual in sight.

The screen never holds a result set. It asks for what it shows: a count, one page of rows, the facet
counts, one event's detail. Each call takes its own cursor (a DuckDB cursor is a separate connection
to the same database), so worker threads never share one, and `close` waits for the calls in flight:
DuckDB keeps a database file open while any connection to it lives, so a process that reconnects to
a replaced file sees the old one until all of them are closed.

Speed at a million events: the counts, pages, facets and density read the table `event_index`
(db/importers/index_imported.sql), which the `timeline` view projects (db/post/60_views.sql), with filters
compiled for it (`compile_terms(..., "index")`): every event holds the key of its names (a row of
`party_combos`: an imported event's combination of actor fields, or a curated event's own lists) and
of its place (`place_regions`), a few hundred rows for a million events, so a name filter is one hash
lookup per event and a facet counts per key before it spreads the counts over the names. A page
joins in the names of the rows it keeps only. Only the detail of one event reads the `timeline` view.
tests/test_tui_index.py checks every call against the same question put to the `timeline` view.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, ClassVar, NamedTuple

from ctl.aliases import normalise
from ctl.engine import duckdb_core
from ctl.filters import Term, compile_terms, describe, inline, parse

ORDER = "t.date_start, t.date_end, t.id"  # the order of `ctl timeline` (ctl.reports.TIMELINE_ORDER)
# A row's names, as the `timeline` view gives them (db/post/60_views.sql): those filed under its key
# (`c`, its row of party_combos), curated and imported events alike.
NAMES = "coalesce(c.{0}, []::VARCHAR[])"
ORDER_DESC = "t.date_start DESC, t.date_end DESC, t.id DESC"
PAGE_SIZE = 100  # rows per page: what the table asks for, and what a filter's first job fetches
ANCHOR_REACH = 5_000  # rows either side of an anchor that `rows` reads by keyset
# Fractions of the events at which Store._date_marks takes the start dates: the bounds of its windows.
QUANTILES = (
    *(0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.35),
    *(0.5, 0.65, 0.8, 0.9, 0.95, 0.98, 0.99, 0.995, 0.998, 0.999),
)
FACET_KEYS = ("group", "actor", "type", "region", "date", "dataset")
FACET_TITLES = {
    **{"group": "Groups", "actor": "Actors", "type": "Types", "region": "Regions", "date": "Years"},
    "dataset": "Datasets",
}
MAIN_MEASURES = ("fatalities", "injuries", "incidents")  # the aggregates view's measures, in key order


class StoreClosed(RuntimeError):
    """The store was closed (a reload replaced it); the caller drops its result."""


# -- queries ------------------------------------------------------------------------------------------


class Query(NamedTuple):
    """A parsed and compiled filter. Build it with `compile_query`; FilterError says what is wrong.
    `where` is a condition on `event_index t` (see the module's docstring)."""

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
    where, params = compile_terms(terms, "index")
    return Query(text, tuple(terms), where, tuple(params))


EVERYTHING = compile_query("")


# -- results ------------------------------------------------------------------------------------------

# Results are NamedTuples rather than frozen dataclasses: a dataclass is built by generating and
# compiling its methods when the module loads, 0.5 ms each, and this module loads on the way to the
# first screen of `ctl tui` (bench/tui_bench.py). Facet and Facets stay dataclasses (a field named
# `count`; a dict default).


class Row(NamedTuple):
    """One line of the timeline table."""

    id: str
    date_label: str
    type: str
    title: str
    groups: tuple[str, ...]
    actors: tuple[str, ...]
    source_count: int


class Counts(NamedTuple):
    matched: int
    total: int
    date_width: int  # the longest date label among the matches, so the column never jitters


@dataclass(frozen=True, slots=True)
class Facet:
    key: str  # the filter key it toggles: group, actor, type, region, date, dataset
    value: str  # the filter value: a canonical name, a type, a year, a dataset
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


class ActorLine(NamedTuple):
    actor: str
    kind: str
    role: str | None
    title: str | None  # the title held at the event's date (event_actor_roles)
    honorific: str | None
    organisation: str | None


class SourceLine(NamedTuple):
    id: str
    kind: str
    outlet: str | None
    title: str | None
    byline: str | None
    published: str | None
    publisher: str | None
    url: str | None
    known: bool = True  # False: an imported event's source text that names no [[source]] record


class Detail(NamedTuple):
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


class Figure(NamedTuple):
    region: str
    subgroup: str
    value: float | None
    value_basis: str | None  # reported, derived
    share_pct: float | None
    share_basis: str | None
    qualifier: str | None


class ReportFigures(NamedTuple):
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

    WINDOWS_FROM = 50_000  # events; below this `rows` reads without date windows (tests lower it)
    WINDOW_SLACK = 4  # a date window is sized for this many times the rows wanted

    def __init__(self, con: Any) -> None:
        self._con = con
        self._lock = threading.Condition()
        self._active = 0
        self._closed = False
        self._running: dict[str | None, set[Any]] = {}  # cursors by the tag of the work they serve
        self._local = threading.local()
        self._total: int | None = None  # the database does not change under a store: asked once
        self._date_width: int | None = None
        # Per filter (Query.key): its count, and an event whose row index is known with its sort key.
        self._matched: dict[Any, tuple[int, date | None, date | None]] = {}  # count, first and last start
        self._anchors: dict[Any, tuple[int, tuple]] = {}
        self._conditions: dict[Any, tuple[str, list]] = {}  # `_resolved`
        self._keys: dict[str, tuple] = {}  # the sort keys of the rows `_page` read last
        self._marks: list[tuple[float, date]] | None = None  # `_date_marks`
        self._memo_lock = threading.Lock()

    @classmethod
    def open(cls, db: Path) -> Store:
        """Connect read-only, without file access (as ctl.db.connect does), and turn off DuckDB's
        progress bar, which cursors inherit: a query that ran for seconds would print one over the
        screen. Unlike `ctl query`, the configuration is not locked: the TUI runs only its own SQL,
        with the user's text bound as parameters, and a lock is global to the process's database
        instance, where it would stop the next store from turning the bar off."""
        con = duckdb_core().connect(str(db), read_only=True, config={"enable_external_access": False})
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

    def _filtered(
        self, q: Query, template: str, extra: list | tuple = (), first: bool = False
    ) -> list[tuple]:
        """Run `template`, whose `{where}` becomes the filter's condition on `event_index t`; the
        `extra` parameters follow the filter's, or come `first`."""
        where, bound = self._resolved(q)
        params = [*extra, *bound] if first else [*bound, *extra]
        return self._all(template.format(where=where), params)

    def _resolved(self, q: Query) -> tuple[str, list]:
        """The filter's condition with its names looked up first and bound as lists (see
        ctl.filters.Lookup): a plain condition on the scanned columns, which lets DuckDB skip row
        groups for a page. Once per filter; the names cannot change under a store."""
        found = self._conditions.get(q.key)
        if found is None:
            found = compile_terms(list(q.terms), "index", self._lookup)
            self._remember(self._conditions, q.key, found)
        return found

    def _lookup(self, sql: str, params: list, type_: str) -> tuple[str, list]:
        # Names (VARCHAR[]: alias ids, unresolved names, regions) only ever feed the lookup of the
        # keys the events hold (UBIGINT[]): nested into it, so a term costs one query, not two or three.
        if type_ != "UBIGINT[]":
            return inline(sql, params, type_)
        return f"?::{type_}", [self._all(sql, params)[0][0]]

    # -- counts and rows

    def import_paths(self) -> list[str]:
        """The files the database was built from, as the manifest names them (ctl.db.fresh_stamp)."""
        return [p for (p,) in self._all("SELECT path FROM imports")]

    def total(self) -> int:
        if self._total is None:
            self._total = self._all("SELECT count(*) FROM event_index")[0][0]
        return self._total

    def date_width(self) -> int:
        """The longest date label of any event: the date column's width, the same under every filter,
        so it never jitters. Worked out by the build (db/post/70_facts.sql): 20 ms at a million events
        that the first screen would wait for."""
        if self._date_width is None:
            self._date_width = self._all("SELECT date_width FROM event_facts")[0][0]
        return self._date_width

    def counts(self, q: Query) -> Counts:
        matched, first, last = self._filtered(
            q, "SELECT count(*), min(t.date_start), max(t.date_start) FROM event_index t WHERE {where}"
        )[0]
        self._remember(self._matched, q.key, (matched, first, last))
        return Counts(matched, self.total(), self.date_width())

    def counts_and_position(self, q: Query, event_id: str | None) -> tuple[Counts, int | None]:
        """The counts, and the row index of `event_id` under the filter (None when the filter leaves
        it out), which becomes the filter's anchor, from which `rows` reads the pages around it.

        The events before it are counted in the same pass as the matches, on the dates alone: reading
        the id column of every event would cost as much again. Only events with the very same dates
        are then compared by id, in a second query that DuckDB answers from a row group or two."""
        key = self._key(event_id) if event_id is not None else None
        if key is None:
            return self.counts(q), None
        start, end, _ = key
        matched, before, ties, first, last = self._filtered(
            q,
            "SELECT count(*), count(*) FILTER (WHERE t.date_start < ? OR (t.date_start = ? "
            "AND t.date_end < ?)), count(*) FILTER (WHERE t.date_start = ? AND t.date_end = ?), "
            "min(t.date_start), max(t.date_start) FROM event_index t WHERE {where}",
            [start, start, end, start, end],
            first=True,
        )[0]
        self._remember(self._matched, q.key, (matched, first, last))
        counts = Counts(matched, self.total(), self.date_width())
        if not ties:
            return counts, None
        earlier, there = self._filtered(
            q,
            "SELECT count(*) FILTER (WHERE t.id < ?), count(*) FILTER (WHERE t.id = ?) FROM event_index t "
            "WHERE t.date_start = ? AND t.date_end = ? AND {where}",
            [event_id, event_id, start, end],
            first=True,
        )[0]
        if not there:
            return counts, None
        self._remember(self._anchors, q.key, (before + earlier, key))
        return counts, before + earlier

    def _key(self, event_id: str) -> tuple | None:
        """An event's place in timeline order: (date_start, date_end, id); None if there is none."""
        key = self._keys.get(event_id)
        if key is None:
            found = self._all("SELECT date_start, date_end FROM event_index WHERE id = ?", [event_id])
            if not found:
                return None
            key = (*found[0], event_id)
        return key

    def _remember(self, memo: dict, key: Any, value: Any, keep: int = 32) -> None:
        """Store `value` under `key` as the newest of at most `keep` entries (the filters of the last
        minutes); several worker threads write, hence the lock."""
        with self._memo_lock:
            memo.pop(key, None)
            memo[key] = value
            while len(memo) > keep:
                del memo[next(iter(memo))]

    def rows(self, q: Query, offset: int, limit: int) -> list[Row]:
        """The rows [offset, offset + limit) of the filtered timeline, in timeline order.

        DuckDB keeps the top rows of a scan only, skipping what cannot beat them, so a page near the
        start is quick and one a hundred thousand rows in is not: it must rank all those before it.
        So a page near the filter's anchor (the selection kept across a filter change) is read from
        the anchor's sort key on (keyset paging), and a page in the back half from the end. Each read
        is confined to a window of dates first when it can be (`_windowed`)."""
        anchored = self._anchors.get(q.key)
        matched = self._matched.get(q.key, (None,))[0]
        if anchored is not None and abs(offset - anchored[0]) <= ANCHOR_REACH:
            at, key = anchored
            if offset >= at:
                return self._windowed(q, ">=", key, offset - at + limit)[offset - at :]
            back = self._windowed(q, "<", key, at - offset)[::-1]  # rows [offset, at) of the filter
            if len(back) >= limit:
                return back[:limit]
            return back + self._windowed(q, ">=", key, limit - len(back))
        if matched is not None and offset > matched // 2:
            end = min(
                offset + limit, matched
            )  # rows [offset, end): [matched - end, matched - offset) from the end
            if end <= offset:
                return []
            return self._windowed(q, "desc", None, end - offset, matched - end)[::-1]
        return self._windowed(q, "", None, limit, offset)

    def _windowed(self, q: Query, side: str, key: tuple | None, limit: int, offset: int = 0) -> list[Row]:
        """`_page`, read from a window of dates first: the events with a start date up to a bound (from
        one, reading backwards). When the window holds the whole page, that is the page, exactly,
        since every event inside it comes before every event outside in the order read; else a window
        four times wider, and at last no window.

        Why: the rows are stored in the order of their files, and the datasets' exports come sorted by
        date, often newest first. DuckDB reads the table from the start, so a scan for the oldest
        rows meets them last; a bound on the date lets it skip the row groups outside the window by
        their min/max dates. The bounds are quantiles of the start dates (`_date_marks`); a window
        is sized to hold about four times the rows wanted, from the filter's count and date span."""
        found = self._matched.get(q.key)
        marks = self._date_marks()
        need = offset + limit
        slack = self.WINDOW_SLACK
        if found is None or found[1] is None or not marks or found[0] < slack * need:
            return self._page(q, side, key, limit, offset)
        matched, first, last = found

        def below(day: date) -> float:  # the share of all events that start before `day`, about
            return max((f for f, d in marks if d <= day), default=0.0)

        def above(day: date) -> float:
            return min((f for f, d in marks if d >= day), default=1.0)

        # The matches lie between `first` and `last`: a window holding `want` of all events there
        # holds about `slack` times the rows needed, if they are spread evenly.
        want = slack * need / matched * (above(last) - below(first))
        forward = side in ("", ">=")
        begin = key[0] if key is not None else (first if forward else last)
        if forward:
            windows = [(f - below(begin), d) for f, d in marks if d >= begin]
        else:
            windows = [(above(begin) - f, d) for f, d in reversed(marks) if d <= begin]
        for share, bound in windows:
            if share < want:
                continue
            rows = self._page(q, side, key, limit, offset, bound=bound)
            if len(rows) == limit:
                return rows
            want = 4 * share  # too narrow: one four times wider
        return self._page(q, side, key, limit, offset)

    def warm(self) -> None:
        """Compute now what the next filter would otherwise wait for, once per store."""
        self._date_marks()

    def _date_marks(self) -> list[tuple[float, date]]:
        """Quantiles of the events' start dates, as (fraction, date), for `_windowed`; from a sample
        of the row groups in a large database (they need not be exact: a window is checked by what
        it returns). None below WINDOWS_FROM events, where a plain scan is quick."""
        if self._marks is None:
            total = self.total()
            if total < self.WINDOWS_FROM:
                self._marks = []
            else:
                sample = " USING SAMPLE 5% (system)" if total >= 200_000 else ""
                found = self._all(
                    f"SELECT quantile_disc(date_start, {list(QUANTILES)}) FROM event_index{sample}"
                )[0][0]
                self._marks = [(f, d) for f, d in zip(QUANTILES, found or [], strict=False) if d is not None]
        return self._marks

    def _page(
        self, q: Query, side: str, key: tuple | None, limit: int, offset: int = 0, bound: date | None = None
    ) -> list[Row]:
        """Rows of the filter in timeline order (`side` ""), or from `key` on (">="), or before it in
        reverse order ("<"), or from the end in reverse order ("desc"); with a `bound`, only those
        that start on or before it (in order) or on or after it (in reverse order). The names of the
        rows kept are joined in afterwards."""
        order = ORDER if side in ("", ">=") else ORDER_DESC
        cond, extra = "", []
        if side == ">=":
            cond = " AND t.date_start >= ? AND (t.date_start, t.date_end, t.id) >= (?, ?, ?)"
            extra = [key[0], *key]
        elif side == "<":
            cond = " AND t.date_start <= ? AND (t.date_start, t.date_end, t.id) < (?, ?, ?)"
            extra = [key[0], *key]
        if bound is not None:
            cond += " AND t.date_start <= ?" if side in ("", ">=") else " AND t.date_start >= ?"
            extra.append(bound)
        found = self._filtered(
            q,
            f"SELECT t.id, date_label(t.date_start, t.date_end, t.precision), t.type, t.title, "
            f"{NAMES.format('groups')}, {NAMES.format('actors')}, "
            "coalesce(t.source_count, imp_list_len(t.source_text)), t.date_start, t.date_end "
            "FROM (SELECT t.id, t.date_start, t.date_end, t.precision, t.type, t.title, "
            "t.source_count, t.source_text, t.party_key FROM event_index t WHERE ({where})"
            f"{cond} ORDER BY {order} LIMIT ? OFFSET ?) t "
            f"LEFT JOIN party_combos c ON c.party_key = t.party_key ORDER BY {order}",
            [*extra, limit, offset],
        )
        for r in found:  # for `counts_and_position`, which the selection of one of them calls
            self._remember(self._keys, r[0], (r[7], r[8], r[0]), keep=2_000)
        return [Row(i, d, ty, ti, tuple(g), tuple(a), int(n)) for i, d, ty, ti, g, a, n, _, _ in found]

    def first_page(self, q: Query, keep: str | None) -> tuple[Counts, int | None, list[Row]]:
        """A filter's counts, where the selected event `keep` now sits (None: gone, or no selection),
        and the page of rows under the cursor: what a new filter shows, in one job (the main screen's,
        and the start-up's preload)."""
        counts, position = self.counts_and_position(q, keep)
        if not counts.matched:
            return counts, position, []
        page = (position or 0) // PAGE_SIZE
        return counts, position, self.rows(q, page * PAGE_SIZE, PAGE_SIZE)

    def position(self, q: Query, event_id: str) -> int | None:
        """The row index of an event under a filter, or None when the filter leaves it out."""
        return self.counts_and_position(q, event_id)[1]

    # -- facets and density

    # Each counts the filtered events per something: first per stored key (a combination of actor
    # fields, a place, a pair of years), which is one pass over the events, then over the names those
    # keys stand for, which are few.
    FACET_SQL: ClassVar[dict[str, str]] = {
        "group": "SELECT g.id, g.name, sum(x.n) FROM (SELECT unnest(list_distinct(c.group_ids)) AS gid, t.n "
        "FROM (SELECT t.party_key, count(*) AS n FROM event_index t WHERE {where} GROUP BY ALL) t "
        "JOIN party_combos c ON c.party_key = t.party_key) x JOIN groups g ON g.id = x.gid GROUP BY ALL",
        "actor": "SELECT a.id, a.name, sum(x.n) FROM (SELECT unnest(list_distinct(c.actor_ids)) AS aid, t.n "
        "FROM (SELECT t.party_key, count(*) AS n FROM event_index t WHERE {where} GROUP BY ALL) t "
        "JOIN party_combos c ON c.party_key = t.party_key) x JOIN actors a ON a.id = x.aid GROUP BY ALL",
        "type": "SELECT t.type, t.type, count(*) FROM event_index t WHERE {where} GROUP BY ALL",
        "dataset": "SELECT t.dataset, t.dataset, count(*) FROM event_index t WHERE {where} GROUP BY ALL",
        "region": "SELECT r.id, r.name, sum(t.n) FROM (SELECT t.place_key, count(*) AS n FROM event_index t "
        "WHERE {where} GROUP BY ALL) t JOIN place_regions p ON p.place_key = t.place_key "
        "JOIN region_tree rt ON rt.region_id = p.region JOIN regions r ON r.id = rt.ancestor_id GROUP BY ALL",
        "date": "SELECT y::VARCHAR, y::VARCHAR, sum(x.n) FROM (SELECT unnest(range(t.y0, t.y1 + 1)) AS y, "
        "t.n FROM (SELECT year(t.date_start) AS y0, year(t.date_end) AS y1, count(*) AS n FROM event_index t "
        "WHERE {where} GROUP BY ALL) t) x GROUP BY ALL",
    }

    def facets(self, q: Query, limit: int = 8) -> Facets:
        """Counts per group, actor, type, region, year and dataset over the filter: the top `limit` of
        each, plus any the filter selects; datasets only when there are several to choose from. A
        region counts the events of its sub-regions too, and a year the events that overlap it, as
        the `region:` and `date:` filters do. An event names a group (or actor) once in its lists, so
        it counts once."""
        term_ids = {
            i: self._term_ids(t) for i, t in enumerate(q.terms) if t.key in ("group", "actor", "region")
        }
        chosen: dict[str, set[str]] = {k: set() for k in FACET_KEYS}
        for i, t in enumerate(q.terms):
            if t.negated:
                continue
            if t.key in ("group", "actor", "region"):
                chosen[t.key] |= term_ids[i]
            elif t.key in ("type", "dataset"):
                chosen[t.key].add(t.value)
            elif t.key == "date" and t.value.isdigit() and len(t.value) == 4:
                chosen["date"].add(t.value)
        sections: dict[str, list[Facet]] = {}
        for key in FACET_KEYS:
            found = self._filtered(q, self.FACET_SQL[key])
            if key == "dataset" and len(found) <= 1 and not chosen[key]:
                continue  # one source of events (the seeds alone, say): nothing to choose between
            if key == "date":
                ranked = sorted(found, key=lambda r: r[0], reverse=True)  # newest year first
            else:
                ranked = sorted(found, key=lambda r: (-r[2], r[1].casefold()))
            shown = ranked[:limit] + [r for r in ranked[limit:] if r[0] in chosen[key]]
            present = {r[0] for r in shown}
            missing = [(v, v, 0) for v in sorted(chosen[key] - present) if key in ("type", "date", "dataset")]
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
            "SELECT year(t.date_start) * 100 + month(t.date_start) AS m, count(*) "
            "FROM event_index t WHERE {where} GROUP BY m ORDER BY m",
        )
        if not found:
            return []
        found = [(f"{m // 100:04d}-{m % 100:02d}", n) for m, n in found]
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
        # The event's dates, when a page has shown it (nearly always), let DuckDB skip every row
        # group whose dates cannot hold it: an id alone is looked for in all of a million.
        key = self._keys.get(event_id)
        dated = " AND date_start = ? AND date_end = ?" if key is not None else ""
        found = self._all(
            f"SELECT {', '.join(_DETAIL_COLUMNS)} FROM timeline WHERE id = ?{dated}",
            [event_id, *(key[:2] if key is not None else ())],
        )
        if not found:
            return None
        r = dict(zip(_DETAIL_COLUMNS, found[0], strict=True))
        curated = r["dataset"] == "curated"  # only a seed event has a note and actors' roles
        notes = self._all("SELECT note FROM events WHERE id = ?", [event_id]) if curated else []
        roles = (
            self._all(
                "SELECT actor, actor_kind, role, title, honorific, organisation FROM event_actor_roles "
                "WHERE event_id = ? ORDER BY ord",
                [event_id],
            )
            if curated
            else []
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

    def aggregates(self, measure: str, terms: tuple[Term, ...] = ()) -> list[ReportFigures]:
        """Per report and period, the figures of one measure: reported and derived side by side.
        `terms`: a filter on the `regional_aggregates` view (statistic keys only, as `ctl stats`
        reads them: `compile_terms(terms, "aggregates")`; a key that does not apply is a FilterError)."""
        where, params = compile_terms(list(terms), "aggregates")
        found = self._all(
            "SELECT t.report, coalesce(s.title, s.id), p.name, t.period_label, "
            "coalesce(t.region_name, t.region), t.subgroup, t.value, t.value_basis, t.share_pct, "
            "t.share_basis, t.qualifier "
            "FROM regional_aggregates t LEFT JOIN sources s ON s.id = t.report "
            f"LEFT JOIN actors p ON p.id = t.publisher WHERE t.measure = ? AND ({where}) "
            "ORDER BY t.period_start, t.period_end, t.report, t.subgroup, t.value DESC NULLS LAST, "
            "t.share_pct DESC NULLS LAST, t.region",
            [measure, *params],
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

    def comparisons(
        self, measure: str, terms: tuple[Term, ...] = ()
    ) -> dict[tuple[str, str, str, str], list[dict[str, Any]]]:
        """Each reported figure of one measure beside the sum of each imported dataset's events for
        the same region, period and measure (the `statistic_vs_events` view, what `ctl stats
        --compare` prints). Keyed as `aggregates` shows a figure: (report, period_label, region as
        shown, subgroup); for each, one dict per dataset in name order with `dataset`, `events`,
        `event_low`, `event_value`, `event_high`, `events_unknown` and `ratio` (reported /
        event_value, None when that is 0 or unknown). Empty without imported events. `terms` as for
        `aggregates`."""
        if not self._all("SELECT 1 FROM event_index WHERE dataset <> 'curated' LIMIT 1"):
            return {}  # nothing imported: the view has no rows, and need not read the timeline
        where, params = compile_terms(list(terms), "aggregates")
        columns = ("dataset", "events", "event_low", "event_value", "event_high", "events_unknown", "ratio")
        found = self._all(
            "SELECT t.report, t.period_label, coalesce(t.region_name, t.region), t.subgroup, "
            f"{', '.join('t.' + c for c in columns)} FROM statistic_vs_events t "
            f"WHERE t.measure = ? AND ({where}) ORDER BY t.report, t.period_start, t.region, t.dataset",
            [measure, *params],
        )
        out: dict[tuple[str, str, str, str], list[dict[str, Any]]] = {}
        for report, period, region, subgroup, *values in found:
            out.setdefault((report, period, region, subgroup), []).append(
                dict(zip(columns, values, strict=True))
            )
        return out
