"""Opening the database for a command: resolve the paths, build it when missing or stale, connect.

Typer-free, so that both the typer commands (ctl.cli.open_db) and the fast path of ctl/__main__.py
run the very same steps, with the same messages on stderr. Failures are raised as OpenError, which
each caller turns into its own `ctl: error: ...` line and exit code 1.
"""

from __future__ import annotations

import sys
from pathlib import Path


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
