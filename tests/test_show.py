"""`ctl show ID`: one record in full, with file:line, its sources and what refers to it.

Golden outputs live in tests/__snapshots__/test_show/ (update with `pytest --snapshot-update`). The
commands run from the repository root so the printed paths are the stable `seeds/...:LINE`.
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ctl.cli import app
from tests.snapshot_formats import extension_for

REPO = Path(__file__).resolve().parent.parent


def header_line(file: str, record_id: str) -> int:
    """The line of the `[[kind]]` header of a record in the bundled seeds (the line above its id)."""
    lines = (REPO / "seeds" / file).read_text(encoding="utf-8").splitlines()
    return lines.index(f'id = "{record_id}"')


@pytest.fixture
def show(built_db: Path, seeds_dir: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(REPO)

    def run(*args: str):
        return CliRunner().invoke(app, ["show", *args, "--db", str(built_db), "--seeds", str(seeds_dir)])

    return run


@pytest.mark.parametrize(
    "record_id", ["2024-05-pk-us-ct-dialogue", "news-webdesk-2024-05-13", "crss-2024q1-fatalities-kp"]
)
def test_show_golden(show, snapshot, record_id: str):
    result = show(record_id)
    assert result.exit_code == 0, result.output
    assert result.stdout == snapshot(extension_class=extension_for("table"))


def test_event_shows_both_co_chairs_with_their_2024_titles_and_all_four_sources(show):
    out = show("2024-05-pk-us-ct-dialogue").stdout
    line = header_line("events.toml", "2024-05-pk-us-ct-dialogue")
    assert out.startswith(f"event 2024-05-pk-us-ct-dialogue  (seeds/events.toml:{line})\n")
    assert "Actors, with the title held at 2024-05-10" in out
    shah = next(line for line in out.splitlines() if line.startswith("syed-haider-shah "))
    assert "co-chair" in shah and "Ambassador, Additional Foreign Secretary for the UN and OIC" in shah
    assert "Economic Diplomacy" not in shah  # his 2023 title
    richard = next(line for line in out.splitlines() if line.startswith("elizabeth-richard "))
    assert "co-chair" in richard and "Ambassador, Coordinator for Counterterrorism" in richard
    sources = out.split("\nSources\n", 1)[1]
    for sid in (
        "news-baabar-2024-05-14",
        "news-unsigned-2024-w20",
        "news-agencies-2024-w20",
        "news-webdesk-2024-05-13",
    ):
        assert f"\n  {sid}\n" in "\n" + sources
    assert sources.count("outlet     unknown") == 4
    assert "byline     Mariana Baabar" in sources


def test_json_is_one_object_with_the_record_and_its_sections(show):
    result = show("2024-05-pk-us-ct-dialogue", "--format", "json")
    assert result.exit_code == 0, result.output
    obj = json.loads(result.stdout)
    assert (obj["kind"], obj["id"], obj["file"], obj["line"]) == (
        "event",
        "2024-05-pk-us-ct-dialogue",
        "seeds/events.toml",
        header_line("events.toml", "2024-05-pk-us-ct-dialogue"),
    )
    assert obj["record"]["date"] == "2024-05-10"
    assert [a["title_held"] for a in obj["actors"][:2]] == [
        "Ambassador, Additional Foreign Secretary for the UN and OIC",
        "Ambassador, Coordinator for Counterterrorism",
    ]
    assert [s["id"] for s in obj["sources"]] == obj["record"]["sources"]
    assert (obj["sources"][1]["outlet"], obj["sources"][1]["title"]) == ("unknown", "unknown")
    assert [g["name"] for g in obj["groups"]] == ["TTP", "ISIS-K"]


def test_source_lists_what_cites_it_and_what_it_reports(show):
    obj = json.loads(show("report-crss-q1-2024", "-f", "json").stdout)
    assert obj["support"]["cited_by"] == ["news-webdesk-2024-05-13"]
    assert [e["id"] for e in obj["events"]] == []
    stats = tomllib.loads((REPO / "seeds" / "statistics.toml").read_text(encoding="utf-8"))["statistic"]
    assert [s["id"] for s in obj["reported"]] == sorted(
        s["id"] for s in stats if s["report"] == "report-crss-q1-2024"
    )
    statement = json.loads(show("stmt-joint-2024-05-13", "-f", "json").stdout)
    assert statement["support"]["publisher"] == "Ministry of Foreign Affairs of Pakistan"
    assert len(statement["support"]["cited_by"]) == 4


def test_statistic_shows_the_derived_count_and_a_whole_shows_its_parts(show):
    share = json.loads(show("crss-2024q1-fatalities-kp", "-f", "json").stdout)
    (row,) = share["figures"]
    assert (row["value"], row["value_basis"], row["share_pct"], row["total"]) == (220, "derived", 51, 432)
    whole = json.loads(show("crss-2024q1-fatalities-pk", "-f", "json").stdout)
    regions = {r["region"] for r in whole["figures"]}
    assert {"Khyber Pakhtunkhwa", "Balochistan", "Pakistan"} <= regions


def test_actor_group_and_region_list_the_events_that_name_them(show):
    actor = json.loads(show("elizabeth-richard", "-f", "json").stdout)
    assert [e["id"] for e in actor["events"]] == ["2024-05-pk-us-ct-dialogue"]
    assert actor["roles"][0]["title"] == "Coordinator for Counterterrorism"
    group = json.loads(show("isis-k", "-f", "json").stdout)
    assert [e["id"] for e in group["events"]] == ["2024-05-pk-us-ct-dialogue", "2024-05-joint-statement"]
    region = json.loads(show("islamabad", "-f", "json").stdout)
    assert "2023-03-pk-us-ct-dialogue" in [e["id"] for e in region["events"]]
    org = json.loads(show("pk-mofa", "-f", "json").stdout)
    assert {h["id"] for h in org["role_holders"]} == {"syed-haider-shah"}
    assert [s["id"] for s in org["sources"]] == ["stmt-joint-2024-05-13", "stmt-mofa-2023-03"]


def test_an_id_of_two_kinds_asks_for_kind(show):
    result = show("pakistan")
    assert result.exit_code == 2
    assert "pass --kind actor or --kind region" in result.stderr
    region = show("pakistan", "--kind", "region")
    assert region.exit_code == 0
    line = header_line("regions.toml", "pakistan")
    assert region.stdout.startswith(f"region pakistan  (seeds/regions.toml:{line})")


def test_an_unknown_id_suggests_the_nearest(show):
    result = show("2024-05-pk-us-ct-dialog")
    assert result.exit_code == 1
    assert "did you mean '2024-05-pk-us-ct-dialogue'?" in result.stderr


def test_an_unknown_format_is_a_usage_error(show):
    result = show("ttp", "--format", "csv")
    assert result.exit_code == 2
