"""`ctl export --format markdown`: a timeline to read, not a table to parse.

One heading per year and one per event (date label, title), then the type, place and how exactly the
date is known, the summary with numbered citations [1], [2], the groups and actors; the citations
resolve to a References list at the end (outlet, title, byline, date). With `--what aggregates` the
figures are listed per report and period, each in words ("55% of at least 400, so ~220 (derived)").
"""

from __future__ import annotations

import re

from ctl.export import (
    Citations,
    ExportData,
    date_note,
    events_by_year,
    figure_groups,
    figure_phrase,
    measure_label,
    place,
    reference_parts,
    summary_line,
    words,
)

# Characters that would start emphasis, links, code, html or a table cell anywhere in a line.
_INLINE = re.compile(r"([\\`*_\[\]<>|])")
# Characters that would turn the start of a line into a heading, list item or quote.
_LEADING = re.compile(r"^([#+\->]|\d+[.)])")


def escape(text: str) -> str:
    """Plain text as markdown that renders as the same text, on one line."""
    one_line = " ".join(text.split())  # a newline could start a list or heading mid-paragraph
    escaped = _INLINE.sub(r"\\\1", one_line)
    return _LEADING.sub(lambda m: "\\" + m.group(1), escaped)


def _cite(citations: Citations, source_ids: list[str]) -> str:
    return "".join(f" [{n}]" for n in citations.numbers(source_ids))


def _event(e: dict, citations: Citations) -> list[str]:
    lines = [f"### {escape(e['date_label'])} · {escape(e['title'])}", ""]
    facts = [words(e["type"]), place(e), date_note(e)]
    lines += ["*" + escape(" · ".join(f for f in facts if f)) + "*", ""]
    lines += [escape(e["summary"] or "") + _cite(citations, e["sources"]), ""]
    people = []
    if e["groups"]:
        people.append("Groups: " + escape(", ".join(e["groups"])))
    if e["actors"]:
        people.append("Actors: " + escape(", ".join(e["actors"])))
    if people:
        lines += ["  \n".join(people), ""]
    return lines


def _timeline(data: ExportData, citations: Citations) -> list[str]:
    lines = [
        "# Timeline",
        "",
        escape(summary_line(data, "timeline")) + ", oldest first. Dates are written at their precision "
        "(2024-05 is some day in May 2024); numbers in brackets cite the references at the end.",
        "",
    ]
    for year, events in events_by_year(data.events or []):
        lines += [f"## {year}", ""]
        for e in events:
            lines += _event(e, citations)
    return lines


def _figures(data: ExportData, citations: Citations) -> list[str]:
    lines = [
        "# Regional figures",
        "",
        escape(summary_line(data, "aggregates")) + ". A tilde (~) marks a figure derived by ctl: a "
        "count from a share of a reported whole, or a share from a part of one.",
        "",
    ]
    for (period, report), figures in figure_groups(data.figures or []):
        title = data.report_titles.get(report, report)
        lines += [f"## {escape(period)} · {escape(title)}{_cite(citations, [report])}", ""]
        for f in figures:
            where = f["region_name"] or f["region"]
            stat_sources = [s for sid in f["statistic_ids"] for s in data.statistic_sources.get(sid, [])]
            cites = _cite(citations, list(dict.fromkeys(stat_sources)))
            lines.append(f"- {escape(where)}, {escape(measure_label(f))}: {escape(figure_phrase(f))}{cites}")
        lines.append("")
    return lines


def _reference(n: int, source_id: str, source: dict) -> str:
    p = reference_parts(source)
    # A title in italics, not quotes: titles often hold quotes of their own.
    title = f"*{escape(p['title'])}*" if source.get("title") else escape(p["title"])
    parts = [escape(p["outlet"]), title]
    if p["byline"]:
        parts.append(escape(p["byline"]))
    parts.append(escape(p["published"]))
    url = f" <{source['url']}>" if source.get("url") else ""
    return f"{n}. " + ", ".join(parts) + f" ({p['kind']} `{source_id}`){url}"


def render_markdown(data: ExportData, what: str) -> str:
    citations = Citations(data.sources)
    lines = _timeline(data, citations) if what == "timeline" else _figures(data, citations)
    refs = citations.references()
    if refs:
        lines += ["## References", ""]
        lines += [_reference(n, sid, src) for n, sid, src in refs]
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"
