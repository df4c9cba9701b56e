"""`ctl add KIND`: append one new record to the seeds, checked before anything is written.

The record comes from flags (one per common field of its kind, plus `--field KEY=VALUE` for any field),
and, when stdin is a terminal, from prompts for the required fields still missing; without a terminal a
missing field is an error that lists every one. Before writing, the record is validated by its pydantic
model and then by `ctl check` itself, run on a temporary copy of the seeds with the record appended:
every reference must resolve and no check may newly fail, so `ctl check` stays clean. A duplicate id is
refused. The record is written in the canonical layout of ctl/fmt.py and appended to the end of its file;
every byte already there stays as it was, so `git diff` shows the new lines alone.
"""

from __future__ import annotations

import difflib
import re
import shutil
import sys
import tempfile
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal, get_args, get_origin

from pydantic import TypeAdapter, ValidationError

from ctl import fmt
from ctl.check import CheckResult, check
from ctl.diagnostics import Diagnostic, render_text
from ctl.model import KINDS

PLURALS = {kind: "statistics" if kind == "statistic" else f"{kind}s" for kind in KINDS}

# The fields each kind takes from a flag of its own; every field is also reachable with --field.
FLAG_FIELDS: dict[str, tuple[str, ...]] = {
    "source": ("id", "kind", "outlet", "title", "byline", "publisher", "published", "url", "cites", "note"),
    "actor": ("id", "name", "kind", "aliases", "note"),
    "group": ("id", "name", "full_name", "aliases", "note"),
    "region": ("id", "name", "kind", "parent", "members", "aliases", "note"),
    "event": (
        "id", "title", "type", "date", "location", "region", "actors", "groups", "sources", "summary", "note",
    ),
    "statistic": (
        "id", "publisher", "report", "period", "region", "measure", "subgroup", "value", "unit", "qualifier",
        "of", "sources", "note",
    ),
}  # fmt: skip
# A field's flag where it is not simply --FIELD (repeatable flags are singular).
FLAG_NAMES = {
    "sources": "--source",
    "groups": "--group",
    "actors": "--actor",
    "cites": "--cite",
    "aliases": "--alias",
    "members": "--member",
    "full_name": "--full-name",
}
# Fields holding ids of other records: (kind, field) -> the kind they name. Used to re-ask at a prompt;
# the full check (ctl.check) stays the authority on references.
REFERENCES: dict[tuple[str, str], str] = {
    ("source", "publisher"): "actor",
    ("source", "cites"): "source",
    ("region", "parent"): "region",
    ("region", "members"): "region",
    ("event", "region"): "region",
    ("event", "groups"): "group",
    ("event", "sources"): "source",
    ("statistic", "publisher"): "actor",
    ("statistic", "report"): "source",
    ("statistic", "region"): "region",
    ("statistic", "of"): "statistic",
    ("statistic", "sources"): "source",
}
DATE_HINT = "2024-05-10, 2024-W20, 2024-05, 2024-Q1, 2024 or a range A..B"

Ask = Callable[[str, str | None], str]  # (label, default) -> answer
Say = Callable[[str], None]


class AddError(Exception):
    """A record that cannot be added; the message says why. `code` is the exit code."""

    def __init__(self, message: str, code: int = 1):
        super().__init__(message)
        self.code = code


@dataclass
class Added:
    kind: str
    id: str
    path: Path
    shown: str
    line: int
    text: str  # the record as written


def flag_name(name: str) -> str:
    return FLAG_NAMES.get(name, "--" + name.replace("_", "-"))


# -- from flags to a record -----------------------------------------------------------------------------


def _field_info(kind: str, name: str):
    return KINDS[kind].model_fields.get(name)


def _is_list(kind: str, name: str) -> bool:
    info = _field_info(kind, name)
    return info is not None and get_origin(info.annotation) is list


def _is_number(kind: str, name: str) -> bool:
    info = _field_info(kind, name)
    return info is not None and bool(fmt.leaf_types(info.annotation) & {float, int})


def parse_actor(text: str) -> dict[str, str]:
    """`ID` or `ID:ROLE` (as in --actor syed-haider-shah:co-chair) -> an event actor."""
    actor_id, _, role = text.partition(":")
    out = {"id": actor_id.strip()}
    if role.strip():
        out["role"] = role.strip()
    return out


def _number(text: str) -> int | float:
    try:
        number = float(text.replace(",", "").replace("_", ""))
    except ValueError:
        raise AddError(f"{text!r} is not a number") from None
    return int(number) if number.is_integer() and "." not in text else number


def coerce(kind: str, name: str, raw: str) -> Any:
    """Text from a flag or prompt as the value the field holds. TOML syntax (`[...]`, `{...}`) is read
    as TOML; a list field splits on commas; `value` is a number; anything else stays text."""
    text = raw.strip()
    if text.startswith(("[", "{")):
        try:
            return tomllib.loads(f"v = {text}")["v"]
        except tomllib.TOMLDecodeError as exc:
            raise AddError(f"{flag_name(name)}: {text!r} is not a TOML value ({exc})") from None
    if name == "actors":
        return [parse_actor(part) for part in text.split(",") if part.strip()]
    if _is_list(kind, name):
        return [part.strip() for part in text.split(",") if part.strip()]
    if _is_number(kind, name):
        return _number(text)
    return text


def _id_list(values: list[str]) -> list[str]:
    # Ids never hold commas, so `--source a,b` is as good as `--source a --source b`.
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def _from_flag(name: str, value: Any) -> Any:
    if name == "actors":
        return [parse_actor(v) for v in _id_list(value)]
    if name == "aliases":
        return [v.strip() for v in value if v.strip()]
    if isinstance(value, list):
        return _id_list(value)
    if name == "value" and isinstance(value, str):
        return _number(value)
    return value.strip() if isinstance(value, str) else value


def collect(kind: str, flags: dict[str, Any], fields: list[str]) -> dict[str, Any]:
    """The record the flags and `--field KEY=VALUE` options describe (only what was given)."""
    if kind not in KINDS:
        near = difflib.get_close_matches(kind, KINDS, n=1)
        extra = f" (did you mean {near[0]!r}?)" if near else ""
        raise AddError(f"unknown kind {kind!r}{extra}; choose one of {', '.join(KINDS)}", 2)
    record: dict[str, Any] = {}
    for name, value in flags.items():
        if value is None or value == []:
            continue
        if name not in FLAG_FIELDS[kind]:
            raise AddError(f"{flag_name(name)} does not apply to {kind} records; use --field KEY=VALUE", 2)
        record[name] = _from_flag(name, value)
    for item in fields:
        key, sep, raw = item.partition("=")
        key = key.strip()
        if not sep:
            raise AddError(f"--field {item!r}: write it as KEY=VALUE", 2)
        if key not in KINDS[kind].model_fields:
            near = difflib.get_close_matches(key, KINDS[kind].model_fields, n=1)
            extra = f" (did you mean {near[0]!r}?)" if near else ""
            raise AddError(f"--field {key}: {kind} records have no field {key!r}{extra}", 2)
        if key in record:
            raise AddError(f"{key} is given twice (by {flag_name(key)} and by --field)", 2)
        record[key] = coerce(kind, key, raw)
    return record


def missing_fields(kind: str, record: dict[str, Any]) -> list[str]:
    """Required fields the record lacks, in the order of its layout (id last: it may be suggested)."""
    model = KINDS[kind]
    required = [n for n in fmt.field_order(model) if model.model_fields[n].is_required()]
    gaps = [n for n in required if record.get(n) in (None, "", [])]
    return sorted(gaps, key=lambda n: n == "id")


# -- prompts --------------------------------------------------------------------------------------------


def _label(kind: str, name: str) -> str:
    info = _field_info(kind, name)
    choices = _literal_args(info.annotation) if info else []
    if choices:
        hint = ", ".join(choices)
    elif name in fmt.date_fields(KINDS[kind])[0]:
        hint = DATE_HINT
    elif name == "actors":
        hint = "ID or ID:ROLE, comma-separated"
    elif _is_list(kind, name):
        hint = "comma-separated"
    else:
        hint = ""
    return f"{kind} {name}" + (f" ({hint})" if hint else "")


def _literal_args(annotation: Any) -> list[str]:
    if get_origin(annotation) is Literal:
        return [str(a) for a in get_args(annotation)]
    return [a for arg in get_args(annotation) for a in _literal_args(arg)]


def slug(text: str, limit: int = 60) -> str:
    words = re.sub(r"[^a-z0-9]+", " ", text.lower()).split()
    out = ""
    for word in words:
        if out and len(out) + 1 + len(word) > limit:
            break
        out = f"{out}-{word}" if out else word[:limit]
    return out


def suggest_id(kind: str, record: dict[str, Any], taken: set[str]) -> str | None:
    """An id in the seeds' style (2024-05-some-title for events, a slug of the name otherwise)."""
    base = slug(str(record.get("title") or record.get("name") or ""))
    if not base:
        return None
    if kind == "event" and record.get("date"):
        from ctl.dates import DateError, parse_period

        try:
            start = parse_period(str(record["date"])).start
            base = f"{start:%Y-%m}-{base}"
        except DateError:
            pass
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    return candidate


def check_value(kind: str, name: str, value: Any, ids: dict[str, set[str]]) -> None:
    """Raise AddError when one field's value is invalid or names a record that does not exist."""
    info = KINDS[kind].model_fields[name]
    try:
        annotation = Annotated[info.annotation, *info.metadata] if info.metadata else info.annotation
        TypeAdapter(annotation).validate_python(value)
    except ValidationError as exc:
        raise AddError("; ".join(_error_text(e) for e in exc.errors(include_url=False))) from None
    target = REFERENCES.get((kind, name))
    if target is None:
        return
    for ref in value if isinstance(value, list) else [value]:
        if ref not in ids.get(target, set()):
            near = difflib.get_close_matches(str(ref), sorted(ids.get(target, set())), n=1)
            extra = f" (did you mean {near[0]!r}?)" if near else ""
            raise AddError(f"there is no {target} {ref!r}{extra}")


def ask_missing(
    kind: str, record: dict[str, Any], ask: Ask, say: Say, ids: dict[str, set[str]], tries: int = 3
) -> dict[str, Any]:
    """Prompt for each required field still missing; a bad answer is explained and asked again."""
    record = dict(record)
    for name in missing_fields(kind, record):
        default = suggest_id(kind, record, ids.get(kind, set())) if name == "id" else None
        for attempt in range(tries):
            try:
                value = coerce(kind, name, ask(_label(kind, name), default))
                check_value(kind, name, value, ids)
            except AddError as exc:
                say(f"ctl: {name}: {exc}")
                if attempt == tries - 1:
                    raise AddError(f"no valid {name} given") from None
                continue
            record[name] = value
            break
    return record


# -- validation -----------------------------------------------------------------------------------------


def _error_text(err: dict) -> str:
    where = ".".join(str(p) for p in err["loc"])
    msg = str(err["msg"]).removeprefix("Value error, ")
    if err["type"] == "literal_error":
        choices = re.findall(r"'([^']*)'", str(err["ctx"]["expected"]))
        near = difflib.get_close_matches(str(err["input"]), choices, n=1)
        msg = f"{err['input']!r} is not one of {', '.join(choices)}"
        msg += f" (did you mean {near[0]!r}?)" if near else ""
    return f"{where}: {msg}" if where else msg


def validate_model(kind: str, record: dict[str, Any]) -> None:
    try:
        KINDS[kind].model_validate(record)
    except ValidationError as exc:
        lines = "\n  ".join(_error_text(e) for e in exc.errors(include_url=False))
        raise AddError(f"the new {kind} is not valid:\n  {lines}") from None


def known_ids(result: CheckResult) -> dict[str, set[str]]:
    return {
        kind: {
            rid for loc in result.dataset.of(kind) if isinstance(rid := getattr(loc.record, "id", None), str)
        }
        for kind in KINDS
    }


def target_file(kind: str, seeds_dir: Path, file: Path | None, result: CheckResult) -> Path:
    """Where the record goes: --file (inside the seeds folder), else <plural>.toml, else the first file
    that holds records of the kind, else a new <plural>.toml."""
    if file is not None:
        if file.suffix != ".toml":
            raise AddError(f"--file {file}: seed files end in .toml", 2)
        try:
            file.resolve().relative_to(seeds_dir.resolve())
        except ValueError:
            raise AddError(f"--file {file} is not inside the seeds folder {seeds_dir}", 2) from None
        return file
    default = seeds_dir / f"{PLURALS[kind]}.toml"
    if default.exists() or not result.dataset.of(kind):
        return default
    return result.dataset.of(kind)[0].file.real


def appended(old: str, record_text: str) -> tuple[str, int]:
    """The file's text with the record added after one blank line, and the line its header lands on.
    Nothing before it changes (a missing final newline is the one thing added)."""
    newline = "\r\n" if "\r\n" in old else "\n"
    prefix = old
    if prefix and not prefix.endswith("\n"):
        prefix += newline
    if prefix and not prefix.endswith(newline * 2):
        prefix += newline
    return prefix + record_text.replace("\n", newline), prefix.count("\n") + 1


def _relative(path: Path, seeds_dir: Path) -> Path:
    return path.resolve().relative_to(seeds_dir.resolve())


def check_with(seeds_dir: Path, target: Path, text: str, before: CheckResult) -> list[Diagnostic]:
    """The errors `ctl check` would newly report with `text` as the target file's content. Runs on a
    temporary copy: the real seeds are never touched by a record that fails."""
    with tempfile.TemporaryDirectory(prefix="ctl-add-") as tmp:
        copy = Path(tmp) / "seeds"
        shutil.copytree(seeds_dir, copy)
        dest = copy / _relative(target, seeds_dir)
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(text.encode("utf-8"))
        after = check(copy, display_root=copy)
    old = set(before.diagnostics)
    return [d for d in after.diagnostics if d not in old and d.severity == "error"]


# -- adding ---------------------------------------------------------------------------------------------


def add(
    kind: str,
    flags: dict[str, Any],
    fields: list[str],
    seeds_dir: Path,
    file: Path | None = None,
    ask: Ask | None = None,
    say: Say = print,
) -> Added:
    """Build, check and append one record. Raises AddError (nothing written) when it cannot."""
    record = collect(kind, flags, fields)
    if not seeds_dir.is_dir():
        raise AddError(f"the seeds folder {seeds_dir} does not exist (pass --seeds DIR)")
    before = check(seeds_dir, display_root=seeds_dir)
    ids = known_ids(before)
    if ask is not None:
        record = ask_missing(kind, record, ask, say, ids)
    gaps = missing_fields(kind, record)
    if gaps:
        flags_needed = ", ".join(flag_name(n) for n in gaps)
        raise AddError(
            f"a new {kind} needs {flags_needed} (stdin is not a terminal, so nothing was asked)", 2
        )
    validate_model(kind, record)
    _refuse_duplicate(kind, record["id"], before, seeds_dir)
    target = target_file(kind, seeds_dir, file, before)
    old = target.read_text(encoding="utf-8") if target.exists() else ""
    record_text = fmt.render_record(kind, record)
    text, line = appended(old, record_text)
    shown = fmt.shown_path(target)
    new_errors = check_with(seeds_dir, target, text, before)
    if new_errors:
        raise AddError(_describe(kind, record["id"], new_errors, seeds_dir, target, text))
    if not before.ok:
        errors = sum(d.severity == "error" for d in before.diagnostics)
        say(f"ctl: warning: the seeds already had {errors} errors (run `ctl check`)")
    target.parent.mkdir(parents=True, exist_ok=True)
    fmt.write_atomically(target, text)
    return Added(kind, record["id"], target, shown, line, record_text)


def _refuse_duplicate(kind: str, record_id: str, before: CheckResult, seeds_dir: Path) -> None:
    for loc in before.dataset.of(kind):
        if getattr(loc.record, "id", None) == record_id:
            where = f"{fmt.shown_path(seeds_dir / loc.path)}:{loc.line}"
            raise AddError(f"{kind} {record_id!r} already exists at {where}; choose another --id")


def _describe(
    kind: str, record_id: str, diags: list[Diagnostic], seeds_dir: Path, target: Path, text: str
) -> str:
    """The new errors as `ctl check` prints them, at the lines the record would have had."""
    lines = text.splitlines()
    rel = str(_relative(target, seeds_dir))

    def read_line(path: str, n: int) -> str | None:
        if path == rel:
            return lines[n - 1] if 1 <= n <= len(lines) else None
        real = seeds_dir / path
        try:
            return real.read_text(encoding="utf-8").splitlines()[n - 1]
        except (OSError, IndexError, UnicodeDecodeError):
            return None

    shown = [
        Diagnostic(fmt.shown_path(seeds_dir / d.path), d.line, d.col, d.code, d.message, d.hint, d.severity)
        for d in diags
    ]
    report = render_text(shown, read_line=lambda p, n: read_line(_back(p, seeds_dir), n))
    noun = "error" if len(diags) == 1 else "errors"
    return f"{kind} {record_id!r} not added: {len(diags)} {noun}\n{report}".rstrip()


def _back(shown: str, seeds_dir: Path) -> str:
    """A shown path back to its place relative to the seeds folder."""
    try:
        return str(Path(shown).resolve().relative_to(seeds_dir.resolve()))
    except ValueError:
        return shown


def stdin_is_tty() -> bool:
    """Whether a person can answer prompts (tests replace this to drive the prompts)."""
    return sys.stdin.isatty()
