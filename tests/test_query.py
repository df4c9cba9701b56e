"""`ctl query`: refusals, sandbox, timeout, row limit, input sources and every output format.

Most cases run in-process through ctl.__main__.main (the fast path); a few run `python -m ctl` in a
subprocess end to end. All use a database built from the repository's seeds in a temporary folder.
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from ctl import __main__ as entry
from ctl.db import connect
from ctl.query import QueryError, check_statement, error_message, run, truncation_notice

# One fixed query over the public timeline view: a list column, a date, a NULL and a number.
SNAPSHOT_SQL = (
    "select id, date_start, title, location, actors, source_count from timeline order by id limit 5"
)
SLOW_SQL = "select count(*) from range(10000000000000::bigint)"


@dataclass
class Run:
    code: int
    out: str
    err: str


@pytest.fixture
def ctl(built_db: Path, seeds_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture):
    """Run `ctl query ARGS...` in-process against the test database."""

    def invoke(*args: str, stdin: str | None = None) -> Run:
        argv = ["ctl", "query", *args, "--seeds", str(seeds_dir), "--db", str(built_db)]
        monkeypatch.setattr(sys, "argv", argv)
        if stdin is not None:
            monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        try:
            entry.main()
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    return invoke


def assert_one_error_line(result: Run, *fragments: str) -> None:
    assert result.code != 0
    assert result.out == ""
    lines = result.err.splitlines()
    assert len(lines) == 1, result.err
    assert lines[0].startswith("ctl: error: ")
    assert "Traceback" not in result.err
    for fragment in fragments:
        assert fragment in lines[0]


# -- refusals ---------------------------------------------------------------------------------------

REFUSED = {
    "copy": ("COPY (select 1) TO 'x.csv'", "read-only: COPY is refused"),
    "read_csv": ("select * from read_csv('/etc/passwd')", "sandboxed: reading or writing files is disabled"),
    "read_text": ("select content from read_text('/etc/passwd')", "sandboxed: reading or writing files"),
    "drop": ("drop view timeline", "read-only: DROP (DDL) is refused"),
    "insert": ("insert into events (id) values ('x')", "read-only: INSERT is refused"),
    "with insert": ("with x as (select 'y') insert into events (id) select * from x", "INSERT is refused"),
    "update": ("update events set title = 'x'", "read-only: UPDATE is refused"),
    "delete": ("delete from events", "read-only: DELETE is refused"),
    "create": ("create table t (a int)", "read-only: CREATE (DDL) is refused"),
    "alter": ("alter table events add column x int", "read-only: ALTER (DDL) is refused"),
    "attach": ("attach 'other.duckdb' as other", "read-only: ATTACH is refused"),
    "detach": ("detach other", "read-only: DETACH is refused"),
    "install": ("install fts", "read-only: INSTALL is refused"),
    "load": ("load fts", "read-only: LOAD is refused"),
    "set": ("set threads = 1", "read-only: SET is refused"),
    "reset": ("reset threads", "read-only: RESET is refused"),
    "pragma": ("pragma version", "read-only: PRAGMA is refused"),
    "call": ("call pragma_version()", "read-only: CALL is refused"),
    "export": ("export database 'out'", "read-only: EXPORT is refused"),
    "two statements": ("select 1; select 2", "exactly one statement; got 2"),
    "explain analyze copy": ("explain analyze copy (select 1) to 'x.csv'", "read-only: COPY is refused"),
    "syntax": ("selec 1", "Parser Error: syntax error"),
    "unknown table": ("select * from timelin", 'Did you mean "timeline"'),
}


@pytest.mark.parametrize(("sql", "reason"), list(REFUSED.values()), ids=list(REFUSED))
def test_refused(ctl, sql: str, reason: str) -> None:
    assert_one_error_line(ctl(sql), reason)


@pytest.mark.parametrize("sql", ["", "  ;  ", "-- only a comment"])
def test_empty_sql_is_a_usage_error(ctl, sql: str) -> None:
    result = ctl("--file", "-", stdin=sql)
    assert_one_error_line(result, "no SQL statement")
    assert result.code == 2


@pytest.mark.parametrize(
    "sql",
    [
        "select 1",
        "with a as (select 1 as x) select x from a",
        "values (1), (2)",
        "describe timeline",
        "show tables",
        "summarize select 1",
        "from timeline select id",
        "explain select * from timeline",
        "explain analyze select 1",
        "pivot (select 1 as a) on a in (1) using first(a)",
        "select 1;",
    ],
)
def test_check_statement_allows_every_form_of_select(sql: str) -> None:
    check_statement(sql)


def test_check_statement_refuses_pivot_without_in_list() -> None:
    with pytest.raises(QueryError, match="IN list"):
        check_statement("pivot (select 1 as a) on a")


def test_a_select_that_reads_files_passes_the_check() -> None:
    """It is a SELECT, so only the sandboxed connection (next test) stops it."""
    check_statement("select * from read_csv('/etc/passwd')")


def test_sandboxed_connection_refuses_files_and_settings(built_db: Path) -> None:
    con = connect(built_db, sandbox=True)
    try:
        for sql, expected in [
            ("select * from read_csv('/etc/passwd')", "reading or writing files is disabled"),
            ("copy (select 1) to 'x.csv'", "reading or writing files is disabled"),
            ("set threads = 1", "settings are locked"),
            ("drop view timeline", "read-only"),
        ]:
            with pytest.raises(QueryError, match=expected):
                run(con, sql, timeout=5, max_rows=10)
    finally:
        con.close()


def test_error_message_keeps_did_you_mean_on_one_line() -> None:
    import duckdb

    with pytest.raises(duckdb.Error) as info:
        duckdb.connect().execute("select * from range(3) as r(x) where y = 1")
    message = error_message(info.value)
    assert "\n" not in message
    assert message.startswith("Binder Error:")


# -- timeout ----------------------------------------------------------------------------------------


def test_timeout_stops_the_query(ctl) -> None:
    start = time.monotonic()
    result = ctl("--timeout", "1", SLOW_SQL)
    assert time.monotonic() - start < 60  # generous: it stops, the exact time is not the point
    assert_one_error_line(result, "timeout", "--timeout")
    assert result.code == 1


def test_connection_is_usable_after_a_timeout(built_db: Path) -> None:
    con = connect(built_db, sandbox=True)
    try:
        with pytest.raises(QueryError, match=r"stopped after the 0\.5 s timeout"):
            run(con, SLOW_SQL, timeout=0.5, max_rows=10)
        assert run(con, "select 42", timeout=5, max_rows=10).rows == [(42,)]
    finally:
        con.close()


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_ctrl_c_interrupts_the_query(built_db: Path) -> None:
    """DuckDB does not react to SIGINT inside execute; run() waits in Python, so Ctrl-C gets through."""
    import os
    import signal
    import threading

    con = connect(built_db, sandbox=True)
    ctrl_c = threading.Timer(0.5, os.kill, (os.getpid(), signal.SIGINT))
    try:
        ctrl_c.start()
        with pytest.raises(QueryError, match=r"^interrupted$") as info:
            run(con, SLOW_SQL, timeout=60, max_rows=10)
        assert info.value.code == 130
        assert run(con, "select 1", timeout=5, max_rows=10).rows == [(1,)]
    finally:
        ctrl_c.cancel()
        con.close()


# -- row limit --------------------------------------------------------------------------------------


def test_max_rows_truncates_and_says_so(ctl) -> None:
    result = ctl("--max-rows", "3", "-f", "csv", "select * from range(10) as r(n)")
    assert result.code == 0
    assert result.out.splitlines() == ["n", "0", "1", "2"]
    assert result.err.splitlines() == ["3 of >3 rows shown (raise --max-rows, or 0 for all)"]
    assert truncation_notice(3) == result.err.strip()


def test_max_rows_exactly_reached_is_not_truncated(ctl) -> None:
    result = ctl("--max-rows", "3", "-f", "csv", "select * from range(3) as r(n)")
    assert result.out.splitlines() == ["n", "0", "1", "2"]
    assert result.err == ""


def test_max_rows_zero_means_all(ctl) -> None:
    result = ctl("--max-rows", "0", "-f", "jsonl", "select * from range(2500)")
    assert len(result.out.splitlines()) == 2500
    assert result.err == ""


def test_default_max_rows_is_1000(ctl) -> None:
    result = ctl("-f", "jsonl", "select * from range(1001)")
    assert len(result.out.splitlines()) == 1000
    assert result.err.strip() == "1000 of >1000 rows shown (raise --max-rows, or 0 for all)"


@pytest.mark.parametrize(
    ("args", "fragment"), [(["--max-rows", "-1"], "--max-rows"), (["--timeout", "-1"], "--timeout")]
)
def test_negative_limits_are_usage_errors(ctl, args: list[str], fragment: str) -> None:
    result = ctl(*args, "select 1")
    assert_one_error_line(result, fragment)
    assert result.code == 2


# -- input sources ----------------------------------------------------------------------------------


def test_sql_from_stdin(ctl) -> None:
    result = ctl("-f", "csv", "-", stdin="select 'from stdin' as s\n")
    assert (result.code, result.out) == (0, "s\nfrom stdin\n")


def test_sql_from_file(ctl, tmp_path: Path) -> None:
    sql_file = tmp_path / "q.sql"
    sql_file.write_text("-- how many events\nselect count(*) as n from timeline;\n", encoding="utf-8")
    result = ctl("-f", "csv", "--file", str(sql_file))
    assert result.code == 0
    assert result.out.splitlines()[0] == "n"
    assert int(result.out.splitlines()[1]) > 0


def test_missing_file_is_one_line(ctl, tmp_path: Path) -> None:
    assert_one_error_line(ctl("--file", str(tmp_path / "nope.sql")), "cannot read --file", "nope.sql")


def test_sql_and_file_together_is_a_usage_error(ctl, tmp_path: Path) -> None:
    result = ctl("--file", str(tmp_path / "q.sql"), "select 1")
    assert_one_error_line(result, "not both")
    assert result.code == 2


def test_no_sql_at_all_is_a_usage_error(built_db: Path, seeds_dir: Path, capsys) -> None:
    from ctl.query import query_command

    code = query_command(
        sql=None, file=None, timeout=30, max_rows=1000, fmt="table", seeds=seeds_dir, db=built_db
    )
    assert code == 2
    assert capsys.readouterr().err.startswith("ctl: error: no SQL given")


# -- output formats ---------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["table", "csv", "json", "jsonl", "markdown"])
def test_output_format_snapshot(ctl, fmt: str, snapshot) -> None:
    result = ctl("--format", fmt, SNAPSHOT_SQL)
    assert (result.code, result.err) == (0, "")
    assert result.out == snapshot


def test_json_is_an_array_of_objects(ctl) -> None:
    data = json.loads(ctl("-f", "json", SNAPSHOT_SQL).out)
    assert isinstance(data, list) and len(data) == 5
    assert all(isinstance(row, dict) for row in data)
    assert list(data[0]) == ["id", "date_start", "title", "location", "actors", "source_count"]
    assert isinstance(data[0]["actors"], list)
    assert [row["id"] for row in data] == sorted(row["id"] for row in data)


def test_csv_parses_back(ctl) -> None:
    rows = list(csv.reader(io.StringIO(ctl("-f", "csv", SNAPSHOT_SQL).out)))
    assert rows[0] == ["id", "date_start", "title", "location", "actors", "source_count"]
    assert len(rows) == 6
    assert all(len(row) == 6 for row in rows)
    json_rows = json.loads(ctl("-f", "json", SNAPSHOT_SQL).out)
    assert [r[0] for r in rows[1:]] == [r["id"] for r in json_rows]
    assert [r[4] for r in rows[1:]] == ["; ".join(r["actors"]) for r in json_rows]


def test_explain_prints_the_plan(ctl) -> None:
    result = ctl("explain select id from timeline")
    assert result.code == 0
    assert "explain_key" not in result.out
    assert len(result.out.splitlines()) > 3


def test_unknown_format_is_a_usage_error(ctl) -> None:
    result = ctl("-f", "xml", "select 1")
    assert_one_error_line(result, "unknown format 'xml'")
    assert result.code == 2


# -- end to end, in a subprocess --------------------------------------------------------------------


def ctl_subprocess(
    built_db: Path, seeds_dir: Path, *args: str, stdin: str = ""
) -> subprocess.CompletedProcess:
    argv = [sys.executable, "-m", "ctl", "query", *args, "--seeds", str(seeds_dir), "--db", str(built_db)]
    return subprocess.run(argv, input=stdin, capture_output=True, text=True, timeout=120)


def test_subprocess_select(built_db: Path, seeds_dir: Path) -> None:
    proc = ctl_subprocess(built_db, seeds_dir, "-f", "json", "select 42 as answer")
    assert (proc.returncode, proc.stderr) == (0, "")
    assert json.loads(proc.stdout) == [{"answer": 42}]


def test_subprocess_refusal(built_db: Path, seeds_dir: Path) -> None:
    proc = ctl_subprocess(built_db, seeds_dir, "COPY (select 1) TO 'x.csv'")
    assert proc.returncode == 1
    assert proc.stdout == ""
    assert proc.stderr == "ctl: error: ctl query is read-only: COPY is refused\n"


def test_subprocess_sandbox(built_db: Path, seeds_dir: Path) -> None:
    proc = ctl_subprocess(built_db, seeds_dir, "select * from read_csv('/etc/passwd')")
    assert proc.returncode == 1
    assert proc.stderr == "ctl: error: ctl query is sandboxed: reading or writing files is disabled\n"


def test_subprocess_timeout(built_db: Path, seeds_dir: Path) -> None:
    proc = ctl_subprocess(built_db, seeds_dir, "--timeout", "1", SLOW_SQL)
    assert proc.returncode == 1
    assert proc.stderr == "ctl: error: query stopped after the 1 s timeout (--timeout)\n"


def test_subprocess_stdin(built_db: Path, seeds_dir: Path) -> None:
    proc = ctl_subprocess(built_db, seeds_dir, "-f", "csv", "-", stdin="select 'x' as a")
    assert (proc.returncode, proc.stdout) == (0, "a\nx\n")


def test_builds_a_missing_database(tmp_path: Path, seeds_dir: Path) -> None:
    db = tmp_path / "fresh" / "ctl.duckdb"
    proc = ctl_subprocess(db, seeds_dir, "-f", "csv", "select count(*) > 0 as ok from timeline")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "ok\ntrue\n"
    assert proc.stderr.startswith("ctl: building ")
    assert db.exists()


def test_a_refusal_does_not_build_a_missing_database(ctl_missing_db) -> None:
    result, db = ctl_missing_db("COPY (select 1) TO 'x.csv'")
    assert_one_error_line(result, "COPY is refused")
    assert not db.exists()


@pytest.fixture
def ctl_missing_db(tmp_path: Path, seeds_dir: Path, capsys: pytest.CaptureFixture):
    from ctl.query import query_command

    def invoke(sql: str) -> tuple[Run, Path]:
        db = tmp_path / "missing" / "ctl.duckdb"
        code = query_command(sql=sql, file=None, timeout=30, max_rows=10, fmt="table", seeds=seeds_dir, db=db)
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err), db

    return invoke
