"""Native notifications against a real notification daemon (dunst) on a real session bus.

What a user sees (summary, body, buttons, urgency) is read back from dunst; clicks and
buttons are pressed through dunstctl, and must reach the handler with the exact item id.
"""

from __future__ import annotations

import os

# Notifications need the bus, not a screen: Qt offscreen (the session-wide QApplication
# may exist already, created by other tests, and keeps its platform anyway).
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import asyncio
import dataclasses
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import qasync
from PySide6.QtWidgets import QApplication, QSystemTrayIcon

from desktop.core.coalesce import Coalescer
from desktop.core.item import Item, Kind, Urgency
from desktop.core.rules import Rules
from desktop.notifications.backends import (
    MARK_READ,
    Button,
    FallbackBackend,
    Notice,
    NullBackend,
    pick_backend,
)
from desktop.notifications.dispatcher import NotificationDispatcher
from desktop.ui.tray_balloon import TrayBalloonBackend
from harness.desktop_session import DesktopSession
from tests.integration.action_recorder import Recorder

pytestmark = pytest.mark.desktop

ICON = Path(__file__).resolve().parents[2] / "desktop" / "resources" / "icons" / "tidings.svg"
BASE = datetime(2025, 3, 14, 9, 0, tzinfo=UTC)


def make(n: int, kind: Kind = Kind.MAIL, **kw: object) -> Item:
    fields: dict[str, object] = {
        "id": f"mail:work:INBOX:7:{n}" if kind is Kind.MAIL else f"gw:{kind}:{n}",
        "source": "mail:work" if kind is Kind.MAIL else "gateway",
        "kind": kind,
        "sender": f"Ann Lee <ann{n}@example.org>",
        "title": f"Subject {n}",
        "preview": f"preview {n}",
        "time": BASE + timedelta(seconds=n),
    }
    fields.update(kw)
    return Item(**fields)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def session() -> Iterator[DesktopSession]:
    with DesktopSession() as s:
        yield s


@pytest.fixture
def desktop(session: DesktopSession) -> Iterator[DesktopSession]:
    session.close_all()
    with session.environ():
        yield session
    session.close_all()


@pytest.fixture
def loop(qapp: QApplication) -> Iterator[qasync.QEventLoop]:
    lp = qasync.QEventLoop(qapp)
    asyncio.set_event_loop(lp)
    yield lp
    lp.close()
    asyncio.set_event_loop(None)


class Harness:
    def __init__(self, loop: qasync.QEventLoop, window: float = 0.4, handler: Recorder | None = None) -> None:
        self.loop = loop
        self.handler = handler or Recorder()
        self.backend = self.run(pick_backend(self.handler, None, app_name="Tidings", icon_path=ICON))
        self.dispatcher = NotificationDispatcher(
            self.backend, Rules(), loop, coalescer=Coalescer(budget=3, window=window, quiet=window)
        )

    def run(self, coro: object, timeout: float = 10) -> object:
        return self.loop.run_until_complete(asyncio.wait_for(coro, timeout))  # type: ignore[arg-type]

    def wait_for(self, condition: Callable[[], bool], timeout: float = 5) -> None:
        async def poll() -> None:
            while not condition():
                await asyncio.sleep(0.01)

        self.run(poll(), timeout)

    def close(self) -> None:
        self.run(self.dispatcher.close())


@pytest.fixture
def harness(desktop: DesktopSession, loop: qasync.QEventLoop) -> Iterator[Harness]:
    h = Harness(loop)
    yield h
    h.close()


def new_bubbles(desktop: DesktopSession, before: int, count: int, timeout: float = 5) -> list[dict]:
    """Bubbles dunst received after the first ``before``; runs the loop while waiting."""
    loop = asyncio.get_event_loop()

    async def poll() -> None:
        while len(desktop.notifications()) < before + count:
            await asyncio.sleep(0.01)

    loop.run_until_complete(asyncio.wait_for(poll(), timeout))
    return desktop.notifications()[before:]


def test_the_native_backend_is_chosen_with_buttons(harness: Harness) -> None:
    assert isinstance(harness.backend, FallbackBackend)
    assert harness.backend.name.startswith("freedesktop")
    assert harness.backend.supports_buttons
    assert not harness.backend.supports_reply  # dunst has no inline reply


def test_mail_bubble_content_and_a_click_opens_that_item(desktop: DesktopSession, harness: Harness) -> None:
    before = len(desktop.notifications())
    mail = make(1, title="Q3 <numbers> & plans", preview="<script>alert(1)</script> see <b>attached</b>")
    harness.dispatcher.items_added([mail], quiet=False)
    (bubble,) = new_bubbles(desktop, before, 1)
    assert bubble["app_name"] == "Tidings"
    assert bubble["summary"] == "Ann Lee — Q3 <numbers> & plans"  # plain text by spec
    # escaped on the wire: dunst renders markup, mail text must stay text
    assert bubble["body"] == "&lt;script&gt;alert(1)&lt;/script&gt; see &lt;b&gt;attached&lt;/b&gt;"
    assert bubble["urgency"] == "NORMAL"
    assert bubble["icon_path"], "the app icon must be sent"
    desktop.click_default()
    harness.wait_for(lambda: bool(harness.handler.calls))
    assert harness.handler.calls == [("open_item", mail.id)]


def test_mark_read_button_reaches_the_handler(desktop: DesktopSession, harness: Harness) -> None:
    before = len(desktop.notifications())
    mail = make(2)
    harness.dispatcher.items_added([mail], quiet=False)
    new_bubbles(desktop, before, 1)
    assert desktop.invoke_action("Mark read") == ["Mark read"]
    harness.wait_for(lambda: bool(harness.handler.calls))
    assert harness.handler.calls == [("mark_read", mail.id)]


def test_approval_buttons_approve_directly_and_reject_opens_the_window(
    desktop: DesktopSession, harness: Harness
) -> None:
    before = len(desktop.notifications())
    first, second = make(3, Kind.APPROVAL, urgency=Urgency.URGENT), make(4, Kind.APPROVAL)
    harness.dispatcher.items_added([first], quiet=False)
    (bubble,) = new_bubbles(desktop, before, 1)
    assert bubble["urgency"] == "CRITICAL"
    assert sorted(desktop.invoke_action("Approve")) == ["Approve", "Reject…"]
    harness.wait_for(lambda: len(harness.handler.calls) == 1)
    desktop.close_all()

    harness.dispatcher.items_added([second], quiet=False)
    new_bubbles(desktop, before + 1, 1)
    desktop.invoke_action("Reject…")
    harness.wait_for(lambda: len(harness.handler.calls) == 2)
    # never rejected from a bubble: the window opens at the request for a comment
    assert harness.handler.calls == [("approve", first.id), ("open_item", second.id)]


def test_chat_reply_button_opens_the_conversation_without_a_reply_field(
    desktop: DesktopSession, harness: Harness
) -> None:
    before = len(desktop.notifications())
    chat = make(5, Kind.CHAT, sender="Bob", title="#release", preview="ship it?", thread_key="chat:c1")
    harness.dispatcher.items_added([chat], quiet=False)
    (bubble,) = new_bubbles(desktop, before, 1)
    assert bubble["summary"] == "Bob — #release" and bubble["body"] == "ship it?"
    assert sorted(desktop.invoke_action("Reply")) == ["Mark read", "Reply"]
    harness.wait_for(lambda: bool(harness.handler.calls))
    assert harness.handler.calls == [("open_item", chat.id)]


def test_a_burst_of_50_gives_one_summary_and_a_click_opens_exactly_that_burst(
    desktop: DesktopSession, harness: Harness
) -> None:
    before = len(desktop.notifications())
    burst = [make(100 + n) for n in range(41)] + [make(200 + n, Kind.CHAT, sender="Bob") for n in range(9)]
    harness.dispatcher.items_added(burst, quiet=False)
    (bubble,) = new_bubbles(desktop, before, 1)
    assert bubble["summary"] == "50 new items from Bob and Ann Lee"
    assert bubble["body"] == "41 mails, 9 chat messages"
    harness.wait_for(lambda: not harness.dispatcher.pending())
    harness.run(harness.dispatcher.drain())
    assert len(desktop.notifications()) == before + 1  # nothing held: still exactly one
    desktop.click_default()
    harness.wait_for(lambda: bool(harness.handler.calls))
    assert harness.handler.calls == [("open_items", *(i.id for i in burst))]


def test_a_trickle_gives_three_bubbles_then_one_summary_that_replaces_them(
    desktop: DesktopSession, harness: Harness
) -> None:
    before = len(desktop.notifications())
    for n in range(10):
        harness.dispatcher.items_added([make(300 + n)], quiet=False)
    bubbles = new_bubbles(desktop, before, 3)
    assert [b["summary"] for b in bubbles] == [f"Ann Lee — Subject {300 + n}" for n in range(3)]
    bubbles = new_bubbles(desktop, before, 4, timeout=5)
    assert bubbles[3]["summary"] == "10 new mails from Ann Lee"
    harness.wait_for(lambda: not harness.dispatcher.pending())
    harness.run(harness.dispatcher.drain())
    harness.wait_for(lambda: desktop.count("displayed") == 1)  # the three singles were closed
    assert len(desktop.notifications()) == before + 4


def test_quiet_imports_and_paused_rules_show_nothing(desktop: DesktopSession, harness: Harness) -> None:
    before = len(desktop.notifications())
    harness.dispatcher.items_added([make(400)], quiet=True)
    harness.dispatcher.rules.pause_for(timedelta(hours=1), datetime.now(UTC))
    harness.dispatcher.items_added([make(401)], quiet=False)
    harness.dispatcher.items_added([make(402, urgency=Urgency.URGENT)], quiet=False)
    (bubble,) = new_bubbles(desktop, before, 1)
    # 402 is the sentinel: notices go out in arrival order, so 400 or 401 would have come first.
    assert bubble["summary"] == "Ann Lee — Subject 402"
    harness.wait_for(lambda: not harness.dispatcher.pending())
    harness.run(harness.dispatcher.drain())  # and nothing else is on its way to dunst
    assert len(desktop.notifications()) == before + 1 and harness.dispatcher.shown_count == 1


def test_reading_the_item_elsewhere_withdraws_its_bubble(desktop: DesktopSession, harness: Harness) -> None:
    before = len(desktop.notifications())
    mail = make(500)
    harness.dispatcher.items_added([mail], quiet=False)
    new_bubbles(desktop, before, 1)
    harness.wait_for(lambda: desktop.count("displayed") == 1)
    mail.unread = False
    harness.dispatcher.items_changed([mail])
    harness.wait_for(lambda: desktop.count("displayed") == 0)


class ActingRecorder(Recorder):
    """Acts like the tray app: a button marks the item read or decided, and the pipeline
    tells the dispatcher (here directly) that the item changed."""

    def __init__(self, items: dict[str, Item]) -> None:
        super().__init__()
        self.items = items
        self.dispatcher: NotificationDispatcher | None = None

    def _changed(self, item_id: str, **change: object) -> None:
        item = dataclasses.replace(self.items[item_id], **change)  # type: ignore[arg-type]
        assert self.dispatcher is not None
        self.dispatcher.items_changed([item])

    def mark_read(self, item_id: str) -> None:
        super().mark_read(item_id)
        self._changed(item_id, unread=False)

    def approve(self, item_id: str) -> None:
        super().approve(item_id)
        self._changed(item_id, unread=False, payload={"pending_decision": "approve"})


@pytest.fixture
def acting(desktop: DesktopSession, loop: qasync.QEventLoop) -> Iterator[tuple[Harness, dict[str, Item]]]:
    items: dict[str, Item] = {}
    handler = ActingRecorder(items)
    h = Harness(loop, handler=handler)
    handler.dispatcher = h.dispatcher
    yield h, items
    h.close()


@pytest.mark.parametrize(
    ("kind", "button", "call"), [(Kind.APPROVAL, "Approve", "approve"), (Kind.MAIL, "Mark read", "mark_read")]
)
def test_a_bubbles_own_button_acts_and_closes_it(
    desktop: DesktopSession, acting: tuple[Harness, dict[str, Item]], kind: Kind, button: str, call: str
) -> None:
    harness, items = acting
    before = len(desktop.notifications())
    item = make(700, kind)
    items[item.id] = item
    harness.dispatcher.items_added([item], quiet=False)
    new_bubbles(desktop, before, 1)
    harness.wait_for(lambda: desktop.count("displayed") == 1)
    desktop.invoke_action(button)
    harness.wait_for(lambda: bool(harness.handler.calls))
    assert harness.handler.calls == [(call, item.id)]
    # dunst keeps a bubble up after an action:
    # it must be closed by Tidings, by the daemon's id
    harness.wait_for(lambda: desktop.count("displayed") == 0)


def test_an_approval_decided_on_another_device_closes_its_bubble(
    desktop: DesktopSession, harness: Harness
) -> None:
    before = len(desktop.notifications())
    request = make(710, Kind.APPROVAL)
    harness.dispatcher.items_added([request], quiet=False)
    new_bubbles(desktop, before, 1)
    harness.wait_for(lambda: desktop.count("displayed") == 1)
    # approval.resolved from the gateway: decided, and still unread here
    harness.dispatcher.items_changed([dataclasses.replace(request, state="approved")])
    harness.wait_for(lambda: desktop.count("displayed") == 0)


def test_a_summary_stays_until_all_of_its_items_are_read(desktop: DesktopSession, harness: Harness) -> None:
    before = len(desktop.notifications())
    burst = [make(800 + n) for n in range(6)]
    harness.dispatcher.items_added(burst, quiet=False)
    (bubble,) = new_bubbles(desktop, before, 1)
    assert bubble["summary"] == "6 new mails from Ann Lee"
    harness.dispatcher.items_changed([dataclasses.replace(i, unread=False) for i in burst[:5]])
    harness.run(harness.dispatcher.drain())
    assert desktop.count("displayed") == 1  # every withdrawal so far has reached dunst
    harness.dispatcher.items_changed([dataclasses.replace(burst[5], unread=False)])
    harness.wait_for(lambda: desktop.count("displayed") == 0)


@pytest.mark.parametrize("address", ["", "unix:path=/nonexistent/tidings-bus"])
def test_without_a_session_bus_the_tray_balloon_is_used(
    address: str, loop: qasync.QEventLoop, monkeypatch: pytest.MonkeyPatch
) -> None:
    if address:
        monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", address)
    else:
        monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    monkeypatch.delenv("DISPLAY", raising=False)  # no X11 autolaunch of a bus either
    handler = Recorder()
    tray = QSystemTrayIcon()
    # A missing bus is seen at once, not after D-Bus's 25 s call timeout: this guard is shorter.
    backend = loop.run_until_complete(
        asyncio.wait_for(pick_backend(handler, TrayBalloonBackend(tray, handler), icon_path=ICON), 10)
    )
    assert isinstance(backend, TrayBalloonBackend)
    dispatcher = NotificationDispatcher(backend, Rules(), loop)
    dispatcher.items_added([make(600)], quiet=False)
    loop.run_until_complete(asyncio.wait_for(dispatcher.close(), 5))
    assert dispatcher.shown_count == 1  # handed over; the balloon itself needs a tray
    assert handler.calls == []


def test_without_a_tray_and_a_bus_nothing_is_shown_and_nothing_breaks(
    loop: qasync.QEventLoop, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/tidings-bus")
    backend = loop.run_until_complete(asyncio.wait_for(pick_backend(Recorder(), None), 10))
    assert isinstance(backend, NullBackend)
    assert "DBUS_SESSION_BUS_ADDRESS" in os.environ


def test_the_windows_and_macos_backend_shows_acts_and_withdraws(
    desktop: DesktopSession, loop: qasync.QEventLoop
) -> None:
    # desktop-notifier's toasts and macOS notification center cannot run here; its D-Bus
    # backend can, and drives everything of DesktopNotifierBackend that is not theirs.
    from desktop.notifications.desktop_notifier_backend import DesktopNotifierBackend

    handler = Recorder()
    backend = DesktopNotifierBackend(handler, "Tidings", ICON)

    def run(coro: object) -> object:
        return loop.run_until_complete(asyncio.wait_for(coro, 10))  # type: ignore[arg-type]

    async def until(condition: Callable[[], bool]) -> None:
        while not condition():
            await asyncio.sleep(0.01)

    run(backend.probe())
    try:
        assert backend.supports_buttons and backend.supports_withdraw
        before = len(desktop.notifications())
        buttons = (Button(MARK_READ, "Mark read"),)
        first = Notice(item_id="mail:work:INBOX:7:900", title="Ann — Q3", body="numbers", buttons=buttons)
        assert run(backend.show(first))
        (bubble,) = new_bubbles(desktop, before, 1)
        assert (bubble["summary"], bubble["body"]) == ("Ann — Q3", "numbers")
        assert desktop.invoke_action("Mark read") == ["Mark read"]
        run(until(lambda: bool(handler.calls)))
        assert handler.calls == [("mark_read", first.item_id)]
        desktop.close_all()

        second = dataclasses.replace(first, item_id="mail:work:INBOX:7:901", key="")
        assert run(backend.show(second))
        run(until(lambda: desktop.count("displayed") == 1))
        run(backend.withdraw(second.key))
        run(until(lambda: desktop.count("displayed") == 0))
    finally:
        run(backend.close())
