"""Properties of `ctl check` and of the date reader: whatever a seed file holds, check() reports it and never
raises, and every position it reports lies inside the file.

The inputs include what once crashed or misplaced positions: dates in year 9999 (an OverflowError),
and the line breaks that only str.splitlines() knows (U+2028 and friends). Arrays nested a thousand
deep are too slow to generate here; tests/test_check.py covers them.
"""

from __future__ import annotations

import math
import string
import tempfile
from datetime import date
from pathlib import Path
from typing import get_args

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ctl.check import check
from ctl.dates import PRECISIONS, DateError, Period, parse_period
from ctl.model import EVENT_TYPES, KINDS, MEASURES, QUALIFIERS, Role

SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def run_check(content: str | bytes):
    """Write one seed file into a fresh folder and check it."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        data = content if isinstance(content, bytes) else content.encode("utf-8")
        (folder / "seed.toml").write_bytes(data)
        return check(folder, display_root=folder)


def assert_positions_inside(result, text: str) -> None:
    n_lines = text.count("\n") + 1
    for d in result.diagnostics:
        assert d.path == "seed.toml"
        assert 1 <= d.line <= n_lines + 1, d
        assert d.col >= 1, d
        assert d.code and d.message


# -- (a) arbitrary text -------------------------------------------------------------------------------


@SETTINGS
@given(st.text())
def test_check_never_raises_on_arbitrary_text(text: str):
    result = run_check(text)
    for d in result.diagnostics:
        assert d.line >= 1
        assert d.col >= 1
    assert result.ok == (not result.diagnostics)


@SETTINGS
@given(st.binary())
def test_check_never_raises_on_arbitrary_bytes(data: bytes):
    result = run_check(data)
    assert all(d.line >= 1 and d.col >= 1 for d in result.diagnostics)


# -- (b) TOML-ish documents ---------------------------------------------------------------------------

FIELDS = sorted({name for model in KINDS.values() for name in model.model_fields} | {"title", "valid_to"})
IDS = ["a", "b", "pk", "kp", "s", "news-1", "A B", "", "ttp"]
safe_chars = st.characters(blacklist_categories=("Cs",))
# A literal string ('...') has no escapes: no quote, no control characters.
# U+2028 and friends are allowed: only \n ends a TOML line (str.splitlines would break there too).
literal_chars = st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="'")


def basic_string(s: str) -> str:
    out = []
    for ch in s:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def toml_float(f: float) -> str:
    if math.isnan(f):
        return "nan"
    if math.isinf(f):
        return "inf" if f > 0 else "-inf"
    return repr(f)


def period_strings(years: st.SearchStrategy[int], quarters: st.SearchStrategy[int]):
    """Text in one of the date forms, with fields that may be out of range (month 13, week 54 ...)."""
    return st.builds(
        lambda y, m, d, w, q, form: {
            "day": f"{y:04d}-{m:02d}-{d:02d}",
            "week": f"{y:04d}-W{w:02d}",
            "month": f"{y:04d}-{m:02d}",
            "quarter": f"{y:04d}-Q{q}",
            "year": f"{y:04d}",
        }[form],
        years,
        st.integers(0, 13),
        st.integers(0, 32),
        st.integers(0, 54),
        quarters,
        st.sampled_from(PRECISIONS),
    )


periods = period_strings(st.integers(1900, 2100), st.integers(1, 4))
period_texts = st.one_of(periods, st.builds(lambda a, b: f"{a}..{b}", periods, periods))

scalars = st.one_of(
    st.sampled_from(IDS).map(basic_string),
    period_texts.map(basic_string),
    st.text(safe_chars, max_size=20).map(basic_string),
    st.text(literal_chars, max_size=20).map(lambda s: f"'{s}'"),
    st.sampled_from(
        ['"""\n[[event]]\nid = "x"\n"""', "'''\n[[statistic.roles]]\nkey = 1'''", '""" a # not a comment """']
    ),
    st.integers(-(10**6), 10**6).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(toml_float),
    st.booleans().map(lambda b: str(b).lower()),
    st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)).map(date.isoformat),
)

keys = st.one_of(st.sampled_from(FIELDS), st.from_regex(r"[a-z_][a-z0-9_-]{0,8}", fullmatch=True))


def _inline_table(pairs: list[tuple[str, str]]) -> str:
    return "{ " + ", ".join(f"{k} = {v}" for k, v in pairs) + " }" if pairs else "{}"


def _array(items: list[str], multiline: bool) -> str:
    if multiline:
        return "[\n" + "".join(f"  {item},  # element\n" for item in items) + "]"
    return "[" + ", ".join(items) + "]"


values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.builds(_array, st.lists(inner, max_size=4), st.booleans()),
        st.builds(_inline_table, st.lists(st.tuples(keys, inner), max_size=3)),
    ),
    max_leaves=8,
)


def _choice(options) -> st.SearchStrategy[str]:
    return st.sampled_from(list(options)).map(basic_string)


id_values = _choice(IDS)
id_arrays = st.builds(_array, st.lists(id_values, max_size=3), st.booleans())
name_values = _choice(["TTP", "Da'ish", "Da’ish", "da ish", "Pakistan", "KP", "Islamabad", "  ", "x"])
day_values = st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)).map(date.isoformat)

# Every `kind` value of every record kind, and one that no kind allows.
RECORD_SUBKINDS = sorted(
    {
        v
        for model in KINDS.values()
        if "kind" in model.model_fields
        for v in get_args(model.model_fields["kind"].annotation)
    }
    | {"blog"}
)

# A plausible value for each field name, so that most records pass the schema and reach the later stages.
FIELD_VALUES: dict[str, st.SearchStrategy[str]] = {
    "id": id_values,
    "kind": _choice(RECORD_SUBKINDS),
    "type": _choice([*EVENT_TYPES, "dialog"]),
    "measure": _choice([*MEASURES, "deaths"]),
    "unit": _choice(["count", "percent", "percent", "ratio"]),
    "qualifier": _choice([*QUALIFIERS, "roughly"]),
    "value": st.one_of(st.integers(-5, 600).map(str), st.sampled_from(["50.5", "100", "101", "nan", "inf"])),
    "date": period_texts.map(basic_string),
    "period": st.sampled_from(["2024-Q1", "2024-Q1", "2023"]).map(basic_string)
    | period_texts.map(basic_string),
    "published": st.one_of(period_texts.map(basic_string), day_values),
    "valid_from": day_values,
    "valid_to": day_values,
    "attested": st.builds(_array, st.lists(day_values, max_size=2), st.booleans()),
    "aliases": st.builds(_array, st.lists(name_values, max_size=3), st.booleans()),
    "actors": st.builds(
        _array,
        st.lists(
            st.builds(
                lambda i, r: _inline_table([("id", i), *r]),
                id_values,
                st.lists(st.tuples(st.just("role"), name_values), max_size=1),
            ),
            max_size=2,
        ),
        st.booleans(),
    ),
    "roles": st.builds(
        _array,
        st.lists(
            st.builds(
                lambda t, o: _inline_table([("title", t), ("organisation", o)]), name_values, id_values
            ),
            max_size=2,
        ),
        st.booleans(),
    ),
}
for _name in ("region", "parent", "publisher", "report", "of", "organisation"):
    FIELD_VALUES[_name] = id_values
for _name in ("members", "cites", "groups", "sources"):
    FIELD_VALUES[_name] = id_arrays


@st.composite
def entries(draw, fields: list[str]) -> list[tuple[str, str]]:
    """Most of a kind's fields with plausible values, plus a few random keys with random values."""
    out = [
        (name, draw(FIELD_VALUES.get(name, name_values))) for name in fields if draw(st.integers(0, 9)) > 0
    ]
    taken = {k for k, _ in out}
    for key, value in draw(st.lists(st.tuples(keys, values), max_size=2)):
        if key not in taken:
            taken.add(key)
            out.append((key, value))
    return out


kinds = st.sampled_from([*KINDS, "evnt", "misc"])
ROLE_FIELDS = list(Role.model_fields)


@st.composite
def records(draw) -> str:
    kind = draw(kinds)
    header = draw(st.sampled_from(["[[{k}]]", "[[{k}]]", "[[{k}]]", "[{k}]", '[[ "{k}" ]]'])).format(k=kind)
    fields = [
        f for f in (list(KINDS[kind].model_fields) if kind in KINDS else ["id", "name"]) if f != "roles"
    ]
    lines = [header]
    for key, value in draw(entries(fields)):
        lines.append(f"{key} = {value}")
        if draw(st.integers(0, 9)) == 0:
            lines.append("# a comment with [[event]] and id = 1")
    if kind == "actor" and draw(st.booleans()):
        lines.append(f"roles = {draw(FIELD_VALUES['roles'])}")
    else:
        for _ in range(draw(st.integers(0, 2))):
            lines.append(f"\n[[{kind}.roles]]")
            lines.extend(f"{k} = {v}" for k, v in draw(entries(ROLE_FIELDS)))
    return "\n".join(lines)


documents = st.lists(records(), max_size=6).map(lambda rs: "\n\n".join(rs) + "\n")


@SETTINGS
@given(documents)
def test_check_never_raises_on_toml_like_documents(text: str):
    result = run_check(text)
    assert_positions_inside(result, text)
    for kind in KINDS:
        assert all(loc.line >= 1 for loc in result.dataset.of(kind))


@settings(SETTINGS, max_examples=60)
@given(documents, documents)
def test_check_of_two_files_reports_each_at_a_line_inside_it(first: str, second: str):
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        texts = {"a.toml": first, "b.toml": second}
        for name, text in texts.items():
            (folder / name).write_text(text, encoding="utf-8", newline="")
        result = check(folder, display_root=folder)
    for d in result.diagnostics:
        assert d.path in texts
        assert 1 <= d.line <= texts[d.path].count("\n") + 2
        assert d.col >= 1
    assert result.diagnostics == sorted(result.diagnostics)


# -- (c) the date reader ------------------------------------------------------------------------------

date_like = st.one_of(
    st.text(),
    st.text(alphabet=string.digits + "-WQwq. ", max_size=24),
    period_strings(st.integers(0, 9999), st.integers(0, 5)),
)


@SETTINGS
@given(st.one_of(date_like, st.builds(lambda a, b: f"{a}..{b}", date_like, date_like)))
def test_parse_period_returns_a_period_or_raises_date_error(text: str):
    try:
        period = parse_period(text)
    except DateError as exc:
        assert str(exc)
        return
    assert isinstance(period, Period)
    assert period.precision in PRECISIONS
    if ".." not in text:
        assert period.start <= period.end


@SETTINGS
@given(periods, periods)
def test_range_takes_the_coarser_precision_of_its_ends(left: str, right: str):
    try:
        a, b = parse_period(left), parse_period(right)
    except DateError:
        return
    joined = parse_period(f"{left}..{right}")
    assert (joined.start, joined.end) == (a.start, b.end)
    assert joined.precision == max(a.precision, b.precision, key=PRECISIONS.index)
