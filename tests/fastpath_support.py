"""Shared by the parity tests of the fast paths (tests/test_fastpath_*.py): the typer command's call as
recorded by a test's stand-in, and the environments both parsers must read alike."""

from __future__ import annotations

from typing import Any

import pytest
from typer.testing import CliRunner

from ctl.cli import app

# $CTL_SEEDS and $CTL_DB as typer reads them: set, set empty (ignored), one of them.
ENVIRONMENTS = [
    {"CTL_SEEDS": "env/seeds", "CTL_DB": "env/ctl.duckdb"},
    {"CTL_SEEDS": "", "CTL_DB": ""},
    {"CTL_DB": "d"},
]


def typer_call(argv: list[str], captured: list[dict[str, Any]], env: dict[str, str] | None = None):
    """What the typer command passed to the function a test replaced with a recorder appending to
    `captured`, or (exit code, output) when typer stopped first (a usage error)."""
    captured.clear()
    result = CliRunner().invoke(app, argv, env=env)
    if captured:
        return captured[0]
    return (result.exit_code, result.output)


def set_environment(monkeypatch: pytest.MonkeyPatch, env: dict[str, str]) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
