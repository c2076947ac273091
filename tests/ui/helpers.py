"""Test data and fakes shared by the UI tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from PySide6.QtCore import QTimer
from pytestqt.qtbot import QtBot

from desktop.core.item import Action, Item, Kind, Urgency

BASE = datetime(2025, 3, 14, 9, 0, tzinfo=UTC)


def make_item(n: int, kind: Kind = Kind.MAIL, **overrides: object) -> Item:
    """Item number ``n``: a larger n is newer."""
    fields: dict[str, object] = {
        "id": f"mail:work:INBOX:1:{n:06d}" if kind is Kind.MAIL else f"gw:{kind}:{n:06d}",
        "source": "mail:work" if kind is Kind.MAIL else "gateway",
        "kind": kind,
        "sender": f"Sender {n}",
        "title": f"Subject {n}",
        "preview": f"preview text {n}",
        "time": BASE + timedelta(minutes=n),
        "unread": n % 3 == 0,
        "actions": (Action.OPEN, Action.MARK_READ),
        "urgency": Urgency.NORMAL,
    }
    fields.update(overrides)
    return Item(**fields)  # type: ignore[arg-type]


def settle(qtbot: QtBot) -> None:
    """Let what a change posted run (a view's delayed layout, zero-time timers): a zero-time
    timer started now is the sentinel, as timers of equal time fire in the order started."""
    fired: list[bool] = []
    QTimer.singleShot(0, lambda: fired.append(True))
    qtbot.waitUntil(lambda: bool(fired), timeout=2000)


def chat_item(n: int, conversation: str, text: str, sender: str = "Alice", own: bool = False) -> Item:
    """A chat message shaped like the gateway mapping's; ``own`` messages come from user "me"."""
    if own:
        sender = "me"
    return Item(
        id=f"gw:msg:{conversation}-{n}",
        source="gateway",
        kind=Kind.CHAT,
        sender=sender,
        title=f"#{conversation}",
        preview=text,
        time=BASE + timedelta(minutes=n),
        unread=not own,
        actions=(Action.OPEN, Action.REPLY, Action.MARK_READ),
        thread_key=f"chat:{conversation}",
        payload={
            "conversation": {"id": conversation, "kind": "group", "title": f"#{conversation}"},
            "message": {"id": f"{conversation}-{n}", "text": text, "sender": {"id": sender, "name": sender}},
        },
    )


class FakeSource:
    """Enough of a Source for Actions: records that the outbox was poked."""

    def __init__(self, source_id: str) -> None:
        self.id = source_id
        self.display_name = source_id
        self.pokes = 0
        self.user = "me"  # the gateway's hello.user

    def start(self, emit: object) -> None:
        pass

    async def stop(self) -> None:
        pass

    def reconnect_now(self) -> None:
        pass

    def outbox_changed(self) -> None:
        self.pokes += 1
