"""`ctl fmt`: the canonical layout, idempotent, never changing what a file says.

tests/fmt_cases/ holds messy inputs (NAME.in.toml) and the layout fmt gives them (NAME.out.toml). The
bundled seeds are the reference for the canonical form, so they must come out of fmt unchanged.
"""

from __future__ import annotations

import shutil
import string
import tomllib
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from ctl.check import check, seed_files
from ctl.cli import app
from ctl.fmt import FmtError, format_text, render_record

TESTS = Path(__file__).resolve().parent
SEEDS = TESTS.parent / "seeds"
CASES = TESTS / "fmt_cases"
CASE_NAMES = sorted(p.name.removesuffix(".in.toml") for p in CASES.glob("*.in.toml"))

DATE_KEYS = {"published", "date", "period", "valid_from", "valid_to"}


def run(*args: str):
    return CliRunner().invoke(app, list(args))


def meaning(text: str):
    """tomllib's reading of a text, with day strings in date fields read as dates (the one rewrite fmt
    makes to a value); written independently of ctl.fmt so the two can disagree."""

    def norm(value, key=None):
        if isinstance(value, dict):
            return {k: norm(v, k) for k, v in value.items()}
        if isinstance(value, list):
            return [norm(v, key if key == "attested" else None) for v in value]
        if key in DATE_KEYS | {"attested"} and isinstance(value, str):
            try:
                return date.fromisoformat(value) if len(value) == 10 else value
            except ValueError:
                return value
        return value

    def tag(value):  # 1 and 1.0 are different TOML
        if isinstance(value, dict):
            return {k: tag(v) for k, v in value.items()}
        if isinstance(value, list):
            return [tag(v) for v in value]
        return (type(value).__name__, repr(value))

    return tag(norm(tomllib.loads(text)))


def copy_seeds(tmp_path: Path, source: Path = SEEDS) -> Path:
    dest = tmp_path / "seeds"
    shutil.copytree(source, dest)
    return dest


def snapshot_bytes(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


# -- the bundled seeds are canonical -------------------------------------------------------------------


@pytest.mark.parametrize("path", seed_files(SEEDS), ids=lambda p: p.name)
def test_bundled_seed_file_is_already_canonical(path: Path):
    text = path.read_text(encoding="utf-8")
    assert format_text(text) == text


def test_fmt_check_on_the_bundled_seeds_exits_0_and_lists_nothing():
    result = run("fmt", "--check", str(SEEDS))
    assert result.exit_code == 0, result.output
    assert result.stdout == ""


def test_fmt_twice_on_a_copy_of_the_seeds_changes_nothing(tmp_path: Path):
    seeds = copy_seeds(tmp_path)
    before = snapshot_bytes(seeds)
    for _ in range(2):
        result = run("fmt", str(seeds))
        assert result.exit_code == 0, result.output
        assert f"reformatted 0 of {len(before)} files" in result.stderr
    assert snapshot_bytes(seeds) == before


def test_fmt_defaults_to_the_seeds_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    seeds = copy_seeds(tmp_path)
    (seeds / "messy.toml").write_text((CASES / "records.in.toml").read_text(encoding="utf-8"))
    monkeypatch.chdir(tmp_path)
    result = run("fmt", "--check")
    assert result.exit_code == 1
    assert result.stdout == "seeds/messy.toml\n"


# -- messy inputs -------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", CASE_NAMES)
def test_messy_input_gets_the_canonical_layout(name: str):
    messy = (CASES / f"{name}.in.toml").read_text(encoding="utf-8")
    expected = (CASES / f"{name}.out.toml").read_text(encoding="utf-8")
    assert format_text(messy) == expected


@pytest.mark.parametrize("name", CASE_NAMES)
def test_messy_input_keeps_its_meaning_and_every_comment(name: str):
    messy = (CASES / f"{name}.in.toml").read_text(encoding="utf-8")
    out = format_text(messy)
    assert meaning(out) == meaning(messy)
    comments = [line.strip() for line in messy.splitlines() if line.strip().startswith("#")]
    for comment in comments:
        assert comment in out


@pytest.mark.parametrize("name", CASE_NAMES)
def test_formatting_is_idempotent_on_every_case(name: str):
    once = format_text((CASES / f"{name}.in.toml").read_text(encoding="utf-8"))
    assert format_text(once) == once


def test_check_sees_the_same_dataset_before_and_after(tmp_path: Path):
    """The clean check case is valid but not canonical (inline roles, string dates, key order)."""
    seeds = copy_seeds(tmp_path, TESTS / "check_cases" / "clean")
    before = check(seeds, display_root=seeds)
    result = run("fmt", str(seeds))
    assert result.exit_code == 0, result.output
    assert "reformatted 3 of 6 files" in result.stderr
    after = check(seeds, display_root=seeds)
    assert before.ok and after.ok

    def dumps(result):
        return {k: [loc.record.model_dump() for loc in result.dataset.of(k)] for k in result.dataset.records}

    assert dumps(after) == dumps(before)


def test_check_flag_lists_files_and_changes_nothing(tmp_path: Path):
    seeds = copy_seeds(tmp_path)
    messy = seeds / "messy.toml"
    messy.write_text((CASES / "arrays.in.toml").read_text(encoding="utf-8"))
    before = snapshot_bytes(seeds)
    result = run("fmt", "--check", str(seeds))
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [str(messy)]
    assert f"would reformat 1 of {len(before)} files" in result.stderr
    assert snapshot_bytes(seeds) == before
    assert run("fmt", str(messy)).exit_code == 0
    assert messy.read_text(encoding="utf-8") == (CASES / "arrays.out.toml").read_text(encoding="utf-8")
    assert run("fmt", "--check", str(seeds)).exit_code == 0


def test_invalid_toml_is_reported_like_check_and_left_untouched(tmp_path: Path):
    seeds = copy_seeds(tmp_path, TESTS / "check_cases" / "toml-syntax")
    bad = seeds / "sources.toml"
    before = bad.read_bytes()
    expected = check(seeds).diagnostics[0].header()  # path:LINE:COL: error[toml-syntax]: ...
    for args in (["fmt", str(seeds)], ["fmt", "--check", str(bad)]):
        result = run(*args)
        assert result.exit_code == 1
        assert expected in result.stderr
        assert bad.read_bytes() == before


def test_a_missing_path_is_an_error(tmp_path: Path):
    result = run("fmt", str(tmp_path / "nowhere.toml"))
    assert result.exit_code == 1
    assert "no such file" in result.stderr


# -- layout details -------------------------------------------------------------------------------------


def test_arrays_up_to_110_columns_stay_on_one_line_and_longer_ones_split():
    fits = 'sources = ["' + "x" * 96 + '"]'  # 110 columns
    assert len(fits) == 110
    assert format_text(f"[[event]]\n{fits}\n") == f"[[event]]\n{fits}\n"
    too_long = 'sources = ["' + "x" * 97 + '"]'
    assert format_text(f"[[event]]\n{too_long}\n") == '[[event]]\nsources = [\n  "' + "x" * 97 + '",\n]\n'


def test_short_multi_line_arrays_are_joined():
    text = '[[event]]\nid = "e"\nsources = [\n  "a",\n  "b",\n]\n'
    assert format_text(text) == '[[event]]\nid = "e"\nsources = ["a", "b"]\n'


def test_two_inline_actors_are_one_per_line_and_one_stays_inline():
    two = format_text('[[event]]\nactors = [{role = "a", id = "x"}, {id = "y"}]\n')
    assert two == '[[event]]\nactors = [\n  { id = "x", role = "a" },\n  { id = "y" },\n]\n'
    one = format_text('[[event]]\nactors = [\n  {id = "x"},\n]\n')
    assert one == '[[event]]\nactors = [{ id = "x" }]\n'


def test_only_day_dates_in_date_fields_become_toml_dates():
    text = '[[source]]\nid = "s"\npublished = "2024-05-14"\nnote = "2024-05-14"\n'
    assert format_text(text) == '[[source]]\nid = "s"\npublished = 2024-05-14\nnote = "2024-05-14"\n'
    for period in ("2024-W20", "2024-05", "2024-Q1", "2024", "2023-03-06..2023-03-07"):
        assert f'date = "{period}"' in format_text(f'[[event]]\ndate = "{period}"\n')


def test_strings_are_basic_with_escapes_and_paragraphs_stay_multi_line():
    text = "[[event]]\ntitle = 'a \"quote\" and \\\\ backslash'\nsummary = '''\nline one\nline \"two\"'''\n"
    out = format_text(text)
    assert 'title = "a \\"quote\\" and \\\\\\\\ backslash"' in out
    assert 'summary = """\nline one\nline "two\\""""' in out
    assert meaning(out) == meaning(text)


def test_crlf_files_come_out_with_plain_newlines():
    assert format_text('[[group]]\r\nid = "g"\r\nname = "G"\r\n') == '[[group]]\nid = "g"\nname = "G"\n'


def test_format_text_refuses_invalid_toml():
    with pytest.raises(FmtError):
        format_text("[[event]\n")


# -- properties ---------------------------------------------------------------------------------------

IDS = st.from_regex(r"[a-z0-9][a-z0-9-]{0,15}", fullmatch=True)
TEXT = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=30)
DAY = st.dates(min_value=date(1990, 1, 1), max_value=date(2030, 12, 31))
PERIOD = st.one_of(DAY, DAY.map(str), st.sampled_from(["2024-W20", "2024-05", "2024-Q1", "2023-03..2024-05"]))
NUMBER = st.one_of(st.integers(-(10**6), 10**6), st.floats(allow_nan=False, allow_infinity=False, width=32))

# Field -> values, by kind; any subset of fields in any order makes a record (fmt does not validate).
FIELDS = {
    "event": {
        "id": IDS,
        "title": TEXT,
        "type": st.sampled_from(["dialogue", "statement"]),
        "date": PERIOD,
        "region": IDS,
        "actors": st.lists(
            st.fixed_dictionaries({"id": IDS}, optional={"role": st.sampled_from(["co-chair", "party"])}),
            max_size=4,
        ),
        "groups": st.lists(IDS, max_size=3),
        "sources": st.lists(IDS, max_size=8),
        "summary": TEXT,
        "extra": NUMBER,
    },
    "source": {
        "id": IDS,
        "kind": st.just("news"),
        "title": TEXT,
        "published": PERIOD,
        "publisher": IDS,
        "cites": st.lists(IDS, max_size=6),
        "note": TEXT,
    },
    "actor": {
        "id": IDS,
        "name": TEXT,
        "kind": st.just("person"),
        "aliases": st.lists(TEXT, max_size=6),
        "roles": st.lists(
            st.fixed_dictionaries(
                {"title": TEXT},
                optional={"organisation": IDS, "attested": st.lists(DAY, max_size=2), "valid_from": DAY},
            ),
            max_size=3,
        ),
    },
    "statistic": {"id": IDS, "value": NUMBER, "period": PERIOD, "sources": st.lists(IDS, max_size=4)},
}

COMMENT_CHARS = string.ascii_letters + string.digits + " -:()"


def _basic(text: str) -> str:
    out = []
    for ch in text:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


class Messy:
    """Writes records as a careless hand would: any key order, both string styles, odd spacing, arrays
    on one or many lines, comments and blank lines anywhere they may go."""

    def __init__(self, data: st.DataObject):
        self.draw = data.draw
        self.comments = 0

    def comment(self) -> str:
        self.comments += 1
        return f"# c{self.comments}: " + self.draw(st.text(COMMENT_CHARS, max_size=10))

    def maybe_comment_lines(self) -> list[str]:
        return [self.comment()] if self.draw(st.booleans()) else []

    def value(self, value) -> str:
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, str):
            literal_ok = "'" not in value and "\n" not in value and all(0x20 <= ord(c) != 0x7F for c in value)
            if literal_ok and self.draw(st.booleans()):
                return f"'{value}'"
            return _basic(value)
        if isinstance(value, date):
            return value.isoformat()
        if isinstance(value, float):
            return repr(value)
        if isinstance(value, int):
            return str(value)
        if isinstance(value, dict):
            items = list(value.items())
            items = self.draw(st.permutations(items)) if items else items
            return "{" + ", ".join(f"{k} = {self.value(v)}" for k, v in items) + "}"
        return self.array(value)

    def array(self, values: list) -> str:
        if not values or self.draw(st.booleans()):
            return "[" + " , ".join(self.value(v) for v in values) + "]"
        lines = ["["]
        for v in values:
            lines.extend("    " + c for c in self.maybe_comment_lines())
            tail = f"  {self.comment()}" if self.draw(st.booleans()) else ""
            lines.append(f"   {self.value(v)},{tail}")
        lines.append("]")
        return "\n".join(lines)

    def record(self, kind: str, record: dict) -> str:
        lines = [f"[[{kind}]]" + (f"  {self.comment()}" if self.draw(st.booleans()) else "")]
        roles = record.pop("roles", None) if self.draw(st.booleans()) else None
        items = list(record.items())
        for key, value in self.draw(st.permutations(items)) if items else items:
            lines.extend(self.maybe_comment_lines())
            space = self.draw(st.sampled_from([" = ", "=", "   =  "]))
            tail = f"  {self.comment()}" if self.draw(st.booleans()) else ""
            lines.append(f"{key}{space}{self.value(value)}{tail}")
            lines.extend([""] * self.draw(st.integers(0, 2)))
        for role in roles or []:
            lines.extend(["", *self.maybe_comment_lines(), "[[actor.roles]]"])
            lines.extend(f"{k} = {self.value(v)}" for k, v in role.items())
        return "\n".join(lines)


@st.composite
def messy_files(draw: st.DrawFn) -> tuple[str, int]:
    messy = Messy(draw(st.data()))
    parts = messy.maybe_comment_lines()
    for kind in draw(st.lists(st.sampled_from(sorted(FIELDS)), max_size=4)):
        record = draw(st.fixed_dictionaries({}, optional=FIELDS[kind]))
        parts.append("\n" * draw(st.integers(0, 2)) + messy.record(kind, record))
        parts.extend(messy.maybe_comment_lines())
    return "\n".join(parts) + "\n", messy.comments


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(messy_files())
def test_property_fmt_is_idempotent_keeps_meaning_and_comments(case: tuple[str, int]):
    text, comments = case
    out = format_text(text)
    assert format_text(out) == out
    assert meaning(out) == meaning(text)
    for n in range(1, comments + 1):
        assert out.count(f"# c{n}:") == 1


@settings(max_examples=100, deadline=None)
@given(
    st.sampled_from(sorted(FIELDS)).flatmap(lambda k: st.tuples(st.just(k), st.fixed_dictionaries(FIELDS[k])))
)
def test_property_new_records_are_written_canonical(case: tuple[str, dict]):
    kind, record = case
    text = render_record(kind, record)
    assert format_text(text) == text
    assert meaning(text) == meaning(_toml_of(kind, record))


def _toml_of(kind: str, record: dict) -> str:
    """The record through tomlkit, an independent writer, for comparing meanings."""
    import tomlkit

    return tomlkit.dumps({kind: [record]})
