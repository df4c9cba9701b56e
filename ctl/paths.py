"""Where ctl finds its seeds, its SQL and its database.

    seeds:  --seeds DIR, else $CTL_SEEDS, else the nearest `seeds/` folder at or above the working
            directory (as git finds .git), else ./seeds
    db:     --db PATH, else $CTL_DB, else .ctl/ctl.duckdb beside the seeds folder
    sql:    db/*.sql in the source tree, or ctl/db/*.sql inside an installed wheel

The default database belongs to its seeds folder, so a check of some other seeds never overwrites it.
"""

from __future__ import annotations

import os
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def seeds_dir(option: str | Path | None = None) -> Path:
    if option:
        return Path(option)
    if env := os.environ.get("CTL_SEEDS"):
        return Path(env)
    here = Path.cwd()
    for folder in (here, *here.parents):
        if (folder / "seeds").is_dir():
            return folder / "seeds"
    return here / "seeds"


def db_path(option: str | Path | None = None, seeds: Path | None = None) -> Path:
    if option:
        return Path(option)
    if env := os.environ.get("CTL_DB"):
        return Path(env)
    seeds = seeds or seeds_dir()
    return seeds.resolve().parent / ".ctl" / "ctl.duckdb"


def sql_dir() -> Path:
    bundled = _PACKAGE / "db"  # a wheel carries db/ as ctl/db
    return bundled if bundled.is_dir() else _PACKAGE.parent / "db"


def sql_files() -> list[Path]:
    return sorted(sql_dir().glob("*.sql"))
