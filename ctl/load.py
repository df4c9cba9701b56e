"""`ctl load`: turn a checked dataset into a DuckDB file, atomically.

The database is built in a temporary file beside the target and renamed over it (os.replace), so a
failed load leaves the previous file byte-identical and no reader ever opens a half-built one. Schema,
macros and views come from db/*.sql, run in name order. Rows go in per table through Arrow, not row
by row.
"""

from __future__ import annotations

import contextlib
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ctl import __version__
from ctl.aliases import normalise
from ctl.check import Dataset
from ctl.dates import Period
from ctl.paths import sql_files

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


def build(data: Dataset, db: Path, inputs_mtime_ns: int | None = None) -> None:
    """Build the database for `data` at `db`, replacing any previous file only when complete.

    `inputs_mtime_ns` (the newest seed or SQL file seen before checking) becomes the file's mtime, so
    a seed edited while this build ran still counts as newer than the database.
    """
    import duckdb
    import pyarrow as pa

    db.parent.mkdir(parents=True, exist_ok=True)
    tmp = db.with_name(f".{db.name}.tmp-{os.getpid()}")
    tmp.unlink(missing_ok=True)
    try:
        con = duckdb.connect(str(tmp))
        try:
            for sql in sql_files():
                con.execute(sql.read_text(encoding="utf-8"))
            for name, rows in table_rows(data).items():
                if rows:
                    arrow = pa.Table.from_pylist(rows)  # noqa: F841  (read by name below)
                    con.execute(f"INSERT INTO {name} BY NAME SELECT * FROM arrow")
            info = {
                "ctl_version": __version__,
                "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "seed_files": str(len(data.files)),
            }
            con.executemany("INSERT INTO build_info VALUES (?, ?)", list(info.items()))
            con.execute("CHECKPOINT")
        finally:
            con.close()
        if inputs_mtime_ns is not None:
            os.utime(tmp, ns=(inputs_mtime_ns, inputs_mtime_ns))
        os.replace(tmp, db)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
