"""`ctl load` and auto-build: atomic replacement, staleness, provenance of every record."""

from __future__ import annotations

import hashlib
import os
import shutil
import time
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from ctl import paths
from ctl.cli import app
from ctl.db import BuildFailed, connect, ensure_db, is_stale, newest_input_ns, rebuild

runner = CliRunner()


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def project(tmp_path: Path, seeds_dir: Path) -> tuple[Path, Path]:
    """A copy of the bundled seeds and a database path of its own."""
    seeds = tmp_path / "seeds"
    shutil.copytree(seeds_dir, seeds)
    return seeds, tmp_path / "out" / "ctl.duckdb"


def load(seeds: Path, db: Path):
    return runner.invoke(app, ["load", "--seeds", str(seeds), "--db", str(db)])


def break_seeds(seeds: Path) -> None:
    events = seeds / "events.toml"
    events.write_text(
        events.read_text(encoding="utf-8").replace('region = "pakistan"', 'region = "atlantis"', 1)
    )


def test_load_builds_the_database_and_reports_counts(project):
    seeds, db = project
    result = load(seeds, db)
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"loaded {db}: 6 files, 10 sources")
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM timeline").fetchone() == (8,)
    assert not [p for p in db.parent.iterdir() if p.name != db.name], "no temporary file left behind"


def test_failed_check_leaves_the_previous_database_byte_identical(project):
    seeds, db = project
    assert load(seeds, db).exit_code == 0
    before = digest(db)
    break_seeds(seeds)
    result = load(seeds, db)
    assert result.exit_code == 1
    assert "error[unknown-ref]" in result.output
    assert f"{db} left unchanged" in result.output
    assert digest(db) == before
    assert sorted(p.name for p in db.parent.iterdir()) == [db.name]


def test_failure_during_the_build_leaves_the_previous_database_byte_identical(project, monkeypatch, tmp_path):
    seeds, db = project
    assert load(seeds, db).exit_code == 0
    before = digest(db)
    bad_sql = tmp_path / "99_broken.sql"
    bad_sql.write_text("CREATE VIEW broken AS SELECT * FROM no_such_table;")
    real = paths.sql_files()
    monkeypatch.setattr("ctl.paths.sql_files", lambda: [*real, bad_sql])  # the schema a build runs
    with pytest.raises(duckdb.CatalogException):
        rebuild(seeds, db)
    assert digest(db) == before
    assert sorted(p.name for p in db.parent.iterdir()) == [db.name]


def test_a_reader_keeps_its_database_while_a_rebuild_replaces_the_file(project):
    seeds, db = project
    rebuild(seeds, db)
    reader = duckdb.connect(str(db), read_only=True)
    try:
        events = seeds / "events.toml"
        events.write_text(events.read_text(encoding="utf-8").replace("TTP truce", "TTP ceasefire", 1))
        assert rebuild(seeds, db).ok
        # the open connection still sees the old file; a fresh process would see the new one
        assert reader.execute("SELECT count(*) FROM timeline WHERE title LIKE 'TTP truce%'").fetchone() == (
            1,
        )
    finally:
        reader.close()
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM timeline WHERE title LIKE 'TTP ceasefire%'").fetchone() == (
            1,
        )


def test_staleness_follows_edits_new_files_and_removals(project):
    seeds, db = project
    assert is_stale(db, seeds)
    assert ensure_db(seeds, db).built
    assert not is_stale(db, seeds)
    assert not ensure_db(seeds, db).built

    # copied seeds keep old mtimes, so each change below is stamped explicitly, one second apart
    clock = iter(range(max(newest_input_ns(seeds), time.time_ns()) + 10**9, 2**63, 10**9))

    def touch(path: Path) -> None:
        t = next(clock)
        os.utime(path, ns=(t, t))

    touch(seeds / "groups.toml")
    assert is_stale(db, seeds)
    assert ensure_db(seeds, db).built

    extra = seeds / "more"
    extra.mkdir()
    (extra / "x.toml").write_text("")
    touch(extra / "x.toml")
    assert is_stale(db, seeds)
    assert ensure_db(seeds, db).built
    (extra / "x.toml").unlink()
    touch(extra)  # removing a file changes its folder's mtime
    assert is_stale(db, seeds)


def test_broken_seeds_fall_back_to_the_last_good_build_or_fail_without_one(project):
    seeds, db = project
    break_seeds(seeds)
    with pytest.raises(BuildFailed) as info:
        ensure_db(seeds, db)
    assert [d.code for d in info.value.diagnostics] == ["unknown-ref"]
    assert not db.exists()

    shutil.copytree(seeds, seeds.parent / "good", dirs_exist_ok=True)
    events = seeds / "events.toml"
    events.write_text(events.read_text(encoding="utf-8").replace('"atlantis"', '"pakistan"', 1))
    assert ensure_db(seeds, db).built
    break_seeds(seeds)
    before = digest(db)
    fresh = ensure_db(seeds, db)
    assert not fresh.built and [d.code for d in fresh.stale_errors] == ["unknown-ref"]
    assert digest(db) == before


def test_reading_commands_build_a_missing_database(project):
    seeds, db = project
    result = runner.invoke(app, ["timeline", "--seeds", str(seeds), "--db", str(db), "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert f"building {db}" in result.output  # the progress line (stderr is mixed in by CliRunner)
    assert db.exists()


def test_reading_commands_warn_and_use_the_last_good_build(project):
    seeds, db = project
    rebuild(seeds, db)
    break_seeds(seeds)
    result = runner.invoke(app, ["timeline", "--seeds", str(seeds), "--db", str(db), "--format", "jsonl"])
    assert result.exit_code == 0
    assert "warning: 1 errors" in result.output
    assert "using the last good build" in result.output


def test_every_record_keeps_its_seed_file_and_line(built_db, seeds_dir):
    with connect(built_db) as con:
        rows = con.execute(
            "SELECT file, line FROM events UNION ALL SELECT file, line FROM sources "
            "UNION ALL SELECT file, line FROM statistics UNION ALL SELECT file, line FROM actors"
        ).fetchall()
    assert len(rows) == 8 + 10 + 15 + 11
    for file, line in rows:
        text = (seeds_dir.parent / file).read_text(encoding="utf-8").splitlines()
        assert text[line - 1].startswith("[["), (file, line, text[line - 1])


def test_default_database_sits_beside_its_seeds(tmp_path, monkeypatch):
    (tmp_path / "seeds").mkdir()
    (tmp_path / "sub").mkdir()
    monkeypatch.chdir(tmp_path / "sub")
    assert paths.seeds_dir() == tmp_path / "seeds"
    assert paths.db_path(None, paths.seeds_dir()) == tmp_path.resolve() / ".ctl" / "ctl.duckdb"
    monkeypatch.setenv("CTL_DB", str(tmp_path / "x.duckdb"))
    assert paths.db_path() == tmp_path / "x.duckdb"
