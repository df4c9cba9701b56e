"""ctl.model: what a record may say. Extra fields are refused, enums are closed, ids have one form."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError

from ctl.dates import Period
from ctl.model import (
    EVENT_TYPES,
    KINDS,
    MEASURES,
    QUALIFIERS,
    Actor,
    Event,
    Group,
    Region,
    Role,
    Source,
    Statistic,
)

EVENT = {
    "id": "2024-05-dialogue",
    "title": "Dialogue",
    "type": "dialogue",
    "date": "2024-05-10",
    "region": "islamabad",
    "sources": ["news-1"],
    "summary": "Talks.",
}
STATISTIC = {
    "id": "q1-fatalities",
    "publisher": "crss",
    "report": "report-q1",
    "period": "2024-Q1",
    "region": "pakistan",
    "measure": "fatalities",
    "value": 432,
    "sources": ["news-1"],
}


def errors(model, data: dict) -> list[tuple[tuple, str]]:
    with pytest.raises(ValidationError) as info:
        model.model_validate(data)
    return [(tuple(e["loc"]), e["type"]) for e in info.value.errors()]


def test_kinds_in_load_order():
    assert list(KINDS) == ["source", "actor", "group", "region", "event", "statistic"]
    assert KINDS["statistic"] is Statistic


def test_valid_records_keep_their_values():
    event = Event.model_validate(EVENT)
    assert event.date == Period(date(2024, 5, 10), date(2024, 5, 10), "day")
    assert event.actors == []
    assert event.groups == []

    stat = Statistic.model_validate(STATISTIC)
    assert (stat.subgroup, stat.unit, stat.qualifier, stat.of) == ("all", "count", "exact", None)
    assert stat.value == 432.0
    assert stat.period.precision == "quarter"


def test_toml_date_is_accepted_where_a_period_is_expected():
    source = Source.model_validate({"id": "news-1", "kind": "news", "published": date(2024, 5, 14)})
    assert source.published == Period(date(2024, 5, 14), date(2024, 5, 14), "day")


@pytest.mark.parametrize("model", list(KINDS.values()))
def test_extra_fields_are_forbidden_in_every_kind(model):
    assert ((("nickname",), "extra_forbidden")) in errors(model, {"nickname": "x"})


def test_extra_field_in_a_nested_record_is_forbidden():
    data = {**EVENT, "actors": [{"id": "a", "rank": "chief"}]}
    assert errors(Event, data) == [(("actors", 0, "rank"), "extra_forbidden")]
    actor = {"id": "a", "name": "A", "kind": "person", "roles": [{"title": "T", "office": "x"}]}
    assert errors(Actor, actor) == [(("roles", 0, "office"), "extra_forbidden")]


def test_missing_required_fields_are_named():
    missing = {loc for loc, typ in errors(Event, {}) if typ == "missing"}
    assert missing == {("id",), ("title",), ("type",), ("date",), ("region",), ("sources",), ("summary",)}
    assert errors(Group, {"id": "ttp"}) == [(("name",), "missing")]


@pytest.mark.parametrize(
    ("model", "data", "field"),
    [
        (Source, {"id": "s", "kind": "blog"}, "kind"),
        (Actor, {"id": "a", "name": "A", "kind": "company"}, "kind"),
        (Region, {"id": "r", "name": "R", "kind": "state"}, "kind"),
        (Event, {**EVENT, "type": "dialog"}, "type"),
        (Statistic, {**STATISTIC, "measure": "deaths"}, "measure"),
        (Statistic, {**STATISTIC, "unit": "percentage"}, "unit"),
        (Statistic, {**STATISTIC, "qualifier": "approximately"}, "qualifier"),
    ],
)
def test_enums_are_closed(model, data: dict, field: str):
    assert errors(model, data) == [((field,), "literal_error")]


def test_enum_values_are_exposed():
    assert "dialogue" in EVENT_TYPES and "report_release" in EVENT_TYPES
    assert MEASURES == ("fatalities", "injuries", "incidents", "attacks", "personnel_trained")
    assert "at_least" in QUALIFIERS and "less_than" in QUALIFIERS


@pytest.mark.parametrize("rid", ["ttp", "2024-05-dialogue", "a", "0", "news.v2_final-1", "a" * 80])
def test_valid_ids(rid: str):
    assert Group.model_validate({"id": rid, "name": "G"}).id == rid


@pytest.mark.parametrize(
    ("rid", "typ"),
    [
        ("TTP", "string_pattern_mismatch"),
        ("-ttp", "string_pattern_mismatch"),
        (".ttp", "string_pattern_mismatch"),
        ("isis k", "string_pattern_mismatch"),
        ("isis/k", "string_pattern_mismatch"),
        ("dāish", "string_pattern_mismatch"),
        ("", "string_pattern_mismatch"),
        ("a" * 81, "string_too_long"),
    ],
)
def test_invalid_ids(rid: str, typ: str):
    assert errors(Group, {"id": rid, "name": "G"}) == [(("id",), typ)]


def test_id_pattern_applies_to_references_too():
    assert errors(Event, {**EVENT, "region": "Islamabad"}) == [(("region",), "string_pattern_mismatch")]
    assert errors(Event, {**EVENT, "sources": ["ok", "Not-Ok"]}) == [
        (("sources", 1), "string_pattern_mismatch")
    ]
    assert errors(Statistic, {**STATISTIC, "of": "Q1"}) == [(("of",), "string_pattern_mismatch")]


def test_id_lists_refuse_duplicates():
    with pytest.raises(ValidationError, match="listed twice: news-1"):
        Event.model_validate({**EVENT, "sources": ["news-1", "news-2", "news-1"]})
    assert errors(Event, {**EVENT, "groups": ["ttp", "ttp"]}) == [(("groups",), "value_error")]


def test_text_is_stripped_and_may_not_be_empty():
    assert Group.model_validate({"id": "ttp", "name": "  TTP  "}).name == "TTP"
    assert errors(Group, {"id": "ttp", "name": ""}) == [(("name",), "string_too_short")]
    assert errors(Group, {"id": "ttp", "name": "   "}) == [(("name",), "string_too_short")]
    assert errors(Group, {"id": "ttp", "name": "T", "aliases": ["ok", ""]}) == [
        (("aliases", 1), "string_too_short")
    ]


def test_bad_period_is_a_value_error_with_the_date_message():
    with pytest.raises(ValidationError) as info:
        Event.model_validate({**EVENT, "date": "May 2024"})
    [err] = info.value.errors()
    assert err["loc"] == ("date",)
    assert err["type"] == "value_error"
    assert "'May 2024' is not a date" in err["msg"]


def test_role_dates_are_days():
    role = Role.model_validate({"title": "T", "valid_from": "2024-01-01", "attested": [date(2024, 5, 10)]})
    assert role.valid_from == date(2024, 1, 1)
    assert errors(Role, {"title": "T", "valid_to": "2024-05"}) == [
        (("valid_to",), "date_from_datetime_parsing")
    ]


def test_value_must_be_a_number():
    assert errors(Statistic, {**STATISTIC, "value": "many"}) == [(("value",), "float_parsing")]


def test_records_are_frozen():
    group = Group.model_validate({"id": "ttp", "name": "TTP"})
    with pytest.raises(ValidationError):
        group.name = "Other"  # type: ignore[misc]
