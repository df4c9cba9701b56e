"""The detail pane: every field of the selected event, its actors with the titles they held at that
date, its sources, and the seed file:line it was written at."""

from __future__ import annotations

from pathlib import Path

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from ctl.tui.data import ActorLine, Detail, SourceLine, display_path


def actor_text(a: ActorLine) -> Text:
    """`Syed Haider Shah, co-chair — Ambassador, Additional Foreign Secretary… (Ministry of …)`."""
    text = Text(a.actor, style="bold")
    if a.role:
        text.append(f", {a.role}")
    held = ", ".join(x for x in (a.honorific, a.title) if x)
    if held:
        text.append(" — ")
        text.append(held, style="italic")
    if a.organisation:
        text.append(f" ({a.organisation})", style="dim")
    return text


def source_text(s: SourceLine) -> Text:
    """`2024-05-14  “Title” — Byline · outlet · news  [id]`; unknowns are said to be unknown."""
    if not s.known:  # an imported event's source, as its dataset gives it
        return Text(s.id)
    text = Text(f"{s.published or 'undated':<10}  ", style="dim")
    text.append(f"“{s.title}”" if s.title else "(untitled)", style="" if s.title else "dim italic")
    text.append(" — ")
    text.append(s.byline or "no byline", style="" if s.byline else "dim italic")
    text.append(" · ")
    outlet = s.outlet or (f"issued by {s.publisher}" if s.publisher else None)
    text.append(outlet or "outlet not named", style="" if outlet else "dim italic")
    text.append(f" · {s.kind}", style="dim")
    text.append(f"  [{s.id}]", style="dim")
    return text


def render_detail(d: Detail, seeds_dir: Path | None) -> RenderableType:
    grid = Table.grid(padding=(0, 1), expand=True)
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(ratio=1)
    where = d.location or ""
    if d.region_name and d.region_name != d.location:
        where = f"{where} · region {d.region_name}" if where else f"region {d.region_name}"
    grid.add_row("Date", Text(f"{d.date_label}  ({d.precision})"))
    grid.add_row("Type", d.type)
    if where:
        grid.add_row("Where", where)
    grid.add_row("Groups", ", ".join(d.groups) if d.groups else Text("none named", style="dim italic"))
    if d.actors:
        grid.add_row("Actors", Group(*(actor_text(a) for a in d.actors)))
    if d.summary:
        grid.add_row("Summary", d.summary)
    if d.note:
        grid.add_row("Note", d.note)
    for label, value in d.extra:
        grid.add_row(label, value)
    grid.add_row(f"Sources ({len(d.sources)})", Group(*(source_text(s) for s in d.sources)))
    grid.add_row("Id", d.id)
    grid.add_row("Seed", f"{display_path(d.file, seeds_dir)}:{d.line}")
    return Group(Text(d.title, style="bold"), Text(""), grid)


class DetailPane(VerticalScroll, can_focus=True):
    """Scrolls when the detail is longer than the pane; `d` or Enter shows it full screen."""

    ALLOW_MAXIMIZE = True

    def compose(self) -> ComposeResult:
        yield Static(id="detail-body")

    def show(
        self, detail: Detail | None, seeds_dir: Path | None, placeholder: str = "No event selected."
    ) -> None:
        body = self.query_one("#detail-body", Static)
        body.update(render_detail(detail, seeds_dir) if detail else Text(placeholder, style="dim italic"))
        self.scroll_home(animate=False)
