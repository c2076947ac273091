"""What reaches the notification daemon: previews as the user (or policy) chose, and the
hints desktops group by. Checked on the wire: ``dbus-monitor`` records every Notify call
on the session bus of a real dunst, so nothing a backend sent can hide from the test.

No Qt: the dispatcher and desktop-notifier run on a plain asyncio loop.
"""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import time
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime, timedelta
from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest

from desktop.core.coalesce import Coalescer
from desktop.core.item import Item, Kind
from desktop.core.rules import Rules
from desktop.notifications.backends import DESKTOP_ENTRY, Notice, NotifierBackend, pick_backend
from desktop.notifications.dispatcher import NotificationDispatcher
from harness.desktop_session import DesktopSession

pytestmark = pytest.mark.desktop

BASE = datetime(2025, 3, 14, 9, 0, tzinfo=UTC)
# Words that may appear only in the item, never on the bus when previews are hidden.
SECRET_WORDS = ("Kowalczyk", "Merger", "Zanzibar", "kowalczyk@corp.example")
SENTINEL = "sentinel-after-everything"


class Handler:
    def open_item(self, item_id: str) -> None: ...
    def open_items(self, item_ids: Sequence[str]) -> None: ...
    def mark_read(self, item_id: str) -> None: ...
    def reply(self, item_id: str, text: str) -> None: ...
    def approve(self, item_id: str) -> None: ...


class NotifyMonitor:
    """``dbus-monitor`` on the session bus, for Notify calls only; stopped by PID."""

    def __init__(self, session: DesktopSession, path: Path) -> None:
        self.session = session
        self.path = path
        self._out = path.open("w")
        self._proc = subprocess.Popen(
            [
                "dbus-monitor",
                "--address",
                os.environ["DBUS_SESSION_BUS_ADDRESS"],
                "type='method_call',interface='org.freedesktop.Notifications',member='Notify'",
            ],
            stdout=self._out,
            stderr=subprocess.STDOUT,
        )
        # A monitor gives up its unique name when it starts monitoring (BecomeMonitor).
        self.wait_for(lambda text: "member=NameLost" in text, "dbus-monitor to start")

    def text(self) -> str:
        return self.path.read_text(encoding="utf-8", errors="replace")

    def wait_for(self, predicate: object, what: str, timeout: float = 10) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            text = self.text()
            if predicate(text):  # type: ignore[operator]
                return text
            if self._proc.poll() is not None:
                raise RuntimeError(f"dbus-monitor exited: {text}")
            time.sleep(0.02)
        raise TimeoutError(f"waiting for {what}: {self.text()[-2000:]}")

    def calls(self) -> list[str]:
        """One text block per Notify call."""
        return [b for b in self.text().split("method call ")[1:] if "member=Notify" in b]

    def stop(self) -> None:
        self._proc.terminate()
        self._proc.wait(timeout=10)
        self._out.close()


def hints(call: str) -> dict[str, str]:
    """The string hints of one Notify call (dbus-monitor's dict entries)."""
    return dict(re.findall(r'dict entry\(\s*string "([^"]+)"\s*variant\s+string "([^"]*)"', call))


def item(n: int, kind: Kind = Kind.MAIL) -> Item:
    return Item(
        id=f"mail:work:INBOX:7:{n}" if kind is Kind.MAIL else f"gw:{kind}:{n}",
        source="mail:work" if kind is Kind.MAIL else "gateway",
        kind=kind,
        sender="Jan Kowalczyk <kowalczyk@corp.example>",
        title=f"Merger plans {n}",
        preview=f"Meet in Zanzibar at {n}",
        time=BASE + timedelta(seconds=n),
    )


@pytest.fixture(scope="module")
def session() -> Iterator[DesktopSession]:
    with DesktopSession() as s:
        yield s


@pytest.fixture
def monitor(session: DesktopSession, tmp_path: Path) -> Iterator[NotifyMonitor]:
    session.close_all()
    with session.environ():
        m = NotifyMonitor(session, tmp_path / "notify.log")
        yield m
        m.stop()
    session.close_all()


def summary_and_body(call: str) -> tuple[str, str]:
    """A Notify call's summary and body (its 4th and 5th arguments)."""
    args = re.findall(r'^   (?:string "((?:[^"\\]|\\.)*)"|uint32 \d+)$', call, re.MULTILINE)
    return args[3], args[4]


def shown_by_dunst(
    session: DesktopSession, predicate: Callable[[dict[str, Any]], bool], after: int = 0
) -> None:
    """Wait until dunst's log (written by a script per bubble, a little later) has one."""
    deadline = time.monotonic() + 10
    while not any(predicate(b) for b in session.notifications()[after:]):
        assert time.monotonic() < deadline, session.notifications()[-5:]
        time.sleep(0.02)


def run(previews: str, batches: list[list[Item]], expected: int, monitor: NotifyMonitor) -> list[str]:
    """Hand ``batches`` to a dispatcher with ``previews``; returns the Notify calls on the
    bus once ``expected`` of them and then a sentinel (sent last, on the same connection)
    were seen, so nothing of the batches can still be on its way. (dunst itself stacks
    identical bubbles, "New message" three times, so the bus is what is counted.)"""
    before = len(monitor.calls())

    async def main() -> None:
        loop = asyncio.get_running_loop()
        backend: NotifierBackend = await pick_backend(Handler(), None, app_name="Tidings")
        dispatcher = NotificationDispatcher(
            backend, Rules(), loop, coalescer=Coalescer(budget=3, window=0.3, quiet=0.3), previews=previews
        )
        for batch in batches:
            dispatcher.items_added(batch, quiet=False)
        while len(monitor.calls()) < before + expected:
            await asyncio.sleep(0.02)
        await dispatcher.drain()
        assert await backend.show(Notice(item_id="sentinel", title=SENTINEL, body=SENTINEL))
        while SENTINEL not in "".join(monitor.calls()[before:]):
            await asyncio.sleep(0.02)
        await dispatcher.close()

    shown = len(monitor.session.notifications())
    asyncio.run(asyncio.wait_for(main(), 20))
    # and dunst has had them all (its log is written by a script per bubble, a little later)
    shown_by_dunst(monitor.session, lambda b: b["summary"] == SENTINEL, after=shown)
    calls = monitor.calls()[before:]
    assert summary_and_body(calls[-1]) == (SENTINEL, SENTINEL)
    return calls[:-1]


def test_hidden_previews_send_no_word_of_the_item(session: DesktopSession, monitor: NotifyMonitor) -> None:
    # A trickle: three single bubbles (the budget), then one summary of all of them.
    calls = run("hidden", [[item(1)], *([item(n, Kind.CHAT)] for n in range(2, 9))], 4, monitor)
    assert [summary_and_body(c) for c in calls] == [("New message", "")] * 3 + [
        ("8 new items", "7 chat messages, 1 mail")
    ]
    wire = monitor.text()
    for word in SECRET_WORDS:
        assert word not in wire, f"{word!r} reached the notification daemon"
    assert not any(word in str(b) for b in session.notifications() for word in SECRET_WORDS)


def test_sender_previews_show_who_and_what_about_but_no_text(
    session: DesktopSession, monitor: NotifyMonitor
) -> None:
    calls = [summary_and_body(c) for c in run("sender", [[item(n)] for n in range(1, 8)], 4, monitor)]
    assert calls[:3] == [(f"Jan Kowalczyk — Merger plans {n}", "") for n in (1, 2, 3)]
    # who and what about, never text
    assert calls[3] == ("7 new mails from Jan Kowalczyk", "Latest: Merger plans 7")
    assert "Zanzibar" not in monitor.text()


def test_full_previews_are_the_default(session: DesktopSession, monitor: NotifyMonitor) -> None:
    (call,) = run("full", [[item(1)]], 1, monitor)
    assert summary_and_body(call) == ("Jan Kowalczyk — Merger plans 1", "Meet in Zanzibar at 1")
    shown_by_dunst(session, lambda b: b["body"] == "Meet in Zanzibar at 1")


def test_every_bubble_carries_the_desktop_entry_and_a_category(
    session: DesktopSession, monitor: NotifyMonitor
) -> None:
    kinds = [Kind.MAIL, Kind.CHAT, Kind.APPROVAL]
    sent = [
        hints(call) for call in run("full", [[item(n, kind)] for n, kind in enumerate(kinds, 1)], 3, monitor)
    ]
    assert [h["category"] for h in sent[:3]] == ["email.arrived", "im.received", "x-tidings.approval"]
    assert all(h["desktop-entry"] == DESKTOP_ENTRY for h in sent)
    installed = files("desktop.resources").joinpath("linux", f"{DESKTOP_ENTRY}.desktop")
    assert installed.is_file()  # the hint names the desktop entry Tidings installs
