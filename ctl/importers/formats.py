"""What each dataset format looks like, and the layout of one file: read from its first bytes.

A format names the columns its mapping (db/importers/<format>.sql) reads, each with the other names
older or variant exports give it:

    acled  the 31-column export or any subset of it (only event_date is required); the 2016 layout's
           ally_actor_1/2 and data_id stand in for assoc_actor_1/2 and event_id_cnty
    ucdp   UCDP GED, the current schema (best/low/high) and the older one (best_est/low_est/high_est)
    gtd    the Global Terrorism Database's columns of the 135 that the mapping uses

`auto` picks the format whose signature columns the header has. Header names are compared in lower case
without surrounding spaces or a byte-order mark; a column the file lacks reaches the mapping as NULL.

The layout is what DuckDB's CSV reader cannot be left to guess, because a guess can be wrong on row
900,000: the encoding (UTF-8, or Latin-1 for files that are not, as GTD's CSV is), whether line 2 is an
HXL hashtag row (`#date+year,...`, UCDP), and whether data rows end in a trailing comma (the older
UCDP files, one field more than the header). Everything else is fixed: comma-separated, `"` quotes,
one header line. Columns reach DuckDB by position under our own names (c0, c1, ...), so no text from
the file ever becomes an SQL identifier.
"""

from __future__ import annotations

import codecs
import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

SNIFF_BYTES = 1 << 20  # the header, the HXL row and a few data rows fit many times over


class FormatError(ValueError):
    """The file is not in the format asked for (or in none that `auto` knows)."""


@dataclass(frozen=True)
class Format:
    name: str
    title: str
    columns: tuple[str, ...]  # what the mapping reads, in its own names
    synonyms: dict[str, tuple[str, ...]] = field(default_factory=dict)  # name -> other header names
    required: tuple[str, ...] = ()  # without these no row can be mapped
    signature: tuple[str, ...] = ()  # what `auto` looks for
    id_columns: tuple[str, ...] = ()  # the dataset's own event id, any of these

    def header_names(self, name: str) -> tuple[str, ...]:
        return (name, *self.synonyms.get(name, ()))


ACLED = Format(
    "acled",
    "ACLED",
    columns=(
        "event_id_cnty",
        "event_date",
        "year",
        "time_precision",
        "event_type",
        "sub_event_type",
        "actor1",
        "assoc_actor_1",
        "actor2",
        "assoc_actor_2",
        "country",
        "admin1",
        "admin2",
        "admin3",
        "location",
        "latitude",
        "longitude",
        "geo_precision",
        "source",
        "notes",
        "fatalities",
    ),
    synonyms={
        "event_id_cnty": ("data_id", "event_id_no_cnty"),
        "assoc_actor_1": ("ally_actor_1",),
        "assoc_actor_2": ("ally_actor_2",),
    },
    required=("event_date",),
    signature=("event_date", "actor1"),
    id_columns=("event_id_cnty",),
)

UCDP = Format(
    "ucdp",
    "UCDP GED",
    columns=(
        "id",
        "relid",
        "type_of_violence",
        "conflict_name",
        "dyad_name",
        "side_a",
        "side_b",
        "number_of_sources",
        "source_article",
        "source_office",
        "source_headline",
        "where_prec",
        "where_coordinates",
        "where_description",
        "adm_1",
        "adm_2",
        "latitude",
        "longitude",
        "country",
        "date_prec",
        "date_start",
        "date_end",
        "best",
        "low",
        "high",
    ),
    synonyms={"best": ("best_est",), "low": ("low_est",), "high": ("high_est",)},
    required=("date_start",),
    signature=("date_start", "side_b"),
    id_columns=("id", "relid"),
)

GTD = Format(
    "gtd",
    "GTD",
    columns=(
        "eventid",
        "iyear",
        "imonth",
        "iday",
        "approxdate",
        "extended",
        "resolution",
        "country_txt",
        "provstate",
        "city",
        "latitude",
        "longitude",
        "specificity",
        "summary",
        "attacktype1_txt",
        "targtype1_txt",
        "target1",
        "gname",
        "gname2",
        "gname3",
        "nkill",
        "nwound",
        "scite1",
        "scite2",
        "scite3",
    ),
    required=("iyear", "imonth", "iday"),
    signature=("iyear", "imonth", "iday"),
    id_columns=("eventid",),
)

FORMATS: dict[str, Format] = {f.name: f for f in (ACLED, UCDP, GTD)}


@dataclass(frozen=True)
class Layout:
    """One file as DuckDB is told to read it."""

    header: tuple[str, ...]  # lower-cased names as written
    encoding: str  # utf-8 or latin-1
    hxl_row: tuple[str, ...]  # line 2 when it is an HXL hashtag row (to be skipped), else ()
    width: int  # fields per row: the header's, plus one for a trailing comma

    @property
    def hxl(self) -> bool:
        return bool(self.hxl_row)

    def has_id(self, fmt: Format) -> bool:
        """Whether the file has a column with the dataset's own event ids."""
        index = self.index(fmt)
        return any(c in index for c in fmt.id_columns)

    def index(self, fmt: Format) -> dict[str, int]:
        """Column position of each name the format reads (first match among its synonyms)."""
        found: dict[str, int] = {}
        positions = {name: i for i, name in reversed(list(enumerate(self.header)))}
        for name in fmt.columns:
            for candidate in fmt.header_names(name):
                if candidate in positions:
                    found[name] = positions[candidate]
                    break
        return found


def _decode_head(head: bytes, encoding: str | None) -> tuple[str, str]:
    if encoding is None:
        try:
            # incremental: a multi-byte character cut at the end of the sample is no error
            codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
            encoding = "utf-8"
        except UnicodeDecodeError:
            encoding = "latin-1"
    text = codecs.getincrementaldecoder(encoding)(errors="replace").decode(head, final=False)
    return text.removeprefix("\ufeff"), encoding


def read_layout(path: Path, encoding: str | None = None) -> Layout:
    """The header and layout of a CSV file. `encoding` None means: UTF-8 if the first MiB decodes."""
    with path.open("rb") as f:
        head = f.read(SNIFF_BYTES)
    if not head.strip():
        raise FormatError(f"{path} is empty")
    text, encoding = _decode_head(head, encoding)
    if len(head) == SNIFF_BYTES:  # drop a last line cut short by the sample
        text = text[: max(text.rfind("\n"), 0)]
    rows = list(csv.reader(io.StringIO(text, newline="")))
    if not rows or not any(cell.strip() for cell in rows[0]):
        raise FormatError(f"{path} has no header line")
    header = tuple(cell.strip().lower() for cell in rows[0])
    data = rows[1:]
    hxl = bool(data) and all(c.strip().startswith("#") for c in data[0] if c.strip()) and any(data[0])
    sample = [r for r in data[1 if hxl else 0 :][:50] if r]
    # Older UCDP files end every data row with a comma: one field more than the header, and empty.
    trailing = bool(sample) and all(len(r) == len(header) + 1 and not r[-1].strip() for r in sample)
    return Layout(header, encoding, tuple(data[0]) if hxl else (), len(header) + int(trailing))


def detect(header: tuple[str, ...]) -> Format:
    """The format whose signature columns the header has (`ctl import auto`)."""
    names = set(header)
    matches = [
        f for f in FORMATS.values() if all(any(n in names for n in f.header_names(s)) for s in f.signature)
    ]
    if len(matches) != 1:
        wanted = "; ".join(f"{f.name}: {', '.join(f.signature)}" for f in FORMATS.values())
        what = "several formats" if matches else "no format"
        raise FormatError(f"the header fits {what} ({wanted}); name the format instead of auto")
    return matches[0]


def require(fmt: Format, layout: Layout, path: Path) -> None:
    """Refuse a file that lacks a column without which no row can be mapped."""
    index = layout.index(fmt)
    missing = [name for name in fmt.required if name not in index]
    if missing:
        raise FormatError(
            f"{path} is no {fmt.title} file: its header lacks {', '.join(missing)} "
            f"(it has {', '.join(layout.header[:12])}{', ...' if len(layout.header) > 12 else ''})"
        )
