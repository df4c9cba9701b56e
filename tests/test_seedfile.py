"""ctl.seedfile: values come from tomllib; positions of records, keys and array elements from a scanner."""

from __future__ import annotations

from pathlib import Path

import pytest

from ctl.seedfile import SeedFile, SeedSyntaxError, read_seed_file

DOC = """\
# A comment that mentions [[event]] and id = "fake"
[[event]]
id = "e1"  # trailing comment with ] and {
title = 'literal [[x]] title'
actors = [
  { id = "a1", role = "chair" },  # first
  # a comment line inside the array, with a comma, and ]
  { id = "a2", role = "party" },
]
sources = ["s1", "s2",
           "s3"]
summary = \"\"\"
[[event]]
id = "inside a string"
key = value\"\"\"
note = '''
[[statistic]]
'''
date = "2024"

[[event]]
id = "e2"
groups = [ "g1" , "g2" ]

[[actor]]
id = "x"

[[actor.roles]]
title = "Envoy"
sources = ["s1"]

[[actor.roles]]
title = "Ambassador"
attested = [
  2024-05-10,
  2024-05-11,
]

[[actor]]
id = "y"
roles = [{ title = "Chief", sources = ["s9"] }]
"""


def write(tmp_path: Path, text: str, name: str = "seed.toml", newline: str | None = None) -> Path:
    path = tmp_path / name
    with path.open("w", encoding="utf-8", newline=newline) as f:
        f.write(text)
    return path


@pytest.fixture
def seed(tmp_path: Path) -> SeedFile:
    return read_seed_file(write(tmp_path, DOC), "seeds/doc.toml")


def text_at(seed: SeedFile, pos: tuple[int, int]) -> str:
    line, col = pos
    return seed.lines[line - 1][col - 1 :]


# -- values and records -------------------------------------------------------------------------------


def test_values_come_from_tomllib(seed: SeedFile):
    assert seed.path == "seeds/doc.toml"
    assert [e["id"] for e in seed.data["event"]] == ["e1", "e2"]
    assert seed.data["event"][0]["summary"] == '[[event]]\nid = "inside a string"\nkey = value'
    assert seed.data["event"][0]["note"] == "[[statistic]]\n"
    assert [r["title"] for r in seed.data["actor"][0]["roles"]] == ["Envoy", "Ambassador"]


def test_comments_and_strings_do_not_create_records(seed: SeedFile):
    assert set(seed.tables) == {"event", "actor"}
    assert [t.pos for t in seed.tables["event"]] == [(2, 1), (21, 1)]
    assert [t.pos for t in seed.tables["actor"]] == [(25, 1), (39, 1)]


def test_multi_line_string_text_does_not_become_keys(seed: SeedFile):
    keys = seed.tables["event"][0].keys
    assert list(keys) == ["id", "title", "actors", "sources", "summary", "note", "date"]
    assert keys["summary"].end_line == 15
    assert keys["note"].end_line == 18
    assert seed.locate("event", 0, ("id",), at_value=False) == (3, 1)
    assert seed.locate("event", 0, ("date",), at_value=False) == (19, 1)
    assert seed.locate("event", 0, ("date",)) == (19, 8)


def test_record_position_is_its_header(seed: SeedFile):
    assert seed.locate("event", 1) == (21, 1)
    assert seed.locate("actor", 1, ()) == (39, 1)


# -- keys and array elements --------------------------------------------------------------------------


def test_a_key_is_located_at_its_value_by_default(seed: SeedFile):
    assert seed.locate("event", 1, ("groups",)) == (23, 10)
    assert text_at(seed, seed.locate("event", 0, ("title",))).startswith("'literal [[x]] title'")
    assert text_at(seed, seed.locate("event", 0, ("summary",))).startswith('"""')


def test_a_key_is_located_at_itself_when_asked(seed: SeedFile):
    assert seed.locate("event", 1, ("groups",), at_value=False) == (23, 1)
    assert text_at(seed, seed.locate("event", 0, ("title",), at_value=False)).startswith("title = ")


def test_element_of_a_single_line_array(seed: SeedFile):
    pos = seed.locate("event", 1, ("groups", 1))
    assert pos == (23, 19)
    assert text_at(seed, pos).startswith('"g2"')


def test_element_of_an_array_continued_on_the_next_line(seed: SeedFile):
    assert seed.locate("event", 0, ("sources", 0)) == (10, 12)
    assert seed.locate("event", 0, ("sources", 1)) == (10, 18)
    assert seed.locate("event", 0, ("sources", 2)) == (11, 12)


def test_inline_table_in_a_multi_line_array_skips_comment_lines(seed: SeedFile):
    assert seed.locate("event", 0, ("actors", 0)) == (6, 3)
    assert seed.locate("event", 0, ("actors", 1)) == (8, 3)


def test_key_inside_an_inline_table(seed: SeedFile):
    pos = seed.locate("event", 0, ("actors", 1, "role"), at_value=False)
    assert pos == (8, 16)
    assert text_at(seed, pos).startswith('role = "party"')
    assert text_at(seed, seed.locate("event", 0, ("actors", 0, "id"), at_value=False)).startswith('id = "a1"')


def test_missing_key_in_an_inline_table_falls_back_to_the_element(seed: SeedFile):
    assert seed.locate("event", 0, ("actors", 1, "note")) == (8, 3)


def test_sub_tables_are_located_by_index(seed: SeedFile):
    assert seed.locate("actor", 0, ("roles", 0)) == (28, 1)
    assert seed.locate("actor", 0, ("roles", 1)) == (32, 1)
    assert seed.locate("actor", 0, ("roles", 0, "sources")) == (30, 11)
    assert seed.locate("actor", 0, ("roles", 1, "title"), at_value=False) == (33, 1)


def test_element_of_a_multi_line_array_in_a_sub_table(seed: SeedFile):
    assert seed.locate("actor", 0, ("roles", 1, "attested", 1)) == (36, 3)


def test_inline_roles_point_at_the_key_inside_the_element(seed: SeedFile):
    assert seed.locate("actor", 1, ("roles", 0)) == (41, 10)
    line, col = seed.locate("actor", 1, ("roles", 0, "sources", 0))
    assert line == 41
    assert col >= seed.lines[40].index("sources")  # at the key `sources` of the inline table, or past it


def test_unknown_places_fall_back_to_the_nearest_known_one(seed: SeedFile):
    assert seed.locate("event", 0, ("nosuchkey",)) == (2, 1)
    assert seed.locate("event", 0, ("sources", 7)) == (10, 1)
    assert seed.locate("actor", 0, ("roles", 5, "title")) == (25, 1)
    assert seed.locate("statistic", 0, ("value",)) == (1, 1)
    assert seed.locate("event", 9) == (1, 1)


def test_value_pos_finds_the_value_and_a_quoted_needle(seed: SeedFile):
    assert seed.value_pos("event", 0, "sources") == (10, 11)
    assert seed.value_pos("event", 0, "sources", "s3") == (11, 12)
    assert seed.value_pos("event", 0, "nosuchkey") == (2, 1)
    assert seed.value_pos("event", 5, "id") == (1, 1)


# -- other spellings of TOML --------------------------------------------------------------------------


def test_indented_quoted_and_dotted_forms(tmp_path: Path):
    text = '  [[ "actor" ]]\n  "id" = "a"\n\tname = "A"\n[[ actor . roles ]]\ntitle = "T"\n'
    seed = read_seed_file(write(tmp_path, text))

    assert seed.locate("actor", 0) == (1, 3)
    assert seed.locate("actor", 0, ("id",), at_value=False) == (2, 3)
    assert seed.locate("actor", 0, ("id",)) == (2, 10)
    assert seed.locate("actor", 0, ("name",), at_value=False) == (3, 2)
    assert seed.locate("actor", 0, ("roles", 0, "title")) == (5, 9)


def test_crlf_line_endings_give_the_same_positions(tmp_path: Path):
    lf = read_seed_file(write(tmp_path, DOC, "lf.toml", newline="\n"))
    crlf = read_seed_file(write(tmp_path, DOC, "crlf.toml", newline="\r\n"))

    assert crlf.data == lf.data
    for loc in [("actors", 1, "role"), ("sources", 2), ("date",)]:
        assert crlf.locate("event", 0, loc) == lf.locate("event", 0, loc)


# -- errors -------------------------------------------------------------------------------------------


def test_syntax_error_carries_the_position_tomllib_gives(tmp_path: Path):
    path = write(tmp_path, '[[source]]\nid = "a"\nkind = news\n')

    with pytest.raises(SeedSyntaxError) as info:
        read_seed_file(path, "seeds/sources.toml")

    assert info.value.path == "seeds/sources.toml"
    assert info.value.pos == (3, 8)
    assert info.value.message == "invalid TOML: Invalid value"


def test_duplicate_key_is_a_syntax_error(tmp_path: Path):
    with pytest.raises(SeedSyntaxError) as info:
        read_seed_file(write(tmp_path, '[[source]]\nid = "a"\nid = "b"\n'))

    assert info.value.message.startswith("invalid TOML: ")


def test_invalid_utf8_names_the_line_of_the_bad_byte(tmp_path: Path):
    path = tmp_path / "bad.toml"
    path.write_bytes(b'[[source]]\nid = "a"\ntitle = "\xff"\n')

    with pytest.raises(SeedSyntaxError) as info:
        read_seed_file(path)

    assert info.value.pos == (3, 1)
    assert info.value.message == "file is not valid UTF-8"
    assert info.value.path == str(path)


# -- bugs ---------------------------------------------------------------------------------------------


def test_key_inside_an_inline_table_is_located_at_its_value_by_default(seed: SeedFile):
    assert seed.locate("event", 0, ("actors", 1, "role")) == (8, 23)


def test_unicode_line_separator_in_a_string_does_not_shift_lines(tmp_path: Path):
    seed = read_seed_file(write(tmp_path, '[[source]]\nid = "s"\nnote = "a\u2028b"\nkind = "news"\n'))

    assert seed.data["source"][0]["kind"] == "news"
    assert seed.locate("source", 0, ("kind",)) == (4, 8)


def test_sub_table_after_another_kind_belongs_to_its_own_kind(tmp_path: Path):
    text = (
        '[[actor]]\nid = "a"\nname = "A"\nkind = "person"\n\n[[group]]\nid = "g"\nname = "G"\n\n'
        '[[actor.roles]]\ntitle = "Envoy"\n'
    )
    seed = read_seed_file(write(tmp_path, text))

    assert seed.data["actor"][0]["roles"] == [{"title": "Envoy"}]
    assert seed.locate("actor", 0, ("roles", 0, "title")) == (11, 9)


def test_error_at_end_of_document_is_not_reported_on_line_one(tmp_path: Path):
    path = write(tmp_path, '[[group]]\nid = "ttp"\naliases = [\n  "TTP",\n  "Pakistani Taliban"\n')

    with pytest.raises(SeedSyntaxError) as info:
        read_seed_file(path)

    assert info.value.pos[0] >= 3
