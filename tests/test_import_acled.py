"""`ctl import acled`: mapping, bad rows, the manifest, check and staleness, and filtering imported events.

Fixtures (tests/import_fixtures/, invented rows): acled_31col.csv has the 31-column export with the three
date forms, time precisions 1/2/3, `; ` lists, a note spanning two lines, FATA and an event outside
Pakistan; acled_subset.csv has no id, precision or source column; acled_bad.csv has one bad row of each
kind (no such date, precision 4, a count that is no number, a row with a field too many, a repeated id);
acled_2016.csv has the layout of exports made before ACLED's 2019 revision, as real files of that age
show it: a leading unnamed index column, ally_actor_1/2, data_id beside event_id_cnty, and the older
event types ("Battle-No change of territory", "Remote violence") without a sub-event type.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import time
import tomllib
from datetime import date

import pytest

from ctl.db import is_stale
from tests.import_fixtures.support import Project, make_project


@pytest.fixture(scope="module")
def acled(tmp_path_factory: pytest.TempPathFactory) -> Project:
    """One project with the 31-column file and the subset file imported (read-only for the tests)."""
    project = make_project(tmp_path_factory.mktemp("acled"))
    for name in ("acled_31col.csv", "acled_subset.csv"):
        result = project.import_("acled", name)
        assert result.exit_code == 0, result.output
    return project


@pytest.fixture
def project(tmp_path) -> Project:
    return make_project(tmp_path)


# -- mapping ------------------------------------------------------------------------------------------


def test_each_date_form_and_time_precision_gives_its_range(acled):
    e = acled.events("dataset = 'acled'")
    day = e["acled_31col/PAK1001"]  # 2024-05-10, precision 1
    assert (day["date_start"], day["date_end"], day["precision"]) == (
        date(2024, 5, 10),
        date(2024, 5, 10),
        "day",
    )
    week = e["acled_31col/PAK1002"]  # 15 April 2023, precision 2: about a week around the midpoint
    assert (week["date_start"], week["date_end"], week["precision"]) == (
        date(2023, 4, 12),
        date(2023, 4, 18),
        "week",
    )
    month = e["acled_31col/PAK1003"]  # 03-Jan-12, precision 3: the month
    assert (month["date_start"], month["date_end"], month["precision"]) == (
        date(2012, 1, 1),
        date(2012, 1, 31),
        "month",
    )
    assert month["date_label"] == "2012-01"


def test_fatalities_keep_unknown_apart_from_zero(acled):
    e = acled.events("dataset = 'acled'")
    assert [
        e["acled_31col/PAK1001"][k] for k in ("fatalities_low", "fatalities_best", "fatalities_high")
    ] == [
        3,
        3,
        None,
    ]
    assert e["acled_31col/PAK1002"]["fatalities_best"] == 0  # ACLED's 0 stays 0
    assert e["acled_31col/PAK1003"]["fatalities_best"] is None  # a blank field is unknown


def test_groups_actors_and_sources_resolve_through_the_alias_registry(acled):
    e = acled.events("dataset = 'acled'")
    bomb = e["acled_31col/PAK1001"]
    assert (bomb["groups"], bomb["group_ids"]) == (["TTP"], ["ttp"])
    assert bomb["actors"] == ["Police Forces of Pakistan (2018-)", "Civilians (Pakistan)"]
    assert bomb["unresolved"] == bomb["actors"]  # kept verbatim: the registry does not know them
    assert bomb["sources"] == ["Dawn", "The News (Pakistan)"] and bomb["source_count"] == 2
    assert bomb["type"] == "attack" and bomb["dataset_type"] == "Explosions/Remote violence: Suicide bomb"
    assert e["acled_31col/PAK1002"]["groups"] == ["ISIS-K"]  # ISKP: Islamic State (Khorasan Province)
    assert e["acled_31col/PAK1002"]["type"] == "operation"  # battles
    agreement = e["acled_31col/PAK1004"]
    assert (agreement["actors"], agreement["actor_ids"]) == (
        ["Pakistan"],
        ["pakistan"],
    )  # Government of Pakistan
    assert agreement["type"] == "truce"


def test_regions_resolve_and_fata_stays_fata(acled):
    e = acled.events("dataset = 'acled'")
    assert e["acled_31col/PAK1001"]["region"] == "kp"
    assert e["acled_31col/PAK1002"]["region"] == "balochistan"
    assert e["acled_31col/PAK1003"]["region"] == "fata"  # not silently folded into KP
    assert e["acled_31col/PAK1004"]["region"] == "ict"
    outside = e["acled_31col/AFG2001"]
    assert outside["region"] is None and outside["admin1"] == "Nangarhar"


def test_every_event_points_at_its_line_in_the_file(acled):
    e = acled.events("dataset = 'acled'")
    lines = {i.split("/")[1]: (r["file"], r["line"]) for i, r in e.items() if i.startswith("acled_31col/")}
    # PAK1003's note runs over lines 4 and 5, so PAK1004 is on line 6
    assert lines == {
        "PAK1001": ("data/acled_31col.csv", 2),
        "PAK1002": ("data/acled_31col.csv", 3),
        "PAK1003": ("data/acled_31col.csv", 4),
        "PAK1004": ("data/acled_31col.csv", 6),
        "AFG2001": ("data/acled_31col.csv", 7),
    }
    text = acled.data("acled_31col.csv").read_text(encoding="utf-8").splitlines()
    assert text[6 - 1].startswith("PAK1004,")


def test_a_subset_file_without_id_precision_or_source(acled):
    e = acled.events("import_id = 'acled_subset'")
    assert sorted(e) == ["acled_subset/L2", "acled_subset/L3"]  # no ids: named by their lines
    first = e["acled_subset/L2"]
    assert (first["date_start"], first["precision"], first["line"]) == (date(2024, 5, 10), "day", 2)
    assert (first["sources"], first["source_count"], first["groups"]) == ([], 0, ["TTP"])
    assert e["acled_subset/L3"]["fatalities_best"] is None


def test_the_2016_layout_and_its_older_event_types(project):
    result = project.import_("auto", "acled_2016.csv")
    assert result.exit_code == 0, result.output
    e = project.events("import_id = 'acled_2016'")
    assert sorted(e) == [f"acled_2016/900{i}RTA" for i in range(1, 7)]  # event_id_cnty, not data_id
    types = {i.split("/")[1]: (r["type"], r["dataset_type"]) for i, r in e.items()}
    assert types == {
        "9001RTA": ("attack", "Remote violence"),
        "9002RTA": ("operation", "Battle-No change of territory"),
        "9003RTA": ("operation", "Battle-Government regains territory"),
        "9004RTA": ("attack", "Violence against civilians"),
        "9005RTA": ("other", "Riots/Protests"),
        "9006RTA": ("other", "Strategic development"),
    }
    clash = e["acled_2016/9002RTA"]
    assert (clash["groups"], clash["actors"], clash["region"]) == (
        ["TTP"],
        ["Military Forces of Pakistan (2013-)", "Frontier Corps"],  # ally_actor_1 is assoc_actor_1
        "kp",
    )
    assert e["acled_2016/9003RTA"]["line"] == 5  # after 9002RTA's two-line note
    bomb = e["acled_2016/9001RTA"]
    assert (bomb["sources"], bomb["summary"]) == (
        ["Invented Wire"],
        "Invented for the tests: a remote bomb in the 2016 layout.",
    )
    assert ids(project, "--dataset", "acled_2016", "--type", "operation") == [
        "acled_2016/9003RTA",
        "acled_2016/9002RTA",
    ]
    assert ids(project, "--dataset", "acled_2016", "--type", "attack", "--group", "TTP") == [
        "acled_2016/9001RTA"
    ]


def test_the_summary_names_rows_events_and_unresolved_actors(project):
    result = project.import_("acled", "acled_31col.csv")
    assert result.exit_code == 0, result.output
    assert "imported acled_31col (acled) from data/acled_31col.csv" in result.output
    assert "5 rows, 5 events, 0 skipped" in result.output
    assert "unresolved actors: 6 names in 8 mentions" in result.output
    assert "2  Civilians (Pakistan)" in result.output
    assert "unresolved regions: Afghanistan (1)" in result.output


# -- bad rows -----------------------------------------------------------------------------------------

BAD_LINES = [
    "line 3: event_date '31 February 2024' is no date (2024-05-10, 10 May 2024 or 10-May-24)",
    "line 4: time_precision '4' is not 1, 2 or 3",
    "line 6: fatalities 'many' is not a count",
    "line 7: TOO MANY COLUMNS: Expected Number of Columns: 10 Found: 11",
    "line 9: id PAK3001 repeats line 2",
]


def test_bad_rows_stop_the_import_and_change_nothing(project):
    assert project.import_("acled", "acled_31col.csv").exit_code == 0
    manifest = project.manifest.read_bytes()
    database = hashlib.sha256(project.db.read_bytes()).hexdigest()

    result = project.import_("acled", "acled_bad.csv")

    assert result.exit_code == 1
    assert "acled_bad.csv: 5 bad rows of 7; nothing imported" in result.output
    assert [ln.strip() for ln in result.output.splitlines() if ln.strip().startswith("line ")] == BAD_LINES
    assert project.manifest.read_bytes() == manifest
    assert hashlib.sha256(project.db.read_bytes()).hexdigest() == database
    assert sorted(p.name for p in project.db.parent.iterdir() if not p.name.endswith(".json")) == [
        project.db.name
    ]


def test_skip_bad_imports_the_good_rows_and_lists_the_others(project):
    result = project.import_("acled", "acled_bad.csv", "--skip-bad")

    assert result.exit_code == 0, result.output
    assert "7 rows, 2 events, 5 skipped" in result.output
    assert [ln.strip() for ln in result.output.splitlines() if ln.strip().startswith("line ")] == BAD_LINES
    kept = project.events("import_id = 'acled_bad'")
    assert {i: r["line"] for i, r in kept.items()} == {"acled_bad/PAK3001": 2, "acled_bad/PAK3006": 8}
    [entry] = tomllib.loads(project.manifest.read_text(encoding="utf-8"))["import"]
    assert entry["skip_bad"] is True
    # and `ctl load` skips the same rows again
    assert project.ctl("load").exit_code == 0
    assert set(project.events("import_id = 'acled_bad'")) == set(kept)


# -- the manifest, check, load and staleness ----------------------------------------------------------


def test_the_manifest_records_path_format_sha256_and_rows(project):
    assert project.import_("acled", "acled_31col.csv").exit_code == 0
    [entry] = tomllib.loads(project.manifest.read_text(encoding="utf-8"))["import"]
    digest = hashlib.sha256(project.data("acled_31col.csv").read_bytes()).hexdigest()
    assert entry == {
        "id": "acled_31col",
        "format": "acled",
        "path": "data/acled_31col.csv",
        "sha256": digest,
        "rows": 5,
    }
    assert project.ctl("check").output.splitlines()[-1].endswith("15 statistics, 1 import")


def test_importing_again_updates_the_entry_and_an_id_names_another(project):
    assert project.import_("acled", "acled_31col.csv").exit_code == 0
    assert project.import_("acled", "acled_31col.csv").exit_code == 0
    assert project.import_("auto", "acled_subset.csv", "--id", "acled-subset-2024").exit_code == 0
    entries = tomllib.loads(project.manifest.read_text(encoding="utf-8"))["import"]
    assert [e["id"] for e in entries] == ["acled_31col", "acled-subset-2024"]


def test_load_imports_every_manifest_entry_again(project):
    assert project.import_("acled", "acled_31col.csv").exit_code == 0
    before = project.rows("SELECT * FROM timeline ORDER BY id")
    project.db.unlink()

    result = project.ctl("load")

    assert result.exit_code == 0, result.output
    assert project.rows("SELECT * FROM timeline ORDER BY id") == before


def test_check_notices_a_changed_and_a_missing_file(project):
    assert project.import_("acled", "acled_31col.csv").exit_code == 0
    data = project.data("acled_31col.csv")
    data.write_text(
        data.read_text(encoding="utf-8").replace(",3,,1715500000", ",4,,1715500000"), encoding="utf-8"
    )

    changed = project.ctl("check")
    assert changed.exit_code == 1
    assert "error[import-changed]: import 'acled_31col': data/acled_31col.csv has changed" in changed.output

    data.unlink()
    missing = project.ctl("check")
    assert (
        "error[import-missing]: import 'acled_31col': data/acled_31col.csv does not exist" in missing.output
    )


def test_an_imported_file_newer_than_the_database_makes_it_stale(project):
    assert project.import_("acled", "acled_31col.csv").exit_code == 0
    assert not is_stale(project.db, project.seeds)
    later = time.time_ns() + 10**9
    os.utime(project.data("acled_31col.csv"), ns=(later, later))
    assert is_stale(project.db, project.seeds)


def test_usage_errors_name_the_problem(project):
    assert "no such file" in project.ctl("import", "acled", "nowhere.csv").output
    wrong = project.import_("gtd", "acled_31col.csv")
    assert wrong.exit_code == 2 and "is no GTD file: its header lacks iyear, imonth, iday" in wrong.output
    assert "unknown format 'acleds'" in project.import_("acleds", "acled_31col.csv").output
    assert not project.manifest.exists()


# -- imported events filter like curated ones ---------------------------------------------------------


def ids(project: Project, *args: str) -> list[str]:
    result = project.ctl("timeline", *args, "--format", "csv")
    assert result.exit_code == 0, result.output
    return [row["id"] for row in csv.DictReader(io.StringIO(result.stdout))]


def test_group_filter_finds_curated_and_imported_events_by_any_alias(acled):
    found = ids(acled, "--group", "Tehrik-i-Taliban Pakistan (TTP)")
    assert "2024-05-pk-us-ct-dialogue" in found and "acled_31col/PAK1001" in found
    assert "acled_subset/L2" in found
    # "IS: Islamic State" names no branch, so AFG2001 is filed under IS, not ISIS-K (Daesh)
    assert ids(acled, "--group", "Daesh", "--dataset", "acled") == ["acled_31col/PAK1002"]
    assert ids(acled, "--group", "IS", "--dataset", "acled") == ["acled_31col/AFG2001"]


def test_dataset_filter_and_key(acled):
    assert all(i.startswith("acled") for i in ids(acled, "--dataset", "acled"))
    assert ids(acled, "--dataset", "acled_subset") == ["acled_subset/L2", "acled_subset/L3"]
    assert ids(acled, "dataset:curated", "--group", "TTP") == [
        "2022-11-ttp-truce-ends",
        "2024-05-pk-us-ct-dialogue",
        "2024-05-joint-statement",
    ]


def test_region_filter_includes_sub_regions_and_keeps_fata_out_of_kp(acled):
    kp = ids(acled, "--region", "KP", "--dataset", "acled")
    assert kp == ["acled_31col/PAK1001", "acled_subset/L2"]
    assert ids(acled, "--region", "FATA") == ["acled_31col/PAK1003"]
    pakistan = ids(acled, "--region", "Pakistan", "--dataset", "acled")
    assert "acled_31col/PAK1003" in pakistan and "acled_31col/AFG2001" not in pakistan


def test_actor_filter_matches_unresolved_names_as_written(acled):
    assert ids(acled, "--actor", "Military Forces", "--dataset", "acled") == [
        "acled_31col/PAK1002",
        "acled_subset/L2",
        "acled_subset/L3",
    ]
    assert ids(acled, "--actor", "Government of Pakistan", "--dataset", "acled") == ["acled_31col/PAK1004"]


def test_dates_types_and_text_filter_imported_events(acled):
    assert ids(acled, "--dataset", "acled", "--since", "2024", "--type", "attack") == [
        "acled_31col/PAK1001",
        "acled_subset/L2",
    ]
    assert ids(acled, "--search", "two lines") == ["acled_31col/PAK1003"]
    assert ids(acled, "date:2023-04-14", "--dataset", "acled") == ["acled_31col/PAK1002"]  # inside the week


def test_group_mentions_cover_imported_events(acled):
    mentions = acled.rows("SELECT event_id FROM group_mentions WHERE group_id = 'isis-k' ORDER BY event_id")
    assert [m["event_id"] for m in mentions] == [
        "2024-05-joint-statement",
        "2024-05-pk-us-ct-dialogue",
        "acled_31col/PAK1002",
    ]


def write_invented_acled(path, rows: int, every: int) -> dict[str, int]:
    """An ACLED-shaped file of invented rows, every `every`-th with a two-line note; returns each id's
    line, counted here rather than by ctl."""
    lines, line = {}, 2
    with path.open("w", encoding="utf-8", newline="") as f:
        f.write("event_id_cnty,event_date,time_precision,event_type,actor1,country,admin1,fatalities,notes\n")
        for i in range(1, rows + 1):
            two = i % every == 0
            note = f'"Invented row {i}\nits second line."' if two else f"Invented row {i}."
            f.write(f"PAK{i},2024-05-{i % 28 + 1:02d},1,Battles,TTP,Pakistan,Sindh,{i % 5},{note}\n")
            lines[f"PAK{i}"] = line
            line += 2 if two else 1
    return lines


def stored_lines(project: Project, import_id: str) -> dict[str, int]:
    found = project.rows("SELECT dataset_id, line FROM timeline WHERE import_id = ?", import_id)
    return {r["dataset_id"]: r["line"] for r in found}


def test_many_records_with_line_breaks_keep_their_lines(project, monkeypatch):
    """UCDP's older source_article and ACLED's notes put line breaks in tens of thousands of records:
    their running totals go into DuckDB in one statement, never one INSERT per record (that took 12 s
    per 30,000: bench/ times imports; this test counts statements, not seconds)."""
    from ctl.importers import bulk

    inserts: list[int] = []
    real = bulk._insert_pairs
    monkeypatch.setattr(
        bulk, "_insert_pairs", lambda con, table, pairs: (inserts.append(len(pairs)), real(con, table, pairs))
    )
    expected = write_invented_acled(project.data("acled_breaks.csv"), 20_000, every=1)
    result = project.import_("acled", "acled_breaks.csv")
    assert result.exit_code == 0, result.output
    assert stored_lines(project, "acled_breaks") == expected
    assert expected["PAK20000"] == 40_000  # 2 + 2 lines for each of the 19,999 before it
    assert 20_000 in inserts  # every record's line breaks in one call


@pytest.mark.slow
def test_a_large_file_is_stored_in_file_order(project):
    """A row's line is its place in `event_index`: written in one CREATE TABLE ... AS with the curated
    events, a file of this size came out of order (import refused: "rows were not stored in file
    order"; at 130,000 rows, half the time, wrong lines without an error)."""
    expected = write_invented_acled(project.data("acled_large.csv"), 250_000, every=10)
    result = project.import_("acled", "acled_large.csv")
    assert result.exit_code == 0, result.output
    assert "250,000 rows, 250,000 events, 0 skipped" in result.output
    assert stored_lines(project, "acled_large") == expected


def test_a_two_digit_year_takes_its_century_from_the_year_column(project):
    """10-May-68 is 2068 to strptime; the row's `year` says 1968. Only that short form is corrected:
    a four-digit year is never second-guessed, and without a usable `year` strptime's guess stands."""
    rows = [
        ("C1", "10-May-68", "1968"),
        ("C2", "10-May-24", "2024"),
        ("C3", "10-May-68", ""),
        ("C4", "1968-05-10", "2068"),
        ("C5", "10 May 1968", "2068"),
    ]
    lines = ["event_id_cnty,event_date,year,event_type,fatalities"]
    lines += [f"{i},{d},{y},Battles,1" for i, d, y in rows]
    project.data("century.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = project.import_("acled", "century.csv")
    assert result.exit_code == 0, result.output
    e = project.events("import_id = 'acled-century'")
    assert {i.split("/")[1]: r["date_start"] for i, r in e.items()} == {
        "C1": date(1968, 5, 10),
        "C2": date(2024, 5, 10),
        "C3": date(2068, 5, 10),
        "C4": date(1968, 5, 10),
        "C5": date(1968, 5, 10),
    }


def test_an_actor_in_two_fields_is_listed_once(project):
    """ACLED codes fighting within one force (a mutiny) with the same actor in actor1 and actor2; a
    name repeated in the associated actors is the same case."""
    lines = [
        "event_id_cnty,event_date,event_type,actor1,assoc_actor_1,actor2,fatalities",
        "M1,2024-05-10,Battles,Mutineers (Nowhere),Tehrik-i-Taliban Pakistan (TTP),Mutineers (Nowhere),0",
        "M2,2024-05-11,Battles,TTP,Tehrik-i-Taliban Pakistan; Mutineers (Nowhere),Mutineers (Nowhere),0",
    ]
    project.data("mutiny.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = project.import_("acled", "mutiny.csv")
    assert result.exit_code == 0, result.output
    e = project.events("import_id = 'acled-mutiny'")
    for key in ("acled-mutiny/M1", "acled-mutiny/M2"):
        assert e[key]["groups"] == ["TTP"], key
        assert e[key]["unresolved"] == ["Mutineers (Nowhere)"], key
        assert e[key]["actors"] == ["Mutineers (Nowhere)"], key


def test_a_byte_order_mark_is_no_part_of_the_header(project):
    project.data("bom.csv").write_bytes(b"\xef\xbb\xbf" + project.data("acled_31col.csv").read_bytes())
    result = project.import_("auto", "bom.csv")
    assert result.exit_code == 0, result.output
    assert len(project.events("import_id = 'acled-bom'")) == 5


def test_name_filters_match_id_lists_not_link_tables():
    """At a million events a per-event subquery over link tables does not scale: names are looked up
    once in `aliases` and each event is tested by set membership on its own id lists."""
    from ctl.filters import compile_terms, parse

    where, _ = compile_terms(parse("group:TTP actor:Richard source:x dataset:acled"))
    assert "event_groups" not in where and "event_actors" not in where and "event_sources" not in where
    assert "list_has_any(t.group_ids" in where and "list_has_any(t.actor_ids" in where
    assert "t.dataset = ?" in where
