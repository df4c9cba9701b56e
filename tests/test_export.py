"""`ctl export`: golden files per format on an awkward seed set, and the acceptance checks.

tests/export_cases/ is a small seed set built to be awkward: the Da’ish alias in use, a month-precision
event, a range across the new year, a week, a share with no total (its count is NULL), text with
commas, semicolons, quotes, <, & and a backslash, and a long summary that a calendar must fold. Each
golden file is stored under its format's real extension. Parquet is binary, so it is read back with
DuckDB and compared row by row and type by type with the view instead.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from datetime import date, timedelta
from html.parser import HTMLParser
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from ctl.cli import app
from tests.snapshot_formats import extension_for

CASES = Path(__file__).resolve().parent / "export_cases"
TEXT_FORMATS = ["csv", "json", "markdown", "ics", "html"]
SUFFIX = {"csv": "csv", "json": "json", "markdown": "md", "ics": "ics", "html": "html"}


@pytest.fixture(scope="module")
def export_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from ctl.db import rebuild

    db = tmp_path_factory.mktemp("export") / "ctl.duckdb"
    result = rebuild(CASES, db)
    assert result.ok, result.summary()
    return db


@pytest.fixture
def ctl(export_db):
    runner = CliRunner()

    def run(*args: str, db: Path = export_db, seeds: Path = CASES):
        return runner.invoke(app, ["export", "--db", str(db), "--seeds", str(seeds), *args])

    return run


def exported(ctl, tmp_path: Path, fmt: str, *args: str) -> bytes:
    out = tmp_path / f"out.{SUFFIX.get(fmt, fmt)}"
    result = ctl("--format", fmt, "-o", str(out), *args)
    assert result.exit_code == 0, result.output
    return out.read_bytes()


def view(db: Path, what: str) -> tuple[list[tuple[str, str]], list[tuple]]:
    """The view's (column, type) pairs and its rows in the order ctl exports them."""
    from ctl import reports

    con = duckdb.connect(str(db), read_only=True)
    try:
        name = "timeline" if what == "timeline" else "regional_aggregates"
        types = [(r[0], r[1]) for r in con.execute(f"DESCRIBE SELECT * FROM {name}").fetchall()]
        result = reports.timeline(con, []) if what == "timeline" else reports.stats(con, [])
        return types, result.rows
    finally:
        con.close()


# -- golden files ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", TEXT_FORMATS)
def test_timeline_export_golden(ctl, tmp_path, snapshot, fmt):
    text = exported(ctl, tmp_path, fmt).decode("utf-8")
    if fmt == "ics":
        # RFC 5545 lines end in CRLF; the snapshot is stored as text, which reads back with LF.
        assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")
        text = text.replace("\r\n", "\n")
    assert text == snapshot(extension_class=extension_for(fmt))


@pytest.mark.parametrize("fmt", ["csv", "json", "markdown", "html"])
def test_aggregates_export_golden(ctl, tmp_path, snapshot, fmt):
    text = exported(ctl, tmp_path, fmt, "--what", "aggregates").decode("utf-8")
    assert text == snapshot(extension_class=extension_for(fmt))


def test_export_is_byte_identical_across_runs(ctl, tmp_path):
    for fmt in TEXT_FORMATS:
        assert exported(ctl, tmp_path, fmt) == exported(ctl, tmp_path, fmt), fmt


def test_stdout_matches_the_file(ctl, tmp_path):
    result = ctl("--format", "markdown")
    assert result.exit_code == 0
    assert result.stdout == exported(ctl, tmp_path, "markdown").decode("utf-8")


@pytest.mark.parametrize(("what", "command"), [("timeline", "timeline"), ("aggregates", "stats")])
@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_csv_and_json_are_what_timeline_and_stats_print(ctl, export_db, what, command, fmt):
    exported_text = ctl("--what", what, "--format", fmt, "--region", "KP").stdout
    args = [command, "--format", fmt, "--region", "KP", "--db", str(export_db), "--seeds", str(CASES)]
    assert exported_text == CliRunner().invoke(app, args).stdout


def test_format_is_read_from_the_suffix(ctl, tmp_path):
    out = tmp_path / "timeline.md"
    result = ctl("-o", str(out))
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8").startswith("# Timeline\n")
    assert "wrote 5 events" in result.output


# -- filters --------------------------------------------------------------------------------------------


def test_filters_are_those_of_timeline(ctl):
    result = ctl("--group", "Da’ish", "--format", "json")
    assert result.exit_code == 0, result.output
    ids = [e["id"] for e in json.loads(result.stdout)]
    assert ids == ["2023-12-operation-new-year", "2024-05-dialogue"]
    result = ctl("--format", "json", "--", "date:2024", "-type:dialogue")  # `--`: -type is no option
    ids = [e["id"] for e in json.loads(result.stdout)]
    # The new-year range overlaps 2024, so it stays.
    assert ids == ["2023-12-operation-new-year", "2024-04-review-released", "2024-w20-statement"]


def test_aggregates_take_their_own_filters(ctl):
    result = ctl("--what", "aggregates", "--region", "KP", "--format", "json")
    assert result.exit_code == 0, result.output
    assert [r["region"] for r in json.loads(result.stdout)] == ["kp"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--what", "aggregates", "--group", "TTP"], "group: filters events only"),
        (["--measure", "fatalities"], "measure: filters figures only"),
        (["--format", "parquet"], "give a file with -o PATH"),
        (["--format", "parquet", "-o", "-"], "give a file with -o PATH"),
        (["--format", "ics", "--what", "aggregates"], "a calendar holds events"),
        (["--format", "pdf"], "unknown export format 'pdf'"),
        (["--what", "everything"], "unknown --what 'everything'"),
    ],
)
def test_usage_errors(ctl, args, message):
    result = ctl(*args)
    assert result.exit_code == 2
    assert message in result.output


def test_unwritable_output_fails_cleanly(ctl, tmp_path):
    result = ctl("--format", "csv", "-o", str(tmp_path / "missing" / "out.csv"))
    assert result.exit_code == 1
    assert "cannot write" in result.output


# -- parquet --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("what", ["timeline", "aggregates"])
def test_parquet_reads_back_with_the_same_rows_and_types(ctl, export_db, tmp_path, what):
    out = tmp_path / "out.parquet"
    result = ctl("--what", what, "-o", str(out))
    assert result.exit_code == 0, result.output
    types, rows = view(export_db, what)
    con = duckdb.connect()
    back = con.execute("SELECT * FROM read_parquet(?)", [str(out)])
    assert [(d[0], str(d[1])) for d in back.description] == types
    assert back.fetchall() == rows
    if what == "aggregates":  # the share without a total: its count stays NULL, not 0
        assert any(r[types.index(("value", "DOUBLE"))] is None for r in rows)


def test_parquet_keeps_user_text_out_of_the_sql(ctl, tmp_path):
    # A quote in the path and in the filter: neither is pasted into SQL.
    out = tmp_path / "o'brien; DROP TABLE events.parquet"
    result = ctl("--format", "parquet", "-o", str(out), "--search", "truce'; --", "--group", "Da’ish")
    assert result.exit_code == 0, result.output
    assert duckdb.connect().execute("SELECT count(*) FROM read_parquet(?)", [str(out)]).fetchone() == (0,)
    result = ctl("--format", "parquet", "-o", str(out), "--group", "Da’ish")
    ids = duckdb.connect().execute("SELECT id FROM read_parquet(?)", [str(out)]).fetchall()
    assert ids == [("2023-12-operation-new-year",), ("2024-05-dialogue",)]


# -- ics ------------------------------------------------------------------------------------------------


def test_ics_parses_with_icalendar(ctl, export_db, tmp_path):
    icalendar = pytest.importorskip("icalendar")
    raw = exported(ctl, tmp_path, "ics")
    # Every content line at most 75 octets (RFC 5545 3.1), folded without splitting a character.
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))
    cal = icalendar.Calendar.from_ical(raw)
    _, rows = view(export_db, "timeline")
    events = {e["UID"].removesuffix("@ctl.invalid"): e for e in cal.walk("VEVENT")}
    assert list(events) == [r[0] for r in rows]
    for row in rows:
        event_id, start, end, precision, title, summary = row[0], row[1], row[2], row[3], row[4], row[12]
        vevent = events[event_id]
        assert vevent.decoded("DTSTART") == start and not hasattr(vevent.decoded("DTSTART"), "hour")
        assert vevent.decoded("DTEND") == end + timedelta(days=1)  # DTEND is exclusive
        assert vevent.decoded("DTSTAMP").date() == date(2024, 5, 19)  # the newest date in the data
        assert str(vevent["SUMMARY"]) == title  # unicode quotes and semicolons survive escaping
        description = str(vevent["DESCRIPTION"])
        assert description.startswith(summary)  # newlines, commas and the backslash survive too
        if precision != "day":
            assert f"date known to the {precision}" in description


def test_ics_spans_the_known_range(ctl, tmp_path):
    text = exported(ctl, tmp_path, "ics").decode("utf-8")
    # The month-precision event covers December; the cross-year range runs to 3 January inclusive.
    assert "DTSTART;VALUE=DATE:20231201\r\nDTEND;VALUE=DATE:20240101\r\n" in text
    assert "DTSTART;VALUE=DATE:20231228\r\nDTEND;VALUE=DATE:20240104\r\n" in text


def test_ics_folding_and_escaping_units():
    from ctl.export_ics import escape_text, fold

    assert escape_text("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"
    line = "DESCRIPTION:" + "Zoë’s " * 40
    folded = fold(line).encode("utf-8").split(b"\r\n")
    assert all(len(part) <= 75 for part in folded)
    assert all(part.startswith(b" ") for part in folded[1:])
    assert b"".join(p[1:] if i else p for i, p in enumerate(folded)).decode("utf-8") == line


# -- markdown -------------------------------------------------------------------------------------------


def test_markdown_citations_resolve_to_references(ctl, tmp_path):
    text = exported(ctl, tmp_path, "markdown").decode("utf-8")
    body, _, refs = text.partition("## References\n")
    cited = {int(n) for n in re.findall(r" \[(\d+)\]", body)}
    listed = {int(n) for n in re.findall(r"^(\d+)\. ", refs, re.M)}
    assert cited == listed == {1, 2, 3}
    assert "outlet unknown" in refs and "Zoë O’Brien" in refs
    assert "2023-12-28..2024-01-03" in body and "date known to the month" in body


# -- html -----------------------------------------------------------------------------------------------


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def test_html_is_self_contained_and_escaped(ctl, tmp_path):
    text = exported(ctl, tmp_path, "html").decode("utf-8")
    parser = _Tags()
    parser.feed(text)
    names = [t for t, _ in parser.tags]
    assert "script" not in names and "link" not in names and "img" not in names
    assert not re.search(r"https?://|url\(|@import", text)
    assert ("html", {"lang": "en"}) in parser.tags and ("meta", {"charset": "utf-8"}) in parser.tags
    assert "figures &lt;unconfirmed&gt; &amp; disputed" in text
    # Reported and derived shares are drawn differently, and the NULL count says so.
    assert 'class="fill reported" style="width: 55%"' in text
    assert 'class="fill derived" style="width: 62.5%"' in text
    assert '<span class="unknown">unknown</span>' in text
    # Every citation link has its reference.
    targets = {a["href"][1:] for t, a in parser.tags if t == "a"}
    ids = {a["id"] for _, a in parser.tags if "id" in a}
    assert targets and targets <= ids


def _chromium() -> str | None:
    return next(
        (p for name in ("chromium", "chromium-browser", "google-chrome") if (p := shutil.which(name))), None
    )


@pytest.mark.slow
def test_html_renders_in_headless_chromium(ctl, tmp_path):
    browser = _chromium()
    if browser is None:
        pytest.skip("no chromium, chromium-browser or google-chrome on PATH (apt-get install chromium)")
    page = tmp_path / "export.html"
    page.write_bytes(exported(ctl, tmp_path, "html"))
    png = tmp_path / "page.png"
    profile = tmp_path / "profile"
    command = [
        browser,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        f"--user-data-dir={profile}",
        f"--screenshot={png}",
        "--window-size=1200,1600",
        "--enable-logging=stderr",
        "--v=0",
        page.as_uri(),
    ]
    run = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert run.returncode == 0, run.stderr[-2000:]
    assert png.is_file()
    data = png.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert (width, height) == (1200, 1600)
    assert len(data) > 20_000  # a blank page compresses to a few kilobytes; this one has text and bars
    console = [line for line in run.stderr.splitlines() if "Uncaught" in line or "ERROR:CONSOLE" in line]
    assert not console, console


# -- the bundled seeds ----------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", [*TEXT_FORMATS, "parquet"])
def test_bundled_seeds_export_in_every_format(built_db, seeds_dir, tmp_path, fmt):
    # A copy of the session database: DuckDB refuses a second connection to one file with another
    # configuration, and parquet connects without the sandbox while other tests may hold one with it.
    db = tmp_path / "ctl.duckdb"
    shutil.copy2(built_db, db)
    out = tmp_path / f"bundled.{SUFFIX.get(fmt, fmt)}"
    args = ["export", "-f", fmt, "-o", str(out), "--db", str(db), "--seeds", str(seeds_dir)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert out.stat().st_size > 0
