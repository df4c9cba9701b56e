"""`ctl export --format ics`: the timeline as an RFC 5545 calendar of all-day events.

Each event spans the whole range its date is known to: `2023-12` is an entry from 1 to 31 December, a
range `2023-12-28..2024-01-03` one across the new year. DTEND is exclusive (the day after date_end), as
RFC 5545 defines it for DATE values. The description says how exactly the date is known, so a month-long
entry is not mistaken for a month-long event.

Stable output: UID is the event id at a fixed domain, and DTSTAMP is the newest date in the data, not
the time of the export, so exporting the same seeds twice gives the same bytes.
"""

from __future__ import annotations

from datetime import date, timedelta

from ctl.export import ExportData, date_note, place, reference_parts

UID_DOMAIN = "ctl.invalid"  # RFC 2606 reserves .invalid: the ids are ctl's, not some real host's
PRODID = "-//ctl//counterterrorism timeline//EN"
MAX_OCTETS = 75  # a content line's limit, excluding CRLF (RFC 5545 section 3.1)


def escape_text(text: str) -> str:
    """A TEXT value (RFC 5545 section 3.3.11): backslash, semicolon, comma and newlines escaped."""
    text = text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return text.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")


def fold(line: str) -> str:
    """Split a content line into lines of at most 75 octets, never inside a UTF-8 character; each
    continuation starts with one space (which counts towards its 75)."""
    out: list[str] = []
    current, size, limit = [], 0, MAX_OCTETS
    for ch in line:
        n = len(ch.encode("utf-8"))
        if size + n > limit:
            out.append("".join(current))
            current, size, limit = [" "], 1, MAX_OCTETS
        current.append(ch)
        size += n
    out.append("".join(current))
    return "\r\n".join(out)


def _date(d: date) -> str:
    return d.strftime("%Y%m%d")


def _description(event: dict, sources: dict[str, dict]) -> str:
    lines = [event["summary"] or "", ""]
    note = date_note(event)
    lines.append(f"Date: {event['date_label']}" + (f" ({note})" if note else ""))
    if event["groups"]:
        lines.append("Groups: " + ", ".join(event["groups"]))
    if event["actors"]:
        lines.append("Actors: " + ", ".join(event["actors"]))
    for sid in event["sources"]:
        p = reference_parts(sources.get(sid, {"id": sid}))
        who = ", ".join(x for x in (p["outlet"], p["title"], p["byline"], p["published"]) if x)
        lines.append(f"Source: {who} [{sid}]")
    return "\n".join(lines)


def _vevent(event: dict, stamp: str, sources: dict[str, dict]) -> list[str]:
    lines = [
        "BEGIN:VEVENT",
        f"UID:{event['id']}@{UID_DOMAIN}",
        f"DTSTAMP:{stamp}",
        f"DTSTART;VALUE=DATE:{_date(event['date_start'])}",
        f"DTEND;VALUE=DATE:{_date(event['date_end'] + timedelta(days=1))}",
        f"SUMMARY:{escape_text(event['title'])}",
        f"DESCRIPTION:{escape_text(_description(event, sources))}",
    ]
    if where := place(event):
        lines.append(f"LOCATION:{escape_text(where)}")
    lines += [
        f"CATEGORIES:{escape_text(event['type'])}",
        "TRANSP:TRANSPARENT",  # a dated fact, not a meeting: it does not make anyone busy
        "END:VEVENT",
    ]
    return lines


def render_ics(data: ExportData) -> str:
    stamp = _date(data.stamp) + "T000000Z"
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "X-WR-CALNAME:ctl timeline",
    ]
    for event in data.events or []:
        lines += _vevent(event, stamp, data.sources)
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
