"""The import manifest beyond `ctl import`: hand-written entries, the sha256 cache, the progress bar."""

from __future__ import annotations

import hashlib
import io
import os
import sys
import threading
import time

import pytest
from rich.console import Console

from ctl.check import check
from ctl.importers import filehash, progress
from ctl.importers.manifest import default_id, stored_path, write
from ctl.model import Import
from tests.import_fixtures.support import Project, make_project


@pytest.fixture
def project(tmp_path) -> Project:
    return make_project(tmp_path)


def entry(project: Project, name: str, **fields) -> Import:
    data = project.data(name)
    return Import(
        id=fields.pop("id", name.removesuffix(".csv").replace("_", "-")),
        format=fields.pop("format", "acled"),
        path=f"data/{name}",
        sha256=hashlib.sha256(data.read_bytes()).hexdigest(),
        rows=fields.pop("rows", 0),
        **fields,
    )


def test_a_hand_written_entry_with_bad_rows_fails_the_load_at_the_bad_lines(project):
    write(project.seeds, entry(project, "acled_bad.csv"))

    result = project.ctl("load")

    assert result.exit_code == 1
    assert f"{project.data('acled_bad.csv')}:3:1: error[import-bad-row]: import 'acled-bad': event_date" in (
        result.output
    )
    assert "left unchanged" in result.output and not project.db.exists()


def test_a_hand_written_entry_that_skips_bad_rows_loads(project):
    write(project.seeds, entry(project, "acled_bad.csv", skip_bad=True))
    assert project.ctl("load").exit_code == 0
    assert len(project.events("import_id = 'acled-bad'")) == 2


def test_the_manifest_is_updated_in_place_and_keeps_comments(project):
    write(project.seeds, entry(project, "acled_31col.csv", id="a"))
    text = project.manifest.read_text(encoding="utf-8")
    project.manifest.write_text(text.replace("\n[[import]]", "\n# my note\n[[import]]", 1), encoding="utf-8")
    write(project.seeds, entry(project, "acled_subset.csv", id="b"))
    write(project.seeds, entry(project, "acled_31col.csv", id="a", rows=5))

    text = project.manifest.read_text(encoding="utf-8")
    assert '\n# my note\n[[import]]\nid = "a"' in text and text.count("\n[[import]]") == 2
    assert "rows = 5" in text and '\n\n[[import]]\nid = "b"' in text
    assert check(project.seeds).ok


def test_paths_and_default_ids(tmp_path):
    (tmp_path / "data").mkdir()
    inside = tmp_path / "data" / "Pakistan ACLED 2024.csv"
    assert stored_path(tmp_path, inside) == "data/Pakistan ACLED 2024.csv"
    assert stored_path(tmp_path / "data", tmp_path / "x.csv") == (tmp_path / "x.csv").resolve().as_posix()
    assert default_id("acled", inside) == "acled-pakistan-acled-2024"
    assert default_id("gtd", tmp_path / "globalterrorismdb_0718dist.csv") == "gtd-globalterrorismdb_0718dist"


def test_large_files_hash_once_per_size_and_mtime(project, monkeypatch):
    monkeypatch.setattr(filehash, "CACHE_MIN_BYTES", 0)
    write(project.seeds, entry(project, "acled_31col.csv"))
    data = project.data("acled_31col.csv")
    assert check(project.seeds).ok
    assert (project.root / ".ctl" / filehash.CACHE_NAME).exists()

    # same size, same mtime, different bytes: the cache answers (that is what it is for) ...
    st = data.stat()
    data.write_bytes(data.read_bytes().replace(b"PAK1001", b"PAK9001"))
    os.utime(data, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert check(project.seeds).ok
    # ... and any write that moves the mtime is seen
    later = st.st_mtime_ns + 10**9
    os.utime(data, ns=(later, later))
    assert [d.code for d in check(project.seeds).diagnostics] == ["import-changed"]


def test_the_hash_beside_the_write_gives_way_but_not_another_answer(project):
    """`ctl import` hashes the file in a thread of low priority (Linux: that thread's niceness alone)."""
    data = project.data("acled_31col.csv")
    seen: dict[str, object] = {}

    def run() -> None:
        seen["scan"] = filehash.scan_behind(data)
        seen["nice"] = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())

    before = os.getpriority(os.PRIO_PROCESS, 0)
    worker = threading.Thread(target=run)
    worker.start()
    worker.join()
    lines = data.read_bytes().count(b"\n")
    assert seen["scan"] == (hashlib.sha256(data.read_bytes()).hexdigest(), lines) == filehash.scan(data)
    assert os.getpriority(os.PRIO_PROCESS, 0) == before  # this thread (and the process) as they were
    if sys.platform.startswith("linux"):
        assert seen["nice"] == 19


def test_small_files_are_never_cached(project):
    write(project.seeds, entry(project, "acled_31col.csv"))
    assert check(project.seeds).ok
    assert not (project.root / ".ctl").exists()


def test_unknown_kind_suggests_import(tmp_path):
    (tmp_path / "imports.toml").write_text('[[imprt]]\nid = "x"\n', encoding="utf-8")
    [diag] = check(tmp_path).diagnostics
    assert diag.code == "unknown-kind" and "did you mean [[import]]?" in diag.message


class FakeConnection:
    def __init__(self):
        self.settings: list[str] = []
        self.calls = 0

    def execute(self, sql: str):
        self.settings.append(sql)

    def query_progress(self) -> float:
        self.calls += 1
        return min(10.0 * self.calls, 100.0)


def test_progress_bar_follows_duckdb_after_a_moment_and_then_disappears(monkeypatch):
    monkeypatch.setattr(progress, "DELAY", 0.0)
    monkeypatch.setattr(progress, "TICK", 0.01)
    out = io.StringIO()
    monkeypatch.setattr("rich.console.Console", lambda **_: Console(file=out, force_terminal=True, width=80))
    con = FakeConnection()
    with progress.BuildProgress(enabled=True) as bar:
        bar.attach(con)
        bar.stage("reading acled.csv")
        deadline = time.monotonic() + 5
        while con.calls < 3 and time.monotonic() < deadline:
            time.sleep(0.01)
        bar.attach(None)
    assert con.settings == ["SET enable_progress_bar = true; SET enable_progress_bar_print = false"]
    assert con.calls >= 3
    assert "reading acled.csv" in out.getvalue()
    assert not any(t.name == "ctl-progress" for t in threading.enumerate())


def test_no_progress_bar_off_a_terminal_or_before_the_delay(monkeypatch):
    con = FakeConnection()
    with progress.BuildProgress(enabled=False) as bar:
        bar.attach(con)
    assert con.settings == [] and con.calls == 0
    with progress.BuildProgress(enabled=True) as bar:  # done well before DELAY: nothing drawn
        bar.attach(con)
    assert con.calls == 0
