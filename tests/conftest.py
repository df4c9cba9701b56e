"""Shared fixtures: a database built once per session from the repository's own seeds.

Tests never read anything outside the repository: the seeds path is derived from this file, and the
database lives in pytest's temporary folder, not in .ctl/.
"""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    return SEEDS


@pytest.fixture(scope="session")
def built_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database built from the real seeds; tests must treat it as read-only."""
    from ctl.db import rebuild

    db = tmp_path_factory.mktemp("db") / "ctl.duckdb"
    result = rebuild(SEEDS, db)
    assert result.ok, result.summary()
    return db


@pytest.fixture(autouse=True)
def _no_ctl_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """CTL_SEEDS / CTL_DB from the developer's shell must not leak into tests."""
    monkeypatch.delenv("CTL_SEEDS", raising=False)
    monkeypatch.delenv("CTL_DB", raising=False)
