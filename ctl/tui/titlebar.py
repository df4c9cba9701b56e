"""The top line of every screen: `≡` (a click opens the command palette) and the title, centred.

It draws what Textual's `Header` draws (icon, "title — subtitle", the clock's empty space) as one
widget, where `Header` is four (itself, icon, title, clock space), each styled, laid out and set
watching the titles as the first screen comes up: about 7 ms of `ctl tui`'s time to first screen
(bench/tui_bench.py), which is measured against a minimal Textual app's.
"""

from __future__ import annotations

from rich.cells import cell_len
from textual import events
from textual.content import Content
from textual.widget import Widget

ICON = "≡"
ICON_WIDTH = 8  # as Header's: the icon with a cell of padding either side, in 8 cells
CLOCK_WIDTH = 10  # Header keeps this much empty on the right, for a clock it does not show


class TitleBar(Widget):
    DEFAULT_CSS = """
    TitleBar {
        dock: top;
        width: 100%;
        height: 1;
        background: $panel;
        color: $foreground;
    }
    """

    def on_mount(self) -> None:
        # A screen may name itself after it is composed (the aggregates view names its filter).
        for owner in (self.app, self.screen):
            self.watch(owner, "title", lambda _: self.refresh(), init=False)
            self.watch(owner, "sub_title", lambda _: self.refresh(), init=False)

    @property
    def titles(self) -> tuple[str, str]:
        screen = self.screen
        title = screen.title if screen.title is not None else self.app.title
        sub_title = screen.sub_title if screen.sub_title is not None else self.app.sub_title
        return title, sub_title

    def render(self) -> Content:
        title = self.app.format_title(*self.titles)
        middle = max(self.size.width - ICON_WIDTH - CLOCK_WIDTH, 0)
        if cell_len(title.plain) > middle:
            title = title.truncate(middle, ellipsis=True)
        left = (middle - cell_len(title.plain)) // 2
        icon = Content(" " + ICON).pad_right(ICON_WIDTH - 1 - cell_len(ICON))
        return Content.assemble(icon, " " * left, title)

    async def on_click(self, event: events.Click) -> None:
        if event.x < ICON_WIDTH and self.app.ENABLE_COMMAND_PALETTE:
            event.stop()
            await self.run_action("app.command_palette")
