"""Shared by tests/test_import_*.py: a throwaway project with the bundled seeds and these fixture files.

The fixture CSVs here are written for the tests (invented rows in the shape of each export, every
quirk the importers handle); no ACLED or GTD data is committed. The one exception, real/ (a UCDP GED
excerpt, CC BY 4.0, see real/README.md), is not copied into projects: its test copies it itself.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
from typer.testing import CliRunner

from ctl.cli import app

FIXTURES = Path(__file__).resolve().parent
REPO = FIXTURES.parent.parent


@dataclass
class Project:
    root: Path

    @property
    def seeds(self) -> Path:
        return self.root / "seeds"

    @property
    def db(self) -> Path:
        return self.root / ".ctl" / "ctl.duckdb"

    @property
    def manifest(self) -> Path:
        return self.seeds / "imports.toml"

    def data(self, name: str) -> Path:
        return self.root / "data" / name

    def ctl(self, *args: str):
        """Run ctl in-process on this project (stdout and stderr mixed in `output`)."""
        where = ["--seeds", str(self.seeds)] + ([] if args[0] == "check" else ["--db", str(self.db)])
        return CliRunner().invoke(app, [*args, *where])

    def import_(self, fmt: str, name: str, *extra: str):
        return self.ctl("import", fmt, str(self.data(name)), *extra)

    def rows(self, sql: str, *params: Any) -> list[dict]:
        with duckdb.connect(str(self.db), read_only=True) as con:
            cur = con.execute(sql, list(params))
            names = [d[0] for d in cur.description]
            return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]

    def events(self, where: str = "true", *params: Any) -> dict[str, dict]:
        return {r["id"]: r for r in self.rows(f"SELECT * FROM timeline WHERE {where}", *params)}


def make_project(tmp_path: Path) -> Project:
    """The repository's seeds (without any manifest) and every fixture file under data/."""
    project = Project(tmp_path / "project")
    shutil.copytree(REPO / "seeds", project.seeds, ignore=shutil.ignore_patterns("imports.toml"))
    (project.root / "data").mkdir()
    for csv in FIXTURES.glob("*.csv"):
        shutil.copyfile(csv, project.data(csv.name))
    return project
