"""The event table: a virtual list that holds only the pages of rows it has shown.

A ScrollView on the Line API: its virtual height is the number of matching events (plus the header),
and `render_line` draws one row from a small page cache. Rows it lacks are drawn as placeholders and
asked for with a `PageWanted` message; the screen fetches the page in a worker and hands it back with
`put_page`. Every `reset` (a new filter, a reload) starts a new generation, so a page that arrives for
an older filter is dropped instead of drawn.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from typing import ClassVar

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from ctl.tui.actions import bindings
from ctl.tui.data import PAGE_SIZE, Row
from ctl.vocabulary import EVENT_TYPES

CACHE_PAGES = 12  # pages kept: a few screens either side of the view at any height
MARGIN = 20  # rows beyond the view asked for ahead of time, so scrolling rarely shows placeholders
TYPE_WIDTH = max(len(t) for t in EVENT_TYPES)
SRC_WIDTH = 3
GAP = 2
LEFT = 1  # a blank cell before the first column, so dates do not touch the border


@dataclass(frozen=True, slots=True)
class Columns:
    """Widths of the table's columns for a width; 0 hides a column."""

    date: int
    type: int
    title: int
    groups: int
    actors: int
    src: int

    @classmethod
    def fit(cls, width: int, date_width: int) -> Columns:
        """The title gets what is left once the fixed columns are placed; groups and actors take a share
        of wide screens and are dropped, actors first, when the title would be cramped."""
        fixed = date_width + TYPE_WIDTH + SRC_WIDTH + 3 * GAP
        rest = max(width - fixed, 0)
        groups = min(max(rest // 6, 8), 18)
        actors = min(max(rest // 4, 10), 30)
        title = rest - groups - actors - 2 * GAP
        if title < 28:
            actors = 0
            title = rest - groups - GAP
        if title < 20:
            groups = 0
            title = rest
        return cls(date_width, TYPE_WIDTH, max(title, 1), groups, actors, SRC_WIDTH)


def fit(text: str, width: int) -> str:
    """`text` in exactly `width` cells: padded, or cut with an ellipsis."""
    if width <= 0:
        return ""
    if cell_len(text) <= width:
        return set_cell_size(text, width)
    return set_cell_size(text, width - 1) + "…"


class EventTable(ScrollView, can_focus=True):
    """The timeline rows of the current filter, fetched a page at a time."""

    BINDINGS = bindings("table")
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "event-table--header",
        "event-table--cursor",
        "event-table--cursor-blurred",
        "event-table--placeholder",
        "event-table--date",
        "event-table--type",
        "event-table--groups",
        "event-table--count",
        "event-table--message",
    }
    DEFAULT_CSS = """
    EventTable { overflow-x: hidden; overflow-y: auto; }
    """

    cursor: reactive[int] = reactive(0, always_update=True, init=False)

    class PageWanted(Message):
        """The table needs page `page` (rows page*PAGE_SIZE ...) of generation `generation`."""

        def __init__(self, generation: int, page: int) -> None:
            super().__init__()
            self.generation = generation
            self.page = page

    class CursorMoved(Message):
        """The cursor is on row `index`, showing `row` (None when there is no row)."""

        def __init__(self, index: int, row: Row | None) -> None:
            super().__init__()
            self.index = index
            self.row = row

    class Opened(Message):
        """Enter on a row: show its detail in full."""

        def __init__(self, row: Row) -> None:
            super().__init__()
            self.row = row

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.count = 0
        self.generation = 0
        self.date_width = 10
        self.message = ""  # shown in place of rows when there are none
        self._pages: OrderedDict[int, list[Row]] = OrderedDict()
        self._wanted: set[int] = set()
        self._announced: tuple[int, int, str] | None = None  # last CursorMoved (generation, index, id)

    # -- feeding

    def reset(self, count: int, *, date_width: int = 10, cursor: int = 0, message: str = "") -> int:
        """Show a new result of `count` rows; returns the generation that `put_page` must quote."""
        self.generation += 1
        self.count = count
        self.date_width = max(date_width, len("DATE"))
        self.message = message
        self._pages.clear()
        self._wanted.clear()
        self._announced = None
        # No width: rows are cut to the view, never scrolled sideways. A width would change with every
        # resize, and each change of the virtual size costs a layout of the whole screen (one more
        # before the first screen is complete).
        self._set_virtual_height(count + 1)
        self.cursor = min(max(cursor, 0), max(count - 1, 0))
        self._scroll_cursor_into_view(center=True)
        self.refresh()
        return self.generation

    def _set_virtual_height(self, height: int) -> None:
        """A new result's height, without a layout of the screen where none is needed.

        Assigning `virtual_size` lays out the whole screen and so repaints every pane (the facets'
        lists, the detail), about half the time a filter's first paint takes. A new row count
        changes only the scrollbar's thumb, unless the scrollbar appears or goes (a result that now
        fits the view, or no longer does): only then the full layout."""
        size = Size(0, height)
        if size == self.virtual_size:
            return
        view = self.scrollable_content_region.height
        update = getattr(self, "_scroll_update", None)  # Textual's own, as its resize uses it
        if update is None or not view or (height > view) != (self.virtual_size.height > view):
            self.virtual_size = size
            return
        self.set_reactive(EventTable.virtual_size, size)
        update(size)

    def put_page(self, generation: int, page: int, rows: list[Row]) -> None:
        if generation != self.generation:
            return
        self._wanted.discard(page)
        self._pages[page] = rows
        self._pages.move_to_end(page)
        while len(self._pages) > CACHE_PAGES:
            self._pages.popitem(last=False)
        if page == self.cursor // PAGE_SIZE:
            self._announce()
        self.refresh()

    def row_at(self, index: int) -> Row | None:
        if not 0 <= index < self.count:
            return None
        page = self._pages.get(index // PAGE_SIZE)
        if page is None or index % PAGE_SIZE >= len(page):
            return None
        return page[index % PAGE_SIZE]

    @property
    def selected(self) -> Row | None:
        return self.row_at(self.cursor)

    @property
    def cached_pages(self) -> list[int]:
        return list(self._pages)

    # -- geometry

    @property
    def _body_height(self) -> int:
        return max(self.scrollable_content_region.height - 1, 1)

    def _scroll_cursor_into_view(self, center: bool = False) -> None:
        top = round(self.scroll_y)
        height = self._body_height
        if center and not top <= self.cursor < top + height:
            self.scroll_to(y=max(self.cursor - height // 2, 0), animate=False, force=True)
        elif self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, force=True)
        elif self.cursor >= top + height:
            self.scroll_to(y=self.cursor - height + 1, animate=False, force=True)

    def on_resize(self, event: events.Resize) -> None:
        self._scroll_cursor_into_view()

    # -- cursor

    def watch_cursor(self, old: int, new: int) -> None:
        self._scroll_cursor_into_view()
        self.refresh()
        self._announce()

    def _announce(self) -> None:
        row = self.row_at(self.cursor)
        if self.count and row is None:
            return  # its page is on the way; put_page announces it
        key = (self.generation, self.cursor, row.id if row else "")
        if key != self._announced:
            self._announced = key
            self.post_message(self.CursorMoved(self.cursor, row))

    def _move(self, index: int) -> None:
        if self.count:
            self.cursor = min(max(index, 0), self.count - 1)

    def action_cursor(self, delta: int) -> None:
        self._move(self.cursor + delta)

    def action_page(self, direction: int) -> None:
        self._move(self.cursor + direction * self._body_height)

    def action_first(self) -> None:
        self._move(0)

    def action_last(self) -> None:
        self._move(self.count - 1)

    def action_open(self) -> None:
        if (row := self.selected) is not None:
            self.post_message(self.Opened(row))

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None or offset.y < 1:
            return
        self._move(round(self.scroll_y) + offset.y - 1)
        if event.chain == 2 and (row := self.selected) is not None:
            self.post_message(self.Opened(row))

    # -- drawing

    def render_lines(self, crop: Region) -> list[Strip]:
        self._want_visible()
        return super().render_lines(crop)

    def _want_visible(self) -> None:
        """Ask for the pages of the visible rows and a margin around them, nearest first."""
        if not self.count:
            return
        top = round(self.scroll_y)
        first = max(top - MARGIN, 0) // PAGE_SIZE
        last = min(top + self._body_height + MARGIN, self.count - 1) // PAGE_SIZE
        for page in sorted(range(first, last + 1), key=lambda p: abs(p * PAGE_SIZE - top)):
            if page not in self._pages and page not in self._wanted:
                self._wanted.add(page)
                self.post_message(self.PageWanted(self.generation, page))

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = self.rich_style
        cols = Columns.fit(width - LEFT, self.date_width)
        if y == 0:
            style = base + self.get_component_rich_style("event-table--header")
            cells = self._cells(cols, "DATE", "TYPE", "TITLE", "GROUPS", "ACTORS", "SRC")
            return Strip([Segment(cells, style)]).adjust_cell_length(width, style)
        index = round(self.scroll_y) + y - 1
        if not self.count:
            if y == 1 and self.message:
                style = base + self.get_component_rich_style("event-table--message")
                return Strip([Segment(fit(" " + self.message, width), style)])
            return Strip.blank(width, base)
        if index >= self.count:
            return Strip.blank(width, base)
        row = self.row_at(index)
        cursor = index == self.cursor
        line_style = base
        if cursor:
            name = "event-table--cursor" if self.has_focus else "event-table--cursor-blurred"
            line_style = base + self.get_component_rich_style(name)
        if row is None:
            style = line_style + self.get_component_rich_style("event-table--placeholder")
            return Strip([Segment(fit(" …", width), style)])
        return self._row_strip(row, cols, line_style, cursor).adjust_cell_length(width, line_style)

    def _cells(self, cols: Columns, *texts: str) -> str:
        widths = (cols.date, cols.type, cols.title, cols.groups, cols.actors)
        parts = [fit(t, w) for t, w in zip(texts, widths, strict=False) if w]
        parts.append(texts[-1].rjust(cols.src))
        return " " * LEFT + (" " * GAP).join(parts)

    def _row_strip(self, row: Row, cols: Columns, line: Style, cursor: bool) -> Strip:
        def part(name: str) -> Style:
            return line if cursor else line + self.get_component_rich_style(name)

        gap = Segment(" " * GAP, line)
        segments = [
            Segment(" " * LEFT, line),
            Segment(fit(row.date_label, cols.date), part("event-table--date")),
            gap,
            Segment(fit(row.type, cols.type), part("event-table--type")),
            gap,
            Segment(fit(row.title, cols.title), line),
        ]
        if cols.groups:
            segments += [gap, Segment(fit(", ".join(row.groups), cols.groups), part("event-table--groups"))]
        if cols.actors:
            segments += [gap, Segment(fit(", ".join(row.actors), cols.actors), line)]
        segments += [gap, Segment(str(row.source_count).rjust(cols.src), part("event-table--count"))]
        return Strip(segments)
