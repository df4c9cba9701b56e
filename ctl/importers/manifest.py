"""The import manifest: seeds/imports.toml, one `[[import]]` per imported file.

`ctl import` writes it; people review it with `git diff` like any seed. An entry with the id being
imported is updated in place (a re-import of a newer export), any other is left as written, comments
included (tomlkit keeps them). The file is replaced atomically, so a reader never sees half of it.

Paths are stored relative to the project root (the seeds folder's parent) when the file lies under
it, so the manifest works from any clone; a file elsewhere is stored by its absolute path.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # both loaded by the functions that write: `ctl import` needs the others sooner
    import tomlkit

    from ctl.model import Import

MANIFEST = "imports.toml"

HEADER = """\
# Imported dataset files, written by `ctl import FORMAT FILE`. Each [[import]] names a file (relative to
# the project root, or absolute), its format and its sha256: `ctl load` imports it again on every build,
# and `ctl check` reports a file that is missing or has changed. The data files themselves are not
# committed: ACLED's and GTD's terms forbid redistributing them.

"""


def manifest_path(seeds: Path) -> Path:
    return seeds / MANIFEST


def stored_path(root: Path, file: Path) -> str:
    """`file` as the manifest records it: relative to the project root when under it."""
    resolved = file.resolve()
    try:
        return resolved.relative_to(root.resolve()).as_posix()
    except ValueError:
        return resolved.as_posix()


def default_id(fmt: str, file: Path) -> str:
    """An id from the file name: lower case, runs of other characters as '-', the format in front."""
    slug = re.sub(r"[^a-z0-9._]+", "-", file.stem.lower()).strip("-._") or "data"
    slug = slug if slug.startswith(fmt) else f"{fmt}-{slug}"
    return slug[:80].rstrip("-._")


def _entry(record: Import) -> tomlkit.items.Table:
    import tomlkit

    from ctl.model import Import

    table = tomlkit.table()
    for key, value in record.model_dump(exclude_none=True).items():
        if key in ("skip_bad", "encoding") and value == Import.model_fields[key].default:
            continue  # defaults stay out of the file: less to read in a diff
        table[key] = value
    return table


def _spaced(text: str) -> str:
    """A blank line before each entry (or before the comment right above it), as people write them."""
    out: list[str] = []
    for line in text.splitlines():
        if line.startswith("[[import]]") and out and out[-1].strip() and not out[-1].startswith("#"):
            out.append("")
        out.append(line)
    return "\n".join(out) + "\n"


def write(seeds: Path, record: Import) -> Path:
    """Add or update `record` in seeds/imports.toml; returns the file."""
    import tomlkit

    path = manifest_path(seeds)
    text = path.read_text(encoding="utf-8") if path.exists() else HEADER
    doc = tomlkit.parse(text)
    entries = doc.get("import")
    if entries is None:
        entries = tomlkit.aot()
        doc["import"] = entries
    for i, existing in enumerate(entries):
        if existing.get("id") == record.id:
            entries[i] = _entry(record)
            break
    else:
        entries.append(_entry(record))
    text = _spaced(tomlkit.dumps(doc))
    tmp = path.with_name(f".{path.name}.{os.getpid()}")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
    return path
