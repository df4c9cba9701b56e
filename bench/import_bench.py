"""Import benchmarks at a million rows, each a ratio against a baseline measured in the same run.

    python bench/import_bench.py                 # 1,000,000 rows, 3 import runs, 15 query runs
    python bench/import_bench.py --rows 100000 --runs 5
    python bench/import_bench.py --only-timeline  # the timeline benchmarks alone (no import timing)

1. import-vs-ctas: `ctl import acled FILE` of the synthetic ACLED CSV (bench/synth_acled.py), against
   DuckDB's own `CREATE TABLE t AS SELECT * FROM read_csv(FILE)` of the same file into a fresh
   database file, both as fresh processes, alternating. Target: ratio <= 1.5.
2. import-peak-rss: the peak resident memory of that import process (os.wait4's rusage of the child,
   so only the import itself counts). Target: <= 1 GiB.
3. timeline-ucdp-vs-select-42: the issue's acceptance command,
   `ctl timeline --group TTP --dataset ucdp --since 2010-01-01 --until 2010-12-31` (its default table
   format, its output to /dev/null), against `ctl query 'select 42'`, alternating, on a database of the 1M
   ACLED rows plus a synthetic UCDP GED file of 50,000 rows (bench/synth_ucdp.py; --ucdp-rows), both
   imported with `ctl import`: 1,050,008 events with the seeds' own. Target: ratio <= 2.
4. timeline-acled-csv-vs-select-42: the same database, the earlier shape of this benchmark,
   `ctl timeline --group TTP --dataset acled --since 2010-01-01 --until 2010-12-31 --format csv`
   against `ctl query 'select 42'`. Target: ratio <= 2.

Every run imports into a fresh copy of the repository's seeds and a fresh database under bench/out/
(git-ignored), so no run profits from another's manifest, hash cache or database. Exit status 1 when a
target is missed. Times depend on the machine and its load; the ratios much less, since both sides
share them. The tests never time anything.

To run these from bench/run.py as well, see `run_py_benchmarks` at the end of this file.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
OUT = BENCH / "out"
PY = sys.executable
CTL = [PY, "-m", "ctl"]
sys.path.insert(0, str(BENCH))

import synth_ucdp  # noqa: E402
from synth_acled import generate  # noqa: E402  (sibling scripts, not a package)

UCDP_ROWS = 50_000
# The acceptance command, exactly (table format); then the earlier ACLED shape, as csv.
TIMELINE_UCDP = ["--group", "TTP", "--dataset", "ucdp", "--since", "2010-01-01", "--until", "2010-12-31"]
TIMELINE_ACLED = [
    *("--group", "TTP", "--dataset", "acled", "--since", "2010-01-01", "--until", "2010-12-31"),
    *("--format", "csv"),
]


def as_a_user_runs() -> None:
    """Children run with Python's bytecode cache, as every user's second run of ctl does. A shell
    with PYTHONDONTWRITEBYTECODE set (some sandboxes set it) would have each child compile ctl's
    changed modules from source again, time no user spends; the baselines' modules are installed
    with their bytecode either way. Called by each benchmark script's main (run.py's too)."""
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)


@dataclass
class Run:
    seconds: float
    max_rss_mb: float


def run(command: list[str], cwd: Path = REPO) -> Run:
    """Run a command to completion; its wall time and its own peak RSS (not its parent's)."""
    start = time.perf_counter()
    proc = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    if proc.returncode != 0:
        sys.exit(f"bench: {command} failed (exit {proc.returncode}):\n{err}")
    rss = usage.ru_maxrss / 1024 if sys.platform != "darwin" else usage.ru_maxrss / 2**20
    return Run(elapsed, rss)


def data_file(rows: int) -> Path:
    path = OUT / f"acled-{rows}.csv"
    if not path.exists():
        print(f"generating {path} ...", flush=True)
        generate(rows, path)
    return path


def ucdp_file(rows: int) -> Path:
    path = OUT / f"ucdp-{rows}.csv"
    if not path.exists():
        print(f"generating {path} ...", flush=True)
        synth_ucdp.generate(rows, path)
    return path


def fresh_project(name: str) -> tuple[Path, Path]:
    """A copy of the repository's seeds (without any manifest) and a database path beside it."""
    project = OUT / name
    shutil.rmtree(project, ignore_errors=True)
    shutil.copytree(REPO / "seeds", project / "seeds", ignore=shutil.ignore_patterns("imports.toml"))
    return project / "seeds", project / ".ctl" / "ctl.duckdb"


def import_command(csv: Path, seeds: Path, db: Path, fmt: str = "acled", id_: str = "bench") -> list[str]:
    return [*CTL, "import", fmt, str(csv), "--id", id_, "--seeds", str(seeds), "--db", str(db)]


def timeline_db(acled: Path, ucdp: Path) -> list[str]:
    """Build the timeline benchmarks' database (the ACLED file, then the UCDP one, each with `ctl
    import`, into a fresh copy of the seeds); the --seeds/--db options that name it."""
    seeds, db = fresh_project("timeline-db")
    run(import_command(acled, seeds, db))
    run(import_command(ucdp, seeds, db, "ucdp", "bench-ucdp"))
    return ["--seeds", str(seeds), "--db", str(db)]


def timeline_commands(paths: list[str]) -> dict[str, list[str]]:
    """name -> command of the timeline benchmarks (the baseline is `ctl query 'select 42'`)."""
    return {
        "timeline-ucdp": [*CTL, "timeline", *TIMELINE_UCDP, *paths],
        "timeline-acled-csv": [*CTL, "timeline", *TIMELINE_ACLED, *paths],
    }


def ctas_command(csv: Path, db: Path) -> list[str]:
    code = (
        "import duckdb, sys; con = duckdb.connect(sys.argv[1]); "
        "con.execute('CREATE TABLE t AS SELECT * FROM read_csv(?)', [sys.argv[2]]); con.close()"
    )
    return [PY, "-c", code, str(db), str(csv)]


def measure_import(csv: Path) -> Run:
    seeds, db = fresh_project("import-run")
    return run(import_command(csv, seeds, db))


def measure_ctas(csv: Path) -> Run:
    db = OUT / "ctas.duckdb"
    db.unlink(missing_ok=True)
    try:
        return run(ctas_command(csv, db))
    finally:
        db.unlink(missing_ok=True)


def alternate(a: Callable[[], float], b: Callable[[], float], runs: int) -> tuple[list[float], list[float]]:
    """Measure a and b in turns, swapping who goes first every round, so drift hits both alike."""
    xs: list[float] = []
    ys: list[float] = []
    for i in range(runs):
        pair = [(a, xs), (b, ys)]
        for fn, out in pair if i % 2 == 0 else reversed(pair):
            out.append(fn())
    return xs, ys


def report(name: str, ours: list[float], base: list[float], target: float, unit: str = "s") -> bool:
    mine, theirs = statistics.median(ours), statistics.median(base)
    ratio = mine / theirs
    ok = ratio <= target
    print(
        f"{name}: median {mine:.3f} {unit} vs baseline {theirs:.3f} {unit}"
        f" -> ratio {ratio:.2f} (target <= {target:g}) {'PASS' if ok else 'FAIL'}"
        f"  [ours {', '.join(f'{x:.3f}' for x in ours)}; baseline {', '.join(f'{x:.3f}' for x in base)}]",
        flush=True,
    )
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--rows", type=int, default=1_000_000, help="rows of the ACLED CSV (default 1,000,000)"
    )
    parser.add_argument("--runs", type=int, default=3, help="timed imports and CTAS runs each (default 3)")
    parser.add_argument(
        "--query-runs", type=int, default=15, help="timed timeline/query runs each (default 15)"
    )
    parser.add_argument(
        "--ucdp-rows", type=int, default=UCDP_ROWS, help=f"rows of the UCDP CSV (default {UCDP_ROWS:,})"
    )
    parser.add_argument("--only-timeline", action="store_true", help="skip the import benchmarks (1 and 2)")
    args = parser.parse_args(argv)
    as_a_user_runs()

    csv = data_file(args.rows)
    ucdp = ucdp_file(args.ucdp_rows)
    print(
        f"python {sys.version.split()[0]}; {csv} ({csv.stat().st_size / 2**20:.0f} MiB, {args.rows:,} rows); "
        f"{ucdp} ({ucdp.stat().st_size / 2**20:.0f} MiB, {args.ucdp_rows:,} rows)"
    )
    ok = rss_ok = True
    if not args.only_timeline:
        ok, rss_ok = import_benchmarks(csv, args.runs)

    paths = timeline_db(csv, ucdp)
    select42 = [*CTL, "query", "select 42", *paths]
    q_ok = True
    for name, timeline in timeline_commands(paths).items():
        for command in (timeline, select42):  # warm-up, and a failing command must not be timed
            run(command)
        shown = subprocess.run(timeline, cwd=REPO, capture_output=True, text=True, check=True).stdout
        lines = shown.splitlines()
        print(f"{name}: {len(lines)} lines of output; last: {lines[-1] if lines else ''!r}", flush=True)
        q_ours, q_base = alternate(
            lambda t=timeline: run(t).seconds, lambda: run(select42).seconds, args.query_runs
        )
        q_ok = report(f"{name}-vs-select-42", q_ours, q_base, 2.0) and q_ok
    return 0 if ok and rss_ok and q_ok else 1


def import_benchmarks(csv: Path, runs: int) -> tuple[bool, bool]:
    """1 and 2: the import against a CTAS, and the import's peak RSS."""
    measure_import(csv)  # warm-up: the file into the page cache, .pyc files written
    measure_ctas(csv)
    rss: list[float] = []

    def one_import() -> float:
        r = measure_import(csv)
        rss.append(r.max_rss_mb)
        return r.seconds

    ours, base = alternate(one_import, lambda: measure_ctas(csv).seconds, runs)
    ok = report("import-vs-ctas", ours, base, 1.5)
    peak = max(rss)
    rss_ok = peak <= 1024
    print(
        f"import-peak-rss: max {peak:.0f} MiB over {len(rss)} imports (target <= 1024) "
        f"{'PASS' if rss_ok else 'FAIL'}"
    )
    return ok, rss_ok


def run_py_benchmarks(benchmark: type, rows: int = 1_000_000) -> list:
    """These benchmarks as bench/run.py `Benchmark`s. To hook them in, append to its `benchmarks()`:

        from import_bench import run_py_benchmarks   # bench/ is on sys.path when run.py runs
        found += run_py_benchmarks(Benchmark)

    The data files are generated on first use; the timeline database (the ACLED rows plus UCDP_ROWS
    UCDP rows) is built here, once.
    """
    csv = data_file(rows)
    paths = timeline_db(csv, ucdp_file(UCDP_ROWS))
    timelines = timeline_commands(paths)
    select42 = [*CTL, "query", "select 42", *paths]

    def import_seconds(_: list[str]) -> float:
        return measure_import(csv).seconds

    def ctas_seconds(_: list[str]) -> float:
        return measure_ctas(csv).seconds

    def import_rss(command: list[str]) -> float:
        return measure_import(csv).max_rss_mb if command[0] != "limit" else 1024.0

    import_seeds, import_db = fresh_project("import-run")
    size = "1m" if rows == 1_000_000 else str(rows)
    return [
        benchmark(
            f"import-acled-{size}-vs-ctas",
            import_command(csv, import_seeds, import_db),
            ctas_command(csv, OUT / "ctas.duckdb"),
            1.5,
            measure=lambda c: import_seconds(c) if "import" in c else ctas_seconds(c),
        ),
        benchmark(
            f"import-acled-{size}-peak-rss-vs-1gib",
            import_command(csv, import_seeds, import_db),
            [PY, "-c", "pass"],
            1.0,
            measure=lambda c: import_rss(c) if "import" in c else 1024.0,
            unit="MiB",
        ),
        benchmark(f"timeline-ucdp-{size}-vs-select-42", timelines["timeline-ucdp"], select42, 2.0),
        benchmark(f"timeline-acled-csv-{size}-vs-select-42", timelines["timeline-acled-csv"], select42, 2.0),
    ]


if __name__ == "__main__":
    sys.exit(main())
