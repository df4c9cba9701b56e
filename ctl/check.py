"""`ctl check`: read every seed file, validate it, cross-reference it, test its figures for consistency.

It never stops at the first problem: each stage reports all it finds and the next stage works on what
is still sound, so one run lists every error a person has to fix. Stages:

1. syntax      every *.toml under the seeds folder parses (toml-syntax) and holds arrays of known
               record kinds (structure, unknown-kind);
2. schema      each record fits its pydantic model (missing-field, unknown-field, invalid-value);
3. identity    ids are unique per kind (duplicate-id); aliases do not collide (alias-clash);
4. references  every id a record names exists (unknown-ref), events and statistics cite a source
               (no-source), region parents form a tree (region-cycle);
5. consistency date ranges run forward (date-order), percentages stay within 0..100 (value-range),
               shares of one total do not sum past 100 (shares-exceed), a part is not larger than its
               whole (part-exceeds-whole), and a share names a whole of the same measure and period
               (share-mismatch);
6. imports     every `[[import]]` names a file that exists (import-missing) and still has the sha256
               recorded when it was imported (import-changed). Large files' digests are cached by
               size and mtime (ctl/importers/filehash.py), so this stays cheap at a million rows.
"""

from __future__ import annotations

import difflib
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ctl.aliases import normalise
from ctl.diagnostics import Diagnostic
from ctl.model import ALL_KINDS, KINDS, Import, Record, Region, Statistic
from ctl.seedfile import SeedFile, SeedSyntaxError, read_seed_file

# Error codes, each with the hint shown under it. tests/check_cases/ holds one reproducer per code.
HINTS: dict[str, str] = {
    "toml-syntax": "fix the TOML at the caret; strings need quotes and each key appears once per table",
    "structure": "write records as arrays of tables: [[event]], [[source]], ...",
    "unknown-kind": "record kinds are: " + ", ".join(f"[[{k}]]" for k in KINDS),
    "missing-field": "add the field; docs/seeds.md lists what each kind needs",
    "unknown-field": "remove the field or correct its spelling",
    "invalid-value": "correct the value to the form the message names",
    "duplicate-id": "ids are unique within a kind: rename one record",
    "alias-clash": "one spelling may name only one record: drop or qualify the alias",
    "unknown-ref": "use the id of an existing record, or add that record",
    "no-source": "cite at least one [[source]] id in `sources`",
    "region-cycle": "a region's parent chain must end at a top-level region",
    "date-order": "the end of a range comes after its start: swap or correct the dates",
    "value-range": "a percentage lies between 0 and 100 and a count is not negative",
    "shares-exceed": "shares of one total cannot sum past 100%: check each figure against the source",
    "part-exceeds-whole": "a part cannot exceed its whole: check the figure and its `of`",
    "share-mismatch": "`of` must name a count of the same measure and period",
    "import-missing": "put the file back at that path (relative to the seeds folder's parent), "
    "or remove the [[import]] entry",
    "import-changed": "the file is not the one imported: run `ctl import FORMAT FILE` again to accept it",
}

# Qualifiers whose value is a floor of the true figure; only these can prove that shares overflow.
_FIRM = {"exact", "at_least", "more_than", "about"}


@dataclass
class Located:
    """A validated record and the place it was written."""

    kind: str
    record: Any
    file: SeedFile
    index: int
    partial: bool = False  # unvalidated remains of a record with schema errors (see _without_bad_fields)

    @property
    def path(self) -> str:
        return self.file.path

    @property
    def line(self) -> int:
        return self.file.locate(self.kind, self.index)[0]

    def stored_path(self, root: Path) -> str:
        """The file as the database records it: relative to the project root (the seeds' parent), so
        the same seeds give the same database from any working directory."""
        try:
            return self.file.real.relative_to(root).as_posix()
        except ValueError:
            return self.file.real.as_posix()


@dataclass
class Dataset:
    records: dict[str, list[Located]] = field(default_factory=lambda: {k: [] for k in ALL_KINDS})
    files: list[SeedFile] = field(default_factory=list)
    root: Path = field(default_factory=Path.cwd)  # the seeds folder's parent

    def of(self, kind: str) -> list[Located]:
        return self.records[kind]


@dataclass
class CheckResult:
    dataset: Dataset
    diagnostics: list[Diagnostic]
    files_checked: int = 0  # every seed file read, including those that did not parse

    @property
    def ok(self) -> bool:
        return not any(d.severity == "error" for d in self.diagnostics)

    def summary(self) -> str:
        shown = [k for k in ALL_KINDS if k in KINDS or self.dataset.of(k)]  # imports only when there are any
        counts = ", ".join(f"{len(self.dataset.of(k))} {_plural(k, len(self.dataset.of(k)))}" for k in shown)
        files = f"{self.files_checked} {'file' if self.files_checked == 1 else 'files'}"
        if self.ok:
            return f"ok: {files}, {counts}"
        n = sum(d.severity == "error" for d in self.diagnostics)
        return f"{n} {'error' if n == 1 else 'errors'} in {files}"


def _plural(kind: str, n: int) -> str:
    if n == 1:
        return kind
    return "statistics" if kind == "statistic" else kind + "s"


def seed_files(seeds_dir: Path) -> list[Path]:
    """Every *.toml below the seeds folder, in a stable order; hidden files and folders are skipped."""
    return sorted(
        p
        for p in seeds_dir.rglob("*.toml")
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(seeds_dir).parts)
    )


def check(seeds_dir: Path | str, display_root: Path | None = None) -> CheckResult:
    seeds_dir = Path(seeds_dir)
    diags: list[Diagnostic] = []
    data = Dataset(root=seeds_dir.resolve().parent)
    if not seeds_dir.is_dir():
        diags.append(
            Diagnostic(
                str(seeds_dir),
                1,
                1,
                "structure",
                "the seeds folder does not exist",
                "pass --seeds DIR or set CTL_SEEDS",
            )
        )
        return CheckResult(data, diags)
    paths = seed_files(seeds_dir)
    for path in paths:
        shown = _display(path, display_root)
        try:
            seed = read_seed_file(path, shown)
        except SeedSyntaxError as exc:
            diags.append(_diag(exc.path, exc.pos, "toml-syntax", exc.message))
            continue
        data.files.append(seed)
        diags.extend(_validate_file(seed, data))
    known_ids = _raw_ids(data.files)
    diags.extend(_check_identity(data))
    diags.extend(_check_references(data, known_ids))
    diags.extend(_check_consistency(data))
    diags.extend(_check_imports(data))
    return CheckResult(data, sorted(set(diags)), len(paths))


def _display(path: Path, root: Path | None) -> str:
    root = root or Path.cwd()
    try:
        return str(path.resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path)


def _diag(path: str, pos: tuple[int, int], code: str, message: str) -> Diagnostic:
    return Diagnostic(path, pos[0], pos[1], code, message, HINTS[code])


# -- stage 1 and 2: structure and schema --------------------------------------------------------------


def _validate_file(seed: SeedFile, data: Dataset) -> Iterator[Diagnostic]:
    for kind, value in seed.data.items():
        pos = seed.tables[kind][0].pos if seed.tables.get(kind) else _find_key_line(seed, kind)
        if kind not in ALL_KINDS:
            near = difflib.get_close_matches(kind, ALL_KINDS, n=1)
            extra = f" (did you mean [[{near[0]}]]?)" if near else ""
            yield _diag(seed.path, pos, "unknown-kind", f"unknown record kind {kind!r}{extra}")
            continue
        if not (isinstance(value, list) and all(isinstance(v, dict) for v in value)):
            yield _diag(
                seed.path, pos, "structure", f"{kind!r} must be an array of tables, written [[{kind}]]"
            )
            continue
        model = ALL_KINDS[kind]
        for index, raw in enumerate(value):
            try:
                record = model.model_validate(raw)
            except ValidationError as exc:
                yield from _schema_errors(seed, kind, index, exc)
                data.records[kind].append(_without_bad_fields(kind, model, raw, exc, seed, index))
                continue
            data.records[kind].append(Located(kind, record, seed, index))


def _without_bad_fields(
    kind: str, model: type[Record], raw: dict, exc: ValidationError, seed: SeedFile, index: int
) -> Located:
    """The record minus the fields that failed, so that later stages report its other problems (a
    bad reference, dates out of order) in the same run. When what is left still validates it is
    checked like any record; otherwise it is kept unvalidated (`partial`) for the reference checks
    only. The dataset is in error either way, so nothing of it is ever loaded."""
    bad = {err["loc"][0] for err in exc.errors() if err["loc"]}
    good = {k: v for k, v in raw.items() if k not in bad}
    try:
        return Located(kind, model.model_validate(good), seed, index)
    except ValidationError:
        return Located(kind, model.model_construct(**good), seed, index, partial=True)


def _find_key_line(seed: SeedFile, key: str) -> tuple[int, int]:
    for n, text in enumerate(seed.lines, start=1):
        stripped = text.lstrip()
        if stripped.startswith((f"{key} ", f"{key}=", f"[{key}]", f"[{key}.")):
            return (n, len(text) - len(stripped) + 1)
    return (1, 1)


def _schema_errors(seed: SeedFile, kind: str, index: int, exc: ValidationError) -> Iterator[Diagnostic]:
    for err in exc.errors(include_url=False):
        loc = tuple(err["loc"])
        where = ".".join(str(p) for p in loc) or kind
        typ = err["type"]
        if typ == "missing":
            pos = seed.locate(kind, index, loc[:-1])
            yield _diag(seed.path, pos, "missing-field", f"[[{kind}]] lacks required field `{where}`")
        elif typ == "extra_forbidden":
            pos = seed.locate(kind, index, loc, at_value=False)
            near = difflib.get_close_matches(str(loc[-1]), _fields_at(ALL_KINDS[kind], loc[:-1]), n=1)
            extra = f" (did you mean `{near[0]}`?)" if near else ""
            yield _diag(seed.path, pos, "unknown-field", f"[[{kind}]] has no field `{where}`{extra}")
        else:
            pos = seed.locate(kind, index, loc)
            msg = err["msg"].removeprefix("Value error, ")
            if typ == "literal_error":
                choices = [c.strip("'") for c in err["ctx"]["expected"].replace(" or ", ", ").split(", ")]
                near = difflib.get_close_matches(str(err["input"]), choices, n=1)
                msg = f"{err['input']!r} is not one of {', '.join(choices)}"
                msg += f" (did you mean {near[0]!r}?)" if near else ""
            yield _diag(seed.path, pos, "invalid-value", f"`{where}`: {msg}")


def _fields_at(model: type[Record], loc: tuple) -> list[str]:
    """Field names of the (possibly nested) model at a location, for did-you-mean hints."""
    for part in loc:
        if isinstance(part, int):
            continue
        info = model.model_fields.get(part)
        inner = getattr(info.annotation, "__args__", (info.annotation,)) if info else ()
        nested = [a for a in inner if isinstance(a, type) and issubclass(a, Record)]
        if not nested:
            return []
        model = nested[0]
    return list(model.model_fields)


def _raw_ids(files: list[SeedFile]) -> dict[str, set[str]]:
    """Ids as written, even in records that failed validation, so one bad record does not cascade."""
    ids: dict[str, set[str]] = defaultdict(set)
    for seed in files:
        for kind, value in seed.data.items():
            if kind in ALL_KINDS and isinstance(value, list):
                # stripped as the model strips it, so ' ttp ' and 'ttp' are one id
                ids[kind].update(
                    v["id"].strip() for v in value if isinstance(v, dict) and isinstance(v.get("id"), str)
                )
    return ids


def _sound(data: Dataset, kind: str) -> list[Located]:
    """Records of a kind that validated (whole, or whole but for optional fields that failed)."""
    return [loc for loc in data.of(kind) if not loc.partial]


# -- stage 3: identity --------------------------------------------------------------------------------


def _check_identity(data: Dataset) -> Iterator[Diagnostic]:
    for kind in ALL_KINDS:
        first: dict[str, Located] = {}
        for loc in data.of(kind):
            rid = getattr(loc.record, "id", None)
            if not isinstance(rid, str):
                continue
            if rid in first:
                prev = first[rid]
                yield _diag(
                    loc.path,
                    loc.file.locate(kind, loc.index, ("id",)),
                    "duplicate-id",
                    f"{kind} id {rid!r} is already used at {prev.path}:{prev.line}",
                )
            else:
                first[rid] = loc
    for kind in ("actor", "group", "region"):
        owner: dict[str, tuple[str, Located]] = {}
        for loc in _sound(data, kind):
            names = [
                ("name", loc.record.name, None),
                *(("aliases", a, i) for i, a in enumerate(loc.record.aliases)),
            ]
            if kind == "group" and loc.record.full_name:
                names.append(("full_name", loc.record.full_name, None))
            for key, name, i in names:
                norm = normalise(name)
                if not norm:
                    continue
                prev = owner.get(norm)
                if prev is None:
                    owner[norm] = (loc.record.id, loc)
                elif prev[0] != loc.record.id:
                    pos = loc.file.locate(kind, loc.index, (key,) if i is None else (key, i))
                    yield _diag(
                        loc.path,
                        pos,
                        "alias-clash",
                        f"{name!r} also names {kind} {prev[0]!r} ({prev[1].path}:{prev[1].line})",
                    )


# -- stage 4: references ------------------------------------------------------------------------------

# (record kind, path to the field, kind it must name). A path element "*" walks every list item.
_REFS: list[tuple[str, tuple, str]] = [
    ("source", ("publisher",), "actor"),
    ("source", ("cites", "*"), "source"),
    ("actor", ("roles", "*", "organisation"), "actor"),
    ("actor", ("roles", "*", "sources", "*"), "source"),
    ("region", ("parent",), "region"),
    ("region", ("members", "*"), "region"),
    ("event", ("region",), "region"),
    ("event", ("actors", "*", "id"), "actor"),
    ("event", ("groups", "*"), "group"),
    ("event", ("sources", "*"), "source"),
    ("statistic", ("publisher",), "actor"),
    ("statistic", ("report",), "source"),
    ("statistic", ("region",), "region"),
    ("statistic", ("of",), "statistic"),
    ("statistic", ("sources", "*"), "source"),
]


def _walk(value: Any, path: tuple, loc: tuple = ()) -> Iterator[tuple[tuple, Any]]:
    """Every value at `path`; copes with the raw dicts and lists of partial records."""
    if not path:
        if isinstance(value, str):
            yield loc, value
        return
    head, rest = path[0], path[1:]
    if head == "*":
        if isinstance(value, list | tuple):
            for i, item in enumerate(value):
                yield from _walk(item, rest, (*loc, i))
    else:
        child = value.get(head) if isinstance(value, dict) else getattr(value, head, None)
        yield from _walk(child, rest, (*loc, head))


def _check_references(data: Dataset, known: dict[str, set[str]]) -> Iterator[Diagnostic]:
    for kind, path, target in _REFS:
        for loc in data.of(kind):
            for where, ref in _walk(loc.record, path):
                if ref in known[target]:
                    continue
                near = difflib.get_close_matches(ref, sorted(known[target]), n=1)
                extra = f" (did you mean {near[0]!r}?)" if near else ""
                field_name = ".".join(str(p) for p in where)
                yield _diag(
                    loc.path,
                    loc.file.locate(kind, loc.index, where),
                    "unknown-ref",
                    f"`{field_name}` names {target} {ref!r}, which does not exist{extra}",
                )
    for kind in ("event", "statistic"):
        for loc in _sound(data, kind):
            if not loc.record.sources:
                yield _diag(
                    loc.path,
                    loc.file.locate(kind, loc.index, ("sources",)),
                    "no-source",
                    f"{kind} {loc.record.id!r} cites no source",
                )
    regions = {loc.record.id: loc for loc in _sound(data, "region")}
    reported: set[str] = set()
    for rid, loc in regions.items():
        seen = [rid]
        parent = loc.record.parent
        while parent in regions and parent not in seen:
            seen.append(parent)
            parent = regions[parent].record.parent
        if parent in seen and not reported.intersection(seen):
            reported.update(seen)
            yield _diag(
                loc.path,
                loc.file.locate("region", loc.index, ("parent",)),
                "region-cycle",
                "region parents form a cycle: " + " -> ".join([*seen, parent]),
            )


# -- stage 5: consistency -----------------------------------------------------------------------------


def _check_consistency(data: Dataset) -> Iterator[Diagnostic]:
    dated: list[tuple[str, str]] = [("source", "published"), ("event", "date"), ("statistic", "period")]
    for kind, key in dated:
        for loc in _sound(data, kind):
            period = getattr(loc.record, key)
            if period is not None and period.end < period.start:
                yield _diag(
                    loc.path,
                    loc.file.locate(kind, loc.index, (key,)),
                    "date-order",
                    f"`{key}` ends ({period.end}) before it starts ({period.start})",
                )
    for loc in _sound(data, "actor"):
        for i, role in enumerate(loc.record.roles):
            if role.valid_from and role.valid_to and role.valid_to < role.valid_from:
                yield _diag(
                    loc.path,
                    loc.file.locate("actor", loc.index, ("roles", i, "valid_to")),
                    "date-order",
                    f"role {role.title!r} ends ({role.valid_to}) before it starts ({role.valid_from})",
                )
    yield from _check_figures(data)


def _check_figures(data: Dataset) -> Iterator[Diagnostic]:
    stats: dict[str, Located] = {loc.record.id: loc for loc in _sound(data, "statistic")}
    regions: dict[str, Region] = {loc.record.id: loc.record for loc in _sound(data, "region")}

    def at(loc: Located, key: str) -> tuple[int, int]:
        return loc.file.locate("statistic", loc.index, (key,))

    for loc in stats.values():
        s: Statistic = loc.record
        if s.value < 0 or (s.unit == "percent" and s.value > 100):
            what = "a percentage above 100" if s.value > 100 else "a negative figure"
            yield _diag(
                loc.path, at(loc, "value"), "value-range", f"statistic {s.id!r} has {what} ({s.value:g})"
            )
        whole_loc = stats.get(s.of) if s.of else None
        if whole_loc is None:
            continue
        whole: Statistic = whole_loc.record
        if whole.unit != "count" or whole.measure != s.measure or whole.period != s.period:
            yield _diag(
                loc.path,
                at(loc, "of"),
                "share-mismatch",
                f"statistic {s.id!r} ({s.measure}, {s.period.label()}) is a part of {whole.id!r} "
                f"({whole.unit} of {whole.measure}, {whole.period.label()})",
            )
        elif s.unit == "count" and _floor(s) > _ceiling(whole):
            yield _diag(
                loc.path,
                at(loc, "value"),
                "part-exceeds-whole",
                f"statistic {s.id!r} ({s.value:g}) is larger than its whole {whole.id!r} ({whole.value:g})",
            )

    # Shares of one total: percentages in the same report, period, measure and subgroup, over regions
    # that do not overlap (composites overlap their members; an ancestor overlaps its descendants).
    groups: dict[tuple, list[Located]] = defaultdict(list)
    for loc in stats.values():
        s = loc.record
        region = regions.get(s.region)
        if s.unit == "percent" and s.qualifier in _FIRM and region is not None and region.kind != "composite":
            groups[(s.report, s.period, s.measure, s.subgroup)].append(loc)
    for members in groups.values():
        ids = {m.record.region for m in members}
        disjoint = [m for m in members if not (_ancestors(m.record.region, regions) & ids)]
        total = sum(m.record.value for m in disjoint)
        if len(disjoint) > 1 and total > 100 + 1e-9:
            last = max(disjoint, key=lambda m: (m.path, m.line))
            parts = ", ".join(f"{m.record.region} {m.record.value:g}" for m in disjoint)
            yield _diag(
                last.path,
                at(last, "value"),
                "shares-exceed",
                f"shares of {last.record.measure} in {last.record.report} "
                f"({last.record.period.label()}) sum to {total:g}% ({parts})",
            )


def _floor(s: Statistic) -> float:
    """The least the figure can be: its value unless hedged downwards (nearly, less than)."""
    return 0.0 if s.qualifier in ("nearly", "less_than") else s.value


def _ceiling(s: Statistic) -> float:
    """The most the figure can be: unbounded when it is a floor (at least, more than)."""
    return float("inf") if s.qualifier in ("at_least", "more_than") else s.value


def _ancestors(region: str, regions: dict[str, Region]) -> set[str]:
    out: set[str] = set()
    parent = regions[region].parent if region in regions else None
    while parent and parent in regions and parent not in out:
        out.add(parent)
        parent = regions[parent].parent
    return out


# -- stage 6: imported files --------------------------------------------------------------------------


def import_file(root: Path, record: Import) -> Path:
    """The file an [[import]] names: its `path` relative to the project root, or absolute."""
    path = Path(record.path).expanduser()
    return path if path.is_absolute() else root / path


def _check_imports(data: Dataset) -> Iterator[Diagnostic]:
    from ctl.importers.filehash import cached_sha256

    for loc in _sound(data, "import"):
        record: Import = loc.record
        path = import_file(data.root, record)
        try:
            actual = cached_sha256(data.root, path)
        except FileNotFoundError:
            yield _diag(
                loc.path,
                loc.file.locate("import", loc.index, ("path",)),
                "import-missing",
                f"import {record.id!r}: {record.path} does not exist",
            )
            continue
        except OSError as exc:
            yield _diag(
                loc.path,
                loc.file.locate("import", loc.index, ("path",)),
                "import-missing",
                f"import {record.id!r}: {record.path} cannot be read ({exc.strerror or exc})",
            )
            continue
        if actual != record.sha256:
            yield _diag(
                loc.path,
                loc.file.locate("import", loc.index, ("sha256",)),
                "import-changed",
                f"import {record.id!r}: {record.path} has changed since it was imported "
                f"(sha256 {actual[:12]}..., recorded {record.sha256[:12]}...)",
            )
