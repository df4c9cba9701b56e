"""`ctl show ID`: one record in full, where it is written, and everything around it.

The record itself is read from the seeds as written (every field, in the canonical order of ctl/fmt.py,
with its file:line), so `show` agrees with the text a person edits. What surrounds it comes from the
views of the database (read-only):

    event       its actors with the title each held at the event's date (event_actor_roles), its groups,
                and each source in full (outlet or "unknown", title, byline, published label)
    source      the events and statistics citing it, the figures it reports, what it cites and what
                cites it (source_support)
    statistic   its sources in full, and the reported and derived figures it takes part in
                (regional_aggregates), with the parts of which it is the whole
    actor       its roles, and the events, sources, statistics and roles that name it
    group       the events that mention it (group_mentions)
    region      the events and statistics in it, its sub-regions and the composites it belongs to

`--format json` prints one object: kind, id, file, line, record (the fields) and one list per section.
"""

from __future__ import annotations

import difflib
import json
import textwrap
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, TextIO

from ctl.fmt import field_order, shown_path
from ctl.model import KINDS
from ctl.output import cell_text, render

WRAP = 100  # text values wrap here in the table format
UNKNOWN = "unknown"  # what the seeds leave out is shown as unknown, never guessed


class ShowError(Exception):
    def __init__(self, message: str, code: int = 1):
        super().__init__(message)
        self.code = code


@dataclass
class Found:
    kind: str
    id: str
    record: dict[str, Any]
    path: Path
    line: int

    @property
    def where(self) -> str:
        return f"{shown_path(self.path)}:{self.line}"


@dataclass
class Section:
    key: str  # the JSON key
    title: str
    columns: list[str]
    rows: list[tuple] = field(default_factory=list)
    blocks: bool = False  # one block of `name  value` lines per row (sources in full) instead of a table


# -- finding the record ---------------------------------------------------------------------------------


def find(seeds_dir: Path, record_id: str, kind: str | None = None) -> Found:
    """The record with this id; ShowError when there is none, or several kinds and no `kind`."""
    from ctl.check import seed_files
    from ctl.seedfile import SeedSyntaxError, read_seed_file

    if kind is not None and kind not in KINDS:
        raise ShowError(f"unknown kind {kind!r}; choose one of {', '.join(KINDS)}", 2)
    hits: list[Found] = []
    ids: set[str] = set()
    for path in seed_files(seeds_dir):
        try:
            seed = read_seed_file(path)
        except SeedSyntaxError:
            continue  # `ctl check` reports it; the other files can still be searched
        for k, records in seed.data.items():
            if k not in KINDS or not isinstance(records, list):
                continue
            for i, raw in enumerate(records):
                rid = raw.get("id") if isinstance(raw, dict) else None
                if isinstance(rid, str):
                    ids.add(rid)
                if rid == record_id and (kind is None or k == kind):
                    hits.append(Found(k, rid, raw, path, seed.locate(k, i)[0]))
    kinds = list(dict.fromkeys(h.kind for h in hits))
    if len(kinds) > 1:
        where = ", ".join(f"{h.kind} at {h.where}" for h in hits)
        options = " or ".join(f"--kind {k}" for k in kinds)
        raise ShowError(f"{record_id!r} names more than one record ({where}); pass {options}", 2)
    if not hits:
        near = difflib.get_close_matches(record_id, sorted(ids), n=1)
        extra = f" (did you mean {near[0]!r}?)" if near else ""
        what = f"no {kind}" if kind else "no record"
        raise ShowError(f"{what} has the id {record_id!r}{extra}")
    return hits[0]


def fields(found: Found) -> list[tuple[str, Any]]:
    """The record's fields in canonical order; fields the model does not know come last."""
    order = field_order(KINDS[found.kind])
    rank = {name: i for i, name in enumerate(order)}
    return sorted(found.record.items(), key=lambda kv: rank.get(kv[0], len(rank)))


# -- what surrounds it (the views) ----------------------------------------------------------------------


def _rows(con, sql: str, *params: Any) -> tuple[list[str], list[tuple]]:
    cur = con.execute(sql, list(params))
    return [d[0] for d in cur.description], cur.fetchall()


def _section(con, key: str, title: str, sql: str, *params: Any, blocks: bool = False) -> Section:
    columns, rows = _rows(con, sql, *params)
    return Section(key, title, columns, rows, blocks)


_SOURCE_COLUMNS = """
    s.id, s.kind, coalesce(s.outlet, 'unknown') AS outlet, coalesce(s.title, 'unknown') AS title,
    coalesce(s.byline, 'unknown') AS byline, coalesce(ss.published_label, 'unknown') AS published,
    s.url, ss.publisher, ss.cites, s.note, s.file || ':' || s.line AS "where"
"""  # "where" is relative to the project root in the database; _local() makes it relative to here


def _sources_in_full(con, link: str, owner: str, record_id: str) -> Section:
    return _section(
        con,
        "sources",
        "Sources",
        f"SELECT {_SOURCE_COLUMNS} FROM {link} x JOIN sources s ON s.id = x.source_id "
        f"JOIN source_support ss ON ss.id = s.id WHERE x.{owner} = ? ORDER BY x.ord",
        record_id,
        blocks=True,
    )


_EVENTS = "SELECT t.date_label AS date, t.id, t.type, t.title FROM timeline t"


def _event_sections(con, record_id: str) -> list[Section]:
    (date_label,) = con.execute("SELECT date_label FROM timeline WHERE id = ?", [record_id]).fetchone() or (
        None,
    )
    actors = _section(
        con,
        "actors",
        f"Actors, with the title held at {date_label}" if date_label else "Actors",
        """SELECT actor_id AS id, actor, role,
                  concat_ws(', ', honorific, title) AS title_held, organisation
           FROM event_actor_roles WHERE event_id = ? ORDER BY ord""",
        record_id,
    )
    groups = _section(
        con,
        "groups",
        "Groups",
        """SELECT g.id, g.name, g.full_name FROM event_groups x JOIN groups g ON g.id = x.group_id
           WHERE x.event_id = ? ORDER BY x.ord""",
        record_id,
    )
    return [actors, groups, _sources_in_full(con, "event_sources", "event_id", record_id)]


def _source_sections(con, record_id: str) -> list[Section]:
    support = _section(
        con,
        "support",
        "Relations",
        "SELECT publisher, cites, cited_by FROM source_support WHERE id = ?",
        record_id,
        blocks=True,
    )
    events = _section(
        con,
        "events",
        "Events citing it",
        f"{_EVENTS} JOIN event_sources x ON x.event_id = t.id WHERE x.source_id = ? "
        "ORDER BY t.date_start, t.id",
        record_id,
    )
    stats = _section(
        con,
        "statistics",
        "Statistics citing it",
        f"{_STATS} JOIN statistic_sources x ON x.statistic_id = st.id WHERE x.source_id = ? ORDER BY st.id",
        record_id,
    )
    reported = _section(
        con, "reported", "Figures it reports", f"{_STATS} WHERE st.report = ? ORDER BY st.id", record_id
    )
    return [support, events, stats, reported]


_STATS = """SELECT st.id, date_label(st.period_start, st.period_end, st.period_precision) AS period,
                   st.region, st.measure, st.subgroup, st.value, st.unit, st.qualifier
            FROM statistics st"""


def _statistic_sections(con, record_id: str) -> list[Section]:
    figures = _section(
        con,
        "figures",
        "Figures (reported and derived, with the parts it is the whole of)",
        """SELECT period_label AS period, region_name AS region, measure, subgroup, value, value_basis,
                  share_pct, share_basis, total, qualifier, statistic_ids
           FROM regional_aggregates
           WHERE list_has_any(statistic_ids, [?] || coalesce(
                 (SELECT list(id ORDER BY id) FROM statistics WHERE "of" = ?), []::VARCHAR[]))
           ORDER BY period_start, region, measure, subgroup""",
        record_id,
        record_id,
    )
    return [figures, _sources_in_full(con, "statistic_sources", "statistic_id", record_id)]


def _actor_sections(con, record_id: str) -> list[Section]:
    roles = _section(
        con,
        "roles",
        "Roles",
        """SELECT title, honorific, organisation, valid_from, valid_to, attested, sources
           FROM actor_roles WHERE actor_id = ? ORDER BY ord""",
        record_id,
    )
    events = _section(
        con,
        "events",
        "Events",
        """SELECT t.date_label AS date, t.id, x.role, concat_ws(', ', x.honorific, x.title) AS title_held,
                  t.title
           FROM event_actor_roles x JOIN timeline t ON t.id = x.event_id
           WHERE x.actor_id = ? ORDER BY t.date_start, t.id""",
        record_id,
    )
    sources = _section(
        con,
        "sources",
        "Sources it published",
        "SELECT id, kind, coalesce(title, 'unknown') AS title FROM sources WHERE publisher = ? ORDER BY id",
        record_id,
    )
    stats = _section(
        con,
        "statistics",
        "Statistics it published",
        f"{_STATS} WHERE st.publisher = ? ORDER BY st.id",
        record_id,
    )
    members = _section(
        con,
        "role_holders",
        "People holding a title in it",
        "SELECT actor_id AS id, actor, title FROM actor_roles WHERE organisation_id = ? "
        "ORDER BY actor_id, ord",
        record_id,
    )
    return [roles, events, sources, stats, members]


def _group_sections(con, record_id: str) -> list[Section]:
    events = _section(
        con,
        "events",
        "Events",
        f"{_EVENTS} JOIN group_mentions g ON g.event_id = t.id WHERE g.group_id = ? "
        "ORDER BY t.date_start, t.id",
        record_id,
    )
    return [events]


def _region_sections(con, record_id: str) -> list[Section]:
    events = _section(
        con, "events", "Events", f"{_EVENTS} WHERE t.region = ? ORDER BY t.date_start, t.id", record_id
    )
    stats = _section(
        con, "statistics", "Statistics", f"{_STATS} WHERE st.region = ? ORDER BY st.id", record_id
    )
    children = _section(
        con,
        "subregions",
        "Sub-regions",
        "SELECT id, name, kind FROM regions WHERE parent = ? ORDER BY id",
        record_id,
    )
    composites = _section(
        con,
        "composites",
        "Part of",
        """SELECT r.id, r.name, r.kind FROM region_members m JOIN regions r ON r.id = m.region_id
           WHERE m.member_id = ? ORDER BY r.id""",
        record_id,
    )
    return [events, stats, children, composites]


def _local(section: Section, root: Path) -> None:
    """`where` cells (file:line, the file relative to the project root) as paths from here."""
    if "where" not in section.columns:
        return
    i = section.columns.index("where")
    rows = []
    for row in section.rows:
        file, _, line = str(row[i]).rpartition(":")
        rows.append((*row[:i], f"{shown_path(root / file)}:{line}", *row[i + 1 :]))
    section.rows = rows


SECTIONS = {
    "event": _event_sections,
    "source": _source_sections,
    "statistic": _statistic_sections,
    "actor": _actor_sections,
    "group": _group_sections,
    "region": _region_sections,
}


def sections(con, found: Found) -> list[Section]:
    return SECTIONS[found.kind](con, found.id)


# -- output ---------------------------------------------------------------------------------------------


def _text(value: Any) -> str:
    """A field's value as one line of text: lists joined, event actors as `id (role)`."""
    if isinstance(value, list):
        return ", ".join(_text(v) for v in value)
    if isinstance(value, dict):
        if set(value) <= {"id", "role"} and "id" in value:
            return f"{value['id']} ({value['role']})" if value.get("role") else str(value["id"])
        return "; ".join(f"{k}: {_text(v)}" for k, v in value.items())
    if isinstance(value, date):
        return value.isoformat()
    return cell_text(value)


def _wrap(text: str, width: int) -> list[str]:
    # Ids are hyphenated: break only at spaces, so an id is never cut in two.
    return textwrap.wrap(text, width, break_on_hyphens=False, break_long_words=False)


def _pairs_block(pairs: list[tuple[str, Any]], out: TextIO, indent: str = "") -> None:
    width = max((len(k) for k, _ in pairs), default=0) + 2
    for key, value in pairs:
        text = _text(value)
        # A multi-line note keeps its own lines; anything else wraps.
        lines = text.splitlines() if "\n" in text else _wrap(text, WRAP - len(indent) - width)
        lines = lines or [""]
        out.write(f"{indent}{key.ljust(width)}{lines[0]}".rstrip() + "\n")
        for line in lines[1:]:
            out.write(f"{indent}{' ' * width}{line}".rstrip() + "\n")


def write_text(found: Found, parts: list[Section], out: TextIO) -> None:
    out.write(f"{found.kind} {found.id}  ({found.where})\n\n")
    record_fields = [(k, v) for k, v in fields(found) if not (found.kind == "actor" and k == "roles")]
    _pairs_block(record_fields, out)
    for section in parts:
        out.write(f"\n{section.title}\n")
        if not section.rows:
            out.write("  (none)\n")
        elif section.blocks:
            for row in section.rows:
                pairs = [(c, v) for c, v in zip(section.columns, row, strict=True) if v not in (None, [])]
                if not pairs:
                    out.write("  (none)\n")
                elif section.key == "sources":
                    head, pairs = pairs[0][1], pairs[1:]
                    out.write(f"  {head}\n")
                    _pairs_block(pairs, out, indent="    ")
                else:
                    _pairs_block(pairs, out, indent="  ")
        else:
            render(section.columns, section.rows, "table", out)


def _plain(value: Any) -> Any:
    """A value json.dumps can write: dates as ISO text, lists and dicts all the way down."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


def to_json(found: Found, parts: list[Section]) -> dict[str, Any]:
    obj: dict[str, Any] = {
        "kind": found.kind,
        "id": found.id,
        "file": shown_path(found.path),
        "line": found.line,
        "record": _plain(dict(fields(found))),
    }
    for section in parts:
        rows = [dict(zip(section.columns, row, strict=True)) for row in section.rows]
        obj[section.key] = _plain(rows[0] if section.key == "support" and rows else rows)
    return obj


def write_json(found: Found, parts: list[Section], out: TextIO) -> None:
    out.write(json.dumps(to_json(found, parts), ensure_ascii=False, indent=2) + "\n")


def show(record_id: str, kind: str | None, fmt: str, seeds_dir: Path, connect, out: TextIO) -> None:
    """Find the record, gather its sections through `connect()` (a read-only connection), print it."""
    if fmt not in ("table", "json"):
        raise ShowError(f"unknown format {fmt!r}; choose table or json", 2)
    found = find(seeds_dir, record_id, kind)
    con = connect()
    try:
        parts = sections(con, found)
    finally:
        con.close()
    for section in parts:
        _local(section, seeds_dir.resolve().parent)
    (write_json if fmt == "json" else write_text)(found, parts, out)
