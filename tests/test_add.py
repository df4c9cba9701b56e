"""`ctl add`: one checked, canonical record appended to its seed file, and nothing else changed.

Every test works on a copy of the bundled seeds in a temporary folder; the acceptance test makes that
copy a git repository so that `git diff` can show exactly what `ctl add` wrote.
"""

from __future__ import annotations

import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ctl import add as adding
from ctl.cli import app
from ctl.fmt import format_text

SEEDS = Path(__file__).resolve().parent.parent / "seeds"

EVENT = [
    "add", "event",
    "--id", "2024-06-test-talks",
    "--title", "Pakistan-US follow-up talks on border security",
    "--type", "meeting",
    "--date", "2024-06-03..2024-06-04",
    "--region", "islamabad",
    "--location", "Islamabad",
    "--summary", "A follow-up meeting on border-security training, in our own words.",
    "--source", "news-baabar-2024-05-14",
    "--source", "news-webdesk-2024-05-13",
    "--group", "ttp",
    "--actor", "syed-haider-shah:co-chair",
    "--actor", "united-states:party",
]  # fmt: skip


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the seeds in tmp_path/seeds, with tmp_path as the working directory."""
    shutil.copytree(SEEDS, tmp_path / "seeds")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def ctl(*args: str, input: str | None = None):
    return CliRunner().invoke(app, list(args), input=input)


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True).stdout


def files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*.toml"))}


# -- acceptance -----------------------------------------------------------------------------------------


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_acceptance_added_event_is_checked_listed_and_the_only_change(project: Path):
    git(project, "init", "-q")
    git(project, "add", "seeds")
    git(project, "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qm", "seeds")

    result = ctl(*EVENT, "--seeds", "seeds")
    assert result.exit_code == 0, result.output
    events = project / "seeds" / "events.toml"
    line = len((SEEDS / "events.toml").read_text(encoding="utf-8").splitlines()) + 2
    assert result.stdout == f"added event '2024-06-test-talks' at seeds/events.toml:{line}\n"
    assert events.read_text(encoding="utf-8").splitlines()[line - 1] == "[[event]]"

    check = ctl("check", "--seeds", "seeds")
    assert check.exit_code == 0, check.output
    events_before = len(tomllib.loads((SEEDS / "events.toml").read_text(encoding="utf-8"))["event"])
    assert f"{events_before + 1} events" in check.stdout

    timeline = ctl("timeline", "--seeds", "seeds", "--db", str(project / "ctl.duckdb"), "--since", "2024-06")
    assert timeline.exit_code == 0, timeline.output
    assert "Pakistan-US follow-up talks on border security" in timeline.stdout

    diff = git(project, "diff", "--unified=0", "--no-color")
    changed = [line for line in diff.splitlines() if line[:1] in "+-" and not line.startswith(("+++", "---"))]
    assert changed and all(line.startswith("+") for line in changed), diff
    assert git(project, "diff", "--name-only").split() == ["seeds/events.toml"]
    assert ctl("fmt", "--check", "seeds").exit_code == 0


def test_the_new_record_is_canonical_and_says_what_the_flags_said(project: Path):
    before = (project / "seeds" / "events.toml").read_text(encoding="utf-8")
    assert ctl(*EVENT, "--seeds", "seeds").exit_code == 0
    after = (project / "seeds" / "events.toml").read_text(encoding="utf-8")
    assert after.startswith(before)
    added = after[len(before) :]
    assert added == (
        "\n"
        "[[event]]\n"
        'id = "2024-06-test-talks"\n'
        'title = "Pakistan-US follow-up talks on border security"\n'
        'type = "meeting"\n'
        'date = "2024-06-03..2024-06-04"\n'
        'location = "Islamabad"\n'
        'region = "islamabad"\n'
        "actors = [\n"
        '  { id = "syed-haider-shah", role = "co-chair" },\n'
        '  { id = "united-states", role = "party" },\n'
        "]\n"
        'groups = ["ttp"]\n'
        'sources = ["news-baabar-2024-05-14", "news-webdesk-2024-05-13"]\n'
        'summary = "A follow-up meeting on border-security training, in our own words."\n'
    )
    assert format_text(after) == after


# -- refusals: nothing is written -----------------------------------------------------------------------


def test_missing_fields_without_a_terminal_are_listed(project: Path):
    before = files(project / "seeds")
    result = ctl("add", "event", "--title", "Talks", "--seeds", "seeds")
    assert result.exit_code == 2
    assert "a new event needs --type, --date, --region, --source, --summary, --id" in result.stderr
    assert files(project / "seeds") == before


def test_duplicate_id_is_refused(project: Path):
    before = files(project / "seeds")
    args = [a if a != "2024-06-test-talks" else "2024-05-pk-us-ct-dialogue" for a in EVENT]
    result = ctl(*args, "--seeds", "seeds")
    assert result.exit_code == 1
    line = (
        (SEEDS / "events.toml")
        .read_text(encoding="utf-8")
        .splitlines()
        .index('id = "2024-05-pk-us-ct-dialogue"')
    )
    assert f"event '2024-05-pk-us-ct-dialogue' already exists at seeds/events.toml:{line}" in result.stderr
    assert files(project / "seeds") == before


def test_an_unknown_reference_is_refused_with_checks_diagnostic(project: Path):
    before = files(project / "seeds")
    args = [a if a != "islamabad" else "islamabd" for a in EVENT]
    result = ctl(*args, "--seeds", "seeds")
    assert result.exit_code == 1
    assert "error[unknown-ref]: `region` names region 'islamabd'" in result.stderr
    assert "(did you mean 'islamabad'?)" in result.stderr
    assert files(project / "seeds") == before


@pytest.mark.parametrize(
    ("flag", "bad", "message"),
    [
        ("--date", "2024-13", "date: '2024-13' is not a real date"),
        ("--type", "dialog", "type: 'dialog' is not one of"),
        ("--id", "Not An Id", "id: String should match pattern"),
    ],
)
def test_an_invalid_value_is_refused(project: Path, flag: str, bad: str, message: str):
    before = files(project / "seeds")
    args = list(EVENT)
    args[args.index(flag) + 1] = bad
    result = ctl(*args, "--seeds", "seeds")
    assert result.exit_code == 1
    assert message in result.stderr
    assert files(project / "seeds") == before


def test_a_share_that_overflows_its_total_is_refused_by_the_consistency_checks(project: Path):
    result = ctl(
        "add", "statistic", "--id", "crss-2024q1-fatalities-punjab", "--publisher", "crss",
        "--report", "report-crss-q1-2024", "--period", "2024-Q1", "--region", "punjab",
        "--measure", "fatalities", "--value", "30", "--unit", "percent", "--of", "crss-2024q1-fatalities-pk",
        "--source", "news-webdesk-2024-05-13", "--seeds", "seeds",
    )  # fmt: skip
    assert result.exit_code == 1
    assert "error[shares-exceed]" in result.stderr


def test_a_flag_of_another_kind_is_a_usage_error(project: Path):
    result = ctl(*EVENT, "--outlet", "Dawn", "--seeds", "seeds")
    assert result.exit_code == 2
    assert "--outlet does not apply to event records" in result.stderr


def test_unknown_kind_and_unknown_field_name_suggest_the_right_one(project: Path):
    kind = ctl("add", "evnt", "--seeds", "seeds")
    assert kind.exit_code == 2
    assert "did you mean 'event'?" in kind.stderr
    field = ctl(*EVENT, "--field", "sumary=x", "--seeds", "seeds")
    assert field.exit_code == 2
    assert "did you mean 'summary'?" in field.stderr


def test_file_outside_the_seeds_folder_is_refused(project: Path):
    result = ctl(*EVENT, "--file", "elsewhere.toml", "--seeds", "seeds")
    assert result.exit_code == 2
    assert "is not inside the seeds folder" in result.stderr


# -- every kind -----------------------------------------------------------------------------------------


def _added(project: Path, path: str) -> str:
    return format_text((project / path).read_text(encoding="utf-8"))


def test_add_source_with_a_day_writes_a_toml_date(project: Path):
    result = ctl(
        "add", "source", "--id", "news-dawn-2024-06-04", "--kind", "news", "--outlet", "Dawn",
        "--title", "Talks resume", "--byline", "A Reporter", "--published", "2024-06-04",
        "--cite", "stmt-joint-2024-05-13", "--seeds", "seeds",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    text = (project / "seeds" / "sources.toml").read_text(encoding="utf-8")
    assert text.endswith(
        '\n\n[[source]]\nid = "news-dawn-2024-06-04"\nkind = "news"\noutlet = "Dawn"\n'
        'title = "Talks resume"\nbyline = "A Reporter"\npublished = 2024-06-04\n'
        'cites = ["stmt-joint-2024-05-13"]\n'
    )
    assert ctl("check", "--seeds", "seeds").exit_code == 0


def test_add_statistic_reads_the_value_as_a_number(project: Path):
    result = ctl(
        "add", "statistic", "--id", "crss-2024q1-fatalities-punjab", "--publisher", "crss",
        "--report", "report-crss-q1-2024", "--period", "2024-Q1", "--region", "punjab",
        "--measure", "fatalities", "--value", "5", "--unit", "percent", "--qualifier", "about",
        "--of", "crss-2024q1-fatalities-pk", "--source", "news-webdesk-2024-05-13", "--seeds", "seeds",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    data = tomllib.loads((project / "seeds" / "statistics.toml").read_text(encoding="utf-8"))
    assert data["statistic"][-1]["value"] == 5
    assert data["statistic"][-1]["period"] == "2024-Q1"
    assert ctl("check", "--seeds", "seeds").exit_code == 0


def test_add_actor_with_roles_through_field_writes_role_sub_tables(project: Path):
    result = ctl(
        "add", "actor", "--id", "new-envoy", "--name", "A New Envoy", "--kind", "person",
        "--alias", "Envoy, the", "--field",
        'roles=[{ title = "Special Envoy", organisation = "pk-mofa", attested = [2024-06-04] }]',
        "--seeds", "seeds",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    text = (project / "seeds" / "actors.toml").read_text(encoding="utf-8")
    assert text.endswith(
        '\n\n[[actor]]\nid = "new-envoy"\nname = "A New Envoy"\nkind = "person"\naliases = ["Envoy, the"]\n'
        '\n[[actor.roles]]\ntitle = "Special Envoy"\norganisation = "pk-mofa"\nattested = [2024-06-04]\n'
    )
    assert ctl("check", "--seeds", "seeds").exit_code == 0


def test_add_group_and_region(project: Path):
    group = ctl(
        "add", "group", "--id", "lej", "--name", "LeJ", "--full-name", "Lashkar-e-Jhangvi", "--seeds", "seeds"
    )
    assert group.exit_code == 0, group.output
    region = ctl(
        "add", "region", "--id", "peshawar", "--name", "Peshawar", "--kind", "city", "--parent", "kp",
        "--seeds", "seeds",
    )  # fmt: skip
    assert region.exit_code == 0, region.output
    assert ctl("check", "--seeds", "seeds").exit_code == 0
    assert ctl("fmt", "--check", "seeds").exit_code == 0


@pytest.mark.parametrize("when", ["2024-06-03", "2024-W23", "2024-06", "2024-Q2", "2024", "2024-05..2024-06"])
def test_every_date_form_is_accepted(project: Path, when: str):
    args = list(EVENT)
    args[args.index("--date") + 1] = when
    result = ctl(*args, "--seeds", "seeds")
    assert result.exit_code == 0, result.output
    data = tomllib.loads((project / "seeds" / "events.toml").read_text(encoding="utf-8"))
    assert str(data["event"][-1]["date"]) == when


def test_file_option_chooses_or_creates_the_file(project: Path):
    result = ctl(*EVENT, "--file", "seeds/2024/june.toml", "--seeds", "seeds")
    assert result.exit_code == 0, result.output
    assert result.stdout == "added event '2024-06-test-talks' at seeds/2024/june.toml:1\n"
    assert (project / "seeds" / "2024" / "june.toml").read_text(encoding="utf-8").startswith("[[event]]\n")
    assert ctl("check", "--seeds", "seeds").exit_code == 0


# -- prompts --------------------------------------------------------------------------------------------


def test_a_terminal_is_asked_for_what_is_missing(project: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(adding, "stdin_is_tty", lambda: True)
    answers = [
        "meeting",  # type
        "2024-06-03",  # date
        "islamabd",  # region: a typo, explained and asked again
        "islamabad",
        "news-baabar-2024-05-14, news-webdesk-2024-05-13",  # sources
        "A follow-up meeting.",  # summary
        "",  # id: accept the suggestion
    ]
    result = ctl(
        "add", "event", "--title", "Follow-up talks", "--seeds", "seeds", input="\n".join(answers) + "\n"
    )
    assert result.exit_code == 0, result.output
    assert "there is no region 'islamabd' (did you mean 'islamabad'?)" in result.output
    assert "added event '2024-06-follow-up-talks' at seeds/events.toml:" in result.stdout
    record = tomllib.loads((project / "seeds" / "events.toml").read_text(encoding="utf-8"))["event"][-1]
    assert record["sources"] == ["news-baabar-2024-05-14", "news-webdesk-2024-05-13"]
    assert ctl("check", "--seeds", "seeds").exit_code == 0


# -- appending ------------------------------------------------------------------------------------------


def test_appending_keeps_every_byte_and_adds_one_blank_line():
    record = '[[group]]\nid = "g"\n'
    assert adding.appended("", record) == (record, 1)
    assert adding.appended("# only a comment\n", record) == (f"# only a comment\n\n{record}", 3)
    assert adding.appended("a = 1", record) == (f"a = 1\n\n{record}", 3)  # the one byte that must change
    assert adding.appended("a = 1\n\n", record) == (f"a = 1\n\n{record}", 3)
    crlf = adding.appended("a = 1\r\n", record)
    assert crlf == ('a = 1\r\n\r\n[[group]]\r\nid = "g"\r\n', 3)


def test_suggested_ids_follow_the_seeds_style():
    assert (
        adding.suggest_id("event", {"title": "Talks in Doha!", "date": "2024-06"}, set())
        == "2024-06-talks-in-doha"
    )
    assert (
        adding.suggest_id("group", {"name": "Lashkar-e-Jhangvi"}, {"lashkar-e-jhangvi"})
        == "lashkar-e-jhangvi-2"
    )
