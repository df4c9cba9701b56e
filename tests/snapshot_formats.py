"""Syrupy extensions that store each golden output as a file with its format's real extension
(timeline.csv, stats.json ...), so a reviewer can open it as what it is."""

from __future__ import annotations

from functools import cache

from syrupy.extensions.single_file import SingleFileSnapshotExtension, WriteMode

EXTENSIONS = {"table": "txt", "csv": "csv", "json": "json", "jsonl": "jsonl", "markdown": "md"}


@cache
def extension_for(fmt: str) -> type[SingleFileSnapshotExtension]:
    ext = EXTENSIONS.get(fmt, fmt)
    return type(
        f"{ext.title()}Snapshot",
        (SingleFileSnapshotExtension,),
        {"_file_extension": ext, "_write_mode": WriteMode.TEXT},
    )
