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
from ctl.paths import sql_files


def table_rows(data: Dataset) -> dict[str, list[dict[str, Any]]]:
    """The rows of every table, from validated records. Pure: no database involved."""
    t: dict[str, list[dict[str, Any]]] = {
        name: []
        for name in (
            "sources source_cites actors actor_role_records groups regions region_members aliases "
            "events event_actors event_groups event_sources statistics statistic_sources"
        ).split()
    }

    def origin(loc) -> dict[str, Any]:
        return {"file": loc.stored_path(data.root), "line": loc.line}

    def alias_rows(kind: str, rid: str, names: list[str]) -> None:
        seen: set[str] = set()
        for name in names:
            if name not in seen:
                seen.add(name)
                t["aliases"].append({"entity_kind": kind, "entity_id": rid, "alias": name, "norm": normalise(name)})

    for loc in data.of("source"):
        s = loc.record
        p = s.published
        t["sources"].append(
            {
                "id": s.id, "kind": s.kind, "outlet": s.outlet, "title": s.title, "byline": s.byline,
                "published_start": p.start if p else None, "published_end": p.end if p else None,
                "published_precision": p.precision if p else None, "url": s.url, "publisher": s.publisher,
                "note": s.note, **origin(loc),
            }
        )  # fmt: skip
        t["source_cites"] += [{"source_id": s.id, "ord": i, "cited_id": c} for i, c in enumerate(s.cites)]
    for loc in data.of("actor"):
        a = loc.record
        t["actors"].append({"id": a.id, "name": a.name, "kind": a.kind, "note": a.note, **origin(loc)})
        alias_rows("actor", a.id, [a.name, *a.aliases])
        for i, r in enumerate(a.roles):
            t["actor_role_records"].append(
                {
                    "actor_id": a.id, "ord": i, "title": r.title, "organisation": r.organisation,
                    "honorific": r.honorific, "valid_from": r.valid_from, "valid_to": r.valid_to,
                    "attested": list(r.attested), "sources": list(r.sources),
                }
            )  # fmt: skip
    for loc in data.of("group"):
        g = loc.record
        t["groups"].append({"id": g.id, "name": g.name, "full_name": g.full_name, "note": g.note, **origin(loc)})
        alias_rows("group", g.id, [g.name, *([g.full_name] if g.full_name else []), *g.aliases])
    for loc in data.of("region"):
        r = loc.record
        t["regions"].append(
            {"id": r.id, "name": r.name, "kind": r.kind, "parent": r.parent, "note": r.note, **origin(loc)}
        )
        t["region_members"] += [{"region_id": r.id, "member_id": m} for m in r.members]
        alias_rows("region", r.id, [r.name, *r.aliases])
    for loc in data.of("event"):
        e = loc.record
        t["events"].append(
            {
                "id": e.id, "title": e.title, "type": e.type, "date_start": e.date.start, "date_end": e.date.end,
                "precision": e.date.precision, "location": e.location, "region": e.region, "summary": e.summary,
                "note": e.note, **origin(loc),
            }
        )  # fmt: skip
        t["event_actors"] += [
            {"event_id": e.id, "ord": i, "actor_id": a.id, "role": a.role} for i, a in enumerate(e.actors)
        ]
        t["event_groups"] += [{"event_id": e.id, "ord": i, "group_id": g} for i, g in enumerate(e.groups)]
        t["event_sources"] += [{"event_id": e.id, "ord": i, "source_id": s} for i, s in enumerate(e.sources)]
    for loc in data.of("statistic"):
        s = loc.record
        t["statistics"].append(
            {
                "id": s.id, "publisher": s.publisher, "report": s.report, "period_start": s.period.start,
                "period_end": s.period.end, "period_precision": s.period.precision, "region": s.region,
                "measure": s.measure, "subgroup": s.subgroup, "value": float(s.value), "unit": s.unit,
                "qualifier": s.qualifier, "of": s.of, "note": s.note, **origin(loc),
            }
        )  # fmt: skip
        t["statistic_sources"] += [
            {"statistic_id": s.id, "ord": i, "source_id": src} for i, src in enumerate(s.sources)
        ]
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
