"""Every interactive widget a screen reader can reach has a name: the window with each
kind of item open, its menus, the welcome window and the snooze picker."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QComboBox,
    QLineEdit,
    QMenuBar,
    QPlainTextEdit,
    QScrollBar,
    QTabBar,
    QTextEdit,
    QWidget,
)

from desktop.core.events import ItemsArrived
from desktop.core.item import Action, Kind
from desktop.ui.detail import MailBody
from desktop.ui.snooze_menu import SnoozeDialog
from desktop.ui.welcome import WelcomeWindow
from desktop.ui.window import InboxWindow
from tests.ui.helpers import chat_item, make_item

INTERACTIVE = (
    QAbstractButton,
    QLineEdit,
    QAbstractItemView,
    QTextEdit,
    QPlainTextEdit,
    QComboBox,
    QAbstractSpinBox,
    QTabBar,
    QMenuBar,
)


def accessible_name(widget: QWidget) -> str:
    """What a screen reader announces: the accessible name, else what Qt derives (a
    button's text, a label's buddy)."""
    interface = QAccessible.queryAccessibleInterface(widget)
    return interface.text(QAccessible.Text.Name) if interface is not None else ""


def unnamed(root: QWidget) -> list[str]:
    out = []
    for widget in [root, *root.findChildren(QWidget)]:
        if not isinstance(widget, INTERACTIVE) or isinstance(widget, QScrollBar):
            continue
        if widget.objectName().startswith("qt_"):  # Qt's own parts (a spin box's line edit)
            continue
        if not accessible_name(widget).strip():
            out.append(f"{type(widget).__name__} {widget.objectName()!r} in {type(widget.parent()).__name__}")
    return out


def test_the_walk_finds_an_unnamed_widget(qtbot):
    root = QWidget()
    qtbot.addWidget(root)
    QLineEdit(root)
    assert unnamed(root) == ["QLineEdit '' in QWidget"]


@pytest.mark.parametrize("kind", ["mail", "chat", "approval", "task"])
def test_inbox_window_widgets_have_names(qtbot, runtime, facade, bridge, kind):
    items = {
        "mail": make_item(1),
        "chat": chat_item(2, "ops", "hi"),
        "approval": make_item(3, kind=Kind.APPROVAL, actions=(Action.APPROVE, Action.REJECT)),
        "task": make_item(4, kind=Kind.TASK),
    }
    runtime.pipeline.handle(ItemsArrived("gateway", [items[kind]]))
    window = InboxWindow(facade, bridge, body_fetcher=lambda item: MailBody(text="body"))
    qtbot.addWidget(window)
    window.show()
    window.show_item(items[kind].id)
    window.mark_all_read()  # the undo bar too
    assert unnamed(window) == []


def test_welcome_and_snooze_picker_have_names(qtbot):
    welcome = WelcomeWindow()
    qtbot.addWidget(welcome)
    dialog = SnoozeDialog()
    qtbot.addWidget(dialog)
    assert unnamed(welcome) == []
    assert unnamed(dialog) == []
