"""The help screen, made from the action registry (ctl/tui/actions.py) and the filter syntax."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from ctl.tui.actions import bindings, help_rows

FILTER_HELP = (
    ("group:TTP", "events naming a group, by any alias (group:Daesh is ISIS-K)"),
    ('actor:"Elizabeth Richard"', "events with an actor; quote values with spaces"),
    ("region:KP", "events in a region or any of its sub-regions"),
    ("type:dialogue  dialogue", "an event type; a bare type word works too"),
    ("date:2024-05  2024-Q1  2023..2024", "events overlapping a day, week, month, quarter, year or range"),
    ("since:2024  until:2023-06", "events overlapping that date or later / earlier"),
    ("search:truce  truce", "free text in the title or summary"),
    ("source:ID  id:ID", "events citing a source / one event"),
    ("-group:TTP", "a leading - negates a term"),
)
FILTER_RULES = (
    "Terms with the same key are alternatives (OR); different keys must all hold (AND). "
    "Names match any alias, ignoring case, accents, quotes, hyphens and spaces; a name that is no exact "
    "alias matches as part of one. The filter is the one `ctl timeline` reads."
)


def render_help() -> RenderableType:
    parts: list[RenderableType] = [Text("ctl tui — keys", style="bold")]
    for title, rows in help_rows():
        table = Table(title=title, title_justify="left", title_style="bold", show_header=False, box=None)
        table.add_column(style="bold cyan", no_wrap=True, min_width=22)
        table.add_column()
        for keys, what in rows:
            table.add_row(keys, what)
        parts += [Text(""), table]
    syntax = Table(
        title="Filter syntax", title_justify="left", title_style="bold", show_header=False, box=None
    )
    syntax.add_column(style="bold cyan", no_wrap=True, min_width=22)
    syntax.add_column()
    for example, what in FILTER_HELP:
        syntax.add_row(example, what)
    parts += [Text(""), syntax, Text(""), Text(FILTER_RULES, style="dim")]
    parts += [Text(""), Text("The command palette (Ctrl+P) offers the same actions by name.", style="dim")]
    return Group(*parts)


class HelpScreen(ModalScreen[None]):
    BINDINGS = bindings("help")

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-body"):
            yield Static(render_help())
        yield Footer()

    def action_close(self) -> None:
        self.dismiss()
