"""`ctl check` end to end: one reproducer per error code, every error at once, and the bundled seeds.

Each folder under tests/check_cases/ is a tiny seed set. A folder named after an error code holds exactly
one error of that code; `clean/` is valid and uses every record kind; `multiple/` holds several errors
across two files. The CLI runs from the repository root so that the printed paths are relative and stable.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ctl.check import HINTS, check
from ctl.cli import app
from ctl.diagnostics import Diagnostic
from ctl.model import KINDS

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
CASES = TESTS / "check_cases"
CASES_REL = CASES.relative_to(REPO)

# Folders under check_cases/ that are not named after an error code.
EXTRA_CASES = {"clean", "multiple"}

# code -> (file in the case folder, line, col, the text that starts at that line and col, message)
EXPECTED: dict[str, tuple[str, int, int, str, str]] = {
    "toml-syntax": ("sources.toml", 3, 8, "news", "invalid TOML: Invalid value"),
    "structure": (
        "sources.toml",
        2,
        1,
        "[source]",
        "'source' must be an array of tables, written [[source]]",
    ),
    "unknown-kind": (
        "events.toml",
        1,
        1,
        "[[evnt]]",
        "unknown record kind 'evnt' (did you mean [[event]]?)",
    ),
    "missing-field": ("groups.toml", 1, 1, "[[group]]", "[[group]] lacks required field `name`"),
    "unknown-field": (
        "groups.toml",
        4,
        1,
        "alias =",
        "[[group]] has no field `alias` (did you mean `aliases`?)",
    ),
    "invalid-value": (
        "regions.toml",
        5,
        18,
        '"Balochistan"',
        "`members.1`: String should match pattern '^[a-z0-9][a-z0-9._-]*$'",
    ),
    "duplicate-id": (
        "groups.toml",
        6,
        6,
        '"ttp"',
        f"group id 'ttp' is already used at {CASES_REL}/duplicate-id/groups.toml:1",
    ),
    "alias-clash": (
        "groups.toml",
        9,
        18,
        '"Da’ish"',
        f"'Da’ish' also names group 'isis-k' ({CASES_REL}/alias-clash/groups.toml:1)",
    ),
    "unknown-ref": (
        "regions.toml",
        10,
        10,
        '"pakistn"',
        "`parent` names region 'pakistn', which does not exist (did you mean 'pakistan'?)",
    ),
    "no-source": ("events.toml", 12, 11, "[]", "event '2023-03-dialogue' cites no source"),
    "region-cycle": (
        "regions.toml",
        5,
        10,
        '"south"',
        "region parents form a cycle: north -> south -> north",
    ),
    "date-order": (
        "sources.toml",
        4,
        13,
        '"2024-05..2024-03"',
        "`published` ends (2024-03-31) before it starts (2024-05-01)",
    ),
    "value-range": (
        "statistics.toml",
        22,
        9,
        "151",
        "statistic 'q1-fatalities-kp' has a percentage above 100 (151)",
    ),
    "shares-exceed": (
        "statistics.toml",
        38,
        9,
        "50",
        "shares of fatalities in report-q1 (2024-Q1) sum to 110% (kp 60, balochistan 50)",
    ),
    "part-exceeds-whole": (
        "statistics.toml",
        33,
        9,
        "481",
        "statistic 'q1-fatalities-civilians' (481) is larger than its whole 'q1-fatalities' (432)",
    ),
    "share-mismatch": (
        "statistics.toml",
        40,
        6,
        '"q1-fatalities"',
        "statistic 'q1-injuries-kp' (injuries, 2024-Q1) is a part of 'q1-fatalities' "
        "(count of fatalities, 2024-Q1)",
    ),
    "import-missing": (
        "imports.toml",
        4,
        8,
        '"import-missing/acled-gone.csv"',
        "import 'acled-gone': import-missing/acled-gone.csv does not exist",
    ),
    "import-changed": (
        "imports.toml",
        6,
        10,
        '"1111111111111111111111111111111111111111111111111111111111111111"',
        "import 'acled-tiny': import-changed/acled-tiny.csv has changed since it was imported "
        "(sha256 07473b896cd5..., recorded 111111111111...)",
    ),
}

CODES = sorted(HINTS)


@pytest.fixture
def at_repo_root(monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(REPO)
    monkeypatch.delenv("CTL_SEEDS", raising=False)
    return REPO


def run_check(*args: str):
    return CliRunner().invoke(app, ["check", *args])


def case_dir(name: str) -> str:
    """The case folder relative to the repository root, as the CLI is given it."""
    return str(CASES_REL / name)


# -- one reproducer per code --------------------------------------------------------------------------


def test_every_code_has_an_expected_location_and_no_stale_entries():
    assert set(EXPECTED) == set(HINTS)


def test_case_folders_are_codes_or_known_extras():
    folders = {p.name for p in CASES.iterdir() if p.is_dir()}
    assert folders - set(HINTS) == EXTRA_CASES


@pytest.mark.parametrize("code", CODES)
def test_every_code_has_a_reproducer_folder(code: str):
    folder = CASES / code
    assert folder.is_dir(), f"error code {code!r} has no reproducer in {folder}"
    assert sorted(folder.glob("*.toml")), f"{folder} holds no .toml seed file"


@pytest.mark.parametrize("code", CODES)
def test_fixture_position_points_at_the_offending_token(code: str):
    file, line, col, token, _ = EXPECTED[code]
    text = (CASES / code / file).read_text(encoding="utf-8").splitlines()[line - 1]
    assert text[col - 1 :].startswith(token)


@pytest.mark.parametrize("code", CODES)
def test_check_reports_the_code_at_its_position(code: str, at_repo_root: Path, snapshot):
    file, line, col, _, message = EXPECTED[code]
    result = run_check("--seeds", case_dir(code))

    assert result.exit_code == 1, result.output
    headers = [ln for ln in result.output.splitlines() if ": error[" in ln]
    assert headers[0] == f"{case_dir(code)}/{file}:{line}:{col}: error[{code}]: {message}"
    assert len(headers) == 1, "a reproducer holds exactly one error"
    assert result.output.splitlines()[-1].startswith("1 error in ")
    assert result.output == snapshot


@pytest.mark.parametrize("code", CODES)
def test_text_excerpt_shows_the_line_with_a_caret_under_the_column(code: str, at_repo_root: Path):
    file, line, col, _, _ = EXPECTED[code]
    source_line = (CASES / code / file).read_text(encoding="utf-8").splitlines()[line - 1]
    lines = run_check("--seeds", case_dir(code)).output.splitlines()

    gutter = f"{line} | "
    assert lines[1] == f"  {gutter}{source_line}"
    assert lines[2] == "  " + " " * len(gutter) + " " * (col - 1) + "^"
    assert lines[3] == f"  = hint: {HINTS[code]}"


@pytest.mark.parametrize("code", CODES)
def test_check_json_reports_the_code_at_its_position(code: str, at_repo_root: Path):
    file, line, col, _, message = EXPECTED[code]
    result = run_check("--seeds", case_dir(code), "--json")

    assert result.exit_code == 1
    items = json.loads(result.stdout)
    assert isinstance(items, list)
    assert len(items) == 1
    first = items[0]
    assert {"path", "line", "col", "code", "message"} <= set(first)
    assert first["path"] == f"{case_dir(code)}/{file}"
    assert (first["line"], first["col"]) == (line, col)
    assert first["code"] == code
    assert first["message"] == message
    assert first["hint"] == HINTS[code]
    assert first["severity"] == "error"


@pytest.mark.parametrize("code", CODES)
def test_json_and_text_report_the_same_diagnostics(code: str, at_repo_root: Path):
    items = json.loads(run_check("--seeds", case_dir(code), "--json").stdout)
    text = run_check("--seeds", case_dir(code)).output
    headers = [ln for ln in text.splitlines() if ": error[" in ln]
    assert headers == [
        f"{d['path']}:{d['line']}:{d['col']}: error[{d['code']}]: {d['message']}" for d in items
    ]


# -- every error, not the first -----------------------------------------------------------------------

MULTIPLE = [
    ("events.toml", 9, 8, "invalid-value"),
    ("events.toml", 12, 12, "unknown-ref"),  # the record with a bad `type` still has its references checked
    ("events.toml", 19, 8, "date-order"),
    ("events.toml", 20, 10, "unknown-ref"),
    ("events.toml", 21, 21, "unknown-ref"),
    ("events.toml", 22, 11, "no-source"),
    ("groups.toml", 4, 1, "unknown-field"),
    ("groups.toml", 11, 6, "duplicate-id"),
]


def test_every_error_in_every_file_is_reported_in_order(at_repo_root: Path):
    result = run_check("--seeds", case_dir("multiple"), "--json")

    assert result.exit_code == 1
    items = json.loads(result.stdout)
    found = [(Path(d["path"]).name, d["line"], d["col"], d["code"]) for d in items]
    assert found == MULTIPLE
    keys = [(d["path"], d["line"], d["col"], d["code"], d["message"]) for d in items]
    assert keys == sorted(keys)


def test_every_error_text_output_ends_with_the_count(at_repo_root: Path, snapshot):
    result = run_check("--seeds", case_dir("multiple"))

    assert result.exit_code == 1
    assert sum(": error[" in ln for ln in result.output.splitlines()) == len(MULTIPLE)
    assert result.output.splitlines()[-1] == f"{len(MULTIPLE)} errors in 2 files"
    assert result.output == snapshot


def test_check_api_matches_the_cli_for_several_errors():
    result = check(CASES / "multiple", display_root=REPO)

    assert not result.ok
    assert all(isinstance(d, Diagnostic) for d in result.diagnostics)
    assert [d.code for d in result.diagnostics] == [code for *_, code in MULTIPLE]
    assert result.diagnostics == sorted(result.diagnostics)
    assert result.summary() == f"{len(MULTIPLE)} errors in 2 files"


# -- the happy path -----------------------------------------------------------------------------------


def test_clean_case_passes_with_one_summary_line(at_repo_root: Path):
    result = run_check("--seeds", case_dir("clean"))

    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "ok: 6 files, 2 sources, 5 actors, 2 groups, 4 regions, 2 events, 5 statistics"
    ]


def test_clean_case_uses_every_kind_and_both_role_forms():
    result = check(CASES / "clean", display_root=REPO)

    assert result.ok
    assert result.diagnostics == []
    assert all(result.dataset.of(kind) for kind in KINDS)
    actors = {loc.record.id: loc.record for loc in result.dataset.of("actor")}
    assert [r.title for r in actors["envoy"].roles] == [
        "Additional Secretary",
        "Additional Foreign Secretary",
    ]
    assert [r.title for r in actors["spokesperson"].roles] == ["Spokesperson", "Director General"]
    roles_file = (CASES / "clean" / "actors.toml").read_text(encoding="utf-8")
    assert "[[actor.roles]]" in roles_file
    assert "roles = [" in roles_file


def test_clean_case_json_is_an_empty_list(at_repo_root: Path):
    result = run_check("--seeds", case_dir("clean"), "--json")

    assert result.exit_code == 0
    assert json.loads(result.stdout) == []


@pytest.mark.parametrize("args", [(), ("--seeds", "seeds")], ids=["nearest-seeds", "explicit-seeds"])
def test_bundled_seeds_pass_with_one_ok_line(args: tuple[str, ...], at_repo_root: Path):
    result = run_check(*args)

    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("ok:")


def test_missing_seeds_folder_is_a_structure_error(at_repo_root: Path, tmp_path: Path):
    missing = tmp_path / "nowhere"
    result = run_check("--seeds", str(missing), "--json")

    assert result.exit_code == 1
    [item] = json.loads(result.stdout)
    assert (item["path"], item["line"], item["col"], item["code"]) == (str(missing), 1, 1, "structure")


def test_hidden_files_and_folders_are_not_checked(tmp_path: Path):
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "bad.toml").write_text("not toml at all = = =\n", encoding="utf-8")
    (tmp_path / ".bad.toml").write_text("[[nonsense]]\n", encoding="utf-8")

    result = check(tmp_path)

    assert result.ok
    assert result.dataset.files == []


def test_errors_in_a_record_do_not_hide_errors_in_the_next(tmp_path: Path):
    (tmp_path / "groups.toml").write_text(
        '[[group]]\nid = "A"\nname = "A"\n\n[[group]]\nid = "b"\nnmae = "B"\n', encoding="utf-8"
    )

    result = check(tmp_path, display_root=tmp_path)

    assert [(d.line, d.col, d.code) for d in result.diagnostics] == [
        (2, 6, "invalid-value"),
        (5, 1, "missing-field"),
        (7, 1, "unknown-field"),
    ]


def test_role_dates_out_of_order_point_at_valid_to(tmp_path: Path):
    (tmp_path / "actors.toml").write_text(
        '[[actor]]\nid = "a"\nname = "A"\nkind = "person"\n\n'
        '[[actor.roles]]\ntitle = "Envoy"\nvalid_from = 2024-01-01\nvalid_to = 2023-01-01\n',
        encoding="utf-8",
    )

    [diag] = check(tmp_path, display_root=tmp_path).diagnostics

    assert (diag.line, diag.col, diag.code) == (9, 12, "date-order")
    assert "'Envoy'" in diag.message


# -- bugs found in files other than the tests ---------------------------------------------------------


def test_summary_counts_files_with_syntax_errors():
    result = check(CASES / "toml-syntax", display_root=REPO)

    assert result.summary().startswith("1 error in 1 file")


def test_id_with_surrounding_spaces_does_not_break_references_to_it(tmp_path: Path):
    (tmp_path / "seeds.toml").write_text(
        '[[source]]\nid = "s"\nkind = "news"\n\n'
        '[[region]]\nid = "pk"\nname = "Pakistan"\nkind = "country"\n\n'
        '[[group]]\nid = " ttp "\nname = "TTP"\n\n'
        '[[event]]\nid = "e"\ntitle = "T"\ntype = "other"\ndate = "2024"\nregion = "pk"\n'
        'groups = ["ttp"]\nsources = ["s"]\nsummary = "x"\n',
        encoding="utf-8",
    )

    codes = [d.code for d in check(tmp_path, display_root=tmp_path).diagnostics]

    assert "unknown-ref" not in codes


def test_week_past_the_last_representable_day_is_an_invalid_value(tmp_path: Path):
    (tmp_path / "sources.toml").write_text(
        '[[source]]\nid = "s"\nkind = "news"\npublished = "9999-W52"\n', encoding="utf-8"
    )

    [diag] = check(tmp_path, display_root=tmp_path).diagnostics

    assert (diag.line, diag.code) == (4, "invalid-value")


def test_deeply_nested_array_is_reported_not_raised(tmp_path: Path):
    (tmp_path / "deep.toml").write_text("x = " + "[" * 3000 + "]" * 3000 + "\n", encoding="utf-8")

    result = check(tmp_path, display_root=tmp_path)

    assert not result.ok
    assert result.diagnostics[0].path == "deep.toml"
