"""`ctl import ucdp` and `ctl import gtd`: both UCDP GED schemas and the GTD's quirks.

Fixtures (tests/import_fixtures/, invented rows): ucdp_current.csv (CRLF line ends, an HXL row as line 2,
date_prec 1/2/4/5, a blank best), ucdp_old.csv (best_est/high_est/low_est, MM/DD/YYYY dates, a trailing
comma on every row), ucdp_old_articles.csv (the older schema as its real files fill it: source_office
blank and the source named in source_article, once over several lines), gtd.csv (iday 0, imonth 0, a
blank nkill, -99, extended with a resolution date, approxdate, an "Unknown" perpetrator) and
gtd_latin1.csv (not UTF-8, as GTD's CSV is not).

One file is real: real/ucdp_ged_excerpt.csv, 71 records of a UCDP GED export for Pakistan (CC BY 4.0;
attribution in real/README.md). Its test checks every filter against counts DuckDB computes from the
file itself, not against numbers written down here.
"""

from __future__ import annotations

import csv
import io
import shutil
import tomllib
from datetime import date

import duckdb
import pytest

from ctl.importers.formats import detect, read_layout
from tests.import_fixtures.support import FIXTURES, Project, make_project


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> Project:
    project = make_project(tmp_path_factory.mktemp("ucdp-gtd"))
    for fmt, name in [("ucdp", "ucdp_current.csv"), ("auto", "ucdp_old.csv"), ("gtd", "gtd.csv"),
                      ("auto", "gtd_latin1.csv")]:  # fmt: skip
        result = project.import_(fmt, name)
        assert result.exit_code == 0, result.output
    return project


@pytest.fixture
def project(tmp_path) -> Project:
    return make_project(tmp_path)


def span(event: dict) -> tuple[date, date, str]:
    return event["date_start"], event["date_end"], event["precision"]


# -- UCDP GED -----------------------------------------------------------------------------------------


def test_ucdp_current_schema_with_crlf_and_an_hxl_row(imported):
    e = imported.events("import_id = 'ucdp_current'")
    assert sorted(e) == [f"ucdp_current/900{i}" for i in range(1, 5)]  # the HXL row is no event
    assert {i: r["line"] for i, r in e.items()} == {f"ucdp_current/900{i}": i + 2 for i in range(1, 5)}
    clash = e["ucdp_current/9001"]
    assert span(clash) == (date(2010, 3, 5), date(2010, 3, 5), "day")
    assert [clash[k] for k in ("fatalities_low", "fatalities_best", "fatalities_high")] == [4, 5, 7]
    assert (clash["groups"], clash["actors"], clash["region"]) == (["TTP"], ["Pakistan"], "kp")
    assert (clash["type"], clash["location"], clash["geo_precision"]) == ("operation", "Bannu town", "town")
    assert (clash["sources"], clash["source_count"]) == (["Dawn", "The Nation"], 2)


def test_ucdp_date_precision_keeps_the_span(imported):
    e = imported.events("import_id = 'ucdp_current'")
    assert span(e["ucdp_current/9002"]) == (date(2010, 6, 1), date(2010, 6, 4), "day")  # 2-6 days
    assert e["ucdp_current/9002"]["date_label"] == "2010-06-01..2010-06-04"
    assert span(e["ucdp_current/9003"]) == (date(2010, 8, 1), date(2010, 8, 31), "month")
    assert span(e["ucdp_current/9004"]) == (date(2011, 1, 1), date(2011, 12, 31), "year")


def test_ucdp_names_and_places(imported):
    e = imported.events("import_id = 'ucdp_current'")
    assert e["ucdp_current/9002"]["groups"] == ["IS"]  # UCDP's bare IS names no branch: see the group's note
    assert e["ucdp_current/9002"]["region"] == "balochistan"  # "Balochistan province"
    assert e["ucdp_current/9002"]["source_count"] == 1  # number_of_sources -1: counted from the list
    one_sided = e["ucdp_current/9003"]
    assert (one_sided["region"], one_sided["type"]) == ("fata", "attack")  # FATA kept
    assert one_sided["unresolved"] == ["BLA", "Civilians"]
    assert one_sided["fatalities_best"] is None  # a blank best is unknown, not 0
    assert e["ucdp_current/9004"]["region"] == "punjab"  # "Punjab province"


def test_ucdp_older_schema_with_trailing_commas_and_us_dates(imported):
    e = imported.events("import_id = 'ucdp_old'")
    first, second = e["ucdp_old/501"], e["ucdp_old/502"]
    assert span(first) == (date(2009, 3, 27), date(2009, 3, 27), "day")
    assert [first[k] for k in ("fatalities_low", "fatalities_best", "fatalities_high")] == [3, 3, 4]
    assert first["region"] == "kp"  # North-West Frontier Province
    assert span(second) == (date(2009, 10, 17), date(2009, 10, 23), "week")
    assert (second["region"], second["line"], second["sources"]) == ("fata", 3, ["Dawn", "AFP"])


def test_ucdp_older_files_name_their_source_in_source_article(project):
    result = project.import_("ucdp", "ucdp_old_articles.csv")
    assert result.exit_code == 0, result.output
    e = project.events("import_id = 'ucdp_old_articles'")
    sources = {i.split("/")[1]: (r["sources"], r["source_count"], r["line"]) for i, r in e.items()}
    assert sources == {
        "701": (["Invented Daily website, Peshawar, in English 02 Mar 09"], 1, 2),  # office blank
        "702": (["(1) Invented datasheet\n\n(2) Invented wire story\n1 May 2010\nInvented Monitoring"], 1, 3),
        "703": (["Invented Wire"], 1, 8),  # an office given wins over the article
    }
    found = project.ctl(
        "timeline", 'source:"Invented Daily website, Peshawar, in English 02 Mar 09"', "--format", "csv"
    )
    assert found.exit_code == 0, found.output
    assert [line.split(",", 1)[0] for line in found.stdout.splitlines()[1:]] == ["ucdp_old_articles/701"]


def test_ucdp_layouts_are_read_from_the_first_bytes():
    current = read_layout(FIXTURES / "ucdp_current.csv")
    assert current.hxl and current.hxl_row[0] == "#event+id" and current.width == len(current.header)
    old = read_layout(FIXTURES / "ucdp_old.csv")
    assert not old.hxl and old.width == len(old.header) + 1  # the trailing comma gets a column
    assert detect(old.header).name == "ucdp" and detect(current.header).name == "ucdp"


def test_ucdp_bad_rows_have_lines(project):
    text = project.data("ucdp_current.csv").read_bytes()
    bad = text.replace(b"2010-06-04 00:00:00.000", b"2010-05-04 00:00:00.000").replace(
        b",5,7,4,", b",five,7,4,"
    )
    project.data("ucdp_bad.csv").write_bytes(bad)

    result = project.import_("ucdp", "ucdp_bad.csv")

    assert result.exit_code == 1
    assert "line 3: best 'five' is not a count" in result.output
    assert "line 4: date_end '2010-05-04 00:00:00.000' is before date_start '2010-06-01 00:00:00.000'" in (
        result.output
    )


# -- GTD ----------------------------------------------------------------------------------------------


def test_gtd_unknown_day_and_month_give_month_and_year_precision(imported):
    e = imported.events("import_id = 'gtd'")
    month = e["gtd/201001000001"]  # iday 0
    assert span(month) == (date(2010, 1, 1), date(2010, 1, 31), "month") and month["date_label"] == "2010-01"
    year = e["gtd/201000000001"]  # imonth 0
    assert span(year) == (date(2010, 1, 1), date(2010, 12, 31), "year") and year["date_label"] == "2010"


def test_gtd_counts_keep_unknown_apart_from_zero(imported):
    e = imported.events("import_id = 'gtd'")
    assert e["gtd/201001000001"]["fatalities_best"] is None  # blank nkill: unknown
    assert e["gtd/201001000001"]["injuries"] == 3
    assert (e["gtd/201000000001"]["fatalities_best"], e["gtd/201000000001"]["injuries"]) == (
        None,
        None,
    )  # -99
    assert (e["gtd/201103150001"]["fatalities_best"], e["gtd/201103150001"]["injuries"]) == (0, 0)
    assert e["gtd/201207040001"]["fatalities_best"] == 2  # "2.0"


def test_gtd_extended_incident_runs_to_its_resolution(imported):
    kidnap = imported.events("import_id = 'gtd'")["gtd/201103150001"]
    assert span(kidnap) == (date(2011, 3, 15), date(2011, 3, 20), "day")
    assert kidnap["summary"].endswith("(approximate date: March 15-16, 2011)")
    assert (kidnap["groups"], kidnap["actors"], kidnap["unresolved"]) == ([], [], [])  # "Unknown"
    assert kidnap["region"] == "fata"


def test_gtd_group_names_and_places(imported):
    e = imported.events("import_id = 'gtd'")
    assert e["gtd/201001000001"]["groups"] == ["TTP"]  # Tehrik-i-Taliban Pakistan (TTP)
    assert e["gtd/201000000001"]["groups"] == ["ISIS-K"]  # Khorasan Chapter of the Islamic State
    both = e["gtd/201207040001"]
    assert (both["groups"], both["unresolved"], both["region"]) == (["TTP"], ["Lashkar-e-Jhangvi"], "kp")
    assert (
        both["type"] == "attack"
        and both["dataset_type"] == "Bombing/Explosion on Religious Figures/Institutions"
    )
    assert e["gtd/201001000001"]["sources"] == ["Invented citation one.", "Invented citation two."]


def test_gtd_latin1_file_is_read_and_its_encoding_recorded(imported):
    [cafe] = imported.events("import_id = 'gtd_latin1'").values()
    assert "café" in cafe["summary"] and cafe["region"] == "sindh"
    entries = {e["id"]: e for e in tomllib.loads(imported.manifest.read_text(encoding="utf-8"))["import"]}
    assert entries["gtd_latin1"]["encoding"] == "latin-1" and "encoding" not in entries["gtd"]


def test_a_us_state_named_washington_is_not_washington_dc(project):
    """Found importing a real GTD file: "Washington" (the state, GTD's provstate) resolved to the
    region Washington, D.C. through the seeds' bare alias "Washington". GTD calls the city's district
    "District of Columbia"."""
    header, first = project.data("gtd.csv").read_text(encoding="utf-8").splitlines()[:2]
    row = first.split(",")
    cols = header.split(",")
    for col, value in (("eventid", "201304150001"), ("country", "217"), ("country_txt", "United States"),
                       ("provstate", "Washington"), ("city", "Seattle")):  # fmt: skip
        row[cols.index(col)] = value
    dc = [*row]
    dc[cols.index("eventid")], dc[cols.index("provstate")] = "201304150002", "District of Columbia"
    dc[cols.index("city")] = "Washington DC"
    project.data("gtd_us.csv").write_text(
        "\n".join([header, ",".join(row), ",".join(dc)]) + "\n", encoding="utf-8"
    )

    assert project.import_("gtd", "gtd_us.csv").exit_code == 0

    events = project.events("dataset = 'gtd'")
    assert events["gtd_us/201304150001"]["region"] == "united-states"  # the state: left in its country
    assert events["gtd_us/201304150002"]["region"] == "washington-dc"
    shown = project.ctl("timeline", "region:Washington", "-f", "csv").output
    assert "gtd_us/201304150002" in shown and "gtd_us/201304150001" not in shown


def test_gtd_bad_dates_are_bad_rows(project):
    text = project.data("gtd.csv").read_text(encoding="utf-8")
    project.data("gtd_bad.csv").write_text(
        text.replace("201207040001,2012,7,4,", "201207040001,2012,2,30,").replace(
            "201103150001,2011,3,", "201103150001,2011,13,"
        ),
        encoding="utf-8",
    )

    result = project.import_("gtd", "gtd_bad.csv")

    assert result.exit_code == 1
    assert "line 4: imonth '13' is not 0 to 12" in result.output
    assert "line 5: iyear/imonth/iday 2012/2/30 is no date" in result.output


def test_every_format_filters_together(imported):
    args = ["--group", "TTP", "--region", "KP", "--since", "2009", "--until", "2012"]
    result = imported.ctl("timeline", *args, "--format", "csv")
    assert result.exit_code == 0, result.output
    found = [line.split(",", 1)[0] for line in result.stdout.splitlines()[1:]]
    assert found == ["ucdp_old/501", "gtd/201001000001", "ucdp_current/9001", "gtd/201207040001"]


# -- a real UCDP GED excerpt --------------------------------------------------------------------------

REAL = FIXTURES / "real" / "ucdp_ged_excerpt.csv"


@pytest.fixture(scope="module")
def real(tmp_path_factory: pytest.TempPathFactory) -> Project:
    project = make_project(tmp_path_factory.mktemp("real-ucdp"))
    shutil.copyfile(REAL, project.data("ged_pakistan.csv"))
    result = project.import_("auto", "ged_pakistan.csv", "--id", "ged_pakistan")
    assert result.exit_code == 0, result.output
    assert "71 rows, 71 events, 0 skipped" in result.output
    return project


def independent(where: str) -> list[str]:
    """The ids of the file's records that match `where`, read by DuckDB straight from the file."""
    sql = (
        f"SELECT id FROM read_csv('{REAL}', header = true, all_varchar = true, null_padding = true, "
        f"parallel = false) WHERE {where} ORDER BY id"
    )
    with duckdb.connect() as con:
        return [f"ged_pakistan/{i}" for (i,) in con.execute(sql).fetchall()]


def timeline(project: Project, *args: str) -> list[str]:
    result = project.ctl("timeline", "--dataset", "ged_pakistan", *args, "--format", "csv")
    assert result.exit_code == 0, result.output
    return sorted(
        (row["id"] for row in csv.DictReader(io.StringIO(result.stdout))), key=lambda i: int(i.split("/")[1])
    )


SPAN = (  # the records overlapping 2010, as --since/--until keep them
    "strptime(date_start, '%m/%d/%Y %H:%M:%S') <= DATE '2010-12-31' "
    "AND strptime(date_end, '%m/%d/%Y %H:%M:%S') >= DATE '2010-01-01'"
)


@pytest.mark.parametrize(
    ("args", "where"),
    [
        ((), "true"),
        (("--group", "TTP"), "'TTP' IN (side_a, side_b)"),
        (("--region", "KP"), "adm_1 = 'Khyber Pakhtunkwa Province'"),
        (("--region", "FATA"), "adm_1 = 'Federally Administered Tribal Areas'"),  # not folded into KP
        (("--region", "Sindh"), "adm_1 = 'Sindh Province'"),
        (("--region", "Balochistan"), "adm_1 = 'Balochistan Province'"),
        (("--region", "AJK"), "adm_1 = 'Azad Jammu & Kashmir'"),
        (("--region", "Pakistan"), "country = 'Pakistan'"),
        (("--group", "TTP", "--region", "KP"), "'TTP' IN (side_a, side_b) AND adm_1 ILIKE 'Khyber%'"),
        (("--since", "2010-01-01", "--until", "2010-12-31"), SPAN),
        (("--type", "operation"), "type_of_violence = '1'"),  # state-based
        (("--type", "attack"), "type_of_violence IN ('2', '3')"),  # non-state and one-sided
    ],
)
def test_real_ucdp_excerpt_filters_as_duckdb_reads_the_file(real, args, where):
    expected = independent(where)
    assert expected, "every filter here selects some records"
    assert timeline(real, *args) == expected


def test_real_ucdp_excerpt_keeps_values_and_lines(real):
    e = real.events("import_id = 'ged_pakistan'")
    with REAL.open(encoding="utf-8", newline="") as f:  # each record's first line, as csv counts them
        reader = csv.reader(f)
        next(reader)
        lines, start = {}, 2
        for record in reader:
            lines[f"ged_pakistan/{record[0]}"] = start
            start = reader.line_num + 1
    assert {i: r["line"] for i, r in e.items()} == lines
    assert (lines["ged_pakistan/51811"], lines["ged_pakistan/51908"]) == (35, 114)  # 51810 spans lines 30-34

    operation = e["ged_pakistan/51813"]  # date_prec 4: the span UCDP gives, at month precision
    assert span(operation) == (date(2010, 2, 24), date(2010, 3, 3), "month")
    assert (operation["groups"], operation["actors"], operation["region"]) == (["TTP"], ["Pakistan"], "fata")
    assert (operation["sources"], operation["source_count"]) == (["BBC Monitoring South Asia"], 1)
    # best_est 2 above high_est 1, as the file has it: kept, not "corrected"
    odd = e["ged_pakistan/51811"]
    assert [odd[k] for k in ("fatalities_low", "fatalities_best", "fatalities_high")] == [1, 2, 1]
    # source_office blank: the source is the article, over several lines
    assert e["ged_pakistan/51817"]["sources"] == [
        "Two members of local peace council shot dead in Pakistan's Swat\n20 April 2010\nBBC Monitoring"
    ]
    assert e["ged_pakistan/51720"]["sources"] == ["R 27/3 1990"]
    with duckdb.connect() as con:
        (best,) = con.execute(
            f"SELECT sum(best_est::INTEGER) FROM read_csv('{REAL}', header = true, all_varchar = true, "
            "null_padding = true, parallel = false)"
        ).fetchone()
    assert sum(r["fatalities_best"] for r in e.values()) == best
