"""The public views are an API: their names, columns and types are pinned, and their figures checked."""

from __future__ import annotations

import pytest

from ctl.db import connect

PUBLIC_VIEWS = [
    "timeline",
    "regional_aggregates",
    "actor_roles",
    "event_actor_roles",
    "group_mentions",
    "source_support",
    "region_tree",
]


@pytest.fixture(scope="module")
def con(built_db):
    # the shared session database is always opened the way ctl opens it: DuckDB refuses a second
    # connection to one file in one process with a different configuration
    c = connect(built_db)
    yield c
    c.close()


@pytest.mark.parametrize("view", PUBLIC_VIEWS)
def test_view_columns_are_pinned(con, view, snapshot):
    columns = con.execute(f"DESCRIBE {view}").fetchall()
    assert [(name, type_) for name, type_, *_ in columns] == snapshot


def test_timeline_has_the_documented_columns_in_order(con):
    names = [r[0] for r in con.execute("DESCRIBE timeline").fetchall()]
    assert names[:15] == [
        "id", "date_start", "date_end", "precision", "title", "type", "location", "region", "actors",
        "groups", "sources", "source_count", "summary", "file", "line",
    ]  # fmt: skip


def test_regional_aggregates_has_the_documented_columns_in_order(con):
    names = [r[0] for r in con.execute("DESCRIBE regional_aggregates").fetchall()]
    assert names[:12] == [
        "publisher", "report", "period_start", "period_end", "region", "measure", "subgroup", "value",
        "value_basis", "share_pct", "share_basis", "qualifier",
    ]  # fmt: skip


def row(con, sql: str, *params) -> dict:
    cur = con.cursor()
    cur.execute(sql, list(params))
    names = [d[0] for d in cur.description]
    return dict(zip(names, cur.fetchone(), strict=True))


def test_a_reported_share_of_a_reported_total_derives_a_count(con):
    kp = row(con, "SELECT * FROM regional_aggregates WHERE region = 'kp' AND measure = 'fatalities'")
    assert (kp["share_pct"], kp["share_basis"]) == (51.0, "reported")
    assert (kp["value"], kp["value_basis"]) == (220.0, "derived")  # 51% of 432 = 220.3
    assert kp["total"] == 432.0 and kp["total_qualifier"] == "at_least"
    assert str(kp["period_start"]) == "2024-01-01" and str(kp["period_end"]) == "2024-03-31"


def test_a_reported_part_derives_its_share(con):
    part = row(con, "SELECT * FROM regional_aggregates WHERE subgroup = 'civilians_and_security_forces'")
    assert (part["value"], part["value_basis"]) == (281.0, "reported")
    assert (part["share_pct"], part["share_basis"]) == (65.0, "derived")  # 281 / 432


def test_a_share_without_a_reported_total_stays_a_share(con):
    attacks = row(
        con,
        "SELECT * FROM regional_aggregates WHERE measure = 'attacks' AND period_start = DATE '2024-01-01'",
    )
    assert attacks["value"] is None and attacks["value_basis"] is None
    assert (attacks["share_pct"], attacks["qualifier"]) == (86.0, "at_least")


def test_timeline_row_for_the_may_2024_dialogue(con):
    e = row(con, "SELECT * FROM timeline WHERE id = '2024-05-pk-us-ct-dialogue'")
    assert e["groups"] == ["TTP", "ISIS-K"]
    assert e["actors"][:2] == ["Syed Haider Shah", "Elizabeth Richard"]
    assert e["source_count"] == 4 and e["date_label"] == "2024-05-10"
    assert (e["file"], e["region_name"]) == ("seeds/events.toml", "Washington, D.C.")


def test_an_official_holds_the_title_of_the_date(con):
    titles = con.execute(
        "SELECT event_id, title FROM event_actor_roles WHERE actor_id = 'syed-haider-shah' ORDER BY event_id"
    ).fetchall()
    assert titles == [
        ("2023-03-pk-us-ct-dialogue", "Additional Secretary for the UN and Economic Diplomacy"),
        ("2024-05-pk-us-ct-dialogue", "Additional Foreign Secretary for the UN and OIC"),
    ]


def test_date_labels_follow_precision(con):
    labels = dict(con.execute("SELECT id, date_label FROM timeline").fetchall())
    assert labels["2022-11-ttp-truce-ends"] == "2022-11"
    assert labels["2023-03-pk-us-ct-dialogue"] == "2023-03-06..2023-03-07"
    assert labels["2023-03-us-police-training"] == "2023-03..2024-05"


def test_sql_and_python_date_labels_agree(con):
    from ctl.dates import parse_period

    for text in ["2024-05-10", "2024-W20", "2024-W01", "2024-05", "2024-Q1", "2024-Q4", "2024",
                 "2023-03..2024-05", "2023-03-06..2023-03-07", "2020-W53..2021-W02"]:  # fmt: skip
        p = parse_period(text)
        sql = con.execute("SELECT date_label(?, ?, ?)", [p.start, p.end, p.precision]).fetchone()[0]
        assert sql == p.label(), text


def test_source_support_lists_what_each_source_backs(con):
    s = row(con, "SELECT * FROM source_support WHERE id = 'news-webdesk-2024-05-13'")
    assert "2024-05-pk-us-ct-dialogue" in s["events"]
    assert "crss-2024q1-fatalities-kp" in s["statistics"]
    assert s["cites"] == ["stmt-joint-2024-05-13", "report-crss-q1-2024"]
    joint = row(con, "SELECT * FROM source_support WHERE id = 'stmt-joint-2024-05-13'")
    assert len(joint["cited_by"]) == 4 and joint["reported_statistics"] == ["us-training-2023-2024"]
