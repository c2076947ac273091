"""InboxWindow: click-through, detail per kind, read-after-a-second, search, banner."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from desktop.core.events import ConnectionState, ItemChange, ItemsArrived, ItemsChanged, SourceStatus
from desktop.core.item import Kind
from desktop.ui.detail import MailBody
from desktop.ui.window import InboxWindow
from tests.ui.helpers import chat_item, make_item, settle


@pytest.fixture
def window(qtbot, facade, bridge):
    def fetch(item):
        return MailBody(text=f"Body of {item.title}")

    win = InboxWindow(facade, bridge, body_fetcher=fetch)
    qtbot.addWidget(win)
    return win


def test_show_item_selects_the_exact_row_and_detail(qtbot, store, fill, window):
    fill(2000)
    window.model.reload()
    target = make_item(700)
    assert window.show_item(target.id)
    assert window.isVisible()
    assert window.list.currentIndex().row() == 1999 - 700
    assert window.current_item().id == target.id
    assert window.detail.currentWidget() is window.detail.mail
    assert window.detail.mail.subject.text() == target.title
    qtbot.waitUntil(lambda: "Body of Subject 700" in window.detail.mail.browser.toPlainText())


def test_show_item_drops_a_filter_that_hides_it(qtbot, store, fill, window):
    fill(20)
    window.model.reload()
    window.search.setText("Subject 19")
    qtbot.waitUntil(lambda: window.model.rowCount() == 1)
    assert window.show_item(make_item(4).id)
    assert window.search.text() == ""
    assert window.current_item().id == make_item(4).id


def test_show_item_for_an_unknown_id_says_so(window):
    assert not window.show_item("gw:task:nope")
    assert "gone" in window.detail.placeholder.text()


def test_show_item_of_an_old_chat_message_opens_its_conversation(runtime, window):
    runtime.pipeline.handle(
        ItemsArrived("gateway", [chat_item(1, "ops", "old"), chat_item(2, "ops", "newer")])
    )
    assert window.show_item("gw:msg:ops-1")
    assert window.current_item().id == "gw:msg:ops-2"
    assert window.detail.currentWidget() is window.detail.chat
    assert "old" in window.detail.chat.history.toPlainText()


def test_selecting_unread_item_marks_it_read_after_a_second(qtbot, store, window, runtime):
    runtime.pipeline.handle(ItemsArrived("mail:work", [make_item(3, unread=True)]))
    window.show_item(make_item(3).id)
    assert store.get_item(make_item(3).id).unread  # not at once
    qtbot.waitUntil(lambda: not store.get_item(make_item(3).id).unread, timeout=3000)
    assert [e.action for e in store.pending("mail:work")] == ["mark_read"]
    # The explicit button toggles it back.
    window.detail.mail.read_button.click()
    assert store.get_item(make_item(3).id).unread
    assert window.detail.mail.read_button.text() == "Mark as read"


def test_search_is_debounced_and_uses_the_store(qtbot, store, fill, window):
    fill(50)
    store.add_items([make_item(500, title="周报 weekly report")])
    window.model.reload()
    window.search.setText("周报")
    assert window.model.rowCount() == 51  # not yet: debounced
    qtbot.waitUntil(lambda: window.model.rowCount() == 1)
    assert window.model.item_at(0).id == make_item(500).id
    window.search.setText("no such thing at all")
    qtbot.waitUntil(lambda: window.list_stack.currentWidget() is not window.list)
    assert "Nothing matches" in window.empty.text()
    window.clear_search()
    assert window.model.rowCount() == 51


def test_unread_toggle(qtbot, store, fill, window):
    fill(30)
    window.model.reload()
    window.unread_button.click()
    assert window.model.unread_only
    assert window.model.rowCount() == 10
    window.all_button.click()
    assert window.model.rowCount() == 30


def test_empty_state_without_accounts(qtbot, runtime, facade, bridge):
    runtime.settings.mail.clear()
    win = InboxWindow(facade, bridge)
    qtbot.addWidget(win)
    assert "No accounts yet" in win.empty.text()
    with qtbot.waitSignal(win.settings_requested):
        win.empty_settings.click()


def test_banner_lists_problem_sources(qtbot, runtime, window):
    win = window
    win.show()
    assert not win.banner.isVisible()
    runtime.pipeline.handle(
        SourceStatus(
            "mail:work", ConnectionState.AUTH_FAILED, "The server rejected the user name or password"
        )
    )
    assert win.banner.isVisible()
    assert "rejected the user name" in win.banner.label.text()
    assert win.banner.settings_button.isVisible()
    with qtbot.waitSignal(win.settings_requested) as blocker:
        win.banner.settings_button.click()
    assert blocker.args == ["mail:work"]
    runtime.pipeline.handle(SourceStatus("mail:work", ConnectionState.ONLINE))
    assert not win.banner.isVisible()


def test_open_conversation_follows_its_newest_message(qtbot, runtime, window):
    runtime.pipeline.handle(ItemsArrived("gateway", [chat_item(1, "ops", "hello")]))
    runtime.pipeline.handle(ItemsArrived("mail:work", [make_item(5)]))
    window.show_item("gw:msg:ops-1")
    runtime.pipeline.handle(ItemsArrived("gateway", [chat_item(10, "ops", "new message", sender="Bob")]))
    assert window.list.currentIndex().row() == 0
    assert window.model.item_at(0).id == "gw:msg:ops-10"
    assert window.current_item().thread_key == "chat:ops"
    assert "new message" in window.detail.chat.history.toPlainText()


def test_changed_item_refreshes_the_open_detail(runtime, window):
    runtime.pipeline.handle(ItemsArrived("mail:work", [make_item(1, unread=True)]))
    window.show_item(make_item(1).id)
    assert window.detail.mail.read_button.text() == "Mark as read"
    runtime.pipeline.handle(ItemsChanged("mail:work", [ItemChange(make_item(1).id, unread=False)]))
    assert window.detail.mail.read_button.text() == "Mark as unread"
    assert window.model.item_at(0).unread is False


def test_enter_opens_chat_into_the_reply_box(qtbot, runtime, window):
    runtime.pipeline.handle(ItemsArrived("gateway", [chat_item(1, "ops", "hello")]))
    with qtbot.waitActive(window):
        window.show()
        window.activateWindow()
    window.show_item("gw:msg:ops-1")
    window.list.setFocus()
    qtbot.keyClick(window.list, Qt.Key.Key_Return)
    assert window.current_item().kind is Kind.CHAT
    assert not runtime.store.get_item("gw:msg:ops-1").unread  # opened: read at once
    assert window.detail.chat.reply_box.hasFocus()


def test_keyboard_ctrl_f_and_escape(qtbot, store, fill, window):
    fill(10)
    window.model.reload()
    with qtbot.waitActive(window):
        window.show()
        window.activateWindow()
    window.list.setFocus()
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.search.hasFocus()
    qtbot.keyClicks(window.search, "Subject 3")
    qtbot.waitUntil(lambda: window.model.rowCount() == 1)
    qtbot.keyClick(window.search, Qt.Key.Key_Escape)
    assert window.search.text() == ""
    assert window.model.rowCount() == 10
    qtbot.keyClick(window.search, Qt.Key.Key_Escape)  # empty: Esc leaves the search box
    assert window.list.hasFocus()


def _top_item_id(window) -> str:
    from PySide6.QtCore import QPoint

    from desktop.ui.inbox_model import IdRole

    return window.list.indexAt(QPoint(1, 1)).data(IdRole)


@pytest.mark.parametrize("pointer_over_list", [True, False], ids=["pointer-over-list", "pointer-elsewhere"])
def test_new_items_do_not_slide_rows_from_under_the_pointer(
    qtbot, runtime, fill, window, monkeypatch, pointer_over_list
):
    fill(50)
    window.model.reload()
    window.resize(900, 500)
    window.show()
    qtbot.waitExposed(window)
    from PySide6.QtCore import QPoint

    # Offscreen there is no real pointer: rest it on the list's top row, or nowhere.
    monkeypatch.setattr(window, "_pointer_position", lambda: QPoint(5, 5) if pointer_over_list else None)
    before = _top_item_id(window)
    assert before == make_item(49).id
    runtime.pipeline.handle(ItemsArrived("mail:work", [make_item(n) for n in (50, 51, 52)]))
    assert window.model.rowCount() == 53
    settle(qtbot)  # the list's delayed layout, after which rows could have moved
    if pointer_over_list:
        assert _top_item_id(window) == before  # the same row stays where the pointer is
        assert window.list.verticalScrollBar().value() > 0  # the new ones are just above
    else:
        assert _top_item_id(window) == make_item(52).id  # the newest shows at the top


@pytest.mark.parametrize(
    "pointer_offset", [2, -2], ids=["conversation-above-pointer", "conversation-below-pointer"]
)
def test_a_conversation_moving_up_does_not_slide_the_rows_under_the_pointer(
    qtbot, runtime, fill, window, monkeypatch, pointer_offset
):
    """Above the pointer, the model must insert the conversation's new row before removing
    the old one: the other order cannot be compensated at the top of the list (the scroll
    bar is at 0). Below it, the window must scroll by the row inserted above the pointer."""

    from desktop.ui.inbox_model import IdRole

    fill(30)
    # Between mail 25 and 26 in time: the conversation sits a few rows from the top.
    runtime.pipeline.handle(ItemsArrived("gateway", [chat_item(25, "ops", "first")]))
    window.model.reload()
    window.resize(780, 700)  # inside the offscreen screen (800x800): the window fits itself to it
    window.show()
    qtbot.waitExposed(window)
    window.splitter.setSizes([420, 360])  # rows as wide as the delegate draws them
    window.list.doItemsLayout()
    chat_row = window.model.row_of("gw:msg:ops-25")
    pointer_row = chat_row + pointer_offset  # resting two rows below or above the conversation
    assert pointer_row > 0
    rect = window.list.visualRect(window.model.index(pointer_row, 0))
    assert rect.isValid() and window.list.viewport().rect().contains(rect), "the rows must be on screen"
    bar = window.list.verticalScrollBar()
    # At the top, and with room to scroll: a list that fits the window holds new rows back
    # instead (test_notification_actions), and the new row would not show here at all.
    assert bar.value() == 0 and bar.maximum() > 0
    under = window.model.index(pointer_row, 0).data(IdRole)
    monkeypatch.setattr(window, "_pointer_position", lambda: rect.center())
    # A new message moves the conversation to the top.
    runtime.pipeline.handle(ItemsArrived("gateway", [chat_item(99, "ops", "again")]))
    settle(qtbot)  # the list's delayed layout, after which rows could have moved
    # The conversation did move (one row, now on top), and the row under the pointer stayed.
    assert window.model.rowCount() == 31
    assert window.model.index(0, 0).data(IdRole) == "gw:msg:ops-99"
    assert window.list.indexAt(rect.center()).data(IdRole) == under
