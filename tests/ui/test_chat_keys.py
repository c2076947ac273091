"""Chat: Enter sends and Shift+Enter starts a line (a setting flips it), day separators."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, timedelta

import pytest
from PySide6.QtCore import Qt

from desktop.config.settings import GeneralSettings, Settings, option, parse
from desktop.core.events import ItemsArrived
from desktop.ui.detail import DetailPane
from desktop.ui.detail.chat import day_label
from tests.ui.helpers import chat_item


@pytest.fixture
def chat(qtbot, runtime, facade, bridge):
    runtime.pipeline.handle(ItemsArrived("gateway", [chat_item(1, "ops", "hi")]))
    pane = DetailPane(facade, bridge)
    qtbot.addWidget(pane)
    pane.show_item(runtime.store.get_item("gw:msg:ops-1"))
    yield pane.chat  # the pane stays referenced (alive) while the test runs


def _replies(runtime) -> list[str]:
    return [e.payload["text"] for e in runtime.store.pending("gateway") if e.action == "reply"]


def test_enter_sends_and_shift_enter_makes_a_new_line(qtbot, runtime, chat):
    box = chat.reply_box
    qtbot.keyClicks(box, "first line")
    qtbot.keyClick(box, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClicks(box, "second")
    assert box.toPlainText() == "first line\nsecond"
    assert _replies(runtime) == []
    qtbot.keyClick(box, Qt.Key.Key_Return)
    assert _replies(runtime) == ["first line\nsecond"]
    assert box.toPlainText() == ""
    assert "Shift+Enter" in box.placeholderText()


def test_the_setting_makes_enter_a_new_line_and_ctrl_enter_send(qtbot, runtime, chat):
    runtime.settings = dataclasses.replace(runtime.settings, general=GeneralSettings(enter_sends=False))
    box = chat.reply_box
    qtbot.keyClicks(box, "a")
    qtbot.keyClick(box, Qt.Key.Key_Return)
    qtbot.keyClicks(box, "b")
    assert box.toPlainText() == "a\nb" and _replies(runtime) == []
    qtbot.keyClick(
        box, Qt.Key.Key_Enter, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.KeypadModifier
    )
    assert _replies(runtime) == ["a\nb"]


def test_enter_sends_is_declared_in_the_options_table():
    declared = option("general.enter_sends")
    assert declared.default is True and declared.description
    assert parse({"general": {"enter_sends": False}}).general.enter_sends is False
    assert Settings().general.enter_sends is True


def test_day_separators_in_the_conversation(qtbot, runtime, chat):
    now = datetime.now().astimezone()
    old = chat_item(2, "ops", "last week")
    old = dataclasses.replace(old, time=now - timedelta(days=8))
    yesterday = dataclasses.replace(chat_item(3, "ops", "yesterday's"), time=now - timedelta(days=1))
    today = dataclasses.replace(chat_item(4, "ops", "today's"), time=now)
    runtime.pipeline.handle(ItemsArrived("gateway", [old, yesterday, today]))
    chat.render_history()
    text = chat.history.toPlainText()
    assert text.index("last week") < text.index("Yesterday") < text.index("yesterday's")
    assert text.index("yesterday's") < text.index("Today") < text.index("today's")
    assert text.count("Today") == 1


def test_day_label():
    today = date(2026, 3, 14)
    assert day_label(today, today) == "Today"
    assert day_label(date(2026, 3, 13), today) == "Yesterday"
    assert "2026" in day_label(date(2026, 1, 2), today)


def test_the_settings_dialog_shows_and_keeps_the_setting(qtbot):
    from desktop.ui.settings_dialog import SettingsDialog

    dialog = SettingsDialog(Settings(general=GeneralSettings(enter_sends=False)))
    qtbot.addWidget(dialog)
    assert not dialog.enter_sends.isChecked()
    assert dialog.result_settings().general.enter_sends is False
    dialog.enter_sends.setChecked(True)
    assert dialog.result_settings().general.enter_sends is True
