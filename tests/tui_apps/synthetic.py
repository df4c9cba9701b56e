"""A synthetic database of N events in the real schema, for scale tests of the TUI's data layer.

Rows are generated inside DuckDB (range()), so a million events take seconds, not minutes. A few
groups, forty actors and three regions; dates spread over 30 years, a third of them spanning two or
three days; every other event names a group.
"""

from __future__ import annotations

from pathlib import Path

from ctl.aliases import normalise
from ctl.importers.bulk import load_events
from ctl.load import post_sql_files
from ctl.paths import sql_files

GROUPS = [("ttp", "TTP"), ("isis-k", "ISIS-K"), ("bla", "BLA"), ("lej", "LeJ"), ("jua", "JuA")]
ACTORS = [(f"actor-{i}", f"Actor {i}") for i in range(40)]
REGIONS = [
    ("pakistan", "Pakistan", None),
    ("kp", "Khyber Pakhtunkhwa", "pakistan"),
    ("balochistan", "Balochistan", "pakistan"),
]
TYPES = ["attack", "operation", "statement", "dialogue", "meeting"]


def build_synthetic(db: Path, n: int) -> Path:
    import duckdb

    con = duckdb.connect(str(db))
    con.execute("SET enable_progress_bar = false")  # no bar over pytest's output
    try:
        for sql in sql_files():
            con.execute(sql.read_text(encoding="utf-8"))
        for gid, name in GROUPS:
            con.execute("INSERT INTO groups VALUES (?, ?, NULL, NULL, 'seeds/groups.toml', 1)", [gid, name])
            con.execute("INSERT INTO aliases VALUES ('group', ?, ?, ?)", [gid, name, normalise(name)])
        for aid, name in ACTORS:
            con.execute(
                "INSERT INTO actors VALUES (?, ?, 'person', NULL, 'seeds/actors.toml', 1)", [aid, name]
            )
            con.execute("INSERT INTO aliases VALUES ('actor', ?, ?, ?)", [aid, name, normalise(name)])
        for rid, name, parent in REGIONS:
            con.execute(
                "INSERT INTO regions VALUES (?, ?, 'province', ?, NULL, 'seeds/regions.toml', 1)",
                [rid, name, parent],
            )
            con.execute("INSERT INTO aliases VALUES ('region', ?, ?, ?)", [rid, name, normalise(name)])
        con.execute(
            "INSERT INTO sources SELECT 'src-' || i, 'news', 'Outlet', 'Title ' || i, 'Byline', "
            "NULL, NULL, NULL, NULL, NULL, NULL, 'seeds/sources.toml', i FROM range(1000) r(i)"
        )
        types = "['" + "','".join(TYPES) + "']"
        group_ids = "['" + "','".join(g[0] for g in GROUPS) + "']"
        regions = "['" + "','".join(r[0] for r in REGIONS) + "']"
        con.execute(
            f"""INSERT INTO events
            SELECT 'ev-' || lpad(i::VARCHAR, 8, '0'), 'Synthetic event number ' || i,
                   {types}[1 + i % {len(TYPES)}],
                   DATE '1995-01-01' + (i * 7919 % 10950)::INTEGER,
                   DATE '1995-01-01' + (i * 7919 % 10950)::INTEGER + (i % 3)::INTEGER,
                   'day', NULL, {regions}[1 + i % {len(REGIONS)}], 'Summary of event ' || i, NULL,
                   'seeds/events.toml', 1 + i
            FROM range({n}) r(i)"""
        )
        con.execute(
            f"INSERT INTO event_groups SELECT 'ev-' || lpad(i::VARCHAR, 8, '0'), 0, "
            f"{group_ids}[1 + i % {len(GROUPS)}] FROM range({n}) r(i) WHERE i % 2 = 0"
        )
        con.execute(
            f"INSERT INTO event_actors SELECT 'ev-' || lpad(i::VARCHAR, 8, '0'), k, "
            f"'actor-' || ((i + k * 7) % {len(ACTORS)}), 'party' FROM range({n}) r(i), range(2) s(k)"
        )
        con.execute(
            f"INSERT INTO event_sources SELECT 'ev-' || lpad(i::VARCHAR, 8, '0'), 0, 'src-' || (i % 1000) "
            f"FROM range({n}) r(i)"
        )
        # The build's last phases, as ctl.load.build runs them: the events into `event_index` (no
        # imports), then db/post, which makes `timeline` a projection of it, as in every real database.
        load_events(con, [])
        for sql in post_sql_files():
            con.execute(sql.read_text(encoding="utf-8"))
        con.execute("CHECKPOINT")
    finally:
        con.close()
    return db
