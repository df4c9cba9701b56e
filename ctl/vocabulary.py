"""The closed vocabularies of the record model: event types, measures, qualifiers, import formats.

Kept apart from ctl/model.py, which re-exports them, so that code needing only the words (the filter
parser, and with it every reading command) does not pay for building the pydantic models at import:
about a tenth of a second, which is most of what `ctl timeline` costs on top of `ctl query`.
"""

from __future__ import annotations

from typing import Literal, get_args

EventType = Literal[
    "dialogue", "statement", "truce", "training", "report_release", "attack", "operation", "meeting", "other"
]
Measure = Literal["fatalities", "injuries", "incidents", "attacks", "personnel_trained"]
Qualifier = Literal["exact", "at_least", "more_than", "nearly", "less_than", "about"]
ImportFormat = Literal["acled", "ucdp", "gtd"]

EVENT_TYPES: tuple[str, ...] = get_args(EventType)
MEASURES: tuple[str, ...] = get_args(Measure)
QUALIFIERS: tuple[str, ...] = get_args(Qualifier)
IMPORT_FORMATS: tuple[str, ...] = get_args(ImportFormat)
