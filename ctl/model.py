"""The record model: what a seed file may say, validated by pydantic v2.

One class per record kind; each TOML array of tables (`[[event]]`, `[[statistic]]`, ...) holds records
of one kind, in any file under seeds/. Cross-references between records (ids) are checked later, in
check.py, where every record is known.

`[[import]]` is a kind of its own (MANIFEST_KINDS): not a fact in our words but a pointer to a dataset
file (ACLED, UCDP GED, GTD) with its format and sha256, written by `ctl import` into seeds/imports.toml
so that `ctl load` rebuilds the imported events reproducibly and `ctl check` notices a changed file.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field

from ctl.dates import Period, parse_period
from ctl.vocabulary import EVENT_TYPES as EVENT_TYPES  # re-exported: the words are part of the model
from ctl.vocabulary import IMPORT_FORMATS as IMPORT_FORMATS
from ctl.vocabulary import MEASURES as MEASURES
from ctl.vocabulary import QUALIFIERS as QUALIFIERS
from ctl.vocabulary import EventType, ImportFormat, Measure, Qualifier

Id = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9._-]*$", max_length=80)]
Text = Annotated[str, Field(min_length=1)]


def _period(value: object) -> Period:
    if isinstance(value, Period):
        return value
    return parse_period(value)  # type: ignore[arg-type]  # DateError is a ValueError: pydantic reports it


When = Annotated[Period, BeforeValidator(_period)]


def _unique(values: list[str]) -> list[str]:
    seen: set[str] = set()
    dupes = [v for v in values if v in seen or seen.add(v)]  # type: ignore[func-returns-value]
    if dupes:
        raise ValueError(f"listed twice: {', '.join(sorted(set(dupes)))}")
    return values


IdList = Annotated[list[Id], AfterValidator(_unique)]

SourceKind = Literal["news", "report", "statement"]
ActorKind = Literal["person", "organisation", "state"]
RegionKind = Literal["country", "province", "territory", "city", "composite", "remainder"]
Unit = Literal["count", "percent"]
Encoding = Literal["utf-8", "latin-1"]


class Record(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)


class Source(Record):
    id: Id
    kind: SourceKind
    outlet: Text | None = None  # None: the text does not name it
    title: Text | None = None
    byline: Text | None = None
    publisher: Id | None = None  # actor id of the issuing body, for reports and statements
    published: When | None = None  # a day, or a range at its precision when only implied
    url: Text | None = None
    cites: IdList = []  # sources this one relays (an article quoting a joint statement)
    note: Text | None = None


class Role(Record):
    title: Text
    honorific: Text | None = None
    organisation: Id | None = None  # actor id
    valid_from: date | None = None  # tenure bounds where a source gives them
    valid_to: date | None = None
    attested: list[date] = []  # days on which a source shows the title held
    sources: IdList = []


class Actor(Record):
    id: Id
    name: Text
    kind: ActorKind
    aliases: list[Text] = []
    roles: list[Role] = []
    note: Text | None = None


class Group(Record):
    id: Id
    name: Text  # canonical short name: TTP, ISIS-K
    full_name: Text | None = None
    aliases: list[Text] = []
    note: Text | None = None


class Region(Record):
    id: Id
    name: Text
    kind: RegionKind
    parent: Id | None = None
    members: IdList = []  # for composite regions (e.g. KP and Balochistan together)
    aliases: list[Text] = []
    note: Text | None = None


class EventActor(Record):
    id: Id
    role: Text | None = None  # co-chair, issuer, party, publisher ...


class Event(Record):
    id: Id
    title: Text
    type: EventType
    date: When
    location: Text | None = None
    region: Id
    actors: list[EventActor] = []
    groups: IdList = []
    sources: IdList  # at least one: checked by check.py so the error has its own code
    summary: Text
    note: Text | None = None


class Statistic(Record):
    id: Id
    publisher: Id  # actor id
    report: Id  # source id of the report or statement that gives the figure
    period: When
    region: Id
    measure: Measure
    subgroup: Text = "all"
    value: Annotated[float, Field(allow_inf_nan=False)]
    unit: Unit = "count"
    qualifier: Qualifier = "exact"
    of: Id | None = None  # statistic id of the whole this figure is a part or share of
    sources: IdList
    note: Text | None = None


# The TOML table name of each kind, in load order.
KINDS: dict[str, type[Record]] = {
    "source": Source,
    "actor": Actor,
    "group": Group,
    "region": Region,
    "event": Event,
    "statistic": Statistic,
}


class Import(Record):
    """A dataset file imported in bulk (ctl/importers). Written by `ctl import`, rarely by hand."""

    id: Id
    format: ImportFormat
    path: Text  # relative to the project root (the seeds folder's parent), or absolute
    sha256: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
    rows: Annotated[int, Field(ge=0)]  # data rows in the file (bad ones included)
    skip_bad: bool = False  # import the good rows of a file with bad ones (else: all or nothing)
    encoding: Encoding = "utf-8"  # latin-1 for files that are not UTF-8 (GTD's CSV is Windows-1252)
    note: Text | None = None


# Kinds that are no record of the timeline itself but a manifest of inputs. Kept apart from KINDS so
# that everything that walks the record kinds (reports, counts, tests) is unchanged by them.
MANIFEST_KINDS: dict[str, type[Record]] = {"import": Import}
ALL_KINDS: dict[str, type[Record]] = {**KINDS, **MANIFEST_KINDS}
