"""The filter language shared by `ctl timeline`, `ctl stats` and the TUI's filter bar.

    group:TTP actor:"Elizabeth Richard" date:2024-05 region:KP dialogue -type:statement

A filter is a list of terms separated by spaces. `key:value` terms name a field; a value with spaces
is quoted ("..." or '...'); a leading `-` negates a term. A bare word is an event type when it names
one (`dialogue`), a date filter when it reads as a date (`2024-05`, `2023..2024`), and free text
otherwise. Terms with the same key are alternatives (OR); different keys must all hold (AND); free
text words and negated terms must each hold.

Keys: group, actor, region, type, date, since, until, search, source, id, dataset (events); for
statistics region, date, since, until, measure, report, publisher, search. `dataset:` names where an
event comes from: curated (the seeds), acled, ucdp, gtd, or the id of one import. Names are matched
through the alias registry (case, quotes, hyphens, spaces and diacritics ignored); when a name is no
exact alias, it matches as a part of one ("Khorasan" finds ISIS-K). Regions include their sub-regions; an
event whose region is unknown is in none (`-region:KP` keeps it). A date filter keeps a record whose
date range overlaps it.

`parse` turns text into terms and reports mistakes as FilterError with the column; `compile` turns
terms into a SQL condition with `?` placeholders and the list of parameters, so user text reaches
DuckDB only as bound values.

The conditions scale to a million events: a name is looked up once, in the small `aliases` table, as
an uncorrelated subquery giving a list of ids, and each event is tested by set membership on its own
id lists (`list_has_any(t.group_ids, (SELECT list(...) FROM aliases ...))`), with no join or
per-event subquery over link tables. Names an import could not resolve (kept verbatim in
`t.unresolved`) are matched by `actor:` the same way, through the `unresolved_names` table.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from ctl.aliases import normalise
from ctl.dates import DateError, Period, parse_period
from ctl.vocabulary import EVENT_TYPES, IMPORT_FORMATS, MEASURES

# "index": the events as stored, `event_index t` (see compile_terms); the others are the public views.
Target = Literal["timeline", "aggregates", "index"]

EVENT_KEYS = (
    *("group", "actor", "region", "type", "date", "since", "until", "search", "source", "id", "dataset"),
)
STAT_KEYS = ("region", "date", "since", "until", "measure", "report", "publisher", "search")
_DATE_KEYS = ("date", "since", "until")
DATASETS = ("curated", *IMPORT_FORMATS)  # `dataset:` values; anything else names an import


class FilterError(ValueError):
    """A mistake in a filter expression; `col` is the 1-based column where it starts."""

    def __init__(self, message: str, col: int = 1):
        super().__init__(message)
        self.message = message
        self.col = col

    def __str__(self) -> str:
        return f"{self.message} (at column {self.col})"


@dataclass(frozen=True, slots=True)
class Term:
    key: str
    value: str
    negated: bool = False
    col: int = 1

    def text(self) -> str:
        value = f'"{self.value}"' if any(c.isspace() for c in self.value) or not self.value else self.value
        return f"{'-' if self.negated else ''}{self.key}:{value}"


def _tokens(text: str) -> list[tuple[str, int]]:
    """Split on white space, keeping quoted runs together. Returns (token, 1-based column)."""
    out: list[tuple[str, int]] = []
    i, n = 0, len(text)
    while i < n:
        if text[i].isspace():
            i += 1
            continue
        start = i
        buf: list[str] = []
        while i < n and not text[i].isspace():
            if text[i] in "\"'":
                quote = text[i]
                close = text.find(quote, i + 1)
                if close < 0:
                    raise FilterError(f"unclosed quote {quote}", i + 1)
                buf.append(text[i : close + 1])
                i = close + 1
            else:
                buf.append(text[i])
                i += 1
        out.append(("".join(buf), start + 1))
    return out


def _unquote(value: str) -> str:
    return "".join(part for part in _split_quoted(value))


def _split_quoted(value: str):
    i = 0
    while i < len(value):
        if value[i] in "\"'":
            close = value.find(value[i], i + 1)
            yield value[i + 1 : close]
            i = close + 1
        else:
            yield value[i]
            i += 1


def parse(text: str, target: Target = "timeline") -> list[Term]:
    """Read a filter expression. Raises FilterError naming the column of the first mistake."""
    keys = EVENT_KEYS if target == "timeline" else STAT_KEYS
    terms: list[Term] = []
    for token, col in _tokens(text):
        negated = token.startswith("-") and len(token) > 1
        body = token[1:] if negated else token
        key, sep, raw = body.partition(":")
        if sep and not key.startswith(("'", '"')) and _looks_like_key(key):
            key = key.lower()
            if key not in keys:
                near = difflib.get_close_matches(key, keys, n=1)
                hint = f"; did you mean {near[0]}:?" if near else f"; keys are {', '.join(keys)}"
                raise FilterError(f"unknown filter key {key!r}{hint}", col)
            value = _unquote(raw).strip()
            if not value:
                raise FilterError(f"{key}: needs a value", col)
            terms.append(_validated(Term(key, value, negated, col), target))
        else:
            word = _unquote(body).strip()
            if not word:
                continue
            terms.append(_validated(_bare(word, negated, col, target), target))
    return terms


def _looks_like_key(key: str) -> bool:
    return key.isascii() and key.replace("_", "").isalpha()


def _bare(word: str, negated: bool, col: int, target: Target) -> Term:
    if target == "timeline" and word.lower() in EVENT_TYPES:
        return Term("type", word.lower(), negated, col)
    if target == "aggregates" and word.lower() in MEASURES:
        return Term("measure", word.lower(), negated, col)
    if word[:1].isdigit():
        try:
            parse_period(word)
            return Term("date", word, negated, col)
        except DateError:
            pass
    return Term("search", word, negated, col)


def _validated(term: Term, target: Target) -> Term:
    if term.key in _DATE_KEYS:
        try:
            parse_period(term.value)
        except DateError as exc:
            raise FilterError(f"{term.key}: {exc}", term.col) from None
    elif term.key == "type" and term.value.lower() not in EVENT_TYPES:
        near = difflib.get_close_matches(term.value.lower(), EVENT_TYPES, n=1)
        hint = f"; did you mean {near[0]}?" if near else f"; types are {', '.join(EVENT_TYPES)}"
        raise FilterError(f"unknown event type {term.value!r}{hint}", term.col)
    elif term.key == "measure" and term.value.lower() not in MEASURES:
        raise FilterError(f"unknown measure {term.value!r}; measures are {', '.join(MEASURES)}", term.col)
    if term.key in ("type", "measure", "dataset"):
        return Term(term.key, term.value.lower(), term.negated, term.col)
    return term


def from_options(target: Target = "timeline", **options: list[str] | str | None) -> list[Term]:
    """Terms from command-line options (`--group TTP --since 2024`); values are validated the same way."""
    terms: list[Term] = []
    for key, values in options.items():
        if values is None:
            continue
        for value in [values] if isinstance(values, str) else values:
            if value.strip():
                terms.append(_validated(Term(key, value.strip()), target))
    return terms


def describe(terms: list[Term]) -> str:
    """The expression that `parse` reads back as these terms (for messages such as "no match for ...")."""
    return " ".join(t.text() for t in terms)


# -- compiling to SQL ---------------------------------------------------------------------------------

# Match an alias: equal to a normalised name, or, when the text is no exact alias of that kind, a part
# of one. Parameters: (norm, norm, norm).
_ALIAS_MATCH = (
    "(a.norm = ? OR (a.norm LIKE '%' || ? || '%' ESCAPE '\\' "
    "AND NOT EXISTS (SELECT 1 FROM aliases x WHERE x.entity_kind = a.entity_kind AND x.norm = ?)))"
)


def _like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _alias_params(value: str) -> list[str]:
    norm = normalise(value)
    return [norm, _like(norm), norm]


def _ids_sql(kind: str) -> str:
    """The ids of one kind whose aliases match a name: one list, computed once per query."""
    return (
        "(SELECT coalesce(list(DISTINCT a.entity_id), []::VARCHAR[]) FROM aliases a "
        f"WHERE a.entity_kind = '{kind}' AND {_ALIAS_MATCH})"
    )


# Unresolved names of imported events that match: equal, or containing the text when it is neither an
# actor's alias nor an unresolved name exactly. Parameters: (norm, like, norm, norm).
_UNRESOLVED_SQL = (
    "(SELECT coalesce(list(DISTINCT u.name), []::VARCHAR[]) FROM unresolved_names u WHERE u.kind = 'party' "
    "AND (u.norm = ? OR (u.norm LIKE '%' || ? || '%' ESCAPE '\\' "
    "AND NOT EXISTS (SELECT 1 FROM aliases x WHERE x.entity_kind = 'actor' AND x.norm = ?) "
    "AND NOT EXISTS (SELECT 1 FROM unresolved_names y WHERE y.kind = 'party' AND y.norm = ?))))"
)


def _region_list_sql() -> str:
    """The regions a name selects with their sub-regions, as one list."""
    return (
        "SELECT coalesce(list(DISTINCT rt.region_id), []::VARCHAR[]) FROM region_tree rt JOIN aliases a "
        f"ON a.entity_kind = 'region' AND a.entity_id = rt.ancestor_id WHERE {_ALIAS_MATCH}"
    )


def _region_ids_sql() -> str:
    return (
        "SELECT rt.region_id FROM region_tree rt JOIN aliases a ON a.entity_kind = 'region' "
        f"AND a.entity_id = rt.ancestor_id WHERE {_ALIAS_MATCH}"
    )


# A lookup turns a small query (over aliases, party_combos, place_regions: never the events) into SQL
# for its one value, a list: `inline` nests it as a subquery; a caller that can run queries may run it
# first and bind the list as a parameter (ctl.tui.data), which keeps the name matching (LIKE, NOT
# EXISTS over aliases) out of the plan of the scan over a million events.
Lookup = Callable[[str, list, str], tuple[str, list]]


def inline(sql: str, params: list, type_: str) -> tuple[str, list]:
    return f"({sql})", params


def _index_names(key: str, value: str, lookup: Lookup) -> tuple[str, list]:
    """A group or actor term on `event_index`: every event holds the key of a row of `party_combos`,
    its combination of actor fields (an imported event) or its own lists (a curated one), a few
    hundred rows for a million events. The names are matched once per combination, and each event is
    kept by its key: one hash lookup per event (db/post/40_names.sql)."""
    ids, p = lookup(_ids_sql(key)[1:-1], _alias_params(value), "VARCHAR[]")
    if key == "group":
        test = f"list_has_any(c.group_ids, {ids})"
    else:
        norm = normalise(value)
        names, pn = lookup(_UNRESOLVED_SQL[1:-1], [norm, _like(norm), norm, norm], "VARCHAR[]")
        test = f"(list_has_any(c.actor_ids, {ids}) OR list_has_any(c.unresolved, {names}))"
        p = p + pn
    keys, pk = lookup(
        f"SELECT coalesce(list(c.party_key), []::UBIGINT[]) FROM party_combos c WHERE {test}", p, "UBIGINT[]"
    )
    return f"coalesce(t.party_key IN (SELECT unnest({keys})), false)", pk


def _condition(term: Term, target: Target, lookup: Lookup = inline) -> tuple[str, list]:
    """SQL for one term against the row alias `t` (see compile_terms)."""
    key, value = term.key, term.value
    start, end = (
        ("t.period_start", "t.period_end") if target == "aggregates" else ("t.date_start", "t.date_end")
    )
    if key in _DATE_KEYS:
        p: Period = parse_period(value)
        if key == "since":
            return f"{end} >= ?", [p.start]
        if key == "until":
            return f"{start} <= ?", [p.end]
        return f"({end} >= ? AND {start} <= ?)", [p.start, p.end]
    if key == "region":
        # An event whose region is unknown is in no region: `-region:KP` keeps it (NULL-safe).
        if target == "index":  # as _index_names, by the key of a row of `place_regions`
            regions, p = lookup(_region_list_sql(), _alias_params(value), "VARCHAR[]")
            places, pp = lookup(
                "SELECT coalesce(list(p.place_key), []::UBIGINT[]) FROM place_regions p "
                f"WHERE list_contains({regions}, p.region)",
                p,
                "UBIGINT[]",
            )
            return f"coalesce(t.place_key IN (SELECT unnest({places})), false)", pp
        return f"coalesce(t.region IN ({_region_ids_sql()}), false)", _alias_params(value)
    if key == "search":
        like = f"%{_like(value)}%"
        if target != "aggregates":
            return "(t.title ILIKE ? ESCAPE '\\' OR t.summary ILIKE ? ESCAPE '\\')", [like, like]
        return "(t.region_name ILIKE ? ESCAPE '\\' OR t.subgroup ILIKE ? ESCAPE '\\')", [like, like]
    if key in ("group", "actor") and target == "index":
        return _index_names(key, value, lookup)
    if key == "group":
        return f"list_has_any(t.group_ids, {_ids_sql('group')})", _alias_params(value)
    if key == "actor":
        norm = normalise(value)
        registry = f"list_has_any(t.actor_ids, {_ids_sql('actor')})"
        sql = f"({registry} OR list_has_any(t.unresolved, {_UNRESOLVED_SQL}))"
        return sql, [*_alias_params(value), norm, _like(norm), norm, norm]
    if key == "publisher":
        sql = (
            "EXISTS (SELECT 1 FROM aliases a WHERE a.entity_kind = 'actor' "
            f"AND a.entity_id = t.publisher AND {_ALIAS_MATCH})"
        )
        return sql, _alias_params(value)
    if key == "source":
        if target == "index":
            # An imported event may keep its sources as the text it was written as (source_text, a
            # `;` list: db/importers/acled.sql); split only where the text holds the name at all.
            sql = (
                "coalesce(list_contains(t.sources, ?) OR (contains(t.source_text, ?) "
                "AND list_contains(imp_list(t.source_text), ?)), false)"
            )
            return sql, [value, value, value]
        return "list_contains(t.sources, ?)", [value]
    if key == "dataset":
        # a plain comparison on one column, so DuckDB applies it while scanning
        if value in DATASETS:
            return "t.dataset = ?", [value]
        return "t.import_id = ?", [value]
    if key in ("type", "measure", "id", "report"):
        return f"t.{key} = ?", [value]
    raise FilterError(f"{key}: does not apply here", term.col)  # parse() already refuses unknown keys


def compile_terms(
    terms: list[Term], target: Target = "timeline", lookup: Lookup = inline
) -> tuple[str, list]:
    """A SQL condition (for `WHERE`) and its parameters. Always valid SQL: no terms gives TRUE.

    The condition reads the row alias `t`: the `timeline` view, the `regional_aggregates` view, or
    for "index" the table `event_index` the timeline projects (db/post/60_views.sql), for callers that
    need the speed: there every term tests the stored columns only, so DuckDB filters while it scans
    and no event is joined to its names first (see `Lookup` for `lookup`). It selects exactly the
    events the "timeline" condition selects (tests/test_tui_index.py compares them)."""
    events = target != "aggregates"
    keys = EVENT_KEYS if events else STAT_KEYS
    for term in terms:
        if term.key not in keys:
            raise FilterError(f"{term.key}: does not apply to {'events' if events else 'statistics'}")
    parts: list[str] = []
    params: list = []
    alternatives: dict[str, list[tuple[str, list]]] = {}
    for term in terms:
        sql, p = _condition(term, target, lookup)
        if term.negated:
            parts.append(f"NOT ({sql})")
            params += p
        elif term.key in ("search", "since", "until"):
            parts.append(sql)
            params += p
        else:
            alternatives.setdefault(term.key, []).append((sql, p))
    for options in alternatives.values():
        parts.append("(" + " OR ".join(sql for sql, _ in options) + ")")
        for _, p in options:
            params += p
    return (" AND ".join(parts) or "TRUE"), params


def join_args(args: list[str]) -> str:
    """Command-line words as one expression. The shell has already removed the user's quotes, so a
    word with spaces (`actor:Elizabeth Richard`) is quoted again to stay one term."""
    out: list[str] = []
    for arg in args:
        if any(c.isspace() for c in arg) and '"' not in arg:
            key, sep, value = arg.partition(":")
            neg = key.startswith("-")
            if sep and _looks_like_key(key.lstrip("-")):
                arg = f'{"-" if neg else ""}{key.lstrip("-")}:"{value}"'
            else:
                arg = f'"{arg}"'
        out.append(arg)
    return " ".join(out)
