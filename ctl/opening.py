"""Opening the database for a command: resolve the paths, build it when missing or stale, connect.

Typer-free, so that both the typer commands (ctl.cli.open_db) and the fast path of ctl/__main__.py
run the very same steps, with the same messages on stderr. Failures are raised as OpenError, which
each caller turns into its own `ctl: error: ...` line and exit code 1.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any


class OpenError(Exception):
    """The database could not be built; the message is for `ctl: error: <message>`."""


def open_database(seeds: Path | None, db: Path | None, *, sandbox: bool = True):
    """Resolve paths, build the database if missing or stale, and connect read-only."""
    from ctl import paths
    from ctl.db import BuildFailed, connect, ensure_db

    seeds_dir = paths.seeds_dir(seeds)
    db_file = paths.db_path(db, seeds_dir)
    try:
        fresh = ensure_db(seeds_dir, db_file, progress=lambda m: print(f"ctl: {m}", file=sys.stderr))
    except BuildFailed as exc:
        from ctl.diagnostics import render_text

        sys.stderr.write(render_text(exc.diagnostics))
        raise OpenError(
            f"cannot build the database: {len(exc.diagnostics)} errors in {seeds_dir} (see above)"
        ) from None
    if fresh.stale_errors:
        n = len(fresh.stale_errors)
        print(
            f"ctl: warning: {n} errors in {seeds_dir}; using the last good build (run `ctl check`)",
            file=sys.stderr,
        )
    return connect(db_file, sandbox=sandbox)


# -- `ctl tui`: the database work started before Textual is imported ---------------------------------


class Preload:
    """The first steps of `ctl tui`'s database work, run in a thread of their own while Textual is
    imported and lays out the first screen: the staleness check and, when the database is fresh, the
    connection (a `ctl.tui.data.Store`), warmed up by the count and first rows of the initial filter
    (the store keeps what they learn once: the total, the date column's width, the date quantiles;
    DuckDB keeps the columns read). The app takes the store over (`take`) for its first load.

    It only ever reads. A stale or missing database is left alone: the app builds it as it always
    did, with its progress message. A store the app never took is closed by `close`.
    """

    def __init__(self, seeds_dir: Path, db_file: Path, expr: str = "") -> None:
        import threading

        self.seeds_dir = seeds_dir
        self.db_file = db_file
        self.expr = expr
        self.stamp: int | None = None  # newest input mtime (ctl.db.newest_input_ns), once checked
        self.store: Any = None  # the open Store, when the database was fresh
        self._lock = threading.Lock()
        self._taken = False
        self._closed = False
        self._thread = threading.Thread(target=self._work, name="ctl-preload")

    @classmethod
    def start(cls, seeds: Path | None, db: Path | None, expr: str = "") -> Preload:
        """Resolve the paths as `ctl tui` does and start the work.

        DuckDB is imported here, before the thread starts: an import is Python code, which holds the
        GIL, and one running beside Textual's import slowed both down more than it saved. The check,
        the connection and the queries release it for most of their time, so they do overlap."""
        from ctl.tui.data import duckdb_core

        duckdb_core()

        from ctl import paths

        seeds_dir = paths.seeds_dir(seeds)
        preload = cls(seeds_dir, paths.db_path(db, seeds_dir), expr)
        preload._thread.start()
        return preload

    def _work(self) -> None:
        from ctl.db import is_stale, newest_input_ns

        try:
            stamp = newest_input_ns(self.seeds_dir)
            self.stamp = stamp
            if is_stale(self.db_file, self.seeds_dir, stamp=stamp):
                return
            from ctl.tui.data import Store, compile_query

            store = Store.open(self.db_file)
            with self._lock:
                if self._closed:
                    store.close()
                    return
                self.store = store
            from ctl.filters import FilterError

            try:
                q = compile_query(self.expr)
            except FilterError:  # the screen shows the error, and every event behind it
                q = compile_query("")
            with store.tagged("preload"):  # `close` interrupts them
                store.first_page(q, None)
        except Exception:
            pass  # the app runs the same steps again, and reports what fails

    def take(self) -> tuple[int | None, Any]:
        """(stamp, store) once the preload is done. The store is None when the database was stale or
        missing or could not be opened, and then stamp may be None too. The store is the caller's."""
        self._thread.join()
        with self._lock:
            self._taken = self.store is not None
            return self.stamp, self.store

    def close(self) -> None:
        """Close the store unless the app took it (a preload it never used, e.g. in a test)."""
        with self._lock:
            self._closed = True
            store = None if self._taken else self.store
            self.store = None
        if store is not None:
            store.interrupt("preload")
            store.close(timeout=2.0)
