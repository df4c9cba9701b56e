"""A head start for `ctl import`: the new file's rows written while the seeds are still being checked.

`ctl import` is measured against a bare DuckDB `CREATE TABLE AS SELECT * FROM read_csv(...)` of the
same file (bench/import_bench.py), and before its own write could begin it used to spend half a
second in Python: loading pydantic and the seed models, checking the seeds, opening the database
and running the schema. None of the write depends on the seeds, only on the import's id, format,
stored path and encoding, all known from the command line. So a thread opens the new database file
and writes the file's rows into `event_index` (db/importers/index_imported.sql) while the main
thread checks the seeds; DuckDB releases the GIL for the whole of it.

ctl.load.build then takes the connection over (`take`) and carries on as always: the curated rows,
the manifest's other imports after this one, the curated events, the checks of every file's rows.
Nothing is decided here: if the write fails (a record the reader refuses, a file that is not UTF-8
after all), build reads every file again from the start as it would have anyway; if the checked
seeds name the import otherwise than guessed, or refuse the import, `discard` throws the file away.
"""

from __future__ import annotations

import contextlib
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ctl.engine import build_connection, create_schema
from ctl.importers.bulk import ImportJob, _sql, write_rows
from ctl.importers.formats import Layout
from ctl.importers.progress import SETTINGS


@dataclass(frozen=True)
class Planned:
    """What the head start writes under: the fields of the `[[import]]` record it needs (the record
    itself is a pydantic model, which is what the head start runs ahead of)."""

    id: str
    format: str
    path: str  # as the manifest stores it
    encoding: str
    skip_bad: bool = False


class HeadStart:
    """The new database file and its connection, opened in a thread that writes one file's rows into
    it; `ctl import` starts it (`start`), build takes it over (`take`), or it is thrown away
    (`discard`)."""

    def __init__(self, tmp: Path, job: ImportJob, layout: Layout, progress: bool = False):
        self.tmp = tmp
        self.progress = progress  # a progress bar will follow the write (ctl/importers/progress.py)
        self.job = job
        self.layout = layout
        self.con: Any = None
        self.staged = False  # the schema and the staging tables are in place
        self.written = False
        self.error: BaseException | None = None
        self._cancelled = threading.Event()
        self._connected = threading.Event()  # the connection is open (or failed to open)
        self._owner = "here"  # "build" once taken over, "nobody" once discarded
        self._thread = threading.Thread(target=self._run, name="ctl-import-head-start", daemon=True)

    @classmethod
    def start(
        cls, tmp: Path, planned: Planned, file: Path, layout: Layout, progress: bool = False
    ) -> HeadStart:
        tmp.parent.mkdir(parents=True, exist_ok=True)
        tmp.unlink(missing_ok=True)
        started = cls(tmp, ImportJob(planned, file), layout, progress)  # type: ignore[arg-type]
        started._thread.start()
        return started

    @property
    def id(self) -> str:
        return self.job.record.id

    def _run(self) -> None:
        try:
            try:
                con = build_connection(self.tmp)
                if self.progress:
                    con.execute(SETTINGS)
                self.con = con
            finally:
                self._connected.set()
            if self._cancelled.is_set():
                return
            create_schema(self.con)
            self.con.execute(_sql("staging.sql"))
            self.staged = True
            if self._cancelled.is_set():
                return
            # The same statement build would run for this file: no store_rejects (see load_events).
            write_rows(self.con, [(0, self.job, self.layout)], rejects=False, create=True)
            self.written = True
        except BaseException as exc:
            self.error = exc

    def connection(self) -> Any:
        """The connection once open (None if it failed), for a progress bar to follow the write: its
        progress settings are in place when `progress` was asked for."""
        self._connected.wait()
        return self.con

    def usable(self) -> HeadStart | None:
        """This head start, unless discarded."""
        return self if self._owner == "here" else None

    def take(self) -> tuple[Any, str | None]:
        """For ctl.load.build, which from now on owns the file and the connection: wait for the
        thread; the connection (schema in place) and the id of the import whose rows are in
        `event_index`, or None when the write failed (build then reads every file itself). Raises
        what kept the database from opening at all."""
        assert self._owner == "here", "a head start is taken over once"
        self._owner = "build"
        self._thread.join()
        if not self.staged:  # the database did not open, or its schema failed: nothing to go on
            if self.con is not None:
                self.con.close()
            self.tmp.unlink(missing_ok=True)
            assert self.error is not None
            raise self.error
        if not self.written:
            self.con.execute("DROP TABLE IF EXISTS event_index")
        return self.con, self.id if self.written else None

    def discard(self) -> None:
        """Stop the write and remove the file: the seeds were refused, or the import is not the one
        planned. Interrupted until the thread ends (an interrupt only stops a query under way).
        Nothing to do once build has taken it over, or once discarded."""
        if self._owner != "here":
            return
        self._owner = "nobody"
        self._cancelled.set()
        while self._thread.is_alive():
            if self.con is not None:
                with contextlib.suppress(Exception):
                    self.con.interrupt()
            self._thread.join(0.05)
        if self.con is not None:
            with contextlib.suppress(Exception):
                self.con.close()
        self.tmp.unlink(missing_ok=True)
