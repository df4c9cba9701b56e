"""`ctl import FORMAT FILE`: add a dataset file to the manifest and rebuild the database with it.

    ctl import acled data/acled-pakistan.csv
    ctl import auto data/ged241.csv --id ucdp-ged-24
    ctl import gtd data/gtd.csv --skip-bad

The steps, all or nothing:

1. read the header: the format (`auto` sniffs it), the encoding, an HXL row, trailing commas;
2. check the seeds as `ctl check` does (an import never builds on broken seeds);
3. build the database into a temporary file through the ordinary load path (ctl/load.py), with this
   file among the imports, while its sha256 is computed in a thread alongside;
4. a bad row (without --skip-bad) stops here: the manifest and the database stay as they were, and the
   bad lines are listed;
5. otherwise write the `[[import]]` into seeds/imports.toml, then move the new database into place,
   stamped so that it counts as up to date with the manifest just written.

The id is --id, else that of the entry already recording this path (a re-import updates it), else one
made from the file name. A progress bar shows when the build takes more than half a second; the closing
summary gives rows, events, skipped rows with their lines, and the most frequent unresolved names.
"""

from __future__ import annotations

import os
import sys
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from ctl.importers.bulk import ImportJob, ImportRejected, ImportStats
from ctl.importers.formats import FORMATS, FormatError, detect, read_layout, require
from ctl.vocabulary import IMPORT_FORMATS

if TYPE_CHECKING:
    from ctl.importers.early import HeadStart

CHOICES = (*IMPORT_FORMATS, "auto")


class ImportError_(Exception):
    """A usage problem reported in one line (exit 2): unknown format, missing file, bad id."""


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def write_summary(stats: ImportStats, out: TextIO) -> None:
    out.write(f"imported {stats.id} ({stats.format}) from {stats.path}\n")
    out.write(
        f"  {_plural(stats.rows, 'row')}, {_plural(stats.events, 'event')}, {stats.skipped:,} skipped\n"
    )
    if stats.unresolved_names:
        out.write(
            f"  unresolved actors: {_plural(stats.unresolved_names, 'name')} in "
            f"{_plural(stats.unresolved_mentions, 'mention')} (kept verbatim; add aliases to resolve them)\n"
        )
        width = len(f"{stats.unresolved[0][1]:,}") if stats.unresolved else 1
        for name, n in stats.unresolved:
            out.write(f"    {n:>{width},}  {name}\n")
        if stats.unresolved_names > len(stats.unresolved):
            out.write(f"    ... and {stats.unresolved_names - len(stats.unresolved):,} more\n")
    else:
        out.write("  unresolved actors: none\n")
    if stats.unresolved_regions:
        names = ", ".join(f"{name} ({n:,})" for name, n in stats.unresolved_regions)
        out.write(f"  unresolved regions: {names}\n")
    if stats.skipped:
        out.write(f"  skipped {_plural(stats.skipped, 'bad row')}:\n")
        write_bad_rows(stats, out)


def write_bad_rows(stats: ImportStats, out: TextIO) -> None:
    for bad in stats.bad_rows:
        out.write(f"    line {bad.line}: {bad.reason}\n")
    if stats.bad > len(stats.bad_rows):
        out.write(f"    ... and {stats.bad - len(stats.bad_rows):,} more\n")


def _choose_id(requested: str | None, fmt: str, file: Path, stored: str, existing: list) -> str:
    """--id, else the id of the [[import]] already recording this path, else one from the file name."""
    from ctl.importers.manifest import default_id

    if requested:
        return requested
    for record in existing:
        if record.path == stored:
            return record.id
    return default_id(fmt, file)


def run_import(
    fmt: str,
    file: Path,
    *,
    seeds: Path,
    db: Path,
    import_id: str | None = None,
    skip_bad: bool = False,
    progress: bool | None = None,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    """The whole command; returns the exit status (0 imported, 1 refused, 2 usage error)."""
    out = out or sys.stdout  # looked up now: a test runner swaps them after import
    err = err or sys.stderr
    from ctl.engine import build_file
    from ctl.importers import filehash, manifest
    from ctl.importers.early import HeadStart, Planned
    from ctl.importers.progress import wanted

    started = time.perf_counter()
    try:
        if fmt not in CHOICES:
            raise ImportError_(f"unknown format {fmt!r}; choose one of {', '.join(CHOICES)}")
        if not file.is_file():
            raise ImportError_(f"{file}: no such file")
        layout = read_layout(file)
        spec = detect(layout.header) if fmt == "auto" else FORMATS[fmt]
        require(spec, layout, file)
    except (ImportError_, FormatError) as exc:
        err.write(f"ctl: error: {exc}\n")
        return 2

    root = seeds.resolve().parent
    stored = manifest.stored_path(root, file)
    # The file's rows go into the new database while the seeds are loaded and checked, under the id
    # this import will most likely have (ctl/importers/early.py); it is given up if that was wrong.
    guess = Planned(import_id or manifest.default_id(spec.name, file), spec.name, stored, layout.encoding)
    bar = wanted(progress)  # decided now: the head start's connection is set up for it
    head = HeadStart.start(build_file(db, os.getpid()), guess, file.resolve(), layout, progress=bar)
    try:
        with ThreadPoolExecutor(1) as pool:
            scanned = pool.submit(filehash.scan_behind, file)  # sha256 and lines, beside DuckDB
            request = _Request(
                spec.name, file, stored, layout.encoding, import_id, skip_bad, seeds, db, bar, out, err
            )
            return _checked_import(request, head, scanned, started)
    finally:
        head.discard()  # unless build took it over (then there is nothing left to discard)


@dataclass(frozen=True)
class _Request:
    """An import asked for, once its file is known to be readable."""

    fmt: str  # the format's name (`auto` resolved)
    file: Path
    stored: str  # the path as the manifest records it
    encoding: str
    import_id: str | None  # --id
    skip_bad: bool
    seeds: Path
    db: Path
    progress: bool  # a progress bar (decided before the head start, which sets up for it)
    out: TextIO
    err: TextIO


def _checked_import(
    request: _Request, head: HeadStart, scanned: Future[tuple[str, int]], started: float
) -> int:
    """run_import once the file is known to be readable: check the seeds, build, write the manifest."""
    from ctl.check import check
    from ctl.db import newest_input_ns
    from ctl.diagnostics import render_text
    from ctl.importers import filehash, manifest
    from ctl.importers.progress import BuildProgress
    from ctl.load import build
    from ctl.model import Import

    seeds, db, out, err = request.seeds, request.db, request.out, request.err
    root = seeds.resolve().parent
    result = check(seeds)
    if not result.ok:
        err.write(render_text(result.diagnostics))
        err.write(f"ctl: error: {result.summary()}; fix the seeds before importing\n")
        return 1
    data = result.dataset
    existing = [loc.record for loc in data.of("import")]
    rid = _choose_id(request.import_id, request.fmt, request.file, request.stored, existing)
    home = manifest.manifest_path(seeds).resolve()
    for loc in data.of("import"):
        if loc.record.id == rid and loc.file.real.resolve() != home:
            err.write(f"ctl: error: import {rid!r} is recorded in {loc.path}: edit it there or pass --id\n")
            return 2
    try:
        record = Import(
            id=rid,
            format=request.fmt,
            path=request.stored,
            sha256="0" * 64,  # known once the file is read: see `scanned`
            rows=0,
            skip_bad=request.skip_bad,
            encoding=request.encoding,
        )
    except ValueError as exc:
        err.write(f"ctl: error: --id {rid!r}: {exc}\n")
        return 2
    job = ImportJob(
        record, request.file.resolve(), digest=lambda: scanned.result()[0], lines=lambda: scanned.result()[1]
    )
    jobs = [ImportJob.of(data.root, r) for r in existing if r.id != rid] + [job]
    if rid != head.id:
        head.discard()  # written under another id: build starts afresh

    def commit(stats: list[ImportStats]) -> int:
        mine = stats[-1]
        final = record.model_copy(
            update={"sha256": scanned.result()[0], "rows": mine.rows, "encoding": mine.encoding}
        )
        manifest.write(seeds, final)
        filehash.remember(root, request.file, final.sha256)
        return newest_input_ns(seeds)

    try:
        with BuildProgress(request.progress) as bar:
            stats = build(data, db, imports=jobs, progress=bar, on_built=commit, head_start=head.usable())
    except ImportRejected as exc:
        s = exc.stats
        err.write(
            f"ctl: error: {s.path}: {_plural(s.bad, 'bad row')} of {s.rows:,}; nothing imported, "
            f"{manifest.manifest_path(seeds)} and {db} unchanged (--skip-bad imports the rest)\n"
        )
        write_bad_rows(s, err)
        return 1
    except FormatError as exc:
        err.write(f"ctl: error: {exc}\n")
        return 2
    write_summary(stats[-1], out)
    out.write(
        f"manifest {manifest.manifest_path(seeds)}; database {db} ({time.perf_counter() - started:.1f} s)\n"
    )
    return 0
