"""`ctl query`: run one read-only SQL statement against the views and print the rows.

Two layers keep it read-only. `check_statement` refuses anything but one SELECT or EXPLAIN before it
runs (and before any build of a missing database), with a reason a person can act on. Behind it, the
connection itself is read-only and sandboxed (ctl.db.connect: no file access, no ATTACH, no extensions,
settings locked), so whatever slips past the first layer still cannot write or read files.

This module is on the fast path of `ctl query` (see ctl/__main__.py): it must not import typer,
pydantic, pyarrow or textual. Heavy work (building a stale database) imports them only when needed.

`--timeout 0` and `--max-rows 0` both mean "no limit". Set CTL_DEBUG=1 to get a traceback instead of
the one-line message when something unexpected fails.
"""

from __future__ import annotations

import contextlib
import math
import os
import re
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

import duckdb

from ctl.db import is_stale
from ctl.output import FORMATS, render

USAGE_ERROR = 2


class QueryError(Exception):
    """A failure to report as one line, `ctl: error: <message>`, with exit code `code`."""

    def __init__(self, message: str, code: int = 1):
        super().__init__(message)
        self.message = message
        self.code = code


# -- statement check --------------------------------------------------------------------------------

_ST = duckdb.StatementType
_ALLOWED = {_ST.SELECT, _ST.EXPLAIN}  # WITH, VALUES, DESCRIBE, SHOW, SUMMARIZE and FROM-first are SELECT
_WRITES = {_ST.INSERT, _ST.UPDATE, _ST.DELETE, _ST.MERGE_INTO, _ST.COPY, _ST.COPY_DATABASE, _ST.EXPORT}
_DDL = {_ST.CREATE, _ST.CREATE_FUNC, _ST.DROP, _ST.ALTER}
# Why each of the others is refused, after "ctl query is read-only: <KEYWORD> is refused".
_REASONS = {
    _ST.ATTACH: "no other databases",
    _ST.DETACH: "no other databases",
    _ST.LOAD: "no extensions",  # INSTALL and LOAD
    _ST.SET: "settings are locked",  # SET, RESET, USE
    _ST.VARIABLE_SET: "settings are locked",
    _ST.PRAGMA: "use a SELECT, e.g. select * from pragma_table_info('timeline')",
    _ST.CALL: "use a SELECT, e.g. select * from duckdb_views()",
    _ST.MULTI: "PIVOT without an IN list runs several statements; list the values: ON col IN (...)",
}
# EXPLAIN [ANALYZE] [(FORMAT ...)] <statement>: what follows is checked like a statement of its own.
_EXPLAIN_PREFIX = re.compile(r"explain\s+(?:analy[sz]e\s+)?(?:\(\s*format\b[^)]*\)\s*)?", re.IGNORECASE)


def check_statement(sql: str) -> None:
    """Raise QueryError unless `sql` is exactly one SELECT (in any of its forms) or EXPLAIN of one."""
    checked_kind(sql)


def checked_kind(sql: str, con: duckdb.DuckDBPyConnection | None = None) -> duckdb.StatementType:
    """check_statement, returning the statement's type (SELECT or EXPLAIN).

    Pass an open connection when there is one: the module-level duckdb.extract_statements first
    creates DuckDB's default in-memory database, about 20 ms that `ctl query` cannot spare.
    """
    statements = _parse(sql, con)
    if not statements:
        raise QueryError("no SQL statement given (the input is empty or only comments)", USAGE_ERROR)
    if len(statements) > 1:
        raise QueryError(f"ctl query runs exactly one statement; got {len(statements)}")
    _check_one(statements[0], con)
    return statements[0].type


def _parse(sql: str, con: duckdb.DuckDBPyConnection | None) -> list:
    try:
        return con.extract_statements(sql) if con is not None else duckdb.extract_statements(sql)
    except duckdb.Error as exc:
        raise QueryError(error_message(exc)) from None
    except ValueError:
        # The parser knows a statement type the Python enum does not (e.g. UPDATE EXTENSIONS): not a SELECT.
        raise QueryError("ctl query is read-only: only SELECT and EXPLAIN are allowed") from None


def _check_one(statement, con: duckdb.DuckDBPyConnection | None) -> None:
    kind = statement.type
    keyword = _keyword(statement)
    if kind == _ST.EXPLAIN:
        _check_explained(statement.query, con)
    elif kind in _ALLOWED:
        return
    elif kind in _WRITES:
        raise QueryError(f"ctl query is read-only: {keyword} is refused")
    elif kind in _DDL:
        raise QueryError(f"ctl query is read-only: {keyword} (DDL) is refused")
    elif kind in _REASONS:
        raise QueryError(f"ctl query is read-only: {keyword} is refused ({_REASONS[kind]})")
    else:
        raise QueryError(
            f"ctl query is read-only: {keyword} is refused (only SELECT and EXPLAIN are allowed)"
        )


def _check_explained(query: str, con: duckdb.DuckDBPyConnection | None) -> None:
    # EXPLAIN ANALYZE runs its statement, so `explain analyze copy ...` must be refused like a COPY.
    match = _EXPLAIN_PREFIX.match(query)
    inner = _parse(query[match.end() :], con) if match else []
    if len(inner) != 1:
        raise QueryError("ctl query could not check what this EXPLAIN explains; EXPLAIN a single SELECT")
    _check_one(inner[0], con)


def _keyword(statement) -> str:
    """The statement's first word as the user wrote it (INSTALL, not LOAD; RESET, not SET), except
    where that word says nothing: `WITH x AS (...) INSERT ...` is an INSERT."""
    words = statement.query.split(None, 1)
    word = words[0].upper() if words else ""
    if not word.isalpha() or word == "WITH":
        return statement.type.name.replace("_", " ")
    return word


# -- error messages ---------------------------------------------------------------------------------

_HINT_PREFIXES = ("Did you mean", "Candidate bindings")


def error_message(exc: BaseException) -> str:
    """A DuckDB error as one line: sandbox refusals in plain words, else its first line plus any hint."""
    text = str(exc)
    if isinstance(exc, duckdb.PermissionException) or "disabled by configuration" in text:
        if "xtension" in text:
            return "ctl query is sandboxed: loading extensions is disabled"
        if "file system operations are disabled" in text or "Cannot access" in text:
            return "ctl query is sandboxed: reading or writing files is disabled"
        return "ctl query is sandboxed: " + _first_line(text).removeprefix("Permission Error: ")
    if "the configuration has been locked" in text:
        return "ctl query is sandboxed: settings are locked"
    if "attached in read-only mode" in text:
        return "ctl query is read-only: the database cannot be changed"
    if "'pytz'" in text:
        # DuckDB's Python client needs pytz to return TIMESTAMPTZ values; pytz is not a dependency.
        return "cannot return TIMESTAMP WITH TIME ZONE values; cast them, e.g. ts::TIMESTAMP or ts::VARCHAR"
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines:
        return type(exc).__name__
    hints = [line for line in lines[1:] if line.startswith(_HINT_PREFIXES)]
    return " ".join([lines[0], *hints])


def _first_line(text: str) -> str:
    return next((line.strip() for line in text.splitlines() if line.strip()), "")


# -- running ----------------------------------------------------------------------------------------


@dataclass
class Result:
    columns: list[str]
    rows: list[tuple]
    truncated: bool  # there were more than max_rows rows
    explain: bool  # the statement was an EXPLAIN: its rows are plans


def run(
    con: duckdb.DuckDBPyConnection, sql: str, *, timeout: float, max_rows: int, explain: bool = False
) -> Result:
    """Run a checked statement; stop it after `timeout` seconds (0: never) and keep `max_rows` rows.

    The statement runs on its own cursor in a worker thread while this thread waits for it. Waiting
    here, rather than blocking inside DuckDB, is what makes Ctrl-C work: DuckDB's Python client does
    not react to SIGINT during execute, but an Event.wait does, and then interrupts the cursor. The
    timeout is the same wait with a limit (it plays the part of a threading.Timer calling interrupt).
    (The wait is on an Event, not Thread.join: a join interrupted by Ctrl-C can leave is_alive() wrong
    on Python < 3.13.)
    The interrupt reaches only that cursor, so `con` stays usable after a timeout. The limit also
    covers fetching: DuckDB streams results, so most of a big query's work happens in fetchmany.
    """
    cur = con.cursor()
    job = _Job(cur, sql, max_rows)
    try:
        threading.Thread(target=job.run, name="ctl-query", daemon=True).start()
        if not job.done.wait(timeout if 0 < timeout < math.inf else None):
            _stop(job)
            raise QueryError(f"query stopped after the {timeout:g} s timeout (--timeout)")
    except KeyboardInterrupt:
        _stop(job)
        raise QueryError("interrupted", 130) from None
    finally:
        if job.done.is_set():  # a cursor still busy (never seen) cannot be closed; the process ends soon
            cur.close()
    if job.error is not None:
        raise _query_error(job.error) from None
    truncated = 0 < max_rows < len(job.rows)
    rows = job.rows[:max_rows] if truncated else job.rows
    return Result(job.columns, rows, truncated, explain)


class _Job:
    """Execute and fetch on a cursor; keep the outcome for the waiting thread."""

    def __init__(self, cur: duckdb.DuckDBPyConnection, sql: str, max_rows: int):
        self.cur, self.sql, self.max_rows = cur, sql, max_rows
        self.columns: list[str] = []
        self.rows: list[tuple] = []
        self.error: BaseException | None = None
        self.done = threading.Event()

    def run(self) -> None:
        try:
            self.cur.execute(self.sql)
            self.columns = [d[0] for d in self.cur.description or ()]
            # One row more than shown tells whether there were more, without fetching them all.
            self.rows = self.cur.fetchall() if self.max_rows == 0 else self.cur.fetchmany(self.max_rows + 1)
        except BaseException as exc:  # handed to the waiting thread, which reports it
            self.error = exc
        finally:
            self.done.set()


def _stop(job: _Job) -> None:
    job.cur.interrupt()
    job.done.wait(10)  # an interrupted query ends within moments; never hang on it, the thread is a daemon


def _query_error(exc: BaseException) -> QueryError:
    if isinstance(exc, duckdb.InterruptException):
        return QueryError("interrupted")  # only if something else interrupted the cursor
    if isinstance(exc, duckdb.Error):
        return QueryError(error_message(exc))
    if isinstance(exc, ValueError | OverflowError):  # a value the conversion to Python types cannot handle
        return QueryError(f"cannot convert a result value: {exc}")
    raise exc  # a bug: let query_command report it


def truncation_notice(max_rows: int) -> str:
    return f"{max_rows} of >{max_rows} rows shown (raise --max-rows, or 0 for all)"


def print_result(result: Result, fmt: str, out: TextIO) -> None:
    if result.explain and fmt == "table":
        # A plan is a drawing; in an aligned table its newlines would be escaped into one long line.
        for _key, plan in result.rows:
            out.write(plan if plan.endswith("\n") else plan + "\n")
        return
    render(result.columns, result.rows, fmt, out)


# -- the command --------------------------------------------------------------------------------------


def read_sql(sql: str | None, file: Path | None, stdin: TextIO) -> str:
    """The SQL from exactly one source: the argument, '-' (stdin) or --file."""
    if sql is not None and file is not None:
        raise QueryError("give the SQL either as an argument or with --file, not both", USAGE_ERROR)
    if sql is None and file is None:
        raise QueryError(
            "no SQL given: pass it as an argument, '-' to read stdin, or --file PATH", USAGE_ERROR
        )
    if sql == "-" or (file is not None and str(file) == "-"):
        return stdin.read()
    if file is not None:
        try:
            return Path(file).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            raise QueryError(f"cannot read --file {file}: {reason}") from None
    assert sql is not None
    return sql


def check_options(*, timeout: float, max_rows: int, fmt: str) -> None:
    if fmt not in FORMATS:
        raise QueryError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}", USAGE_ERROR)
    if math.isnan(timeout) or timeout < 0:
        raise QueryError(
            f"--timeout must be a number of seconds >= 0 (0: no limit), not {timeout:g}", USAGE_ERROR
        )
    if max_rows < 0:
        raise QueryError(f"--max-rows must be >= 0 (0: all rows), not {max_rows}", USAGE_ERROR)


def resolve_paths(seeds: Path | None, db: Path | None) -> tuple[Path, Path]:
    from ctl import paths

    seeds_dir = paths.seeds_dir(seeds)
    return seeds_dir, paths.db_path(db, seeds_dir)


def open_db(seeds_dir: Path, db_file: Path) -> duckdb.DuckDBPyConnection:
    """Build the database if missing or stale, and connect read-only and sandboxed.

    The same steps as ctl.cli.open_db, written here because ctl.cli imports typer, which the fast path
    of `ctl query` must not pay for.
    """
    from ctl.db import BuildFailed, connect, ensure_db

    try:
        fresh = ensure_db(seeds_dir, db_file, progress=lambda m: print(f"ctl: {m}", file=sys.stderr))
    except BuildFailed as exc:
        from ctl.diagnostics import render_text

        sys.stderr.write(render_text(exc.diagnostics))
        raise QueryError(
            f"cannot build the database: {len(exc.diagnostics)} errors in {seeds_dir} (see above)"
        ) from None
    except OSError as exc:
        raise QueryError(f"cannot build the database {db_file}: {exc}") from None
    if fresh.stale_errors:
        n = len(fresh.stale_errors)
        print(
            f"ctl: warning: {n} errors in {seeds_dir}; using the last good build (run `ctl check`)",
            file=sys.stderr,
        )
    try:
        return connect(db_file, sandbox=True)
    except duckdb.Error as exc:
        raise QueryError(f"cannot open the database {db_file}: {_first_line(str(exc))}") from None


def query_command(
    *,
    sql: str | None,
    file: Path | None,
    timeout: float,
    max_rows: int,
    fmt: str,
    seeds: Path | None,
    db: Path | None,
) -> int:
    """Run `ctl query`; return the exit code. Every failure is one line on stderr, never a traceback."""
    try:
        _query(sql=sql, file=file, timeout=timeout, max_rows=max_rows, fmt=fmt, seeds=seeds, db=db)
    except QueryError as exc:
        return _fail(exc.message, exc.code)
    except KeyboardInterrupt:
        return _fail("interrupted", 130)
    except BrokenPipeError:
        # `ctl query ... | head`: the reader is gone, which is not an error. Point stdout at devnull so
        # the interpreter's final flush does not fail again.
        with contextlib.suppress(OSError, ValueError, AttributeError):  # stdout may be no real file
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as exc:
        if os.environ.get("CTL_DEBUG"):
            raise
        return _fail(f"unexpected {type(exc).__name__}: {_first_line(str(exc))} (CTL_DEBUG=1 shows more)")
    return 0


def _query(
    *,
    sql: str | None,
    file: Path | None,
    timeout: float,
    max_rows: int,
    fmt: str,
    seeds: Path | None,
    db: Path | None,
) -> None:
    check_options(timeout=timeout, max_rows=max_rows, fmt=fmt)
    text = read_sql(sql, file, sys.stdin)
    seeds_dir, db_file = resolve_paths(seeds, db)
    if is_stale(db_file, seeds_dir):
        check_statement(text)  # before a build that takes seconds, refuse what would be refused anyway
    con = open_db(seeds_dir, db_file)
    try:
        kind = checked_kind(text, con)  # on the open connection: see checked_kind
        result = run(con, text, timeout=timeout, max_rows=max_rows, explain=kind == _ST.EXPLAIN)
    finally:
        # Suppressed: a cursor still stuck after an interrupt must not hide the error being reported.
        with contextlib.suppress(duckdb.Error):
            con.close()
    print_result(result, fmt, sys.stdout)
    sys.stdout.flush()
    if result.truncated:
        print(truncation_notice(max_rows), file=sys.stderr)


def _fail(message: str, code: int = 1) -> int:
    print(f"ctl: error: {message}", file=sys.stderr)
    return code
