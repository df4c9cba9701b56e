"""The density strip: events per month of the current filter as a row of block characters."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

BLOCKS = "▁▂▃▄▅▆▇█"


def buckets(counts: list[int], width: int) -> list[int]:
    """`counts` summed into at most `width` consecutive buckets of (nearly) equal span."""
    if len(counts) <= width:
        return list(counts)
    out = []
    for i in range(width):
        lo, hi = len(counts) * i // width, len(counts) * (i + 1) // width
        out.append(sum(counts[lo:hi]))
    return out


def strip(counts: list[int], width: int) -> str:
    """One block per bucket, its height the bucket's share of the largest; empty buckets are blank
    so that months with no event read as gaps."""
    values = buckets(counts, max(width, 1))
    top = max(values, default=0)
    if not top:
        return ""
    return "".join(
        " " if v == 0 else BLOCKS[min(len(BLOCKS) - 1, (v * len(BLOCKS) - 1) // top)] for v in values
    )


class DensityStrip(Static):
    """`2022-11 ▁ █▂  ▁▃ 2024-05`: the first and last month of the matches around the strip."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.months: list[tuple[str, int]] = []

    def show(self, months: list[tuple[str, int]]) -> None:
        self.months = months
        self._draw()

    def on_resize(self) -> None:
        self._draw()

    def _draw(self) -> None:
        if not self.months:
            if self.content:  # else it is blank already: no refresh (a layout of the screen) for nothing
                self.update("")
            return
        first, last = self.months[0][0], self.months[-1][0]
        room = max(self.content_region.width - len(first) - len(last) - 2, 4)
        text = Text(first + " ", style="dim")
        text.append(strip([n for _, n in self.months], room), style="bold")
        text.append(" " + last, style="dim")
        self.update(text)
