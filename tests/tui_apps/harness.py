"""Helpers for the TUI's pilot and snapshot tests: build the app, wait until it is quiet."""

from __future__ import annotations

import asyncio
import functools
import io
import os
import shutil
import time
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

from rich.console import Console
from textual.content import Content
from textual.pilot import Pilot
from textual.widgets import Static

from ctl.db import rebuild
from ctl.tui.app import CtlApp

REPO = Path(__file__).resolve().parents[2]
SEEDS = REPO / "seeds"


async def settle(pilot: Pilot, quiet: int = 5, limit: float = 20.0) -> None:
    """Wait until no query is in flight for `quiet` consecutive pauses: a filter's count starts the
    page, then (once painted) the facet and density fetches, and a page starts the detail fetch, so
    one pause is not enough."""
    app = pilot.app
    assert isinstance(app, CtlApp)
    calm, waited = 0, 0.0
    while calm < quiet and waited < limit:
        await pilot.pause(0.02)
        waited += 0.02
        main = app.main
        calm = calm + 1 if app.busy == 0 and not main.table._wanted and not main.panes_pending else 0
    await pilot.wait_for_scheduled_animations()


def record_status(monkeypatch) -> list[str]:
    """Every status message the main screen shows from now on (building, loading), in order."""
    from ctl.tui.main import MainScreen

    shown: list[str] = []
    set_status = MainScreen.set_status

    def recording(self: MainScreen, message: str) -> None:
        shown.append(message)
        set_status(self, message)

    monkeypatch.setattr(MainScreen, "set_status", recording)
    return shown


def plain(widget: Static, width: int = 200) -> str:
    """The text a Static shows, without styles (wide, so that lines are not wrapped)."""
    content = widget.content
    if isinstance(content, str | Content):
        return str(content)
    out = io.StringIO()
    Console(file=out, width=width, color_system=None, legacy_windows=False).print(content)
    return out.getvalue()


def make_app(where: tuple[Path, Path], expr: str = "", watch: bool = False) -> CtlApp:
    """The app on `where` = (seeds, db), with an initial filter; the watcher is off unless asked for."""
    seeds, db = where
    return CtlApp(seeds, db, expr, watch=watch)


def copy_seeds(dest: Path) -> Path:
    """A private copy of the repository's seeds, in a folder named `seeds` (paths show as seeds/...)."""
    seeds = dest / "seeds"
    shutil.copytree(SEEDS, seeds)
    return seeds


def seeded_copy(root: Path) -> tuple[Path, Path]:
    """A private copy of the seeds under `root` and a database built from it: (seeds, db).

    The app checks the seeds it is given and rebuilds its database when they are newer, so tests must
    not give it the repository's own seeds and the session's shared database: an edit made to the
    working tree during the run would rebuild (or break) a database that other tests read."""
    seeds = copy_seeds(root)
    db = root / "ctl.duckdb"
    assert rebuild(seeds, db).ok
    # Dated a day ahead, so that it stays fresh for the run: an edit to db/*.sql while the tests run
    # (the tree is shared) must not make the app rebuild it under a test that did not ask for that.
    ahead = time.time_ns() + 86_400 * 10**9
    os.utime(db, ns=(ahead, ahead))
    return seeds, db


def imported_copy(root: Path) -> tuple[Path, Path]:
    """The repository's seeds with tests/import_fixtures/acled_q1_2024.csv imported (`ctl import acled
    --id q1`, as tests/test_import_aggregates.py does): ACLED events around the first quarter of 2024,
    the period of the bundled CRSS figures. (seeds, db), the database dated ahead as in `seeded_copy`."""
    from tests.import_fixtures.support import make_project

    project = make_project(root)
    result = project.import_("acled", "acled_q1_2024.csv", "--id", "q1")
    assert result.exit_code == 0, result.output
    ahead = time.time_ns() + 86_400 * 10**9
    os.utime(project.db, ns=(ahead, ahead))
    return project.seeds, project.db


BROKEN_EVENT = '\n[[event]]\nid = "broken"\ntitle = "Broken"\ntype = "riot"\ndate = "2024-13"\n'


def sync(test: Callable[..., Coroutine[Any, Any, None]]) -> Callable[..., None]:
    """Run an async test with asyncio.run (the test tools include no pytest-asyncio); pytest still sees
    the test's own parameters, so fixtures work."""

    @functools.wraps(test)
    def run(*args: Any, **kwargs: Any) -> None:
        asyncio.run(test(*args, **kwargs))

    return run
