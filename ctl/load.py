"""`ctl load`: turn a checked dataset into a DuckDB file, atomically.

The database is built in a temporary file beside the target and renamed over it (os.replace), so a
failed load leaves the previous file byte-identical and no reader ever opens a half-built one.

A build runs in four phases, on one connection:

1. schema   db/*.sql in name order: tables, macros, views (what `paths.sql_files()` lists, and all
            that a database filled by other means, such as a test's synthetic one, needs);
2. rows     the curated records, one statement per table (not row by row);
3. events   curated and imported events into one table, `event_index`: every [[import]] of the
            manifest read in bulk by DuckDB's CSV reader and checked for bad rows
            (ctl/importers/bulk.py, db/importers/*.sql);
4. post     db/post/*.sql in name order: imported names resolved through the alias registry, and
            `timeline` redefined as a projection of `event_index`.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ctl import __version__
from ctl.aliases import normalise
from ctl.check import Dataset
from ctl.dates import Period
from ctl.engine import build_connection, build_file, create_schema
from ctl.importers.bulk import ImportJob, ImportStats, Progress, collect_unresolved, load_events
from ctl.paths import sql_dir

if TYPE_CHECKING:
    from ctl.importers.early import HeadStart


TABLES = (
    "sources", "source_cites", "actors", "actor_role_records", "groups", "regions", "region_members",
    "aliases", "events", "event_actors", "event_groups", "event_sources", "statistics", "statistic_sources",
)  # fmt: skip


def _period(prefix: str, p: Period | None, precision_column: str | None = None) -> dict[str, Any]:
    return {
        f"{prefix}_start": p.start if p else None,
        f"{prefix}_end": p.end if p else None,
        precision_column or f"{prefix}_precision": p.precision if p else None,
    }


def _links(table_key: str, owner: str, column: str, values: list) -> list[dict[str, Any]]:
    return [{table_key: owner, "ord": i, column: v} for i, v in enumerate(values)]


def table_rows(data: Dataset) -> dict[str, list[dict[str, Any]]]:
    """The rows of every table, from validated records. Pure: no database involved."""
    t: dict[str, list[dict[str, Any]]] = {name: [] for name in TABLES}

    def add(table: str, loc, **fields: Any) -> None:
        t[table].append({**fields, "file": loc.stored_path(data.root), "line": loc.line})

    def aliases(kind: str, rid: str, names: list[str]) -> None:
        for name in dict.fromkeys(names):  # in order, once each
            t["aliases"].append(
                {"entity_kind": kind, "entity_id": rid, "alias": name, "norm": normalise(name)}
            )

    for loc in data.of("source"):
        s = loc.record
        add(
            "sources",
            loc,
            **s.model_dump(exclude={"published", "cites"}),
            **_period("published", s.published),
        )
        t["source_cites"] += _links("source_id", s.id, "cited_id", s.cites)
    for loc in data.of("actor"):
        a = loc.record
        add("actors", loc, **a.model_dump(include={"id", "name", "kind", "note"}))
        aliases("actor", a.id, [a.name, *a.aliases])
        t["actor_role_records"] += [
            {"actor_id": a.id, "ord": i, **r.model_dump()} for i, r in enumerate(a.roles)
        ]
    for loc in data.of("group"):
        g = loc.record
        add("groups", loc, **g.model_dump(exclude={"aliases"}))
        aliases("group", g.id, [g.name, *([g.full_name] if g.full_name else []), *g.aliases])
    for loc in data.of("region"):
        r = loc.record
        add("regions", loc, **r.model_dump(exclude={"aliases", "members"}))
        t["region_members"] += [{"region_id": r.id, "member_id": m} for m in r.members]
        aliases("region", r.id, [r.name, *r.aliases])
    for loc in data.of("event"):
        e = loc.record
        fields = e.model_dump(exclude={"date", "actors", "groups", "sources"})
        add("events", loc, **fields, **_period("date", e.date, "precision"))
        t["event_actors"] += [
            {"event_id": e.id, "ord": i, "actor_id": a.id, "role": a.role} for i, a in enumerate(e.actors)
        ]
        t["event_groups"] += _links("event_id", e.id, "group_id", e.groups)
        t["event_sources"] += _links("event_id", e.id, "source_id", e.sources)
    for loc in data.of("statistic"):
        s = loc.record
        add("statistics", loc, **s.model_dump(exclude={"period", "sources"}), **_period("period", s.period))
        t["statistic_sources"] += _links("statistic_id", s.id, "source_id", s.sources)
    return t


def _insert(con, table: str, rows: list[dict[str, Any]]) -> None:
    """All rows of a table in one statement: each column one list parameter, unnested side by side. No
    round trip per row, and no pyarrow to import (a cost every million-row import would pay too)."""
    columns = list(dict.fromkeys(key for row in rows for key in row))
    select = ", ".join(f'unnest(?) AS "{c}"' for c in columns)  # field names of our own models
    values = [[row.get(c) for row in rows] for c in columns]
    con.execute(f"INSERT INTO {table} BY NAME SELECT {select}", values)


def post_sql_files() -> list[Path]:
    """db/post/*.sql: run after every event is in `event_index` (phase 4)."""
    return sorted((sql_dir() / "post").glob("*.sql"))


def importer_sql_files() -> list[Path]:
    """db/importers/*.sql: the staging table and each format's mapping."""
    return sorted((sql_dir() / "importers").glob("*.sql"))


def import_jobs(data: Dataset) -> list[ImportJob]:
    return [ImportJob.of(data.root, loc.record) for loc in data.of("import")]


def build(
    data: Dataset,
    db: Path,
    inputs_mtime_ns: int | None = None,
    *,
    imports: list[ImportJob] | None = None,
    progress: Progress | None = None,
    on_built: Callable[[list[ImportStats]], int | None] | None = None,
    head_start: HeadStart | None = None,
) -> list[ImportStats]:
    """Build the database for `data` at `db`, replacing any previous file only when complete.

    `inputs_mtime_ns` (the newest seed or SQL file seen before checking) becomes the file's mtime, so
    a seed edited while this build ran still counts as newer than the database. `imports` overrides
    the dataset's own [[import]] list (`ctl import` adds the one it is importing). `on_built` runs once
    the new file is complete and before it replaces the old one (`ctl import` writes the manifest
    there); what it returns, if not None, becomes the mtime instead. `head_start` is a build begun
    before the seeds were checked (ctl/importers/early.py): its file and connection are taken over,
    with the schema in place and, if all went well, one import's rows written. Raises ImportRejected
    when a file has bad rows that its import does not skip: then nothing is replaced.
    """
    jobs = import_jobs(data) if imports is None else imports
    db.parent.mkdir(parents=True, exist_ok=True)
    written = None
    if head_start is not None:
        if progress is not None:  # the bar follows the write under way, not only what comes after
            progress.attach(head_start.connection(), configured=head_start.progress)
            progress.stage(f"reading {head_start.job.path.name}")
        con, written = head_start.take()
        tmp = head_start.tmp
    else:
        tmp = build_file(db, os.getpid())
        tmp.unlink(missing_ok=True)
    try:
        if head_start is None:
            con = build_connection(tmp)
        try:
            if progress is not None:
                progress.attach(con)
            if head_start is None:
                create_schema(con)
            for name, rows in table_rows(data).items():
                if rows:
                    _insert(con, name, rows)
            stats = load_events(con, jobs, progress, written=written, staged=head_start is not None)
            if progress is not None and jobs:
                progress.stage("resolving names")
            for sql in post_sql_files():
                con.execute(sql.read_text(encoding="utf-8"))
            collect_unresolved(con, stats)
            info = {
                "ctl_version": __version__,
                "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "seed_files": str(len(data.files)),
                "imports": str(len(jobs)),
            }
            con.executemany("INSERT INTO build_info VALUES (?, ?)", list(info.items()))
            if progress is not None:
                progress.stage("writing the database")
            con.execute("CHECKPOINT")
        finally:
            if progress is not None:
                progress.attach(None)
            con.close()
        if on_built is not None:
            stamp = on_built(stats)
            inputs_mtime_ns = stamp if stamp is not None else inputs_mtime_ns
        if inputs_mtime_ns is not None:
            os.utime(tmp, ns=(inputs_mtime_ns, inputs_mtime_ns))
        os.replace(tmp, db)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    return stats
