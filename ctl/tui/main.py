"""The main screen: filter bar, facet sidebar, event table, count and density line, detail pane.

The filter bar's text decides what the screen shows. Each change (typed, a facet toggled, a period
stepped) is parsed at once, so a mistake shows inline while the last good result stays on screen;
a valid filter starts the count, and the count resets the table, which then asks for its rows. All
database work goes through `CtlApp.fetch`, which runs it in a thread worker.
"""

from __future__ import annotations

from datetime import date

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Input, Static

from ctl.filters import FilterError
from ctl.tui import filtertext
from ctl.tui.actions import bindings
from ctl.tui.data import Counts, Detail, Facets, Query, Row, compile_query
from ctl.tui.density import DensityStrip
from ctl.tui.detail import DetailPane
from ctl.tui.facets import FacetList
from ctl.tui.table import PAGE_SIZE, EventTable
from ctl.tui.titlebar import TitleBar

DEBOUNCE = 0.15  # seconds of quiet typing before a filter runs
PANES_DELAY = 0.1  # seconds from a filter's rows to its facet and density counts
NARROW = 100  # below this width the facet sidebar starts hidden
PLACEHOLDER = 'filter: group:TTP  actor:"Elizabeth Richard"  region:KP  2024-05  dialogue  -type:statement'


def count_line(counts: Counts, q: Query) -> Text:
    noun = "event" if counts.total == 1 else "events"
    if not q.terms:
        return Text(f"{counts.total:,} {noun}", style="bold")
    text = Text(f"{counts.matched:,} of {counts.total:,} {noun}", style="bold")
    text.append(" match ")
    text.append(q.describe(), style="cyan")
    return text


def empty_message(counts: Counts, q: Query) -> str:
    if not counts.total:
        return "The database has no events yet: add [[event]] records to the seeds."
    return f"No events match {q.describe()} ({counts.total:,} in all). Esc clears the filter."


class MainScreen(Screen[None]):
    BINDINGS = bindings("main")
    SUB_TITLE = "timeline"  # set before the title bar is composed: no title change (and layout) after
    ESCAPE_TO_MINIMIZE = False  # Esc is `back`, which also returns the focus to the table
    # The table has the focus from the start: focusing it on mount instead moved the focus from the
    # filter bar (Textual's default, the first focusable widget), restyling both a second time.
    AUTO_FOCUS = "#events"

    def __init__(self, expr: str = "") -> None:
        super().__init__(id="main")
        self.initial_expr = expr
        self.query_: Query | None = None  # the filter on screen (`query` is a DOM method)
        self.counts: Counts | None = None
        self.selected_id: str | None = None
        self.detail: Detail | None = None
        self.facets_shown: bool | None = None  # None: decided by the width
        self._debounce: Timer | None = None
        self.panes_pending = False  # facets and density wait for the rows to be painted (tests wait too)
        self._facets: Facets | None = None  # the sidebar's counts, kept for it until it is mounted
        self._detail_placeholder = ""  # what the detail pane shows without a detail (`_show_detail`)

    def compose(self) -> ComposeResult:
        # The facet sidebar, the detail pane and the footer come just after the first frame
        # (`_mount_panes`); until then their places are kept: the facets' and the footer's by the
        # body's padding and margin (app.tcss, `#body.-pending`), the detail's by a blank box
        # looking as the pane does before its first data (its height is a share of the column's).
        yield TitleBar()
        yield Input(self.initial_expr, placeholder=PLACEHOLDER, id="filter", select_on_focus=False)
        yield Static(id="filter-error")
        with Horizontal(id="body", classes="-pending"), Vertical(id="main-column"):
            yield EventTable(id="events")
            with Horizontal(id="status"):
                yield Static(id="count")
                yield DensityStrip(id="density")
            yield Static(id="detail-pending", classes="pending")

    def on_mount(self) -> None:
        self.app.start()
        self.call_after_refresh(self._mount_panes)

    async def _mount_panes(self) -> None:
        """The panes in their places. They are a third of the screen's widgets, and styling, laying
        out and painting them held up the first rows by some 10 ms (of ~60 ms from the app's start
        to its first screen, bench/tui_bench.py); they have nothing to show yet. So did blank boxes
        standing in for all three (13 ms more, timed in the app's process): only the detail's, whose
        height is a share of the column's that CSS cannot reserve otherwise, is left."""
        facets, detail = FacetList(id="facets"), DetailPane(id="detail")
        with self.app.batch_update():  # one frame with the panes, none without either
            body = self.query_one("#body")
            await body.mount(facets, before="#main-column")
            await self.query_one("#main-column").mount(detail, before="#detail-pending")
            await self.mount(Footer())
            await self.query(".pending").remove()
            body.remove_class("-pending")
        # The footer lists the keys when told the bindings changed; the focus was set before it existed.
        self.refresh_bindings()
        self._place_facets()
        if self._facets is not None:
            facets.show(self._facets)
        if self.detail is not None:
            detail.show(self.detail, self.app.seeds_dir)
        elif self._detail_placeholder:
            detail.show(None, None, placeholder=self._detail_placeholder)

    # -- parts

    @property
    def table(self) -> EventTable:
        return self.query_one(EventTable)

    @property
    def filter_input(self) -> Input:
        return self.query_one("#filter", Input)

    def set_status(self, message: str) -> None:
        """A message in place of the rows (building, loading) while there are none to show."""
        self.table.reset(0, message=message)
        self.query_one("#count", Static).update(Text(message, style="italic"))

    # -- the filter

    @on(Input.Changed, "#filter")
    def _typed(self, event: Input.Changed) -> None:
        if self._debounce is not None:
            self._debounce.stop()
        self._debounce = self.set_timer(DEBOUNCE, lambda: self.apply_filter(event.value))

    @on(Input.Submitted, "#filter")
    def _submitted(self, event: Input.Submitted) -> None:
        if self._debounce is not None:
            self._debounce.stop()
        if self.apply_filter(event.value):
            self.set_focus(self.table)

    def set_filter(self, text: str) -> None:
        """Replace the filter text (facets, period keys) and run it now."""
        if self._debounce is not None:
            self._debounce.stop()
        with self.filter_input.prevent(Input.Changed):
            self.filter_input.value = text
        self.apply_filter(text)

    def apply_filter(self, text: str, force: bool = False) -> bool:
        """Parse and run a filter; show a mistake inline instead. Returns whether it parsed."""
        error = self.query_one("#filter-error", Static)
        try:
            q = compile_query(text)
        except FilterError as exc:
            error.update(
                Text(f"✗ {exc.message} (column {exc.col}); showing the last good filter", style="bold")
            )
            error.add_class("shown")
            self.filter_input.add_class("error")
            return False
        error.remove_class("shown")
        self.filter_input.remove_class("error")
        if not force and self.query_ is not None and q.key == self.query_.key:
            return True  # the same filter, spelt anew: what is on screen (or on its way) stays
        self.query_ = q
        keep = self.selected_id

        self.app.cancel("facets", "density")
        self._first_page(q, keep)
        return True

    def _first_page(self, q: Query, keep: str | None) -> None:
        """A new filter's counts and first rows: the preload's when it read them already (the first
        load), at once, else from a query in a worker."""
        preloaded = self.app.preloaded_page(q.key, keep)
        if preloaded is not None:
            self.app.cancel("counts")  # as a new fetch would: no older count may land after this one
            self._counted(q, *preloaded)
            return
        self.app.fetch("counts", lambda s: s.first_page(q, keep), lambda result: self._counted(q, *result))

    def reload(self) -> None:
        """The store changed (first load or reload): run the filter again, keeping the selection."""
        self.apply_filter(self.filter_input.value, force=True)
        if self.query_ is None:  # the initial text is broken: show everything behind the error
            self.query_ = q = compile_query("")
            self._first_page(q, None)

    def _counted(self, q: Query, counts: Counts, position: int | None, rows: list[Row]) -> None:
        if q is not self.query_:
            return
        self.counts = counts
        message = "" if counts.matched else empty_message(counts, q)
        cursor = position or 0
        table = self.table
        generation = table.reset(counts.matched, date_width=counts.date_width, cursor=cursor, message=message)
        if rows:
            table.put_page(generation, cursor // PAGE_SIZE, rows)
        # No layout: the line's size is set by the screen (height 1, the width left), not by its text.
        self.query_one("#count", Static).update(count_line(counts, q), layout=False)
        self.call_after_refresh(self.app.resume_gc)  # the first rows are on screen (ctl.opening.GcPause)
        if not counts.matched:
            self.selected_id, self.detail = None, None
            self._show_detail(None, placeholder="No event matches the filter.")
        # The side panes a moment after the rows are painted: their queries would take the CPU the
        # paint needs, and when the next filter comes first (typing, toggling facets) they are skipped.
        self.panes_pending = True
        self.set_timer(PANES_DELAY, lambda: self._count_panes(q))

    def _count_panes(self, q: Query) -> None:
        if q is not self.query_:
            return  # a newer filter came first, and will count them
        self.panes_pending = False
        self.app.fetch("facets", lambda s: s.facets(q), lambda f: self._faceted(q, f))
        self.app.fetch("density", lambda s: s.density(q), lambda d: self._densified(q, d))
        self.app.fetch("warm", lambda s: s.warm(), lambda _: None)

    def _faceted(self, q: Query, facets: Facets) -> None:
        if q is self.query_:
            self._facets = facets
            for sidebar in self.query(FacetList):  # none before `_mount_panes`, which shows them
                sidebar.show(facets)

    def _densified(self, q: Query, months: list[tuple[str, int]]) -> None:
        if q is self.query_:
            self.query_one(DensityStrip).show(months)

    # -- rows and detail

    def on_event_table_page_wanted(self, message: EventTable.PageWanted) -> None:
        q, generation, page = self.query_, message.generation, message.page
        if q is None:
            return
        self.app.fetch(
            None,
            lambda s: s.rows(q, page * PAGE_SIZE, PAGE_SIZE),
            lambda rows: self.table.put_page(generation, page, rows),
        )

    def on_event_table_cursor_moved(self, message: EventTable.CursorMoved) -> None:
        row = message.row
        if row is None:
            return
        self.selected_id = row.id
        if self.detail is not None and self.detail.id == row.id:
            return
        # Once the cursor (or the first screen) is painted: the query would take CPU from the paint.
        self.call_after_refresh(self._fetch_detail, row.id)

    def _fetch_detail(self, event_id: str) -> None:
        if event_id == self.selected_id:  # else the cursor moved on, and that move fetches its own
            self.app.fetch("detail", lambda s: s.detail(event_id), self._detailed)

    def _detailed(self, detail: Detail | None) -> None:
        if detail is None or detail.id != self.selected_id:
            return
        self.detail = detail
        self._show_detail(detail)

    def _show_detail(self, detail: Detail | None, placeholder: str = "") -> None:
        """Show a detail, or the placeholder without one, in the pane once it is there."""
        self._detail_placeholder = placeholder
        for pane in self.query(DetailPane):  # none before `_mount_panes`, which shows it
            pane.show(detail, self.app.seeds_dir, placeholder=placeholder)

    def on_event_table_opened(self, message: EventTable.Opened) -> None:
        self.action_toggle_detail()

    def on_facet_list_toggled(self, message: FacetList.Toggled) -> None:
        facets, facet = message.facets, message.facet
        text = self.filter_input.value
        if self.query_ is None or facets.query_key != self.query_.key:
            return  # the sidebar is about to show the counts of the new filter
        terms = self.query_.terms
        selecting = {
            i for i, ids in facets.term_ids.items() if facet.entity_id in ids and not terms[i].negated
        }
        if facet.key in ("type", "date", "dataset"):
            selecting |= {
                i
                for i, t in enumerate(terms)
                if t.key == facet.key and t.value == facet.value and not t.negated
            }
        self.set_filter(filtertext.toggle(text, facet.key, facet.value, selecting))

    # -- layout

    def on_resize(self) -> None:
        self._place_facets()

    def _place_facets(self) -> None:
        shown = self.facets_shown if self.facets_shown is not None else self.size.width >= NARROW
        for sidebar in self.query("#facets"):
            if sidebar.display != shown:  # even an unchanged value, set, lays the screen out again
                sidebar.display = shown
        self.query_one("#body").set_class(not shown, "-no-facets")  # its place, before it comes

    # -- actions (focus moves with set_focus, at once: keys typed right after `/` go to the bar)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # `/` is a priority key; in the filter bar it is just a character.
        return not (action == "focus_filter" and self.focused is self.filter_input)

    def action_focus_filter(self) -> None:
        self.set_focus(self.filter_input)
        self.filter_input.cursor_position = len(self.filter_input.value)

    def action_back(self) -> None:
        if self.focused is self.filter_input:
            self.set_focus(self.table)
        elif self.maximized is not None:
            self.action_toggle_detail()
        elif self.filter_input.value.strip():
            self.set_filter("")

    def action_toggle_facets(self) -> None:
        """Show and focus the sidebar; from the sidebar, hide it and go back to the table."""
        if not self.query(FacetList):
            return  # a key in the first moment, before the sidebar is mounted
        facets = self.query_one(FacetList)
        if facets.display and self.focused is not facets:
            self.set_focus(facets)
            return
        self.facets_shown = not facets.display
        self._place_facets()
        if self.facets_shown:
            self.set_focus(facets)
        else:
            self.set_focus(self.table)

    def action_toggle_detail(self) -> None:
        if self.maximized is not None:
            self.minimize()
            self.set_focus(self.table)
        elif self.detail is not None and self.query(DetailPane):
            pane = self.query_one(DetailPane)
            self.set_focus(pane)
            self.maximize(pane, container=False)

    def action_aggregates(self) -> None:
        self.app.open_aggregates()

    def action_edit(self) -> None:
        if self.detail is None:
            self.notify("Select an event first.", severity="warning")
            return
        self.app.edit(self.detail.file, self.detail.line)

    def action_reload(self) -> None:
        self.app.load(force=True)

    def action_period(self, direction: int) -> None:
        text = filtertext.step(self.filter_input.value, direction)
        if text == self.filter_input.value:
            self.notify("No date filter to step: Shift+↓ picks the selected event's year.", timeout=3)
            return
        self.set_filter(text)

    def action_zoom(self, finer: int) -> None:
        anchor: date | None = self.detail.date_start if self.detail else None
        text = filtertext.zoom(self.filter_input.value, bool(finer), anchor)
        if text != self.filter_input.value:
            self.set_filter(text)
