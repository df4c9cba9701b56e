"""The regional figures view: per report and period, each region's reported and derived figures side by
side, with a horizontal bar for its share. `m` switches the measure.

A share is drawn from `share_pct` (reported or derived in SQL); a figure without a share is drawn
against the largest figure of its report and period, dimmed, so the bars still compare.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from ctl.tui.actions import bindings
from ctl.tui.data import Figure, ReportFigures

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


@dataclass(frozen=True, slots=True)
class Layout:
    """Column widths shared by every report on screen, so that bars compare from one report to the next."""

    region: int
    subgroup: int  # 0: no report on screen has a subgroup
    bar: int

    @classmethod
    def fit(cls, reports: list[ReportFigures], width: int) -> Layout:
        figures = [f for r in reports for f in r.figures]
        region = min(max([len("REGION"), *(len(f.region) for f in figures)]), 36)
        subs = [len(f.subgroup) for f in figures if f.subgroup != "all"]
        subgroup = min(max(len("SUBGROUP"), *subs), 24) if subs else 0
        numbers = len("REPORTED") + len("DERIVED") + len("SHARE")
        columns = 6 if subgroup else 5
        return cls(
            region, subgroup, max(10, min(40, width - region - subgroup - numbers - 2 * (columns - 1)))
        )


def render_report(r: ReportFigures, layout: Layout) -> RenderableType:
    """One report's figures, reported and derived in their own columns, a bar for each share."""
    bar_w = layout.bar
    table = Table(box=None, pad_edge=False, header_style="bold", expand=False)
    table.add_column("REGION", no_wrap=True, width=layout.region, overflow="ellipsis")
    if layout.subgroup:
        table.add_column("SUBGROUP", no_wrap=True, width=layout.subgroup, overflow="ellipsis")
    table.add_column("REPORTED", justify="right", no_wrap=True)
    table.add_column("DERIVED", justify="right", no_wrap=True, style="italic")
    table.add_column("SHARE", justify="right", no_wrap=True)
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
        table.add_row(*cells, drawn)
    head = Text(f"{r.period_label}  ", style="bold")
    head.append(r.title, style="bold cyan")
    return Group(head, table)


def render_aggregates(
    measure: str, reports: list[ReportFigures], measures: list[str], width: int = 118
) -> RenderableType:
    choice = Text("Measure: ")
    for m in measures:
        choice.append(f" {m} ", style="reverse bold" if m == measure else "dim")
        choice.append(" ")
    parts: list[RenderableType] = [choice, Text("")]
    if not reports:
        parts.append(Text(f"No figures for {measure}.", style="dim italic"))
    layout = Layout.fit(reports, width)
    for r in reports:
        parts += [render_report(r, layout), Text("")]
    parts.append(
        Text(
            "~ derived in SQL (a share of a reported whole, or a part of one); ≥ at least, > more than, "
            "≲ nearly, < less than. Green bars: reported shares; yellow: derived; dim: against the largest "
            "figure of the report.",
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

    def __init__(self, measures: list[str], measure: str | None = None) -> None:
        super().__init__()
        self.measures = measures
        self.measure = measure or (measures[0] if measures else "")
        self.reports: list[ReportFigures] | None = None

    def compose(self) -> ComposeResult:
        yield Header(icon="≡")
        with VerticalScroll(id="aggregates-body"):
            yield Static(Text("Loading figures…", style="dim italic"), id="aggregates")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "regional figures"
        if self.measure:
            self.post_message(self.MeasureWanted(self.measure))
        else:
            self.query_one("#aggregates", Static).update(Text("No figures in the database.", style="dim"))

    def show(self, measure: str, reports: list[ReportFigures]) -> None:
        if measure == self.measure:
            self.reports = reports
            self._draw()

    def on_resize(self) -> None:
        if self.reports is not None:
            self._draw()

    def _draw(self) -> None:
        view = self.query_one("#aggregates", Static)
        width = view.content_region.width or self.size.width - 2
        view.update(render_aggregates(self.measure, self.reports or [], self.measures, width))

    def action_measure(self, delta: int) -> None:
        if self.measures:
            at = self.measures.index(self.measure) if self.measure in self.measures else 0
            self.measure = self.measures[(at + delta) % len(self.measures)]
            self.post_message(self.MeasureWanted(self.measure))

    def action_close(self) -> None:
        self.dismiss()
