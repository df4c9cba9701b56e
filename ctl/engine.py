"""DuckDB's compiled module, for the commands that time their start-up.

`import duckdb` loads the package around the compiled module `_duckdb`: its relation and expression
helpers and its version from importlib.metadata, 30 to 60 ms that `ctl tui`'s first screen and
`ctl import` (measured against a bare CREATE TABLE AS) would wait for and never use. Connections,
cursors and errors are the compiled module's own, so those commands use it alone.
"""

from __future__ import annotations

from typing import Any


def duckdb_core() -> Any:
    """`_duckdb`; the `duckdb` package if a DuckDB release ever moves the module."""
    try:
        import _duckdb

        return _duckdb
    except ImportError:  # pragma: no cover - another DuckDB layout
        import duckdb

        return duckdb
