"""`ctl tui` in a real terminal: tmux runs it at 120x40, sends keys, and the test reads the screen with
`capture-pane`. It checks the acceptance story: `group:Daesh` shows the May 2024 dialogue and not the
March 2023 one, and its detail names both co-chairs with the titles they held then and all four
sources. tmux runs on a private socket, so a developer's own tmux sessions are never touched."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.skipif(
    shutil.which("tmux") is None, reason="tmux is not installed: the real-terminal smoke test needs it"
)


class Terminal:
    def __init__(self, socket: str, session: str) -> None:
        self.socket, self.session = socket, session

    def tmux(self, *args: str) -> str:
        out = subprocess.run(
            ["tmux", "-L", self.socket, *args], capture_output=True, text=True, check=True, timeout=10
        )
        return out.stdout

    def screen(self) -> str:
        """The visible text; empty once the program has ended and tmux with it."""
        try:
            return self.tmux("capture-pane", "-p", "-t", self.session)
        except subprocess.CalledProcessError:
            return ""

    def keys(self, *keys: str, literal: bool = False) -> None:
        self.tmux("send-keys", "-t", self.session, *(["-l"] if literal else []), *keys)

    def wait_for(self, found: Callable[[str], bool], what: str, timeout: float = 30.0) -> str:
        deadline = time.monotonic() + timeout
        while True:
            screen = self.screen()
            if found(screen):
                return screen
            if time.monotonic() > deadline:
                pytest.fail(f"timed out waiting for {what}; the screen shows:\n{screen}")
            time.sleep(0.2)


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[Terminal]:
    """`ctl tui` in a detached tmux session at 120x40, on a database it builds into tmp_path."""
    socket, session = f"ctl-test-{uuid.uuid4().hex[:8]}", "tui"
    env = {
        "CTL_DB": str(tmp_path / "ctl.duckdb"),
        "CTL_SEEDS": str(REPO / "seeds"),
        "TERM": "xterm-256color",
        "PYTHONPATH": str(REPO),
    }
    # COLUMNS and LINES would override the terminal's real size (something in the test process sets
    # them at the C level, where os.environ does not see them), so the program must not inherit them.
    unset = ["-u", "COLUMNS", "-u", "LINES"]
    command = shlex.join(
        ["env", *unset, *(f"{k}={v}" for k, v in env.items()), sys.executable, "-m", "ctl", "tui"]
    )
    size = ["-x", "120", "-y", "40"]
    subprocess.run(
        [
            "tmux",
            "-L",
            socket,
            "-f",
            os.devnull,
            "new-session",
            "-d",
            "-s",
            session,
            *size,
            "-c",
            str(REPO),
            command,
        ],
        check=True,
        timeout=10,
    )
    try:
        yield Terminal(socket, session)
    finally:
        subprocess.run(["tmux", "-L", socket, "kill-server"], capture_output=True, check=False, timeout=10)


def test_daesh_in_a_real_terminal(terminal: Terminal) -> None:
    row = "2023-03-06..2023-03-07  dialogue        Pakistan-US counterterrorism"
    screen = terminal.wait_for(lambda s: "8 events" in s and row in s, "the first screen with the events")
    assert "Filter" in screen and "Help" in screen  # the footer

    terminal.keys("/")
    terminal.keys("group:Daesh", literal=True)
    terminal.keys("Enter")
    screen = terminal.wait_for(
        lambda s: "2 of 8 events match group:Daesh" in s and "Dialogue in Washington" in s, "the Daesh filter"
    )
    assert "2024-05-10" in screen and "Pakistan-US Counterterrorism Dialogue" in screen
    assert "2023-03-06" not in screen and "counterterrorism dialogue in Islamabad" not in screen

    terminal.keys("Enter")  # the selected row is the May 2024 dialogue: its detail, full screen
    screen = terminal.wait_for(lambda s: "Sources (4)" in s, "the full detail")
    flat = " ".join(screen.replace("│", " ").split())  # long lines wrap inside the pane
    for needle in (
        "Pakistan-US Counterterrorism Dialogue in Washington",
        "Syed Haider Shah, co-chair — Ambassador, Additional Foreign Secretary for the UN and OIC",
        "Elizabeth Richard, co-chair — Ambassador, Coordinator for Counterterrorism",
        "“Pakistan, US commit to detect, deter violent extremism” — Mariana Baabar",
        "(untitled) — no byline",
        "(untitled) — Agencies",
        "— Web Desk",
        "news-baabar-2024-05-14",
        "news-unsigned-2024-w20",
        "news-agencies-2024-w20",
        "news-webdesk-2024-05-13",
        "seeds/events.toml:92",
    ):
        assert needle in flat, needle

    terminal.keys("Escape")
    terminal.keys("Escape")  # back from the detail, then clear the filter
    terminal.wait_for(lambda s: "8 events" in s and "match" not in s, "the cleared filter")
    terminal.keys("q")
    terminal.wait_for(lambda s: "8 events" not in s, "ctl tui to quit", timeout=10)
