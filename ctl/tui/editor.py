"""The command that opens a file at a line in the user's editor ($VISUAL, else $EDITOR, else vi)."""

from __future__ import annotations

import os
import shlex
from collections.abc import Mapping
from pathlib import Path

# Editors that take `file:line` (or `-g file:line`) instead of the common `+line file`.
_COLON_STYLE = {"subl", "hx", "helix", "zed"}
_GOTO_STYLE = {"code", "code-insiders", "codium", "cursor"}


def editor_command(path: Path, line: int, env: Mapping[str, str] | None = None) -> list[str]:
    env = os.environ if env is None else env
    words = shlex.split(env.get("VISUAL") or env.get("EDITOR") or "vi")
    name = Path(words[0]).name
    if name in _GOTO_STYLE:
        return [*words, "-g", f"{path}:{line}"]
    if name in _COLON_STYLE:
        return [*words, f"{path}:{line}"]
    return [*words, f"+{line}", str(path)]
