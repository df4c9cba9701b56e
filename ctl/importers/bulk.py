"""Reading imported files in bulk: DuckDB's CSV reader, the format's SQL mapping, bad rows with lines.

Every row goes through DuckDB, never through Python, and is written to the database once:

1. `load_events` defines the TEMP view `import_rows`, one file at a time: the file read by `read_csv`
   and mapped by db/importers/<format>.sql; db/importers/index_imported.sql writes it into the table
   `event_index` (one statement per file, so its rows keep their order), then the curated events go
   in (index_curated.sql). At a million rows the write is what costs most, so nothing is staged,
   sorted or written twice;
2. `verify` settles, per file, on that table: the lines of rows that follow line breaks inside quoted
   fields or records the reader refused (both rare: only then is anything updated), ids that repeat
   an earlier row's, and the bad rows. Without `skip_bad` a bad row stops the build (ImportRejected):
   the temporary database is thrown away, so the manifest and the old database are untouched. With
   it, the bad rows are deleted and listed;
3. db/post/40_names.sql resolves the distinct names (after this module is done).

A file is read as `raw`: the columns the format reads, as text (the mapping parses dates and numbers
itself, with try_strptime and NULL-safe casts, so an odd value makes one bad row, never a failed
import), plus `_ordinal` (the record's place in the file, from a streaming row_number(), which
follows the reader's order) and `_nl` (line breaks inside the record's quoted fields). Columns are read
by position under our own names (c0, c1, ...): no text from a file becomes an identifier. A view takes
no bound parameters, so the path, column list and encoding reach read_csv as literals made by
`sql_literal`, the one function here that quotes a value into SQL.

Bad rows, each with its line in the file: the mapping's reason (a date that is no date, a count that
is no number: its `bad` column), a dataset id that repeats an earlier row's, or a record the reader
refuses (too many or too few fields, a broken quote: read_csv's `store_rejects`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from ctl.importers.formats import FORMATS, Format, Layout, read_layout, require
from ctl.paths import sql_dir

if TYPE_CHECKING:
    from ctl.model import Import  # pydantic: `ctl import` starts its head start before loading it

MAX_LISTED = 20  # bad rows and unresolved names listed in a summary; the counts are always complete

# The reader's fixed options: comma-separated, double quotes, one header line, nothing guessed.
_READER = "header = true, auto_detect = false, delim = ',', quote = '\"', escape = '\"'"


class Progress(Protocol):
    """What a build reports to (ctl/importers/progress.py draws it)."""

    def attach(self, con: Any, configured: bool = False) -> None: ...  # whose query_progress() to follow

    def stage(self, label: str) -> None: ...


def sql_literal(value: str) -> str:
    """A string as an SQL literal, for the places DuckDB takes no bound parameter (a view)."""
    return "'" + value.replace("'", "''") + "'"


@dataclass(frozen=True)
class BadRow:
    line: int
    reason: str


@dataclass
class ImportJob:
    """One [[import]] to read: the record, and the file it names (resolved against the project root)."""

    record: Import
    path: Path
    # The file's sha256 when the record does not have it yet (`ctl import` hashes in a thread while
    # DuckDB reads), and its line count from the same read: called once the rows are in.
    digest: Callable[[], str] | None = None
    lines: Callable[[], int] | None = None

    @classmethod
    def of(cls, root: Path, record: Import) -> ImportJob:
        from ctl.check import import_file

        return cls(record, import_file(root, record))

    @property
    def format(self) -> Format:
        return FORMATS[self.record.format]


@dataclass
class ImportStats:
    id: str
    format: str
    path: str
    encoding: str = "utf-8"
    rows: int = 0  # data rows read (an HXL row is no data row)
    events: int = 0
    bad: int = 0
    skipped: int = 0
    bad_rows: list[BadRow] = field(default_factory=list)  # the first MAX_LISTED, by line
    unresolved: list[tuple[str, int]] = field(default_factory=list)  # (name, mentions), most first
    unresolved_names: int = 0
    unresolved_mentions: int = 0
    unresolved_regions: list[tuple[str, int]] = field(default_factory=list)


class ImportRejected(Exception):
    """A file has bad rows and its import does not skip them: the build stops, nothing is written."""

    def __init__(self, stats: ImportStats):
        super().__init__(f"{stats.path}: {stats.bad} bad {'row' if stats.bad == 1 else 'rows'}")
        self.stats = stats


def _sql(name: str) -> str:
    return (sql_dir() / "importers" / name).read_text(encoding="utf-8")


# -- reading ------------------------------------------------------------------------------------------


def _rejects(n: int) -> str:
    return f"import_rejects_{n}"


def _reader(n: int, job: ImportJob, layout: Layout, rejects: bool = True) -> str:
    """read_csv of one file, every field as text, under our own column names (c0, c1, ...). With
    `rejects`, the records it cannot read go to a table of their own (`_rejected`); without, the
    first one stops the query."""
    columns = "{" + ", ".join(f"{sql_literal(f'c{i}')}: 'VARCHAR'" for i in range(layout.width)) + "}"
    keep = (
        f", store_rejects = true, rejects_table = {sql_literal(_rejects(n))}, "
        f"rejects_scan = {sql_literal(_rejects(n) + '_scan')}"
        if rejects
        else ""
    )
    return (
        f"read_csv({sql_literal(str(job.path))}, columns = {columns}, "
        f"encoding = {sql_literal(layout.encoding)}, {_READER}{keep})"
    )


def _skip_hxl(layout: Layout) -> str:
    """The WHERE clause that leaves out UCDP's HXL row (`#event+id,#date+year,...`), or ''."""
    if not layout.hxl:
        return ""
    i, tag = next((i, tag) for i, tag in enumerate(layout.hxl_row) if tag.strip())
    return f" WHERE c{i} IS DISTINCT FROM {sql_literal(tag)}"


def _rows_sql(n: int, job: ImportJob, layout: Layout, rejects: bool) -> str:
    """One file's rows, mapped, as SQL for the `import_rows` view.

    Only the columns the mapping reads are selected, so the reader builds strings for those alone:
    looking at every field of every row (for line breaks, say) would cost as much again.
    """
    fmt = job.format
    index = layout.index(fmt)
    select = ", ".join(f"c{index[c]} AS {c}" if c in index else f"NULL::VARCHAR AS {c}" for c in fmt.columns)
    # Row numbers cost parallelism (a streaming window runs in file order), so only a file without an
    # id column gets them: its events are named by their lines. Others' lines come from rowids (verify).
    ordinal = "row_number() OVER ()" if not layout.has_id(fmt) else "NULL::BIGINT"
    raw = (
        f"SELECT {ordinal} AS _ordinal, 0 AS _nl, {select} "
        f"FROM {_reader(n, job, layout, rejects)}{_skip_hxl(layout)}"
    )
    record = job.record
    head = ", ".join(
        [
            f"{sql_literal(record.id)} AS import_id",
            f"{sql_literal(record.path)} AS file",
            f"{sql_literal(record.format)} AS dataset",
            f"m.ordinal + {1 + int(layout.hxl)} AS line",
        ]
    )
    mapping = _sql(f"{fmt.name}.sql")
    return f"SELECT {head}, m.* FROM (WITH raw AS NOT MATERIALIZED ({raw}) SELECT * FROM ({mapping})) m"


def _physical_line_count(path: Path) -> int:
    """Lines in the file, the last one counted whether or not it ends in a line break."""
    count, last = 0, b""
    with path.open("rb") as f:
        while chunk := f.read(1 << 22):
            count += chunk.count(b"\n")
            last = chunk[-1:]
    return count + (1 if last and last != b"\n" else 0)


def _line_breaks(con, n: int, job: ImportJob, layout: Layout) -> list[tuple[int, int]]:
    """(k, breaks) for each good data row k (1-based) whose quoted fields hold line breaks: a second
    read of the file, made only when its line count says some record spans several lines."""
    fields = [f"c{i}" for i in range(layout.width)]
    count = " + ".join(f"coalesce(length({c}) - length(replace({c}, chr(10), '')), 0)" for c in fields)
    rows = f"SELECT * FROM {_reader(n, job, layout)}{_skip_hxl(layout)}"
    found = con.execute(
        f"SELECT k, nl FROM (SELECT row_number() OVER () AS k, {count} AS nl FROM ({rows})) WHERE nl > 0"
    ).fetchall()
    _drop_rejects(con, n)
    return sorted((int(k), int(nl)) for k, nl in found)


def _define_rows(con, parts: list[tuple[int, ImportJob, Layout]], rejects: bool) -> None:
    selects = ["SELECT * FROM import_rows_template", *(f"({_rows_sql(*p, rejects)})" for p in parts)]
    con.execute("CREATE OR REPLACE TEMP VIEW import_rows AS " + " UNION ALL BY NAME ".join(selects))


def _rejected(con, n: int) -> list[tuple[int, int, str]]:
    """(logical line, byte position, reason) of each record the reader refused, once per record."""
    exists = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE table_name = ? AND temporary", [_rejects(n)]
    ).fetchone()[0]
    if not exists:
        return []
    rows = con.execute(
        f"SELECT line, min(byte_position), string_agg(DISTINCT error_type || ': ' || error_message, '; ') "
        f"FROM {_rejects(n)} GROUP BY line ORDER BY line"
    ).fetchall()
    return [(int(line), int(pos or 0), str(reason)) for line, pos, reason in rows]


def _drop_rejects(con, n: int) -> None:
    con.execute(f"DROP TABLE IF EXISTS {_rejects(n)}; DROP TABLE IF EXISTS {_rejects(n)}_scan")


def _physical_lines(path: Path, positions: list[int]) -> dict[int, int]:
    """The 1-based line of each byte position (for refused records: DuckDB counts records, not lines)."""
    out: dict[int, int] = {}
    todo = sorted(set(positions))
    line, offset, i = 1, 0, 0
    with path.open("rb") as f:
        while i < len(todo) and (chunk := f.read(1 << 22)):
            end = offset + len(chunk)
            while i < len(todo) and todo[i] < end:
                out[todo[i]] = line + chunk.count(b"\n", 0, todo[i] - offset)
                i += 1
            line += chunk.count(b"\n")
            offset = end
    for pos in todo[i:]:
        out[pos] = line
    return out


def write_rows(con, parts: list[tuple[int, ImportJob, Layout]], rejects: bool, create: bool) -> None:
    """Files' rows into `event_index`, each by a statement of its own, so that its rows keep their
    order (see db/importers/index_imported.sql). With `create`, the table is created from the first
    file's rows (or none): a CREATE TABLE ... AS writes a million rows faster than an INSERT does."""
    imported = _sql("index_imported.sql")
    for i, part in enumerate(parts or ([None] if create else [])):
        _define_rows(con, [part] if part else [], rejects)
        first = create and i == 0
        con.execute(("CREATE TABLE event_index AS\n" if first else "INSERT INTO event_index\n") + imported)


def _write_index(
    con, parts: list[tuple[int, ImportJob, Layout]], rejects: bool, written: str | None = None
) -> None:
    """`event_index`: the files' rows, then the curated events. `written` is the id of an import
    whose rows are in the table already (ctl/importers/early.py): the others are added after it."""
    if written is None:
        write_rows(con, parts, rejects, create=True)
    else:
        write_rows(con, [p for p in parts if p[1].record.id != written], rejects, create=False)
    con.execute("INSERT INTO event_index BY NAME\n" + _sql("index_curated.sql"))


def load_events(
    con,
    jobs: list[ImportJob],
    progress: Progress | None = None,
    *,
    written: str | None = None,
    staged: bool = False,
) -> list[ImportStats]:
    """Write curated and imported events into `event_index`, then verify each file's rows.

    `written`: the id of the import whose rows a head start (ctl/importers/early.py) has written into
    `event_index` already, or None: no such table yet. `staged`: the staging schema is in place."""
    from ctl.engine import duckdb_core

    duckdb = duckdb_core()  # the compiled module alone: ctl import counts its start-up

    if not staged:
        con.execute(_sql("staging.sql"))
    parts: list[tuple[int, ImportJob, Layout]] = []
    for n, job in enumerate(jobs):
        layout = read_layout(job.path, None if job.record.encoding == "utf-8" else job.record.encoding)
        require(job.format, layout, job.path)
        parts.append((n, job, layout))
    if progress is not None:
        names = ", ".join(job.path.name for job in jobs)
        progress.stage(f"reading {names}" if jobs else "indexing events")
    # First as if every record can be read: keeping refused records aside (store_rejects) costs a
    # sixth of the read at a million rows. A file with a record the reader refuses stops that read;
    # then all are read again, keeping those records for the report (rare: bad files, or --skip-bad).
    rejects = False
    while True:
        for n, _, _ in parts:
            _drop_rejects(con, n)
        try:
            _write_index(con, parts, rejects, written)
        except duckdb.Error:
            if rejects or not jobs:
                raise
            con.execute("DROP TABLE IF EXISTS event_index")
            rejects, written = True, None  # every file again, from the start
            continue
        # A file sniffed as UTF-8 from its first MiB may turn out not to be: the reader refuses its
        # rows as invalid unicode. Read it again as Latin-1 (which decodes any byte); rare.
        retry = [
            (n, job, replace(layout, encoding="latin-1"))
            for n, job, layout in parts
            if layout.encoding == "utf-8"
            and (rejected := _rejected(con, n))
            and all("UNICODE" in reason.upper() for _, _, reason in rejected)
        ]
        if not retry:
            break
        again = {n for n, _, _ in retry}
        parts = [p for p in parts if p[0] not in again] + retry
        parts.sort(key=lambda p: p[0])
        con.execute("DROP TABLE event_index")
        written = None
    if progress is not None and jobs:
        progress.stage("checking rows")
    return [verify(con, n, job, layout) for n, job, layout in parts]


# -- verifying ----------------------------------------------------------------------------------------


def _insert_pairs(con, table: str, pairs: list[tuple[int, int]]) -> None:
    """Rows of two integers into a TEMP table, in one statement. Not executemany: that runs one INSERT
    per row (about 0.4 ms each), and a real export can have tens of thousands of records with line
    breaks in their quoted fields (UCDP's source_article, ACLED's notes): 12 s for 30,000."""
    if pairs:
        first, second = zip(*pairs, strict=True)
        con.execute(
            f"INSERT INTO {table} SELECT unnest(?::BIGINT[]), unnest(?::BIGINT[])",
            [list(first), list(second)],
        )


def _fix_lines(
    con, import_id: str, line: str, hxl: bool, breaks: list[tuple[int, int]], rejected_lines: list[int]
) -> None:
    """Store every row's line, shifted past line breaks inside earlier records and refused records.

    `line` is the SQL of a row's line before shifting: 2 + the good records before it (an HXL row is
    one), so a data row's place k among the good ones is line - 1 - hxl. One ASOF join over two small
    tables: the running total of line breaks by k, and the refused records, each with the number of
    good records before it (DuckDB's reject `line` is the record's index + 2; minus the rejects before
    it, that is the good records before it).
    """
    con.execute("CREATE OR REPLACE TEMP TABLE _nl (k BIGINT, cum BIGINT)")
    running = 0
    cumulative = []
    for k, nl in breaks:
        running += nl
        cumulative.append((k, running))
    _insert_pairs(con, "_nl", cumulative)
    con.execute("CREATE OR REPLACE TEMP TABLE _rej (good_before BIGINT, n BIGINT)")
    _insert_pairs(con, "_rej", [(ln - 2 - i, i + 1) for i, ln in enumerate(rejected_lines)])
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE _lines AS SELECT rowid AS rid, {line} AS l FROM event_index "
        "WHERE import_id = ?",
        [import_id],
    )
    con.execute(
        f"""
        UPDATE event_index AS e SET line = x.shifted
        FROM (
            SELECT i.rid, i.l + coalesce(b.cum, 0) + coalesce(j.n, 0) AS shifted
            FROM _lines i
            ASOF LEFT JOIN _nl b ON i.l - {1 + int(hxl)} > b.k
            ASOF LEFT JOIN _rej j ON i.l - 2 >= j.good_before
        ) x
        WHERE e.rowid = x.rid
        """
    )
    con.execute("DROP TABLE _lines; DROP TABLE _nl; DROP TABLE _rej")


def _mark_repeated_ids(con, import_id: str, line: str, base: int) -> None:
    """Every row after the first with the same dataset id is bad, naming the first's line. (Rows with
    dataset ids are those whose id is not made from the line; the id is import_id/dataset id.)"""
    con.execute(
        f"""
        UPDATE event_index AS e
        SET bad = 'id ' || substr(e.id, length(e.import_id) + 2) || ' repeats line ' || d.first_line
        FROM (
            SELECT id, min({line}) AS first_line FROM event_index
            WHERE import_id = ? AND id_from_line IS NULL
            GROUP BY id HAVING count(*) > 1
        ) d
        WHERE e.import_id = ? AND e.id = d.id AND e.bad IS NULL
            AND coalesce(e.line, e.rowid + {base}) > d.first_line
        """,
        [import_id, import_id],
    )


def verify(con, n: int, job: ImportJob, layout: Layout) -> ImportStats:
    """Settle one file's lines, ids and bad rows on `event_index`. Raises ImportRejected.

    A file with ids (the fast path) has no line stored per row: its rows were written in file order,
    so a row's line is its rowid minus the file's first rowid, plus 2 (3 after an HXL row); the
    `timeline` view computes it from `imports.line_base`. Lines are stored per row only when that rule
    does not hold (line breaks in quoted fields, refused records) or rows are about to be deleted.
    """
    record = job.record
    stats = ImportStats(record.id, record.format, record.path, layout.encoding)
    rejected = _rejected(con, n)
    _drop_rejects(con, n)
    rows, first, last = con.execute(
        "SELECT count(*), min(rowid), max(rowid) FROM event_index WHERE import_id = ?", [record.id]
    ).fetchone()
    base = 2 + int(layout.hxl) - (first or 0)
    if rows and last - first + 1 != rows:  # DuckDB keeps insertion order; a broken promise must not pass
        raise RuntimeError(f"import {record.id!r}: rows were not stored in file order")
    line = f"coalesce(line, rowid + {base})"
    # A record spanning several lines shows as more lines in the file than header + records: only then
    # is the file read again for where the line breaks are.
    records = rows + len(rejected) + int(layout.hxl)
    physical = job.lines() if job.lines else _physical_line_count(job.path)
    breaks = _line_breaks(con, n, job, layout) if physical != 1 + records else []
    if breaks or rejected:
        _fix_lines(con, record.id, line, layout.hxl, breaks, [ln for ln, _, _ in rejected])
    # A row with no id in a file that has them gets one from its line (rare).
    con.execute(
        f"UPDATE event_index SET id = import_id || '/L' || ({line}) WHERE import_id = ? AND id IS NULL",
        [record.id],
    )
    # A dataset id seen on an earlier row makes the later row bad: event ids stay unique. Grouping
    # their hashes first is cheaper than grouping the strings, and almost always finds nothing.
    repeats = con.execute(
        "SELECT count(*) FROM (SELECT hash(id) FROM event_index WHERE import_id = ? "
        "AND id_from_line IS NULL GROUP BY ALL HAVING count(*) > 1)",
        [record.id],
    ).fetchone()[0]
    if repeats:
        _mark_repeated_ids(con, record.id, line, base)
    (bad,) = con.execute(
        "SELECT count(*) FROM event_index WHERE import_id = ? AND bad IS NOT NULL", [record.id]
    ).fetchone()
    listed = con.execute(
        f"SELECT {line} AS l, bad FROM event_index WHERE import_id = ? AND bad IS NOT NULL "
        "ORDER BY l LIMIT ?",
        [record.id, MAX_LISTED],
    ).fetchall()
    positions = _physical_lines(job.path, [pos for _, pos, _ in rejected]) if rejected else {}
    bad_rows = [BadRow(positions[pos], reason) for _, pos, reason in rejected]
    bad_rows += [BadRow(int(ln), str(reason)) for ln, reason in listed]
    stats.rows = int(rows) + len(rejected)
    stats.bad = int(bad) + len(rejected)
    stats.bad_rows = sorted(bad_rows, key=lambda b: b.line)[:MAX_LISTED]
    if stats.bad and not record.skip_bad:
        raise ImportRejected(stats)
    if bad:
        # Deleting may let DuckDB compact the table, and rowids with it: store the lines first.
        con.execute(f"UPDATE event_index SET line = {line} WHERE import_id = ? AND line IS NULL", [record.id])
        con.execute("DELETE FROM event_index WHERE import_id = ? AND bad IS NOT NULL", [record.id])
    stats.skipped = stats.bad
    stats.events = stats.rows - stats.skipped
    con.execute(
        "INSERT INTO imports VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            *(record.id, record.format, record.path, job.digest() if job.digest else record.sha256),
            *(stats.encoding, stats.rows, stats.events, stats.skipped, record.skip_bad, base),
        ],
    )
    return stats


def collect_unresolved(con, stats: list[ImportStats]) -> None:
    """Fill each summary's unresolved names, once db/post has resolved every name."""
    for s in stats:
        for kind in ("party", "region"):
            rows: list[Any] = con.execute(
                "SELECT name, mentions FROM unresolved_names WHERE import_id = ? AND kind = ? "
                "ORDER BY mentions DESC, name",
                [s.id, kind],
            ).fetchall()
            top = [(str(name), int(m)) for name, m in rows[:MAX_LISTED]]
            if kind == "party":
                s.unresolved = top
                s.unresolved_names = len(rows)
                s.unresolved_mentions = sum(int(m) for _, m in rows)
            else:
                s.unresolved_regions = top
