"""Opening the database: build it when missing or stale, then connect read-only.

Every reading command (query, timeline, stats, tui) calls `ensure_db` first, so a fresh clone just
works. Staleness is a cheap stat walk: the database is stale when any seed or SQL file (or seed
folder, which changes when a file is removed), or any file an `[[import]]` names, is newer than it.
Imported files are found by reading only the seed files that contain `[[import]]` (in practice
seeds/imports.toml), or, where the database is open anyway (`ctl tui`'s start), from its `imports`
table (`fresh_stamp`). Only a stale database pays for the check and the build, which import pydantic and
pyarrow.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ctl.paths import sql_dir, sql_files


class BuildFailed(Exception):
    """The seeds have errors and there is no earlier database to fall back on."""

    def __init__(self, diagnostics: list):
        super().__init__(f"{len(diagnostics)} errors in the seeds")
        self.diagnostics = diagnostics


@dataclass
class Freshness:
    built: bool = False  # a new database was built
    stale_errors: list = field(default_factory=list)  # seeds are broken; an older database is in use


def _import_path(path: str, root: Path) -> Path:
    """A file an [[import]] names, as the manifest writes it: relative to the project root, or absolute."""
    p = Path(path).expanduser()
    return p if p.is_absolute() else root / p


def _imported_files(manifests: list[str], root: Path) -> list[Path]:
    """The files named by [[import]] entries of these seed files (unreadable ones are check's business)."""
    if not manifests:
        return []
    import tomllib  # only a project with imports needs it

    found: list[Path] = []
    for manifest in manifests:
        try:
            with open(manifest, "rb") as f:
                entries = tomllib.load(f).get("import", [])
        except (OSError, ValueError):
            continue
        for entry in entries if isinstance(entries, list) else []:
            path = entry.get("path") if isinstance(entry, dict) else None
            if isinstance(path, str):
                found.append(_import_path(path, root))
    return found


def _newest_seed_or_sql(seeds: Path) -> tuple[int, list[str]]:
    """The newest mtime of the seed files and folders and of ctl's SQL, and the seed files that hold
    [[import]] entries (the manifests)."""
    newest = 0
    manifests: list[str] = []
    stack = [seeds]
    while stack:
        folder = stack.pop()
        try:
            newest = max(newest, folder.stat().st_mtime_ns)
            with os.scandir(folder) as it:
                for entry in it:
                    if entry.name.startswith("."):
                        continue
                    if entry.is_dir():
                        stack.append(Path(entry.path))
                    elif entry.name.endswith(".toml"):
                        newest = max(newest, entry.stat().st_mtime_ns)
                        if _names_imports(entry.path):
                            manifests.append(entry.path)
        except FileNotFoundError:
            continue
    for sql in [*sql_files(), *_phase_sql_files()]:
        newest = max(newest, sql.stat().st_mtime_ns)
    return newest, manifests


def _newest_of(newest: int, files: list[Path]) -> int:
    for data in files:
        try:
            newest = max(newest, data.stat().st_mtime_ns)
        except OSError:
            continue  # a missing file is a check error: the next build reports it
    return newest


def newest_input_ns(seeds: Path) -> int:
    newest, manifests = _newest_seed_or_sql(seeds)
    return _newest_of(newest, _imported_files(manifests, seeds.resolve().parent))


def fresh_stamp(db: Path, seeds: Path, recorded: Callable[[], list[str]]) -> tuple[bool, int]:
    """(whether `db` is stale, newest_input_ns(seeds)), with the imported files taken from
    `recorded()`, the paths in `db`'s own `imports` table, rather than from the manifests, whose
    reading imports tomllib: 8 ms of Python at `ctl tui`'s start, in a thread beside Textual's own
    imports, which wait for the GIL meanwhile. The two lists are the same whenever no manifest is
    newer than the database, which was built from them; when one is, the database is stale anyway,
    and the stamp is worked out as usual. `recorded` is called only for a project with imports."""
    try:
        built = db.stat().st_mtime_ns
    except FileNotFoundError:
        return True, newest_input_ns(seeds)
    newest, manifests = _newest_seed_or_sql(seeds)
    if newest > built:
        return True, newest_input_ns(seeds)
    if manifests:
        root = seeds.resolve().parent
        newest = _newest_of(newest, [_import_path(p, root) for p in recorded()])
    return newest > built, newest


def _names_imports(path: str) -> bool:
    try:
        with open(path, "rb") as f:
            return b"[[import]]" in f.read()
    except OSError:
        return False


def _phase_sql_files() -> list[Path]:
    """db/post/*.sql and db/importers/*.sql (ctl/load.py runs them; they count for staleness too)."""
    base = sql_dir()
    return sorted([*(base / "post").glob("*.sql"), *(base / "importers").glob("*.sql")])


def is_stale(db: Path, seeds: Path, *, stamp: int | None = None) -> bool:
    """Whether `db` is missing or older than its inputs; `stamp` is newest_input_ns(seeds) when the
    caller has it already (it walks the seeds)."""
    try:
        built = db.stat().st_mtime_ns
    except FileNotFoundError:
        return True
    return (newest_input_ns(seeds) if stamp is None else stamp) > built


def rebuild(seeds: Path, db: Path):
    """Check the seeds and, when clean, build the database. Returns the CheckResult either way.

    A build re-imports every [[import]]; should a file have bad rows that its entry does not skip
    (possible only if ctl's reading rules changed since it was imported: a changed file is a check
    error), the result carries an `import-bad-row` error at the file's first bad line and the old
    database stays. A progress bar is drawn when there are imports and stderr is a terminal.
    """
    from ctl.check import check
    from ctl.importers.bulk import ImportRejected
    from ctl.importers.progress import BuildProgress
    from ctl.load import build

    stamp = newest_input_ns(seeds)
    result = check(seeds)
    if result.ok:
        try:
            with BuildProgress(None if result.dataset.of("import") else False) as bar:
                build(result.dataset, db, inputs_mtime_ns=stamp, progress=bar)
        except ImportRejected as exc:
            result.diagnostics.extend(_bad_row_diagnostics(result.dataset.root, exc))
    return result


def _bad_row_diagnostics(root: Path, exc) -> list:
    from ctl.diagnostics import Diagnostic

    s = exc.stats
    path = Path(s.path) if Path(s.path).is_absolute() else root / s.path
    hint = "fix the rows, or set skip_bad = true on the [[import]] to import the rest"
    return [
        Diagnostic(str(path), b.line, 1, "import-bad-row", f"import {s.id!r}: {b.reason}", hint)
        for b in s.bad_rows
    ]


def ensure_db(
    seeds: Path, db: Path, progress: Callable[[str], None] | None = None, *, stamp: int | None = None
) -> Freshness:
    """Make sure `db` reflects `seeds`. Raises BuildFailed when it cannot and no older file exists.
    `stamp`: newest_input_ns(seeds), when the caller has just taken it."""
    if not is_stale(db, seeds, stamp=stamp):
        return Freshness()
    if progress:
        progress(f"building {db} from {seeds} ...")
    result = rebuild(seeds, db)
    if result.ok:
        return Freshness(built=True)
    if db.exists():
        return Freshness(stale_errors=result.diagnostics)
    raise BuildFailed(result.diagnostics)


def connect(db: Path, *, sandbox: bool = True):
    """A read-only connection. The sandbox also forbids file access, ATTACH, extensions and SET."""
    import duckdb

    config = {"enable_external_access": False, "lock_configuration": True} if sandbox else {}
    return duckdb.connect(str(db), read_only=True, config=config)
