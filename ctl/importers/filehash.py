"""The sha256 of an imported file, with a cache so that `ctl check` does not re-read a million rows.

`ctl check` compares every `[[import]]`'s sha256 with its file. Hashing a 500 MB export takes about half
a second, every time; so the digest of a large file is cached in `.ctl/import-hashes.json` beside the
seeds folder, keyed by the file's resolved path, size and mtime_ns: any write to the file changes its
mtime (or size) and so misses the cache. Small files (the test fixtures, typical hand-made subsets) are
hashed directly and never cached, so checking them writes nothing anywhere.

A cache that cannot be read or written is ignored: it only ever saves time.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sys
import threading
from pathlib import Path

CACHE_NAME = "import-hashes.json"
CACHE_MIN_BYTES = 16 * 2**20  # below this, hashing is cheaper than worrying about a cache
_CHUNK = 4 * 2**20


def sha256_file(path: Path) -> str:
    return scan(path)[0]


def scan(path: Path) -> tuple[str, int]:
    """The file's sha256 and its number of lines (the last counted whether or not it ends in a line
    break), in one read: `ctl import` needs both, and reading a big file twice costs."""
    digest = hashlib.sha256()
    lines, last = 0, b""
    with path.open("rb") as f:
        while chunk := f.read(_CHUNK):
            digest.update(chunk)  # hashlib releases the GIL on large buffers: fine in a thread
            lines += chunk.count(b"\n")
            last = chunk[-1:]
    return digest.hexdigest(), lines + (1 if last and last != b"\n" else 0)


def scan_behind(path: Path) -> tuple[str, int]:
    """`scan`, from a thread that gives way to the others: `ctl import` runs it beside DuckDB's write
    of the same file, and needs its answer only once that write is done. On a machine with few cores
    the hash (half a second of CPU at 500 MB) otherwise takes a core from DuckDB: at nice 19 it runs
    in the gaps of the write (bench/import_bench.py: 0.1 to 0.3 s less per million rows). Linux only,
    where a thread has a niceness of its own; elsewhere os.setpriority would reach the whole process."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError):
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 19)
    return scan(path)


def _key(path: Path, st: os.stat_result) -> str:
    return f"{path.resolve()}|{st.st_size}|{st.st_mtime_ns}"


def _cache_file(root: Path) -> Path:
    return root / ".ctl" / CACHE_NAME


def _read_cache(root: Path) -> dict[str, str]:
    try:
        data = json.loads(_cache_file(root).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def remember(root: Path, path: Path, sha256: str, st: os.stat_result | None = None) -> None:
    """Store a digest just computed (by `ctl import`), so the check that follows is instant."""
    st = st or path.stat()
    if st.st_size < CACHE_MIN_BYTES:
        return
    cache = _read_cache(root)
    prefix = f"{path.resolve()}|"
    cache = {k: v for k, v in cache.items() if not k.startswith(prefix)}  # one entry per file
    cache[_key(path, st)] = sha256
    target = _cache_file(root)
    with contextlib.suppress(OSError):
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.{os.getpid()}")
        tmp.write_text(json.dumps(cache, indent=1, sort_keys=True), encoding="utf-8")
        os.replace(tmp, target)


def cached_sha256(root: Path, path: Path) -> str:
    """The file's sha256, from the cache when its size and mtime are unchanged. Raises OSError."""
    st = path.stat()
    if st.st_size < CACHE_MIN_BYTES:
        return sha256_file(path)
    hit = _read_cache(root).get(_key(path, st))
    if isinstance(hit, str):
        return hit
    digest = sha256_file(path)
    remember(root, path, digest, st)
    return digest
