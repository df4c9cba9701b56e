"""The error screen: what `ctl check` found when the seeds could not be built, as file:line items.

With an older database the browser keeps showing it (Esc goes back to it); without one there is
nothing to go back to, so the screen stays until a retry or a fixed seed file builds one.
"""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from ctl.diagnostics import Diagnostic
from ctl.tui.actions import bindings
from ctl.tui.data import display_path
from ctl.tui.titlebar import TitleBar


def diagnostic_text(d: Diagnostic, seeds_dir: Path | None) -> Text:
    text = Text(f"{display_path(d.path, seeds_dir)}:{d.line}:{d.col}", style="bold")
    text.append(f"  {d.severity}[{d.code}]", style="red")
    text.append(f": {d.message}")
    if d.hint:
        text.append(f"\n  hint: {d.hint}", style="dim")
    return text


class ErrorScreen(Screen[None]):
    BINDINGS = bindings("errors")

    class Retry(Message):
        """The user asked to check and build again."""

    class Edit(Message):
        def __init__(self, path: str, line: int) -> None:
            super().__init__()
            self.path = path
            self.line = line

    def __init__(self, diagnostics: list[Diagnostic], seeds_dir: Path | None, has_data: bool) -> None:
        super().__init__()
        self.diagnostics = diagnostics
        self.seeds_dir = seeds_dir
        self.has_data = has_data

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield Static(id="errors-title")
        yield OptionList(id="errors-list")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "seed errors"
        self.show(self.diagnostics, self.has_data)

    def show(self, diagnostics: list[Diagnostic], has_data: bool) -> None:
        self.diagnostics, self.has_data = diagnostics, has_data
        n = len(diagnostics)
        title = Text(f"The seeds have {n} error{'s' if n != 1 else ''}; ", style="bold red")
        if has_data:
            title.append("showing the last good data. ", style="bold")
        else:
            title.append("there is no database to show yet. ", style="bold")
        title.append("Fix the seeds (Enter opens the editor there): the browser reloads when they change.")
        self.query_one("#errors-title", Static).update(title)
        options = self.query_one("#errors-list", OptionList)
        options.set_options(Option(diagnostic_text(d, self.seeds_dir)) for d in diagnostics)
        if diagnostics:
            options.highlighted = 0
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Without data there is nothing behind this screen to go back to.
        return not (action == "close" and not self.has_data)

    def action_close(self) -> None:
        self.dismiss()

    def action_retry(self) -> None:
        self.post_message(self.Retry())

    def action_edit(self) -> None:
        options = self.query_one("#errors-list", OptionList)
        if options.highlighted is not None and self.diagnostics:
            d = self.diagnostics[options.highlighted]
            self.post_message(self.Edit(d.path, d.line))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_edit()
