"""The filter language: parsing, errors with columns, and what each filter selects on the real seeds."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ctl.db import connect
from ctl.filters import EVENT_KEYS, FilterError, Term, compile_terms, from_options, join_args, parse


@pytest.fixture(scope="module")
def con(built_db):
    c = connect(built_db)
    yield c
    c.close()


def ids(con, expr: str, target: str = "timeline") -> list[str]:
    where, params = compile_terms(parse(expr, target), target)
    view = "timeline" if target == "timeline" else "regional_aggregates"
    key, order = (
        ("id", "t.date_start, t.date_end, t.id") if target == "timeline" else ("statistic_ids[1]", "1")
    )
    sql = f"SELECT {key} FROM {view} t WHERE {where} ORDER BY {order}"
    return [r[0] for r in con.execute(sql, params).fetchall()]


def test_parse_keys_quotes_negation_and_bare_words():
    terms = parse(
        'group:TTP actor:"Elizabeth Richard" date:2024-05 region:KP dialogue -type:statement Washington'
    )
    assert terms == [
        Term("group", "TTP", False, 1),
        Term("actor", "Elizabeth Richard", False, 11),
        Term("date", "2024-05", False, 37),
        Term("region", "KP", False, 50),
        Term("type", "dialogue", False, 60),
        Term("type", "statement", True, 69),
        Term("search", "Washington", False, 85),
    ]


def test_bare_date_words_become_date_filters():
    assert parse("2024-Q1 2023..2024") == [
        Term("date", "2024-Q1", False, 1),
        Term("date", "2023..2024", False, 9),
    ]


@pytest.mark.parametrize(
    ("text", "message", "col"),
    [
        ("grp:TTP", "unknown filter key 'grp'; did you mean group:?", 1),
        ("group:TTP type:dialog", "unknown event type 'dialog'; did you mean dialogue?", 11),
        ("since:2024-13", "since: '2024-13' is not a real date (month must be in 1..12)", 1),
        ('actor:"Elizabeth', 'unclosed quote "', 7),
        ("group:", "group: needs a value", 1),
        (
            "until:yesterday",
            "until: 'yesterday' is not a date: use 2024-05-10, 2024-W20, 2024-05, 2024-Q1 or 2024",
            1,
        ),
    ],
)
def test_errors_name_the_mistake_and_its_column(text, message, col):
    with pytest.raises(FilterError) as info:
        parse(text)
    assert info.value.message == message
    assert info.value.col == col


def test_statistics_have_their_own_keys():
    assert parse("fatalities region:KP", "aggregates") == [
        Term("measure", "fatalities", False, 1),
        Term("region", "KP", False, 12),
    ]
    with pytest.raises(FilterError, match="unknown filter key 'group'"):
        parse("group:TTP", "aggregates")


def test_join_args_requotes_words_the_shell_unquoted():
    assert join_args(["group:TTP", "actor:Elizabeth Richard", "-actor:Syed Haider Shah", "free text"]) == (
        'group:TTP actor:"Elizabeth Richard" -actor:"Syed Haider Shah" "free text"'
    )
    assert parse(join_args(["actor:Elizabeth Richard"])) == [Term("actor", "Elizabeth Richard", False, 1)]


def test_from_options_validates_like_the_parser():
    assert from_options(group=["TTP"], since="2024") == [Term("group", "TTP"), Term("since", "2024")]
    with pytest.raises(FilterError):
        from_options(type=["dialog"])


def test_user_text_only_reaches_sql_as_parameters():
    hostile = "x'; DROP VIEW timeline; --"
    where, params = compile_terms(parse(f'actor:"{hostile}" search:"{hostile}"'))
    assert hostile not in where
    assert any(hostile in str(p) for p in params)


# -- what the filters select on the bundled seeds -----------------------------------------------------

MAY_2024 = "2024-05-pk-us-ct-dialogue"
MARCH_2023 = "2023-03-pk-us-ct-dialogue"


@pytest.mark.parametrize(
    "spelling",
    [
        "TTP",
        "Tehreek-e-Taliban Pakistan",
        "Tehreek-i-Taliban Pakistan",
        "Tehrik-i-Taliban Pakistan",
        "ttp",
        "TEHRIK I TALIBAN PAKISTAN",
    ],
)
def test_every_ttp_spelling_finds_the_same_events(con, spelling):
    assert ids(con, f'group:"{spelling}"') == ["2022-11-ttp-truce-ends", MAY_2024, "2024-05-joint-statement"]


@pytest.mark.parametrize(
    "spelling",
    [
        "ISIS-K",
        "ISIS-Khorasan",
        "IS-K",
        "Islamic State-Khorasan",
        "ISKP",
        "Daesh",
        "Da'ish",
        "Da’ish",
        "dáish",
        "Khorasan",
    ],
)
def test_every_isis_k_spelling_finds_the_may_2024_events(con, spelling):
    assert ids(con, f'group:"{spelling}"') == [MAY_2024, "2024-05-joint-statement"]


def test_actor_filters_by_name_alias_or_part_of_a_name(con):
    assert ids(con, 'actor:"Christopher Landberg"') == [MARCH_2023]
    assert ids(con, 'actor:"Elizabeth Richard"') == [MAY_2024]
    assert ids(con, "actor:landberg") == [MARCH_2023]
    # "Foreign Office" is an exact alias of the ministry, so it does not also match by substring elsewhere
    assert ids(con, 'actor:"Foreign Office"') == ["2023-03-separate-handouts", "2024-05-joint-statement"]


def test_dates_keep_events_whose_range_overlaps(con):
    since = ids(con, "since:2024-01-01")
    assert MARCH_2023 not in since and MAY_2024 in since
    # the training ran from March 2023 to May 2024, so it overlaps both years
    assert "2023-03-us-police-training" in since
    assert "2023-03-us-police-training" in ids(con, "until:2023")
    assert ids(con, "date:2023-03-07") == [
        "2023-03-us-police-training",
        "2023-03-pk-us-ct-dialogue",
        "2023-03-separate-handouts",
    ]


def test_regions_include_their_sub_regions(con):
    assert ids(con, "region:ICT") == [
        "2023-03-pk-us-ct-dialogue",
        "2023-03-separate-handouts",
        "2024-05-joint-statement",
    ]
    assert ids(con, "region:Washington") == [MAY_2024]


def test_same_key_is_or_other_keys_and_negation_excludes(con):
    assert ids(con, "dialogue statement group:TTP") == [MAY_2024, "2024-05-joint-statement"]
    assert ids(con, "group:TTP -type:statement") == ["2022-11-ttp-truce-ends", MAY_2024]


def test_stats_region_filter_finds_the_kp_share(con):
    assert ids(con, "region:KP fatalities", "aggregates") == ["crss-2024q1-fatalities-kp"]


# -- properties ---------------------------------------------------------------------------------------

_pieces = st.one_of(
    st.text(max_size=12),
    st.sampled_from([*EVENT_KEYS, "measure", "-", ":", '"', "'", " ", "..", "2024", "2024-05", "Q1", "W20"]),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_pieces, max_size=8).map("".join))
def test_parse_raises_nothing_but_filter_error(text):
    for target in ("timeline", "aggregates"):
        try:
            terms = parse(text, target)
        except FilterError as exc:
            assert exc.col >= 1 and exc.message
            continue
        where, params = compile_terms(terms, target)
        assert where.count("?") == len(params)


@settings(max_examples=100, deadline=None)
@given(st.lists(_pieces, max_size=6).map("".join))
def test_compiled_filters_always_run(con, text):
    try:
        terms = parse(text)
    except FilterError:
        return
    where, params = compile_terms(terms)
    con.execute(f"SELECT count(*) FROM timeline t WHERE {where}", params).fetchone()
