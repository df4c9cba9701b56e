"""TUI benchmarks at a million events: time to first screen, filter latency and peak RSS.

    python bench/tui_bench.py                    # 1,000,000 events, 7 runs of each side
    python bench/tui_bench.py --events 100000 --runs 3

The database is the one bench/import_bench.py builds: the synthetic ACLED CSV (bench/synth_acled.py)
imported with `ctl import acled` into a fresh copy of the seeds under bench/out/ (git-ignored).

1. tui-first-screen: a fresh interpreter runs `ctl tui --seeds S --db D` through the real entry point
   (`python -m ctl`'s `main`, in the order of a real start), with the app run headless
   (`App.run_test`, 120x40) in place of a terminal. The time is taken by this process, from
   spawning the child to the child's `READY` line, which it writes once the timeline table holds its
   first page of rows and the screen has refreshed with them. Baseline: the same harness around a
   minimal Textual app (one Static), `READY` once its first screen is up. Alternating, medians.
   Target: ratio <= 1.5.
2. tui-filter-p95: one headless app process at 1M events applies FILTERS one after another through
   `MainScreen.set_filter` (what the facets and period keys call; Enter in the filter bar calls the same
   `apply_filter` directly, typing adds a 150 ms debounce first) and times each from the call until the
   table shows the new result (the count reset the table and its first page of rows is in), then waits
   for the facet and density queries to finish before the next. Target: p95 <= 100 ms.
3. tui-peak-rss: the peak resident memory of the TUI processes above (os.wait4's rusage of each child),
   the largest of them, beside the minimal app's. Target: <= 300 MB (MiB here).

Exit status 1 when a target is missed. To run these from bench/run.py as well, see `run_py_benchmarks`.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from import_bench import (  # noqa: E402
    OUT,
    PY,
    REPO,
    alternate,
    as_a_user_runs,
    data_file,
    fresh_project,
    import_command,
    run,
)

FIRST_SCREEN_TARGET = 1.5  # ratio to the minimal Textual app
FILTER_P95_TARGET_MS = 100.0
RSS_TARGET_MIB = 300.0
CHILD_TIMEOUT = 600.0

# Filters for the ACLED-shaped data: groups, regions, types, dates, datasets, free text, actors,
# negations and combinations. Consecutive ones differ, so each is a real change of the result.
FILTERS = [
    "group:TTP",
    "region:KP",
    "type:attack",
    "2015",
    "group:ISIS-K",
    "region:Balochistan",
    "type:operation",
    "2020-03",
    "dataset:acled",
    "region:Punjab group:TTP",
    "search:Peshawar",
    "Quetta",
    "-type:attack",
    "since:2023-01-01",
    "until:2011-06",
    "2012..2014",
    "region:Sindh type:attack",
    "group:TTP 2019",
    'actor:"Police Forces"',
    "actor:Protesters",
    "region:FATA -type:operation",
    "dataset:curated",
    "type:other",
    "date:2024-12",
    "region:ICT",
    "suicide bomb",
    "group:TTP region:KP 2018..2020",
    "",
    "group:ISIS-K -region:KP",
    "2010-01",
]

# The child: one fresh interpreter per run. `os.write(1, ...)`: while an app runs, Textual captures
# sys.stdout, so a print() would not reach this process.
CHILD = r'''
import asyncio, json, os, sys, time

SIZE = (120, 40)


def say(line):
    os.write(1, (line + "\n").encode())


async def until(pilot, ready, limit=300.0):
    end = time.perf_counter() + limit
    while not ready():
        if time.perf_counter() > end:
            say("TIMEOUT")
            os._exit(3)
        await asyncio.sleep(0.001)
    # Paint now what arrived (what Screen's update timer would do next): the compositor renders the
    # changed widgets and writes them to the headless driver. No pilot.pause(): it waits for the
    # process to go idle, which background queries (facets, density) would delay.
    await asyncio.sleep(0)
    pilot.app.screen._on_timer_update()


def first_rows(app):
    table = app.main.table
    return app.store is not None and table.count > 0 and table.row_at(table.cursor) is not None


async def first_screen(app, ready):
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: ready(app))
        say("READY")


async def filters(app, texts):
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: first_rows(app))
        main = app.main
        # As between two filters: the first screen's own work (its facets, density and the detail of
        # the event under the cursor) is done before the first filter is timed, as it would be by
        # the time a person has typed one.
        await until(pilot, lambda: app.busy == 0 and not main.table._wanted and not main.panes_pending)
        for text in texts:
            table = main.table
            generation = table.generation
            start = time.perf_counter()
            main.set_filter(text)
            await until(
                pilot,
                lambda: table.generation != generation
                and (table.count == 0 or table.row_at(table.cursor) is not None),
            )
            shown = time.perf_counter() - start
            await until(pilot, lambda: app.busy == 0 and not table._wanted and not main.panes_pending)
            settled = time.perf_counter() - start
            say("FILTER " + json.dumps([text, shown, settled, main.counts.matched, main.counts.total]))
        say("DONE")


def patch_ctl_app(drive):
    """`ctl tui` as typed, its app run headless: CtlApp.run drives the app instead of a terminal.

    The patch is applied as ctl.tui.app is first imported, by `ctl tui` itself: importing it here
    first would import Textual before `main` runs, which is not the order of a real start (there the
    database work starts first, then Textual loads while it runs)."""
    import importlib.machinery

    class Patch:  # a meta path finder (no importlib.abc: its import alone costs ~10 ms)
        def find_spec(self, name, path, target=None):
            if name != "ctl.tui.app":
                return None
            spec = importlib.machinery.PathFinder.find_spec(name, path)
            run_module = spec.loader.exec_module

            def exec_module(module):
                run_module(module)
                module.CtlApp.run = lambda self, *args, **kwargs: asyncio.run(drive(self))

            spec.loader.exec_module = exec_module
            return spec

    sys.meta_path.insert(0, Patch())
    from ctl.__main__ import main

    sys.argv = ["ctl", "tui", "--seeds", sys.argv[2], "--db", sys.argv[3]]
    try:
        main()
    except SystemExit as exc:
        if exc.code:
            raise


mode = sys.argv[1]
if mode == "minimal":
    from textual.app import App
    from textual.widgets import Static

    class Minimal(App):
        def compose(self):
            yield Static("Hello from a minimal Textual app.", id="hello")

    asyncio.run(first_screen(Minimal(), lambda app: bool(app.screen.query("#hello"))))
elif mode == "ctl":
    patch_ctl_app(lambda app: first_screen(app, first_rows))
elif mode == "filters":
    texts = json.loads(sys.argv[4])
    patch_ctl_app(lambda app: filters(app, texts))
else:
    sys.exit(f"unknown mode {mode}")
'''


def child_script() -> Path:
    """The child script under bench/out/ (a stable path, so that bench/run.py can name it)."""
    path = OUT / "tui_child.py"
    if not path.exists() or path.read_text(encoding="utf-8") != CHILD:
        OUT.mkdir(parents=True, exist_ok=True)
        path.write_text(CHILD, encoding="utf-8")
    return path


@dataclass
class Child:
    ready_seconds: float  # spawn to READY (or to DONE)
    max_rss_mib: float
    lines: list[str]


def spawn(command: list[str], until_line: str) -> Child:
    """Run a child; the wall time from spawning it to its `until_line`, then its own peak RSS."""
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, stderr=err, text=True)
        assert proc.stdout is not None
        lines: list[str] = []
        ready = None
        deadline = start + CHILD_TIMEOUT
        for line in proc.stdout:  # the child writes a line at a time, unbuffered
            lines.append(line.rstrip("\n"))
            if line.rstrip("\n") == until_line:
                ready = time.perf_counter() - start
                break
            if time.perf_counter() > deadline:
                break
        lines += [line.rstrip("\n") for line in proc.stdout]  # until it exits
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        if ready is None or proc.returncode != 0:
            err.seek(0)
            tail = err.read().decode(errors="replace")[-4000:]
            sys.exit(f"bench: {command} failed (exit {proc.returncode}, no {until_line}):\n{lines}\n{tail}")
    rss = usage.ru_maxrss / 1024 if sys.platform != "darwin" else usage.ru_maxrss / 2**20
    return Child(ready, rss, lines)


def build_database(events: int) -> tuple[Path, Path]:
    """The imported database of `events` ACLED-shaped events: (seeds, db), built afresh."""
    csv = data_file(events)
    seeds, db = fresh_project(f"tui-db-{events}")
    print(f"importing {csv.name} into {db.relative_to(REPO)} ...", flush=True)
    run(import_command(csv, seeds, db))
    return seeds, db


def ctl_command(seeds: Path, db: Path) -> list[str]:
    return [PY, str(child_script()), "ctl", str(seeds), str(db)]


def minimal_command() -> list[str]:
    return [PY, str(child_script()), "minimal"]


def filters_command(seeds: Path, db: Path, texts: list[str]) -> list[str]:
    return [PY, str(child_script()), "filters", str(seeds), str(db), json.dumps(texts)]


@dataclass
class FilterRun:
    shown: list[float]  # seconds until the table showed the new result
    settled: list[float]  # seconds until the facets and density were in too
    rows: list[tuple[str, float, float, int, int]]
    max_rss_mib: float


def filter_run(seeds: Path, db: Path, texts: list[str]) -> FilterRun:
    child = spawn(filters_command(seeds, db, texts), "DONE")
    rows = [tuple(json.loads(line.split(" ", 1)[1])) for line in child.lines if line.startswith("FILTER ")]
    if len(rows) != len(texts):
        sys.exit(f"bench: expected {len(texts)} filter results, got {len(rows)}: {child.lines}")
    return FilterRun([r[1] for r in rows], [r[2] for r in rows], rows, child.max_rss_mib)  # type: ignore[misc]


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100): the smallest value with at least p% of them at or below."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * p // 100))  # ceil
    return ordered[int(rank) - 1]


def table(rows: list[tuple[str, ...]]) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000, help="events in the database (1,000,000)")
    parser.add_argument("--runs", type=int, default=7, help="timed first-screen runs of each side (7)")
    parser.add_argument("--filter-rounds", type=int, default=1, help="passes over the filter list (1)")
    args = parser.parse_args(argv)
    as_a_user_runs()

    size = "1m" if args.events == 1_000_000 else str(args.events)
    print(f"python {sys.version.split()[0]} at {PY}", flush=True)
    seeds, db = build_database(args.events)
    ours_cmd, base_cmd = ctl_command(seeds, db), minimal_command()

    # 1. Time to first screen (and each child's peak RSS), after one untimed warm-up run of each.
    spawn(ours_cmd, "READY")
    spawn(base_cmd, "READY")
    rss_ours: list[float] = []
    rss_base: list[float] = []

    def one(command: list[str], rss: list[float]) -> float:
        child = spawn(command, "READY")
        rss.append(child.max_rss_mib)
        return child.ready_seconds

    ours, base = alternate(lambda: one(ours_cmd, rss_ours), lambda: one(base_cmd, rss_base), args.runs)
    first_ours, first_base = statistics.median(ours), statistics.median(base)
    first_ratio = first_ours / first_base
    first_ok = first_ratio <= FIRST_SCREEN_TARGET
    print(
        f"tui-first-screen-{size}: median {first_ours * 1000:.0f} ms vs minimal Textual app "
        f"{first_base * 1000:.0f} ms -> ratio {first_ratio:.2f} (target <= {FIRST_SCREEN_TARGET:g}) "
        f"{'PASS' if first_ok else 'FAIL'}\n"
        f"  ctl tui ms: {', '.join(f'{x * 1000:.0f}' for x in ours)}\n"
        f"  minimal ms: {', '.join(f'{x * 1000:.0f}' for x in base)}",
        flush=True,
    )

    # 2. Filter latency, in one app process per pass over the list.
    runs = [filter_run(seeds, db, FILTERS) for _ in range(args.filter_rounds)]
    shown = [x for r in runs for x in r.shown]
    settled = [x for r in runs for x in r.settled]
    p50, p95 = percentile(shown, 50) * 1000, percentile(shown, 95) * 1000
    filter_ok = p95 <= FILTER_P95_TARGET_MS
    print(f"tui-filter-{size}: {len(shown)} filter changes", flush=True)
    for text, secs, done, matched, total in runs[-1].rows:
        print(
            f"  {text or '(none)':34} {secs * 1000:7.1f} ms  (all panes {done * 1000:7.1f} ms)  "
            f"{matched:>9,} of {total:,}"
        )
    print(
        f"tui-filter-p95-{size}: p50 {p50:.1f} ms, p95 {p95:.1f} ms, max {max(shown) * 1000:.1f} ms "
        f"(target p95 <= {FILTER_P95_TARGET_MS:g} ms) {'PASS' if filter_ok else 'FAIL'}; with facets and "
        f"density: p50 {percentile(settled, 50) * 1000:.1f} ms, p95 {percentile(settled, 95) * 1000:.1f} ms",
        flush=True,
    )

    # 3. Peak RSS of the TUI processes (first-screen runs and the filter runs).
    peak = max(rss_ours + [r.max_rss_mib for r in runs])
    rss_ok = peak <= RSS_TARGET_MIB
    print(
        f"tui-peak-rss-{size}: max {peak:.0f} MiB (first screen max {max(rss_ours):.0f}, filter runs max "
        f"{max(r.max_rss_mib for r in runs):.0f}); minimal Textual app {max(rss_base):.0f} MiB "
        f"(target <= {RSS_TARGET_MIB:g}) {'PASS' if rss_ok else 'FAIL'}",
        flush=True,
    )

    print()
    print(
        table(
            [
                ("benchmark", "measured", "baseline", "ratio", "target", "result"),
                (
                    f"tui-first-screen-{size}",
                    f"{first_ours * 1000:.0f} ms",
                    f"{first_base * 1000:.0f} ms (minimal app)",
                    f"{first_ratio:.2f}",
                    f"<= {FIRST_SCREEN_TARGET:g}",
                    "PASS" if first_ok else "FAIL",
                ),
                (
                    f"tui-filter-p95-{size}",
                    f"{p95:.1f} ms (p50 {p50:.1f})",
                    "-",
                    f"{p95 / FILTER_P95_TARGET_MS:.2f}",
                    f"<= {FILTER_P95_TARGET_MS:g} ms",
                    "PASS" if filter_ok else "FAIL",
                ),
                (
                    f"tui-peak-rss-{size}",
                    f"{peak:.0f} MiB",
                    f"{max(rss_base):.0f} MiB (minimal app)",
                    f"{peak / RSS_TARGET_MIB:.2f}",
                    f"<= {RSS_TARGET_MIB:g} MiB",
                    "PASS" if rss_ok else "FAIL",
                ),
            ]
        )
    )
    return 0 if first_ok and filter_ok and rss_ok else 1


def run_py_benchmarks(benchmark: type, events: int = 1_000_000) -> list:
    """These benchmarks as bench/run.py `Benchmark`s. To hook them in, append to its `benchmarks()`:

        from tui_bench import run_py_benchmarks as tui_benchmarks
        found += tui_benchmarks(Benchmark)

    The database is built here, once. The filter and RSS benchmarks compare with a fixed limit (the
    baseline command is `python -c pass`, whose value is the limit), so their target is a ratio of 1.
    The RSS is a filter process's (its first screen, then the filters), as in `main`; there the largest
    over all runs counts, here the median, as for every bench/run.py benchmark.
    """
    seeds, db = build_database(events)
    size = "1m" if events == 1_000_000 else str(events)
    ours, minimal, limit = ctl_command(seeds, db), minimal_command(), [PY, "-c", "pass"]

    def first_screen(command: list[str]) -> float:
        return spawn(command, "READY").ready_seconds

    rss_seen: list[float] = []  # peak RSS of the filter runs, reused by the RSS benchmark

    def filter_p95(command: list[str]) -> float:
        if command == limit:
            return FILTER_P95_TARGET_MS / 1000
        result = filter_run(seeds, db, FILTERS)
        rss_seen.append(result.max_rss_mib)
        return percentile(result.shown, 95)

    def rss(command: list[str]) -> float:
        """A filter run's peak RSS (the app's first screen, then 30 filters): one the filter benchmark
        measured when there is one left, else a new run."""
        if command == limit:
            return RSS_TARGET_MIB
        return rss_seen.pop() if rss_seen else filter_run(seeds, db, FILTERS).max_rss_mib

    return [
        benchmark(
            f"tui-first-screen-{size}-vs-minimal-textual",
            ours,
            minimal,
            FIRST_SCREEN_TARGET,
            measure=first_screen,
        ),
        benchmark(
            f"tui-filter-p95-{size}-vs-100ms",
            filters_command(seeds, db, FILTERS),
            limit,
            1.0,
            measure=filter_p95,
        ),
        benchmark(
            f"tui-peak-rss-{size}-vs-300mib",
            filters_command(seeds, db, FILTERS),
            limit,
            1.0,
            measure=rss,
            unit="MiB",
        ),
    ]


if __name__ == "__main__":
    sys.exit(main())
