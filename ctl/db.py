"""Opening the database: build it when missing or stale, then connect read-only.

Every reading command (query, timeline, stats, tui) calls `ensure_db` first, so a fresh clone just
works. Staleness is a cheap stat walk: the database is stale when any seed or SQL file (or seed
folder, which changes when a file is removed) is newer than it. Only a stale database pays for the
check and the build, which import pydantic and pyarrow.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ctl.paths import sql_files


class BuildFailed(Exception):
    """The seeds have errors and there is no earlier database to fall back on."""

    def __init__(self, diagnostics: list):
        super().__init__(f"{len(diagnostics)} errors in the seeds")
        self.diagnostics = diagnostics


@dataclass
class Freshness:
    built: bool = False  # a new database was built
    stale_errors: list = field(default_factory=list)  # seeds are broken; an older database is in use


def newest_input_ns(seeds: Path) -> int:
    newest = 0
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
        except FileNotFoundError:
            continue
    for sql in sql_files():
        newest = max(newest, sql.stat().st_mtime_ns)
    return newest


def is_stale(db: Path, seeds: Path) -> bool:
    try:
        built = db.stat().st_mtime_ns
    except FileNotFoundError:
        return True
    return newest_input_ns(seeds) > built


def rebuild(seeds: Path, db: Path):
    """Check the seeds and, when clean, build the database. Returns the CheckResult either way."""
    from ctl.check import check
    from ctl.load import build

    stamp = newest_input_ns(seeds)
    result = check(seeds)
    if result.ok:
        build(result.dataset, db, inputs_mtime_ns=stamp)
    return result


def ensure_db(seeds: Path, db: Path, progress: Callable[[str], None] | None = None) -> Freshness:
    """Make sure `db` reflects `seeds`. Raises BuildFailed when it cannot and no older file exists."""
    if not is_stale(db, seeds):
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
