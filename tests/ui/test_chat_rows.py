"""What a chat row says under its title: whose the latest message is, only where that is news."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QModelIndex, QRect, QSize
from PySide6.QtGui import QAccessible, QColor, QImage, QPainter
from PySide6.QtWidgets import QListView, QStyleOptionViewItem

from desktop.core.item import Item
from desktop.sources.gateway.mapping import map_event
from desktop.ui.delegate import InboxDelegate, row_lines
from desktop.ui.inbox_model import InboxModel

ME = "wang.fang"  # the gateway's hello.user


def chat(n: int, kind: str, sender: tuple[str, str], text: str) -> Item:
    """A chat message as the real gateway mapping makes it from a ``chat.message`` event."""
    event: dict[str, Any] = {
        "id": f"evt_{n}",
        "type": "chat.message",
        "time": "2025-03-01T09:30:00Z",
        "data": {
            "conversation": {"id": f"c-{kind}", "kind": kind, "title": "Launch" if kind == "group" else ""},
            "message": {
                "id": f"m{n}",
                "text": text,
                "sender": {"id": sender[0], "name": sender[1]},
                "time": f"2025-03-01T09:{30 + n:02d}:00Z",
            },
        },
    }
    (item,) = map_event(event, user=ME).items
    return item


LISA = ("lisa.chen", "Lisa Chen")
YOU = (ME, "Wang Fang")


def test_a_direct_chat_row_does_not_repeat_the_other_persons_name() -> None:
    item = chat(1, "direct", LISA, "Lunch at noon?")
    assert row_lines(item, ME)[:2] == ("Lisa Chen", "Lunch at noon?")


def test_a_direct_chat_row_still_says_when_the_latest_message_is_ours() -> None:
    item = chat(2, "direct", YOU, "Sure, see you there")
    item.title = "Lisa Chen"  # what the gateway source names our own message's row (after Lisa)
    assert row_lines(item, ME)[:2] == ("Lisa Chen", "You: Sure, see you there")


def test_a_group_chat_row_keeps_the_senders_name() -> None:
    theirs = chat(3, "group", LISA, "Build is green")
    assert row_lines(theirs, ME)[:2] == ("Launch", "Lisa Chen: Build is green")
    assert row_lines(chat(4, "group", YOU, "Shipping it"), ME)[:2] == ("Launch", "You: Shipping it")


class _RecordingPainter(QPainter):
    """Keeps every string the delegate draws, so the test reads the row as painted."""

    def __init__(self, device: QImage) -> None:
        super().__init__(device)
        self.texts: list[str] = []

    def drawText(self, *args: Any) -> None:  # Qt override, so camelCase
        self.texts.extend(a for a in args if isinstance(a, str))
        super().drawText(*args)


@pytest.mark.parametrize(
    ("kind", "sender", "painted"),
    [
        ("direct", LISA, "Lunch at noon?"),
        ("direct", YOU, "You: Lunch at noon?"),
        ("group", LISA, "Lisa Chen: Lunch at noon?"),
    ],
    ids=["direct-theirs", "direct-ours", "group"],
)
def test_the_painted_row(qtbot, store, inbox, kind: str, sender: tuple[str, str], painted: str) -> None:
    store.add_items([chat(5, kind, sender, "Lunch at noon?")])
    model = InboxModel(inbox)
    model.fetchMore(QModelIndex())
    view = QListView()
    qtbot.addWidget(view)
    view.setModel(model)
    delegate = InboxDelegate(view, user=lambda: ME)
    option = QStyleOptionViewItem()
    option.initFrom(view)
    option.rect = QRect(0, 0, 480, delegate.sizeHint(option, model.index(0, 0)).height())
    image = QImage(QSize(480, option.rect.height()), QImage.Format.Format_ARGB32)
    image.fill(QColor("white"))
    painter = _RecordingPainter(image)
    delegate.paint(painter, option, model.index(0, 0))
    painter.end()
    assert painted in painter.texts  # the whole message on its first line: it fits


@pytest.mark.parametrize(
    ("kind", "sender", "read"),
    [
        ("direct", LISA, "Lisa Chen, Lunch at noon?"),
        ("direct", YOU, "Lisa Chen, You: Lunch at noon?"),
        ("group", LISA, "Launch, Lisa Chen: Lunch at noon?"),
        ("group", YOU, "Launch, You: Lunch at noon?"),
    ],
    ids=["direct-theirs", "direct-ours", "group-theirs", "group-ours"],
)
def test_what_a_screen_reader_reads_for_the_row(
    qtbot, store, inbox, kind: str, sender: tuple[str, str], read: str
) -> None:
    """The row's name through Qt's accessibility interface, as Orca or NVDA get it: the
    same rule as the painted row, so a direct chat's name is said once."""
    item = chat(6, kind, sender, "Lunch at noon?")
    if kind == "direct":
        item.title = "Lisa Chen"  # the conversation's row is named after Lisa either way
    store.add_items([item])
    model = InboxModel(inbox)
    model.fetchMore(QModelIndex())
    view = QListView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.show()
    rows = QAccessible.queryAccessibleInterface(view)
    assert rows.childCount() == 1
    row = rows.child(0)
    assert row.role() is QAccessible.Role.ListItem
    assert row.text(QAccessible.Text.Name) == read
