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

GC_PAUSE_LIMIT = 2.0  # seconds: the garbage collector is back on by then, whatever happens


class GcPause:
    """The garbage collector turned off for the start of `ctl tui`, until `end` (or GC_PAUSE_LIMIT).

    Importing Textual and building the first screen allocate some hundred thousand objects that live
    as long as the app (modules, styles, the DOM, caches), few of them garbage, and the collector
    walks them again and again as they pile up: 20 to 40 ms of the time to the first screen, a full
    collection among them. Textual pauses it likewise while scrolling (App.PAUSE_GC_ON_SCROLL). The
    app ends the pause once its first rows are painted, freezing what exists then, so that later
    collections (while filtering, scrolling) never walk it again; `close` thaws it as the app ends,
    for the last collection at exit (DuckDB's bindings report what it leaves as leaks). A timer ends
    the pause in any case: a preload that no app takes, an app that stops early."""

    def __init__(self) -> None:
        import gc
        import threading

        self._lock = threading.Lock()
        self._frozen = False
        self._paused = gc.isenabled()  # not if someone else turned it off: theirs to turn on
        if self._paused:
            gc.disable()
            self._timer = threading.Timer(GC_PAUSE_LIMIT, self.end)
            self._timer.daemon = True  # never holds up the interpreter's exit
            self._timer.start()

    def end(self, freeze: bool = False) -> None:
        """Turn the collector back on (once); `freeze`: what exists now is the app's for good."""
        import gc

        with self._lock:
            if not self._paused:
                return
            self._paused = False
        self._timer.cancel()
        if freeze:
            gc.freeze()
            self._frozen = True
        gc.enable()

    def close(self) -> None:
        """End the pause, and thaw what `end` froze: the app is over."""
        import gc

        self.end()
        with self._lock:
            frozen, self._frozen = self._frozen, False
        if frozen:
            gc.unfreeze()


class Preload:
    """The first steps of `ctl tui`'s database work, run in a thread of their own while Textual is
    imported and lays out the first screen: the staleness check and, when the database is fresh, the
    connection (a `ctl.tui.data.Store`), warmed up by the count and first rows of the initial filter
    (the store keeps what they learn once: the total, the date column's width, the date quantiles;
    DuckDB keeps the columns read). The app takes the store over (`take`) for its first load, and
    the result of those queries with it (`first_page`): the main screen shows it as it would its own.

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
        self._first: tuple[Any, Any] | None = None  # (Query.key, Store.first_page's result) of `expr`
        self._lock = threading.Lock()
        self._finished = threading.Event()
        self.gc_pause: GcPause | None = None  # `start`'s
        self._taken = False
        self._closed = False
        self._thread = threading.Thread(target=self._work, name="ctl-preload")

    @classmethod
    def start(cls, seeds: Path | None, db: Path | None, expr: str = "") -> Preload:
        """Resolve the paths as `ctl tui` does and start the work.

        DuckDB is imported here, before the thread starts: an import is Python code, which holds the
        GIL, and one running beside Textual's import slowed both down more than it saved. The check,
        the connection and the queries release it for most of their time, so they do overlap."""
        gc_pause = GcPause()  # from here to the first screen (see GcPause)
        from ctl.tui.data import duckdb_core

        duckdb_core()

        from ctl import paths

        seeds_dir = paths.seeds_dir(seeds)
        preload = cls(seeds_dir, paths.db_path(db, seeds_dir), expr)
        preload.gc_pause = gc_pause
        preload._thread.start()
        return preload

    def _work(self) -> None:
        from ctl.db import fresh_stamp
        from ctl.tui.data import Store, compile_query

        opened: list[Any] = []

        def recorded() -> list[str]:  # the imported files, as the database lists them
            opened.append(Store.open(self.db_file))
            return opened[0].import_paths()

        try:
            try:
                stale, self.stamp = fresh_stamp(self.db_file, self.seeds_dir, recorded)
            except BaseException:
                for store in opened:
                    store.close()
                raise
            if stale:
                for store in opened:
                    store.close()  # before anyone rebuilds the file: see Store.open
                self.end_gc_pause()  # a build is coming, seconds of it: not a start to hurry
                return
            store = opened[0] if opened else Store.open(self.db_file)
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
                first = store.first_page(q, None)
            with self._lock:
                self._first = (q.key, first)
        except Exception:
            pass  # the app runs the same steps again, and reports what fails
        finally:
            self._finished.set()

    @property
    def done(self) -> bool:
        """Whether the work is over, so that `take` returns at once (the UI thread may call it then)."""
        return self._finished.is_set()

    def take(self) -> tuple[int | None, Any]:
        """(stamp, store) once the preload is done. The store is None when the database was stale or
        missing or could not be opened, and then stamp may be None too. The store is the caller's."""
        self._thread.join()
        with self._lock:
            self._taken = self.store is not None
            return self.stamp, self.store

    def first_page(self, key: Any) -> Any:
        """`Store.first_page(q, None)` of the filter the preload ran, when `key` is that filter's
        `Query.key`, else None. Given once: any later call (another filter, a reload) reads afresh."""
        with self._lock:
            first, self._first = self._first, None
        return first[1] if first is not None and first[0] == key else None

    def end_gc_pause(self, freeze: bool = False) -> None:
        """End `start`'s pause of the garbage collector (see GcPause.end), if not over already."""
        if self.gc_pause is not None:
            self.gc_pause.end(freeze)

    def close(self) -> None:
        """Close the store unless the app took it (a preload it never used, e.g. in a test), and end
        the pause of the garbage collector."""
        if self.gc_pause is not None:
            self.gc_pause.close()
        with self._lock:
            self._closed = True
            store = None if self._taken else self.store
            self.store = None
        if store is not None:
            store.interrupt("preload")
            store.close(timeout=2.0)
