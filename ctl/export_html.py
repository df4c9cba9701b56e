"""`ctl export --format html`: one self-contained static page, the timeline and the regional figures.

No scripts, no fonts, images or style sheets from elsewhere: the CSS is inline, shares are drawn as
horizontal bars whose width is the percentage, and every text from the seeds goes through html.escape.
A reported share is a solid bar; a share ctl derived (a part of a reported whole) is hatched and
outlined, and its number carries a tilde, so the two stay distinct even in print or without colour.

The page shows both sections whatever `--what` says: the expression filters the section it was written
for, and the other section keeps only the terms that mean the same there (region and dates).
"""

from __future__ import annotations

from html import escape

from ctl.export import (
    Citations,
    ExportData,
    count_text,
    date_note,
    events_by_year,
    figure_groups,
    measure_label,
    place,
    reference_parts,
    share_text,
    summary_line,
    total_text,
    words,
)

CSS = """
:root { color-scheme: light; --ink: #1d232b; --muted: #5b6573; --rule: #d9dee5; --accent: #1f5f99;
  --derived: #c9782b; --bg: #fbfbfa; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--ink);
  font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif; }
header, main, footer { max-width: 60rem; margin: 0 auto; padding: 0 1.25rem; }
header { padding-top: 1.5rem; border-bottom: 2px solid var(--ink); }
h1 { margin: 0 0 .25rem; font-size: 1.75rem; }
h2 { margin: 2rem 0 .5rem; font-size: 1.35rem; border-bottom: 1px solid var(--rule); }
h3.year { margin: 1.5rem 0 .5rem; color: var(--accent); font-size: 1.1rem; }
.meta, .note, footer { color: var(--muted); font-size: .9rem; }
ol.events { list-style: none; margin: 0; padding: 0; }
ol.events > li { display: grid; grid-template-columns: 11rem 1fr; gap: 1rem; padding: .75rem 0;
  border-top: 1px solid var(--rule); }
.when { font-variant-numeric: tabular-nums; font-weight: 600; }
.when .part { white-space: nowrap; }
.when .precision { display: block; font-weight: 400; color: var(--muted); font-size: .8rem; }
.event h4 { margin: 0; font-size: 1.05rem; }
.tags { margin: .15rem 0 .35rem; color: var(--muted); font-size: .85rem; }
.type { display: inline-block; padding: 0 .4rem; border-radius: .25rem; background: #e6edf5;
  color: var(--accent); }
.summary { margin: 0 0 .35rem; }
.people { margin: 0; font-size: .9rem; }
sup.cite a { color: var(--accent); text-decoration: none; }
table.figures { width: 100%; border-collapse: collapse; margin: .25rem 0 1rem; table-layout: fixed; }
/* Fixed column widths, so the bars of every report start and end at the same place. */
table.figures .c-region { width: 20%; } table.figures .c-measure { width: 22%; }
table.figures .c-count { width: 14%; } table.figures .c-share { width: 36%; }
table.figures .c-cite { width: 8%; }
table.figures caption { text-align: left; font-weight: 600; padding: .5rem 0; }
table.figures th, table.figures td { padding: .3rem .5rem .3rem 0; border-top: 1px solid var(--rule);
  text-align: left; vertical-align: middle; font-weight: 400; }
table.figures thead th { color: var(--muted); font-size: .8rem; border-top: 0; }
table.figures .num { padding-right: 1rem; text-align: right; font-variant-numeric: tabular-nums; }
.bar { display: flex; align-items: center; gap: .5rem; }
.track { flex: 1; height: .9rem; background: #eceff3; border-radius: .2rem; overflow: hidden; }
.fill { display: block; height: 100%; }
.fill.reported { background: var(--accent); }
.fill.derived { background: repeating-linear-gradient(135deg, var(--derived) 0 4px, #f3d6b8 4px 8px);
  outline: 1px dashed var(--derived); outline-offset: -1px; }
/* A fixed width for the label, so every track is as long as every other and 50% looks like 50%. */
.pct { flex: 0 0 7rem; font-variant-numeric: tabular-nums; white-space: nowrap; }
.nowrap { white-space: nowrap; }
.derived-text { color: #8a4d12; }
.unknown { color: var(--muted); font-style: italic; }
.legend { display: flex; gap: 1.5rem; flex-wrap: wrap; font-size: .85rem; color: var(--muted); }
.swatch { display: inline-block; width: 1.5rem; height: .8rem; vertical-align: middle;
  margin-right: .35rem; }
ol.references li { margin-bottom: .35rem; }
ol.references code { font-size: .8rem; color: var(--muted); }
footer { padding: 2rem 1.25rem; }
@media print { ol.events > li { break-inside: avoid; } }
""".strip()


def _cites(citations: Citations, source_ids: list[str]) -> str:
    return "".join(
        f'<sup class="cite"><a href="#ref-{n}">[{n}]</a></sup>' for n in citations.numbers(source_ids)
    )


def _date_label(label: str) -> str:
    """A range may wrap after its `..`, never at a date's own hyphens."""
    parts = [f'<span class="part">{escape(p)}</span>' for p in label.split("..")]
    return "..<wbr>".join(parts)


def _event(e: dict, citations: Citations) -> str:
    note = date_note(e)
    precision = f'<span class="precision">{escape(note)}</span>' if note else ""
    tags = [f'<span class="type">{escape(words(e["type"]))}</span>']
    if where := place(e):
        tags.append(escape(where))
    people = []
    if e["groups"]:
        people.append("<b>Groups:</b> " + escape(", ".join(e["groups"])))
    if e["actors"]:
        people.append("<b>Actors:</b> " + escape(", ".join(e["actors"])))
    summary = escape(e["summary"] or "").replace("\n", "<br>\n")
    return (
        f'<li class="event" id="event-{escape(e["id"])}">\n'
        f'<div class="when">{_date_label(e["date_label"])}{precision}</div>\n'
        f'<div class="what">\n<h4>{escape(e["title"])}</h4>\n'
        f'<p class="tags">{" · ".join(tags)}</p>\n'
        f'<p class="summary">{summary}{_cites(citations, e["sources"])}</p>\n'
        + (f'<p class="people">{" · ".join(people)}</p>\n' if people else "")
        + "</div>\n</li>"
    )


def _timeline(data: ExportData, citations: Citations) -> str:
    events = data.events or []
    parts = ['<section id="timeline" aria-labelledby="h-timeline">', '<h2 id="h-timeline">Timeline</h2>']
    parts.append(f'<p class="note">{escape(summary_line(data, "timeline"))}, oldest first.</p>')
    if not events:
        parts.append('<p class="unknown">No events.</p>')
    for year, group in events_by_year(events):
        parts.append(f'<h3 class="year">{year}</h3>\n<ol class="events">')
        parts += [_event(e, citations) for e in group]
        parts.append("</ol>")
    parts.append("</section>")
    return "\n".join(parts)


def _share_cell(f: dict) -> str:
    if f["share_pct"] is None:
        return '<td class="share"><span class="unknown">no share given</span></td>'
    basis = f["share_basis"]
    width = max(0.0, min(float(f["share_pct"]), 100.0))
    label = escape(share_text(f))
    title = "derived by ctl" if basis == "derived" else "reported"
    text_class = ' class="pct derived-text"' if basis == "derived" else ' class="pct"'
    return (
        f'<td class="share"><span class="bar" title="{title}"><span class="track">'
        f'<span class="fill {basis}" style="width: {width:g}%"></span></span>'
        f"<span{text_class}>{label}</span></span></td>"
    )


def _count_cell(f: dict) -> str:
    if f["value"] is None:
        return '<td class="num"><span class="unknown">unknown</span></td>'
    derived = f["value_basis"] == "derived"
    cls = "num derived-text" if derived else "num"
    return f'<td class="{cls}">{escape(count_text(f))}</td>'


def _figure_table(period: str, report: str, figures: list[dict], data: ExportData, cit: Citations) -> str:
    # The caption comes first on the page, so its citation takes its number first.
    caption = f"{escape(period)} · {escape(data.report_titles.get(report, report))}{_cites(cit, [report])}"
    rows = []
    for f in figures:
        stat_sources = [s for sid in f["statistic_ids"] for s in data.statistic_sources.get(sid, [])]
        total = total_text(f)
        of = f'<span class="note"> of {escape(total)}</span>' if total else ""
        rows.append(
            f'<tr><th scope="row">{escape(f["region_name"] or f["region"])}</th>'
            f"<td>{escape(measure_label(f))}{of}</td>{_count_cell(f)}{_share_cell(f)}"
            f"<td>{_cites(cit, list(dict.fromkeys(stat_sources)))}</td></tr>"
        )
    return (
        '<table class="figures">\n'
        f"<caption>{caption}</caption>\n"
        '<colgroup><col class="c-region"><col class="c-measure"><col class="c-count">'
        '<col class="c-share"><col class="c-cite"></colgroup>\n'
        '<thead><tr><th scope="col">Region</th><th scope="col">Measure</th>'
        '<th scope="col" class="num">Count</th><th scope="col">Share</th>'
        '<th scope="col"><span class="note">Sources</span></th></tr></thead>\n'
        "<tbody>\n" + "\n".join(rows) + "\n</tbody>\n</table>"
    )


def _figures(data: ExportData, citations: Citations) -> str:
    figures = data.figures or []
    parts = ['<section id="figures" aria-labelledby="h-figures">', '<h2 id="h-figures">Regional figures</h2>']
    parts.append(f'<p class="note">{escape(summary_line(data, "aggregates"))}.</p>')
    parts.append(
        '<p class="legend"><span><span class="swatch fill reported"></span>share as reported</span>'
        '<span><span class="swatch fill derived"></span>~ derived by ctl (a share of a reported whole '
        "gives a count; a part of one gives a share)</span></p>"
    )
    if not figures:
        parts.append('<p class="unknown">No figures.</p>')
    parts += [
        _figure_table(period, report, group, data, citations)
        for (period, report), group in figure_groups(figures)
    ]
    parts.append("</section>")
    return "\n".join(parts)


def _references(citations: Citations) -> str:
    refs = citations.references()
    if not refs:
        return ""
    items = []
    for n, sid, source in refs:
        p = reference_parts(source)
        # A title in <cite>, not quotes: titles often hold quotes of their own.
        title = f"<cite>{escape(p['title'])}</cite>" if source.get("title") else escape(p["title"])
        bits = [escape(p["outlet"]), title]
        if p["byline"]:
            bits.append(escape(p["byline"]))
        bits.append(f'<span class="nowrap">{escape(p["published"])}</span>')
        # A source's address is shown as text, not a link: the page loads and leads nowhere outside.
        url = f' <span class="note">{escape(source["url"])}</span>' if source.get("url") else ""
        items.append(f'<li id="ref-{n}">{", ".join(bits)} <code>{escape(sid)}</code>{url}</li>')
    return (
        '<section id="references" aria-labelledby="h-references">\n'
        '<h2 id="h-references">References</h2>\n<ol class="references">\n'
        + "\n".join(items)
        + "\n</ol>\n</section>"
    )


def render_html(data: ExportData, what: str) -> str:
    citations = Citations(data.sources)
    # Number citations in reading order: the section the user asked for comes first on the page.
    sections = [_timeline, _figures] if what == "timeline" else [_figures, _timeline]
    body = "\n".join(section(data, citations) for section in sections)
    heading = "Counterterrorism timeline" if what == "timeline" else "Regional figures and timeline"
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>ctl: {escape(heading.lower())}</title>\n"
        f"<style>\n{CSS}\n</style>\n</head>\n<body>\n"
        f"<header>\n<h1>{escape(heading)}</h1>\n"
        f'<p class="meta">Exported by ctl from its seeds; dates are written at their precision, '
        f"and the data runs to {data.stamp.isoformat()}.</p>\n</header>\n"
        f"<main>\n{body}\n{_references(citations)}\n</main>\n"
        "<footer>Every event and figure cites its sources; where a source does not name its outlet, "
        "title or date, this page says so rather than guessing.</footer>\n"
        "</body>\n</html>\n"
    )
