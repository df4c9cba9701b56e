"""`ctl tui`: the Textual app. It owns the database (a `Store`), runs every query in a thread worker,
builds the database on first run, and watches the seeds to rebuild and reload.

Reloading is careful about DuckDB: a process that reconnects to a replaced database file keeps seeing
the old file until every connection to it is closed. So a reload first takes the store away from the
screens (new work waits for the new one), closes it once the queries in flight are done, and only
then opens the file again. A build that fails leaves the old store, and the old file, in place.

Startup is kept short: `ctl tui` (`run`) starts the database work in a thread first (a
`ctl.opening.Preload`: DuckDB's import, the staleness check, the connection, warmed up by the initial
filter's count and first rows), which the first load takes over. The screens other than the main one are
imported when first shown.
"""

from __future__ import annotations

import contextlib
import subprocess
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from textual.app import App, SystemCommand
from textual.screen import Screen

from ctl.tui.actions import ACTIONS, bindings
from ctl.tui.data import Store, StoreClosed
from ctl.tui.main import MainScreen

if TYPE_CHECKING:  # imported when first shown
    from ctl.opening import Preload
    from ctl.tui.aggregates import AggregatesScreen
    from ctl.tui.errors import ErrorScreen

T = TypeVar("T")
POLL_SECONDS = 1.0


def _shown(path: Path) -> str:
    """A path relative to the working directory when it is below it (never the user's home in full)."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _signature(db: Path) -> tuple[int, int] | None:
    """Identity of the database file: a rebuild (os.replace) gives it a new inode and mtime."""
    try:
        st = db.stat()
    except FileNotFoundError:
        return None
    return st.st_ino, st.st_mtime_ns


class CtlApp(App[None]):
    CSS_PATH = Path(__file__).with_name("app.tcss")  # absolute: subclasses elsewhere find it too
    TITLE = "ctl"
    BINDINGS = bindings("app")

    def __init__(
        self,
        seeds_dir: Path,
        db_file: Path,
        expr: str = "",
        *,
        watch: bool = True,
        preload: Preload | None = None,
    ) -> None:
        """`preload`: the database work `run` started for these paths and filter, taken over by the
        first load (with its pause of the garbage collector, which `resume_gc` ends)."""
        super().__init__()
        self.seeds_dir = seeds_dir
        self.db_file = db_file
        self.expr = expr
        self.watching = watch
        self.store: Store | None = None
        self.busy = 0  # jobs in flight (tests wait for 0)
        self._tokens: dict[str, object] = {}
        self._loading = False
        self._polling = False
        self._stamp: int | None = None  # newest seed mtime at the last build attempt
        self._db_signature: tuple[int, int] | None = None
        self._preload = preload
        self._first_load = True

    def get_default_screen(self) -> Screen:
        self.main = MainScreen(self.expr)
        return self.main

    def start(self) -> None:
        """Called by the main screen once mounted: build or open the database, then watch the seeds."""
        self.load()
        if self.watching:
            self.set_interval(POLL_SECONDS, self._poll)

    def resume_gc(self) -> None:
        """The first rows are on screen: end the preload's pause of the garbage collector
        (ctl.opening.GcPause). What exists by then (modules, styles, the widgets) lives as long as
        the app: frozen, the collector never walks it again."""
        if self._preload is not None:
            self._preload.end_gc_pause(freeze=True)

    # -- running work off the UI thread

    def cancel(self, *groups: str) -> None:
        """Drop the jobs in flight in these groups: their queries stop and their results are ignored
        (a new filter makes the old one's facets useless, and they would hold the CPU it needs)."""
        for group in groups:
            self._tokens[group] = object()
            if self.store is not None:
                self.store.interrupt(group)

    def fetch(self, group: str | None, job: Callable[[Store], T], done: Callable[[T], None]) -> None:
        """Run `job(store)` in a thread worker and hand its result to `done` on the UI thread.

        Within a group only the latest job counts: an older one's queries are interrupted and its
        result dropped (a filter typed on, a cursor moved on). A job that meets a closed store (a
        reload) is dropped too; its caller runs again once the new store is ready.
        """
        store = self.store
        if store is None:
            return
        token = object()
        if group is not None:
            self._tokens[group] = token
            store.interrupt(group)
        self.busy += 1

        def finish(result: Any) -> None:
            self.busy -= 1
            if group is not None and self._tokens.get(group) is not token:
                return
            if isinstance(result, StoreClosed):
                return
            if isinstance(result, Exception):
                self.notify(f"{type(result).__name__}: {result}", title="Query failed", severity="error")
                return
            done(result)

        def work() -> None:
            try:
                with store.tagged(group):
                    result: Any = job(store)
            except Exception as exc:  # shown to the user unless superseded; the app keeps running
                result = exc
            self._from_thread(finish, result)

        self.run_worker(work, thread=True, group=group or "pages", exit_on_error=False)

    def _from_thread(self, callback: Callable[..., Any], *args: Any) -> None:
        with contextlib.suppress(RuntimeError):  # the app is closing
            self.call_from_thread(callback, *args)

    # -- building, loading, reloading

    def load(self, force: bool = False) -> None:
        """Build the database if the seeds are newer, then (re)open it. `force` reopens regardless."""
        if self._loading:
            return
        self._loading = True
        self.busy += 1
        if self._take_preload():
            return
        first = self.store is None
        if first and not self.db_file.exists():
            self.main.set_status(
                f"Building the database {_shown(self.db_file)} from {_shown(self.seeds_dir)} …"
            )
        elif first:
            self.main.set_status("Loading …")
        self.run_worker(lambda: self._load_work(force), thread=True, group="load", exit_on_error=False)

    def _take_preload(self) -> bool:
        """The first load, when the preload is done and has the database open: take its store here, on
        the UI thread (it is over, so this does not wait), rather than in a worker whose result would
        come back only after the first frame. Then the first frame already shows the rows. False: the
        load goes on as usual (the preload is still busy, or the database needs a build)."""
        preload = self._preload
        if not self._first_load or preload is None or not preload.done:
            return False
        stamp, store = preload.take()
        if store is None:
            return False  # the worker runs the usual steps (taking it again gives the same answer)
        self._first_load = False
        self._loaded(store, [], stamp)
        return True

    def preloaded_page(self, key: Any, keep: str | None) -> Any:
        """The preload's `Store.first_page` result for the filter of `key`, when it stands for the
        current store and no selection is to be kept (as the preload ran it), else None."""
        preload = self._preload
        if preload is None or keep is not None or self.store is None or self.store is not preload.store:
            return None
        return preload.first_page(key)

    def _load_work(self, force: bool) -> None:
        from ctl.db import BuildFailed, ensure_db, newest_input_ns

        preload, self._first_load = self._preload if self._first_load else None, False
        if preload is not None:
            stamp, store = preload.take()
            if store is not None:  # the database was fresh, and is open
                self._from_thread(self._loaded, store, [], stamp)
                return
        stamp = newest_input_ns(self.seeds_dir)

        def building(_message: str) -> None:
            if self.store is None:
                text = f"Building the database {_shown(self.db_file)} from {_shown(self.seeds_dir)} …"
                self._from_thread(self.main.set_status, text)

        try:
            fresh = ensure_db(self.seeds_dir, self.db_file, progress=building, stamp=stamp)
        except BuildFailed as exc:
            self._from_thread(self._loaded, None, exc.diagnostics, stamp)
            return
        except Exception as exc:
            self._from_thread(self._load_failed, exc, stamp)
            return
        old = self.store
        changed = _signature(self.db_file) != self._db_signature
        if old is not None and not (fresh.built or changed or force):
            self._from_thread(self._loaded, old, fresh.stale_errors, stamp)
            return
        if old is not None:
            self._from_thread(self._detach)
            old.close()  # after this no connection to the old file is left in this process
        try:
            store = Store.open(self.db_file)
        except Exception as exc:
            self._from_thread(self._load_failed, exc, stamp)
            return
        self._from_thread(self._loaded, store, fresh.stale_errors, stamp)

    def _detach(self) -> None:
        self.store = None

    def _loaded(self, store: Store | None, errors: list, stamp: int) -> None:
        self._loading = False
        self.busy -= 1
        self._stamp = stamp
        reopened = store is not None and store is not self.store
        if store is not None:
            self.store = store
            self._db_signature = _signature(self.db_file)
        if errors:
            self._show_errors(errors, has_data=self.store is not None)
        else:
            self._hide_errors()
        if self.store is None:
            self.main.set_status("No database yet: the seeds have errors (see the error screen).")
        if reopened:
            self.main.reload()

    def _load_failed(self, exc: Exception, stamp: int) -> None:
        self._loading = False
        self.busy -= 1
        self._stamp = stamp
        self.notify(f"{type(exc).__name__}: {exc}", title="Cannot open the database", severity="error")
        if self.store is None:
            self.main.set_status(f"Cannot open {_shown(self.db_file)}: {exc}")

    def _show_errors(self, errors: list, has_data: bool) -> None:
        from ctl.tui.errors import ErrorScreen

        for screen in self.screen_stack:
            if isinstance(screen, ErrorScreen):
                screen.show(errors, has_data)
                return
        self.push_screen(ErrorScreen(errors, self.seeds_dir, has_data))

    def _hide_errors(self) -> None:
        """Take the error screen away (and whatever was opened over it): the seeds are fixed."""
        if "ctl.tui.errors" not in sys.modules:
            return  # never shown
        from ctl.tui.errors import ErrorScreen

        if any(isinstance(s, ErrorScreen) for s in self.screen_stack):
            while not isinstance(self.screen, ErrorScreen):
                self.pop_screen()
            self.pop_screen()

    def _poll(self) -> None:
        """Every second: rebuild and reload when a seed file changed or the database was replaced.
        The look (a walk over the seeds folder) runs in a thread, off the UI."""
        if self._loading or self._polling or self._stamp is None:
            return
        self._polling = True
        self.run_worker(self._poll_work, thread=True, group="poll", exit_on_error=False)

    def _poll_work(self) -> None:
        from ctl.db import newest_input_ns

        try:
            changed = (
                newest_input_ns(self.seeds_dir) != self._stamp
                or _signature(self.db_file) != self._db_signature
            )
        except OSError:
            changed = False
        self._from_thread(self._polled, changed)

    def _polled(self, changed: bool) -> None:
        self._polling = False
        if changed:
            self.load()

    def on_unmount(self) -> None:
        # Close the database: a later app in this process (tests run many) must not be handed this
        # instance by DuckDB's per-path cache.
        if self.store is not None:
            self.store.close(timeout=2.0)
        if self._preload is not None:
            self._preload.close()  # its store, unless this app took it

    def on_error_screen_retry(self) -> None:
        self.load(force=True)

    def on_error_screen_edit(self, message: ErrorScreen.Edit) -> None:
        self.edit(message.path, message.line)

    # -- actions

    def action_help(self) -> None:
        from ctl.tui.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def open_aggregates(self) -> None:
        """The regional figures, under the region and date terms of the main screen's filter."""
        from ctl.tui.aggregates import AggregatesScreen

        terms = self.main.query_.terms if self.main.query_ is not None else ()
        self.fetch(
            None,
            lambda s: s.measures(),
            lambda measures: self.push_screen(AggregatesScreen(measures, terms=terms)),
        )

    def on_aggregates_screen_measure_wanted(self, message: AggregatesScreen.MeasureWanted) -> None:
        """The figures of one measure and, where there are imported events, what they add up to."""
        from ctl.tui.aggregates import AggregatesScreen

        screen, measure = self.screen, message.measure
        if isinstance(screen, AggregatesScreen):
            terms = screen.terms
            self.fetch(
                "aggregates",
                lambda s: (s.aggregates(measure, terms), s.comparisons(measure, terms)),
                lambda found: screen.show(measure, *found),
            )

    def edit(self, file: str, line: int) -> None:
        """Open $EDITOR at file:line with the app suspended; the watcher reloads what was changed."""
        from textual.app import SuspendNotSupported

        from ctl.tui.data import locate_seed
        from ctl.tui.editor import editor_command

        command = editor_command(locate_seed(file, self.seeds_dir), line)
        try:
            with self.suspend():
                subprocess.run(command, check=False)
        except SuspendNotSupported:
            self.notify("This terminal cannot hand over to an editor.", severity="warning")
            return
        except OSError as exc:
            self.notify(f"Cannot run {command[0]}: {exc.strerror}", severity="error")
            return
        self.load()

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """The registry's palette actions (for the screen they belong to), then Textual's own."""
        for a in ACTIONS:
            if not a.palette:
                continue
            target = self if a.scope == "app" else self.main if a.scope == "main" else None
            if target is None or (a.scope == "main" and screen is not self.main):
                continue
            yield SystemCommand(a.description, a.help, lambda t=target, act=a.action: self._palette(t, act))
        yield from super().get_system_commands(screen)

    def _palette(self, target: Any, action: str) -> None:
        self.call_later(self.run_action, action, target)


def run(
    seeds: Path | None = None, db: Path | None = None, expr: str = "", preload: Preload | None = None
) -> None:
    """The entry point of `ctl tui`. `preload`: the database work already started for the same
    arguments (ctl/__main__.py starts it before importing this module); else it starts here."""
    from ctl.opening import Preload

    if preload is None:
        preload = Preload.start(seeds, db, expr)
    CtlApp(preload.seeds_dir, preload.db_file, expr, preload=preload).run()
