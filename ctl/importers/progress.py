"""The progress bar of a build that imports: shown only when it takes more than a moment.

A build is a few long SQL statements, so progress comes from DuckDB itself: a thread polls
`connection.query_progress()` (the percentage of the running statement) every tenth of a second and
draws it with rich on stderr, under the name of the current stage (reading FILE, checking FILE,
indexing events, writing the database). Nothing is drawn for the first half second, nor when stderr is
no terminal (a pipe, a test), and the bar disappears when done: the closing summary is what stays.
"""

from __future__ import annotations

import sys
import threading
import time
from typing import Any

DELAY = 0.5  # seconds before a bar appears
TICK = 0.1


def wanted(enabled: bool | None) -> bool:
    """Whether a build shows a bar: as asked, else when stderr is a terminal."""
    return sys.stderr.isatty() if enabled is None else enabled


# What query_progress() needs of a connection: DuckDB's progress bar on (it reports only then), its
# own printing off. Set before the query whose progress is followed.
SETTINGS = "SET enable_progress_bar = true; SET enable_progress_bar_print = false"


class BuildProgress:
    def __init__(self, enabled: bool | None = None):
        self.enabled = wanted(enabled)
        self._con: Any = None
        self._label = "starting"
        self._started = time.monotonic()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # -- what the build calls -------------------------------------------------------------------------

    def attach(self, con: Any, configured: bool = False) -> None:
        """Follow `con`'s queries; `configured`: SETTINGS are in place already (a query may be running
        on it, which a SET now would wait for)."""
        if con is not None and self.enabled and not configured:
            con.execute(SETTINGS)
        self._con = con

    def stage(self, label: str) -> None:
        self._label = label

    # -- drawing --------------------------------------------------------------------------------------

    def __enter__(self) -> BuildProgress:
        if self.enabled:
            self._thread = threading.Thread(target=self._run, name="ctl-progress", daemon=True)
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()

    def _percent(self) -> float | None:
        con = self._con
        if con is None:
            return None
        try:
            value = float(con.query_progress())
        except Exception:  # the connection closed under us: no figure this tick
            return None
        return value if value >= 0 else None

    def _run(self) -> None:
        if self._stop.wait(DELAY):
            return
        from rich.console import Console
        from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

        console = Console(stderr=True)
        columns = (TextColumn("{task.description:<32}"), BarColumn(), TextColumn("{task.fields[pct]}"))
        with Progress(*columns, TimeElapsedColumn(), console=console, transient=True) as bar:
            task = bar.add_task(self._label, total=100, pct="")
            while not self._stop.wait(TICK):
                pct = self._percent()
                bar.update(
                    task,
                    description=self._label,
                    completed=pct or 0,
                    pct=f"{pct:5.1f}%" if pct is not None else "",
                )
