"""`ctl import`'s head start (ctl/importers/early.py): the new file's rows are written while the seeds
are checked, and the build takes them over. Whatever becomes of the head start, the database must be
the one an ordinary build makes, and nothing may be left behind.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import pytest

from ctl.importers import early

sys.path.insert(0, str(Path(__file__).parent / "import_fixtures"))
from support import Project, make_project


@pytest.fixture
def project(tmp_path: Path) -> Project:
    return make_project(tmp_path)


@pytest.fixture
def taken(monkeypatch: pytest.MonkeyPatch) -> list[str | None]:
    """What each build got from its head start: the id of the import already written, or None."""
    seen: list[str | None] = []
    real = early.HeadStart.take

    def spy(self):
        con, written = real(self)
        seen.append(written)
        return con, written

    monkeypatch.setattr(early.HeadStart, "take", spy)
    return seen


def file_lines(path: Path, id_column: str) -> dict[str, int]:
    """Each record's id and the line it starts on, counted by Python's csv module, not by ctl."""
    out: dict[str, int] = {}
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        at = header.index(id_column)
        start = reader.line_num + 1
        for record in reader:
            if record and not record[at].startswith("#"):  # UCDP's HXL row is no record
                out[record[at]] = start
            start = reader.line_num + 1
    return out


def stored(project: Project, import_id: str) -> dict[str, int]:
    rows = project.rows("SELECT dataset_id, line FROM timeline WHERE import_id = ?", import_id)
    return {r["dataset_id"]: r["line"] for r in rows}


def leftovers(project: Project) -> list[str]:
    return sorted(p.name for p in project.db.parent.glob(".*tmp*")) if project.db.parent.exists() else []


def test_the_new_file_is_written_ahead_and_every_file_keeps_its_lines(project, taken):
    """The second import's rows go in first (the head start), the first import's after them: each
    file's rows must still be in file order, at their own lines."""
    assert project.import_("acled", "acled_31col.csv").exit_code == 0
    result = project.import_("ucdp", "ucdp_current.csv", "--id", "ged")
    assert result.exit_code == 0, result.output
    assert taken == ["acled_31col", "ged"]  # each build took over the rows written ahead
    assert stored(project, "acled_31col") == file_lines(project.data("acled_31col.csv"), "event_id_cnty")
    assert stored(project, "ged") == file_lines(project.data("ucdp_current.csv"), "id")
    assert leftovers(project) == []
    # A load from the manifest alone (no head start) makes the same timeline.
    before = project.rows("SELECT * FROM timeline ORDER BY id")
    assert project.ctl("load").exit_code == 0
    assert project.rows("SELECT * FROM timeline ORDER BY id") == before


def test_a_re_import_under_its_recorded_id_gives_up_the_guess(project, taken):
    """Without --id, a path the manifest already records keeps that entry's id: the head start wrote
    under the id made from the file name, so the build starts afresh and nothing is left behind."""
    assert project.import_("acled", "acled_31col.csv", "--id", "mine").exit_code == 0
    result = project.import_("acled", "acled_31col.csv")
    assert result.exit_code == 0, result.output
    assert taken == ["mine"]  # the second build had no head start to take
    assert set(stored(project, "mine")) == set(file_lines(project.data("acled_31col.csv"), "event_id_cnty"))
    assert project.rows("SELECT count(*) AS n FROM imports")[0]["n"] == 1
    assert leftovers(project) == []


def test_broken_seeds_throw_the_head_start_away(project):
    assert project.import_("acled", "acled_31col.csv").exit_code == 0
    before = project.db.read_bytes()
    (project.seeds / "broken.toml").write_text("[[event]]\nid = 'x'\n", encoding="utf-8")
    result = project.import_("gtd", "gtd.csv")
    assert result.exit_code == 1
    assert "fix the seeds before importing" in result.output
    assert project.db.read_bytes() == before
    assert "gtd" not in project.manifest.read_text(encoding="utf-8")
    assert leftovers(project) == []


def test_a_refused_record_sends_the_build_back_to_reading_every_file(project, taken):
    """A record the reader refuses stops the head start's write; the build reads all files again,
    keeping refused records aside, and reports the same bad lines as ever."""
    assert project.import_("acled", "acled_31col.csv").exit_code == 0
    result = project.import_("acled", "acled_bad.csv", "--skip-bad")
    assert result.exit_code == 0, result.output
    assert taken == ["acled_31col", None]
    assert "line 7: TOO MANY COLUMNS" in result.output
    assert set(stored(project, "acled_bad")) == {"PAK3001", "PAK3006"}
    assert stored(project, "acled_31col") == file_lines(project.data("acled_31col.csv"), "event_id_cnty")
    assert leftovers(project) == []


def test_bad_rows_without_skip_bad_leave_nothing_behind(project, taken):
    result = project.import_("acled", "acled_bad.csv")
    assert result.exit_code == 1
    assert taken == [None]
    assert not project.db.exists() and not project.manifest.exists()
    assert leftovers(project) == []


def test_the_progress_bar_follows_the_write_under_way(project, monkeypatch):
    """With a bar wanted, the build follows the head start's connection before waiting for its write
    (set up for query_progress() beforehand: a SET would wait for the write), then its own steps."""
    from ctl.importers import progress

    log: list[tuple] = []
    real_take = early.HeadStart.take

    def take(self):
        log.append(("take",))
        return real_take(self)

    def attach(self, con, configured=False):
        log.append(("attach", con is not None, configured))
        if con is not None:  # what the bar's thread asks, while the write may be running
            log.append(("progress", isinstance(con.query_progress(), float)))

    monkeypatch.setattr(early.HeadStart, "take", take)
    monkeypatch.setattr(progress.BuildProgress, "attach", attach)
    monkeypatch.setattr(progress, "wanted", lambda enabled: True)
    monkeypatch.setattr(progress.BuildProgress, "__enter__", lambda self: self)  # no drawing thread
    result = project.import_("acled", "acled_31col.csv")
    assert result.exit_code == 0, result.output
    assert log[:3] == [("attach", True, True), ("progress", True), ("take",)]
    assert log[-1] == ("attach", False, False)  # let go once the connection closes
