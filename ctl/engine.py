"""DuckDB's compiled module, for the commands that time their start-up, and the build's connection.

`import duckdb` loads the package around the compiled module `_duckdb`: its relation and expression
helpers and its version from importlib.metadata, 30 to 60 ms that `ctl tui`'s first screen and
`ctl import` (measured against a bare CREATE TABLE AS) would wait for and never use. Connections,
cursors and errors are the compiled module's own, so those commands use it alone.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

# Rows stream from the CSV reader into the table, so a build needs little memory; the limit keeps
# DuckDB from holding on to more (without it, near 1 GB at a million rows). Not lower: keeping each
# file's rows in order buffers some of them, and at 512 MB the write of a million rows took 5.3 s
# instead of 3.2 s (bench/import_bench.py: peak RSS ~560 MiB).
BUILD_MEMORY = "768MB"


def duckdb_core() -> Any:
    """`_duckdb`; the `duckdb` package if a DuckDB release ever moves the module."""
    try:
        import _duckdb

        return _duckdb
    except ImportError:  # pragma: no cover - another DuckDB layout
        import duckdb

        return duckdb


def build_connection(path: Path) -> Any:
    """A read-write connection for building a new database file at `path` (ctl.load.build)."""
    return duckdb_core().connect(str(path), config={"memory_limit": BUILD_MEMORY})


def create_schema(con: Any) -> None:
    """db/*.sql in name order: the tables, macros and views every database has (phase 1 of a build,
    ctl/load.py; also the start of `ctl import`'s head start, ctl/importers/early.py)."""
    from ctl.paths import sql_files

    for sql in sql_files():
        con.execute(sql.read_text(encoding="utf-8"))


def build_file(db: Path, pid: int) -> Path:
    """Where the build of `db` writes before the file is moved into place: beside it, hidden."""
    return db.with_name(f".{db.name}.tmp-{pid}")
