"""The regional figures view: per report and period, each region's reported and derived figures side by
side, with a horizontal bar for its share. `m` switches the measure.

A share is drawn from `share_pct` (reported or derived in SQL); a figure without a share is drawn
against the largest figure of its report and period, dimmed, so the bars still compare.

When the database holds imported events, each reported count gets a column per dataset: the sum of
that dataset's events for the same region, period and measure, and the ratio reported / events (the
`statistic_vs_events` view, as `ctl stats --compare` prints it). Without imports there are no such
columns.

The view follows the main screen's filter as far as it applies to statistics: its region and date
terms (`region:`, `date:`, `since:`, `until:`, bare dates). The others select events only; the
header names them as not applying.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Static

from ctl.filters import Term, describe
from ctl.tui.actions import bindings
from ctl.tui.data import Figure, ReportFigures
from ctl.tui.titlebar import TitleBar

# (report, period_label, region as shown, subgroup) -> one row per dataset (Store.comparisons)
Comparisons = dict[tuple[str, str, str, str], list[dict[str, Any]]]
# The filter keys that apply to statistics as well as to events (the others select events only).
FIGURE_KEYS = ("region", "date", "since", "until")

BAR_WIDTH = 30
_EIGHTHS = " ▏▎▍▌▋▊▉"
SIGNS = {"exact": "", "at_least": "≥", "more_than": ">", "nearly": "≲", "less_than": "<", "about": "≈"}


def bar(fraction: float, width: int = BAR_WIDTH) -> str:
    """A bar of `fraction` (0..1) of `width` cells, in eighths of a cell."""
    eighths = round(max(0.0, min(fraction, 1.0)) * width * 8)
    full, part = divmod(eighths, 8)
    return ("█" * full + (_EIGHTHS[part] if part else "")).ljust(width)


def number(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def _value(f: Figure, basis: str) -> str:
    if f.value is None or f.value_basis != basis:
        return ""
    return ("~" if basis == "derived" else SIGNS.get(f.qualifier or "", "")) + number(f.value)


def _share(f: Figure) -> str:
    if f.share_pct is None:
        return ""
    sign = "~" if f.share_basis == "derived" else SIGNS.get(f.qualifier or "", "")
    return f"{sign}{number(f.share_pct)}%"


def figure_terms(terms: tuple[Term, ...]) -> tuple[tuple[Term, ...], tuple[Term, ...]]:
    """The main screen's filter split in two: the terms the figures follow (region and date) and the
    terms that select events only."""
    return (
        tuple(t for t in terms if t.key in FIGURE_KEYS),
        tuple(t for t in terms if t.key not in FIGURE_KEYS),
    )


def filter_label(applied: tuple[Term, ...], ignored: tuple[Term, ...]) -> str:
    """What the header says of the filter: "" without one."""
    if not applied and not ignored:
        return ""
    text = f"figures for {describe(list(applied))}" if applied else "all figures"
    if ignored:
        text += f" ({describe(list(ignored))} {'does' if len(ignored) == 1 else 'do'} not apply)"
    return text


def _event_sum(row: dict[str, Any]) -> str:
    return "?" if row["event_value"] is None else number(row["event_value"])


def _ratio(row: dict[str, Any]) -> str:
    return "" if row["ratio"] is None else f" ×{row['ratio']:.2f}"


def compared(row: dict[str, Any], width: int = 0, ratio_width: int = 0) -> Text:
    """One dataset's side of a comparison: its event sum ("?" when no event has a figure) and the
    ratio reported / events when there is one. In a column `width` wide whose ratios take
    `ratio_width`, the sums align on their last digit (ratios are left out where there are none)."""
    cell = Text(_event_sum(row).rjust(width - ratio_width))
    cell.append(_ratio(row), style="dim")
    return cell


def _columns(reports: list[ReportFigures], comparisons: Comparisons) -> dict[str, tuple[int, int]]:
    """The datasets compared with the figures on screen, in name order: (column width, ratio width)."""
    sums: dict[str, int] = {}
    ratios: dict[str, int] = {}
    for r in reports:
        for f in r.figures:
            for row in comparisons.get((r.report, r.period_label, f.region, f.subgroup), ()):
                d = row["dataset"]
                sums[d] = max(sums.get(d, 0), len(_event_sum(row)))
                ratios[d] = max(ratios.get(d, 0), len(_ratio(row)))
    return {d: (max(len(d), sums[d] + ratios[d]), ratios[d]) for d in sorted(sums)}


@dataclass(frozen=True, slots=True)
class Layout:
    """Column widths shared by every report on screen, so that bars compare from one report to the next."""

    region: int
    subgroup: int  # 0: no report on screen has a subgroup
    bar: int
    # compared datasets, in name order: (column width, width of the ratio part)
    datasets: dict[str, tuple[int, int]] = field(default_factory=dict)

    @classmethod
    def fit(cls, reports: list[ReportFigures], width: int, comparisons: Comparisons | None = None) -> Layout:
        figures = [f for r in reports for f in r.figures]
        region = min(max([len("REGION"), *(len(f.region) for f in figures)]), 36)
        subs = [len(f.subgroup) for f in figures if f.subgroup != "all"]
        subgroup = min(max(len("SUBGROUP"), *subs), 24) if subs else 0
        datasets = _columns(reports, comparisons or {})
        numbers = len("REPORTED") + len("DERIVED") + len("SHARE") + sum(w for w, _ in datasets.values())
        columns = (6 if subgroup else 5) + len(datasets)
        return cls(
            region,
            subgroup,
            max(10, min(40, width - region - subgroup - numbers - 2 * (columns - 1))),
            datasets,
        )


def render_report(r: ReportFigures, layout: Layout, comparisons: Comparisons | None = None) -> RenderableType:
    """One report's figures, reported and derived in their own columns, the event sum of each compared
    dataset beside them (blank where it has none), a bar for each share."""
    bar_w = layout.bar
    table = Table(box=None, pad_edge=False, header_style="bold", expand=False)
    table.add_column("REGION", no_wrap=True, width=layout.region, overflow="ellipsis")
    if layout.subgroup:
        table.add_column("SUBGROUP", no_wrap=True, width=layout.subgroup, overflow="ellipsis")
    table.add_column("REPORTED", justify="right", no_wrap=True)
    table.add_column("DERIVED", justify="right", no_wrap=True, style="italic")
    table.add_column("SHARE", justify="right", no_wrap=True)
    for dataset, (width, _) in layout.datasets.items():
        # left-justified cells padded by `compared`: Rich would strip the blank where a ratio is missing
        table.add_column(Text(dataset.upper(), justify="right"), no_wrap=True, width=width)
    table.add_column("", no_wrap=True, width=bar_w)
    largest = max((f.value or 0 for f in r.figures), default=0)
    for f in r.figures:
        if f.share_pct is not None:
            drawn = Text(
                bar(f.share_pct / 100, bar_w), style="green" if f.share_basis == "reported" else "yellow"
            )
        elif f.value and largest:
            drawn = Text(bar(f.value / largest, bar_w), style="dim")
        else:
            drawn = Text("")
        cells = [f.region]
        if layout.subgroup:
            cells.append("" if f.subgroup == "all" else f.subgroup)
        cells += [_value(f, "reported"), _value(f, "derived"), _share(f)]
        extra: list[RenderableType] = []
        if layout.datasets:
            rows = {
                c["dataset"]: c
                for c in (comparisons or {}).get((r.report, r.period_label, f.region, f.subgroup), ())
            }
            extra = [
                compared(rows[d], width, ratio_w) if d in rows else Text("")
                for d, (width, ratio_w) in layout.datasets.items()
            ]
        table.add_row(*cells, *extra, drawn)
    head = Text(f"{r.period_label}  ", style="bold")
    head.append(r.title, style="bold cyan")
    return Group(head, table)


def render_aggregates(
    measure: str,
    reports: list[ReportFigures],
    measures: list[str],
    width: int = 118,
    comparisons: Comparisons | None = None,
    applied: tuple[Term, ...] = (),
    ignored: tuple[Term, ...] = (),
) -> RenderableType:
    """The whole view: the measures, the filter when there is one, each report, the legend."""
    choice = Text("Measure: ")
    for m in measures:
        choice.append(f" {m} ", style="reverse bold" if m == measure else "dim")
        choice.append(" ")
    parts: list[RenderableType] = [choice, Text("")]
    label = filter_label(applied, ignored)
    if label:
        parts += [Text(label[0].upper() + label[1:] + ".", style="italic"), Text("")]
    if not reports:
        where = f" match {describe(list(applied))}" if applied else ""
        parts.append(Text(f"No figures for {measure}{where}.", style="dim italic"))
    layout = Layout.fit(reports, width, comparisons)
    for r in reports:
        parts += [render_report(r, layout, comparisons), Text("")]
    parts.append(
        Text(
            "~ derived in SQL (a share of a reported whole, or a part of one); ≥ at least, > more than, "
            "≲ nearly, < less than. Green bars: reported shares; yellow: derived; dim: against the largest "
            "figure of the report.",
            style="dim",
        )
    )
    if layout.datasets:
        names = ", ".join(d.upper() for d in layout.datasets)
        parts.append(
            Text(
                f"{names}: the dataset's events in the region (sub-regions included) lying inside the "
                "period, summed for the measure ('?' when none has a figure); × reported / that sum, as "
                "`ctl stats --compare` shows it.",
                style="dim",
            )
        )
    return Group(*parts)


class AggregatesScreen(Screen[None]):
    BINDINGS = bindings("aggregates")

    class MeasureWanted(Message):
        """Load the figures of `measure` (the app answers with `show`)."""

        def __init__(self, measure: str) -> None:
            super().__init__()
            self.measure = measure

    def __init__(self, measures: list[str], measure: str | None = None, terms: tuple[Term, ...] = ()) -> None:
        """`terms`: the main screen's filter; the figures follow its region and date terms."""
        super().__init__()
        self.measures = measures
        self.measure = measure or (measures[0] if measures else "")
        self.terms, self.ignored = figure_terms(terms)
        self.reports: list[ReportFigures] | None = None
        self.comparisons: Comparisons = {}

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with VerticalScroll(id="aggregates-body"):
            yield Static(Text("Loading figures…", style="dim italic"), id="aggregates")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = filter_label(self.terms, self.ignored) or "regional figures"
        if self.measure:
            self.post_message(self.MeasureWanted(self.measure))
        else:
            self.query_one("#aggregates", Static).update(Text("No figures in the database.", style="dim"))

    def show(
        self, measure: str, reports: list[ReportFigures], comparisons: Comparisons | None = None
    ) -> None:
        if measure == self.measure:
            self.reports = reports
            self.comparisons = comparisons or {}
            self._draw()

    def on_resize(self) -> None:
        if self.reports is not None:
            self._draw()

    def _draw(self) -> None:
        view = self.query_one("#aggregates", Static)
        width = view.content_region.width or self.size.width - 2
        view.update(
            render_aggregates(
                self.measure,
                self.reports or [],
                self.measures,
                width,
                self.comparisons,
                self.terms,
                self.ignored,
            )
        )

    def action_measure(self, delta: int) -> None:
        if self.measures:
            at = self.measures.index(self.measure) if self.measure in self.measures else 0
            self.measure = self.measures[(at + delta) % len(self.measures)]
            self.post_message(self.MeasureWanted(self.measure))

    def action_close(self) -> None:
        self.dismiss()
