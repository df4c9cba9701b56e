"""The facet sidebar: groups, actors, types, regions, years and datasets with their counts under the
current filter. Enter, space or a click on one posts `Toggled`; the screen adds or removes it as a filter."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from ctl.tui.actions import bindings
from ctl.tui.data import FACET_KEYS, FACET_TITLES, Facet, Facets

SEP = "\x1f"  # between the key and the id in an option id; no name or id contains it


def facet_prompt(f: Facet) -> Table:
    """`✓ TTP          3`: a mark for an active facet, the name, the count right-aligned."""
    grid = Table.grid(expand=True, padding=(0, 0, 0, 1))
    grid.add_column(ratio=1, no_wrap=True, overflow="ellipsis")
    grid.add_column(justify="right", no_wrap=True)
    mark = Text("✓ ", style="bold green") if f.active else Text("  ")
    grid.add_row(mark + Text(f.value, style="bold" if f.active else ""), Text(f"{f.count:,}", style="dim"))
    return grid


class FacetList(OptionList):
    BINDINGS = bindings("facets")

    class Toggled(Message):
        def __init__(self, facet: Facet, facets: Facets) -> None:
            super().__init__()
            self.facet = facet
            self.facets = facets

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.facets: Facets | None = None
        self._by_option: dict[str, Facet] = {}

    def show(self, facets: Facets) -> None:
        """Replace the lists, keeping the highlight on the same facet when it is still listed."""
        was = self.highlighted_option.id if self.highlighted_option else None
        self.facets = facets
        self._by_option = {}
        options: list[Option | None] = []
        for key in FACET_KEYS:
            if key not in facets.sections:
                continue  # a section with nothing to choose (Store.facets)
            items = facets.sections[key]
            if options:
                options.append(None)  # a divider between sections
            options.append(Option(Text(FACET_TITLES[key], style="bold underline"), disabled=True))
            if not items:
                options.append(Option(Text("  none", style="dim italic"), disabled=True))
            for f in items:
                oid = f"{key}{SEP}{f.entity_id}"
                self._by_option[oid] = f
                options.append(Option(facet_prompt(f), id=oid))
        self.set_options(options)
        if was and was in self._by_option:
            self.highlighted = self.get_option_index(was)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        facet = self._by_option.get(event.option.id or "")
        if facet is not None and self.facets is not None:
            self.post_message(self.Toggled(facet, self.facets))
