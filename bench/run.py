"""ctl benchmarks: each one is a ratio against a baseline measured side by side in the same run.

    python bench/run.py            # all benchmarks
    python bench/run.py --runs 50  # more runs for steadier medians
    python bench/run.py --only query-select-42-script

Absolute times depend on the machine; a ratio against a baseline run on the same machine, at the same
moment, alternating with it, does not (much). To add a benchmark, append a Benchmark to `benchmarks()`.
Exit status 1 when any benchmark misses its target.
"""

from __future__ import annotations

import argparse
import os
import shlex
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PY = sys.executable


@dataclass
class Benchmark:
    name: str
    command: list[str]  # what is measured
    baseline: list[str]  # what it is compared with
    target: float  # PASS when median(command) / median(baseline) <= target
    check: Callable[[str], bool] = lambda out: True  # the command's stdout must pass this (not timed)
    measure: Callable[[list[str]], float] | None = None  # default: wall time of one run, in seconds
    unit: str = "ms"


@dataclass
class Outcome:
    benchmark: Benchmark
    command_median: float
    baseline_median: float

    @property
    def ratio(self) -> float:
        return self.command_median / self.baseline_median

    @property
    def passed(self) -> bool:
        return self.ratio <= self.benchmark.target


def benchmarks() -> list[Benchmark]:
    duckdb_one_liner = [PY, "-c", 'import duckdb; duckdb.sql("select 42").fetchall()']
    prints_42 = lambda out: out.split()[-1:] == ["42"]  # noqa: E731
    found = [
        Benchmark(
            "query-select-42-python-m",
            [PY, "-m", "ctl", "query", "select 42"],
            duckdb_one_liner,
            target=1.5,
            check=prints_42,
        )
    ]
    # The installed console script (what people type), when it sits next to this interpreter.
    script = Path(PY).parent / ("ctl.exe" if os.name == "nt" else "ctl")
    if script.exists():
        found.append(
            Benchmark(
                "query-select-42-script",
                [str(script), "query", "select 42"],
                duckdb_one_liner,
                1.5,
                prints_42,
            )
        )
    # Issue 4: a 1M-row ACLED-shaped import beside a bare DuckDB CTAS, its peak RSS, and the filtered
    # timeline of the acceptance line (`--group TTP --dataset ucdp`, 2010) on 1M ACLED + 50k UCDP events
    # beside `ctl query 'select 42'`, plus its earlier ACLED/csv shape (bench/import_bench.py).
    from import_bench import run_py_benchmarks

    found += run_py_benchmarks(Benchmark)
    # The TUI at 1M events: time to first screen beside a minimal Textual app's, filter p95 and peak
    # RSS beside their limits (bench/tui_bench.py).
    from tui_bench import run_py_benchmarks as tui_benchmarks

    found += tui_benchmarks(Benchmark)
    return found


def wall_time(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


def verify(command: list[str], check: Callable[[str], bool]) -> None:
    """Run once untimed: a benchmark of a failing command would measure the error path."""
    proc = subprocess.run(command, cwd=REPO, capture_output=True, text=True)
    if proc.returncode != 0 or not check(proc.stdout):
        sys.exit(f"bench: {command} failed (exit {proc.returncode}):\n{proc.stdout}{proc.stderr}")


def run_benchmark(bench: Benchmark, runs: int, warmup: int) -> Outcome:
    measure = bench.measure or wall_time
    verify(bench.command, bench.check)
    verify(bench.baseline, lambda out: True)
    for _ in range(warmup):  # fill the OS file cache and .pyc files for both
        measure(bench.command)
        measure(bench.baseline)
    ours: list[float] = []
    base: list[float] = []
    for i in range(runs):
        # Alternate, and swap the order every other round, so drift in machine load hits both alike.
        pair = [(bench.command, ours), (bench.baseline, base)]
        for command, samples in pair if i % 2 == 0 else reversed(pair):
            samples.append(measure(command))
    outcome = Outcome(bench, statistics.median(ours), statistics.median(base))
    print(
        f"{bench.name}: median {fmt_value(outcome.command_median, bench)} vs baseline "
        f"{fmt_value(outcome.baseline_median, bench)} -> ratio {outcome.ratio:.2f} "
        f"(target <= {bench.target:g}) {'PASS' if outcome.passed else 'FAIL'}\n"
        f"  command:  {shlex.join(bench.command)}\n"
        f"  baseline: {shlex.join(bench.baseline)}\n"
        f"  {runs} runs each; ours min/max {fmt_value(min(ours), bench)}/{fmt_value(max(ours), bench)}, "
        f"baseline min/max {fmt_value(min(base), bench)}/{fmt_value(max(base), bench)}",
        flush=True,
    )
    return outcome


def fmt_value(seconds: float, bench: Benchmark) -> str:
    return f"{seconds * 1000:.1f} ms" if bench.unit == "ms" else f"{seconds:.3g} {bench.unit}"


def build_db() -> None:
    """Build the default database first, so that no measured run pays for a build."""
    proc = subprocess.run([PY, "-m", "ctl", "load"], cwd=REPO, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(f"bench: `ctl load` failed, so there is nothing to measure:\n{proc.stdout}{proc.stderr}")


def summary(outcomes: list[Outcome]) -> str:
    rows = [("benchmark", "median", "baseline", "ratio", "target", "result")]
    for o in outcomes:
        b = o.benchmark
        rows.append(
            (
                b.name,
                fmt_value(o.command_median, b),
                fmt_value(o.baseline_median, b),
                f"{o.ratio:.2f}",
                f"<= {b.target:g}",
                "PASS" if o.passed else "FAIL",
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30, help="timed runs of each side (default 30)")
    parser.add_argument("--warmup", type=int, default=3, help="untimed runs of each side first (default 3)")
    parser.add_argument(
        "--only", action="append", metavar="NAME", help="run only this benchmark (repeatable)"
    )
    args = parser.parse_args()
    # As a user's ctl runs: with Python's bytecode cache (see import_bench.as_a_user_runs).
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)

    selected = [b for b in benchmarks() if not args.only or b.name in args.only]
    if not selected:
        parser.error(f"no benchmark named {args.only}; known: {', '.join(b.name for b in benchmarks())}")
    print(f"python {sys.version.split()[0]} at {PY}", flush=True)
    build_db()
    outcomes = [run_benchmark(b, args.runs, args.warmup) for b in selected]
    print()
    print(summary(outcomes))
    return 0 if all(o.passed for o in outcomes) else 1


if __name__ == "__main__":
    sys.exit(main())
