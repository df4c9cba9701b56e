"""The one registry of keys. Bindings, the footer, the help screen and the command palette are all made
from it, so a key documented in help is a key that works, and the other way round.

Each entry belongs to a scope: the widget or screen whose BINDINGS it becomes. Keys use Textual's
names (`question_mark`, `slash`, `shift+left`); several keys for one action are comma-separated.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding


@dataclass(frozen=True, slots=True)
class Action:
    scope: str  # app, main, table, facets, aggregates, errors, help
    keys: str
    action: str
    description: str  # short: the footer's label
    footer: bool = False
    help: str = ""  # longer: the help screen's text (the description when empty)
    palette: bool = False  # offered in the command palette as well
    # Checked before the key goes to the focused widget: `/` must move the focus before the keys typed
    # right after it are delivered, or they would go to the table (Textual routes each key on arrival).
    priority: bool = False


ACTIONS: tuple[Action, ...] = (
    Action("app", "q", "quit", "Quit", footer=True, help="Quit ctl tui"),
    Action("app", "question_mark,f1", "help", "Help", footer=True, help="Show this help", palette=True),
    Action(
        "main",
        "slash",
        "focus_filter",
        "Filter",
        footer=True,
        help="Type a filter (Enter returns to the table)",
        priority=True,
    ),
    Action(
        "main",
        "escape",
        "back",
        "Back",
        help="Leave the filter bar, close the full detail, else clear the filter",
    ),
    Action(
        "main",
        "f",
        "toggle_facets",
        "Facets",
        footer=True,
        help="Go to the facet sidebar; from it, hide the sidebar",
        palette=True,
    ),
    Action(
        "main",
        "d",
        "toggle_detail",
        "Detail",
        help="Show the selected event's detail full screen",
        palette=True,
    ),
    Action(
        "main",
        "a",
        "aggregates",
        "Figures",
        footer=True,
        help="Regional figures per report and period",
        palette=True,
    ),
    Action(
        "main",
        "e",
        "edit",
        "Edit",
        footer=True,
        help="Open $EDITOR at the selected event's seed file:line",
        palette=True,
    ),
    Action(
        "main",
        "r",
        "reload",
        "Reload",
        footer=True,
        help="Rebuild from the seeds if they changed, and reload",
        palette=True,
    ),
    Action(
        "main",
        "shift+left,left_square_bracket",
        "period(-1)",
        "Prev period",
        help="Step the date filter back one period",
    ),
    Action(
        "main",
        "shift+right,right_square_bracket",
        "period(1)",
        "Next period",
        help="Step the date filter on one period",
    ),
    Action("main", "shift+down", "zoom(1)", "Finer", help="Finer period: none → year → quarter → month"),
    Action("main", "shift+up", "zoom(0)", "Coarser", help="Coarser period: month → quarter → year → none"),
    Action("table", "up,k", "cursor(-1)", "Up", help="Previous event"),
    Action("table", "down,j", "cursor(1)", "Down", help="Next event"),
    Action("table", "pageup", "page(-1)", "Page up", help="One screen up"),
    Action("table", "pagedown", "page(1)", "Page down", help="One screen down"),
    Action("table", "home,g", "first", "First", help="First event"),
    Action("table", "end,G", "last", "Last", help="Last event"),
    Action("table", "enter", "open", "Open", help="Show the selected event's detail full screen"),
    Action(
        "facets", "enter,space", "select", "Toggle", help="Add or remove the highlighted facet as a filter"
    ),
    Action(
        "aggregates",
        "m",
        "measure(1)",
        "Measure",
        footer=True,
        help="Next measure (fatalities, injuries, incidents…)",
    ),
    Action("aggregates", "M", "measure(-1)", "Prev measure", help="Previous measure"),
    Action("aggregates", "escape,a", "close", "Back", footer=True, help="Back to the timeline"),
    Action("errors", "enter,e", "edit", "Edit", footer=True, help="Open $EDITOR at the highlighted error"),
    Action("errors", "r", "retry", "Retry", footer=True, help="Check and build again"),
    Action("errors", "escape", "close", "Back", footer=True, help="Back to the last good data"),
    Action("help", "escape,question_mark,f1", "close", "Close", footer=True, help="Close the help"),
)

SCOPE_TITLES = {
    "app": "Everywhere",
    "main": "Timeline",
    "table": "Event table",
    "facets": "Facet sidebar",
    "aggregates": "Regional figures",
    "errors": "Error screen",
    "help": "Help",
}

_KEY_NAMES = {
    "question_mark": "?",
    "slash": "/",
    "left_square_bracket": "[",
    "right_square_bracket": "]",
    "escape": "Esc",
    "enter": "Enter",
    "space": "Space",
    "pageup": "PgUp",
    "pagedown": "PgDn",
    "home": "Home",
    "end": "End",
    "up": "↑",
    "down": "↓",
    "left": "←",
    "right": "→",
}


def key_label(key: str) -> str:
    """A key as people write it: `shift+left` -> `Shift+←`, `question_mark` -> `?`, `f1` -> `F1`."""
    parts = key.split("+")
    *mods, last = parts
    name = _KEY_NAMES.get(last, last.upper() if len(last) > 1 else last)
    return "+".join([*(m.capitalize() for m in mods), name])


def keys_label(keys: str) -> str:
    return " ".join(key_label(k) for k in keys.split(","))


def in_scope(scope: str) -> list[Action]:
    return [a for a in ACTIONS if a.scope == scope]


def bindings(scope: str) -> list[Binding]:
    """The BINDINGS of a scope. The footer shows an entry under its first key."""
    out: list[Binding] = []
    for a in in_scope(scope):
        first = a.keys.split(",")[0]
        out.append(
            Binding(
                a.keys,
                a.action,
                a.description,
                show=a.footer,
                key_display=key_label(first),
                priority=a.priority,
                tooltip=a.help,
            )
        )
    return out


def help_rows() -> list[tuple[str, list[tuple[str, str]]]]:
    """(scope title, [(keys, what it does)]) for the help screen, in registry order."""
    sections: dict[str, list[tuple[str, str]]] = {}
    for a in ACTIONS:
        sections.setdefault(SCOPE_TITLES[a.scope], []).append((keys_label(a.keys), a.help or a.description))
    return list(sections.items())
