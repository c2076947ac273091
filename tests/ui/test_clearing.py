"""Clearing the list: multi-select and its context menu, Mark all read with Undo, the
keyboard (every shortcut shown in a menu), snooze."""

from __future__ import annotations

import time

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import QMenu

from desktop.core.events import ItemsArrived
from desktop.core.item import Action, Kind
from desktop.ui.detail import MailBody
from desktop.ui.window import InboxWindow
from tests.ui.helpers import chat_item, make_item


@pytest.fixture
def window(qtbot, facade, bridge):
    win = InboxWindow(facade, bridge, body_fetcher=lambda item: MailBody(text=f"Body of {item.title}"))
    qtbot.addWidget(win)
    win.resize(780, 600)
    win.show()
    qtbot.waitExposed(win)
    return win


def _unread(store, n: int) -> bool:
    return store.get_item(make_item(n).id).unread


def _approval(n: int):
    return make_item(
        n,
        kind=Kind.APPROVAL,
        title=f"Leave request {n}",
        unread=True,
        actions=(Action.OPEN, Action.APPROVE, Action.REJECT),
        payload={"approval": {"id": f"ap{n}"}},
    )


def _select(window, rows: list[int]) -> None:
    selection = window.list.selectionModel()
    window.select_row(rows[0])
    for row in rows[1:]:
        selection.select(window.model.index(row, 0), QItemSelectionModel.SelectionFlag.Select)


def _press(qtbot, widget, key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    qtbot.keyClick(widget, key, modifier)


# -- multi-select and the context menu ------------------------------------------------------


def test_shift_click_selects_a_range_and_ctrl_click_adds(qtbot, runtime, window):
    runtime.pipeline.handle(ItemsArrived("mail:work", [make_item(n) for n in range(10)]))
    viewport = window.list.viewport()
    center = lambda row: window.list.visualRect(window.model.index(row, 0)).center()  # noqa: E731
    qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=center(1))
    qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ShiftModifier, center(4))
    assert [i.id for i in window.selected_items()] == [make_item(n).id for n in (8, 7, 6, 5)]
    qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ControlModifier, center(7))
    assert len(window.selected_items()) == 5
    # The detail pane shows the current (last clicked) item.
    assert window.current_item().id == make_item(2).id


def test_shift_arrows_extend_the_selection(qtbot, runtime, window):
    runtime.pipeline.handle(ItemsArrived("mail:work", [make_item(n) for n in range(5)]))
    window.select_row(0)
    window.list.setFocus()
    _press(qtbot, window.list, Qt.Key.Key_Down, Qt.KeyboardModifier.ShiftModifier)
    _press(qtbot, window.list, Qt.Key.Key_Down, Qt.KeyboardModifier.ShiftModifier)
    assert len(window.selected_items()) == 3


def test_context_menu_marks_every_selected_item(qtbot, store, runtime, window):
    runtime.pipeline.handle(ItemsArrived("mail:work", [make_item(n, unread=True) for n in range(6)]))
    _select(window, [0, 2, 3])
    at = window.list.visualRect(window.model.index(2, 0)).center()
    window.list.customContextMenuRequested.emit(at)
    menu: QMenu = window.context_menu
    texts = [a.text() for a in menu.actions() if not a.isSeparator()]
    assert {"&Open", "Mark as &read", "Mark as &unread", "&Snooze", "&Approve", "Re&ject…"} <= set(texts)
    # The right-clicked row was in the selection: the selection stays.
    assert len(window.selected_items()) == 3
    assert not window.approve_action.isEnabled()  # mail is not an approval
    window.read_action.trigger()
    menu.close()
    assert [_unread(store, n) for n in range(6)] == [True, True, False, False, True, False]
    assert len(store.pending("mail:work")) == 3


def test_right_click_outside_the_selection_selects_that_row(qtbot, runtime, window):
    runtime.pipeline.handle(ItemsArrived("mail:work", [make_item(n) for n in range(6)]))
    _select(window, [0, 1])
    at = window.list.visualRect(window.model.index(4, 0)).center()
    window.list.customContextMenuRequested.emit(at)
    window.context_menu.close()
    assert [i.id for i in window.selected_items()] == [make_item(1).id]


def test_approve_all_selected_approvals(qtbot, store, runtime, window):
    runtime.pipeline.handle(ItemsArrived("gateway", [_approval(n) for n in (1, 2, 3)]))
    _select(window, [0, 1])
    assert window.approve_action.isEnabled()
    window.approve_action.trigger()
    actions = sorted(e.payload["approval"] for e in store.pending("gateway") if e.action == "approve")
    assert actions == ["ap2", "ap3"]


def test_reject_several_asks_first(qtbot, store, runtime, window):
    runtime.pipeline.handle(ItemsArrived("gateway", [_approval(n) for n in (1, 2, 3)]))
    _select(window, [0, 1, 2])
    window.reject_action.trigger()
    box = window.reject_box
    assert "3" in box.text()
    assert not [e for e in store.pending("gateway") if e.action == "reject"]
    reject = next(b for b in box.buttons() if b.text() == "Reject")
    reject.click()
    qtbot.waitUntil(lambda: len([e for e in store.pending("gateway") if e.action == "reject"]) == 3)


def test_approve_shortcut_on_the_open_request_sends_its_comment(qtbot, store, runtime, window):
    runtime.pipeline.handle(ItemsArrived("gateway", [_approval(1)]))
    window.show_item(_approval(1).id)
    window.detail.approval.comment.setPlainText("ok for me")
    window.list.setFocus()
    _press(
        qtbot,
        window.list,
        Qt.Key.Key_A,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    (entry,) = store.pending("gateway")
    assert (entry.action, entry.payload["comment"]) == ("approve", "ok for me")


def test_ctrl_shift_a_in_the_comment_field_approves_but_letters_type(qtbot, store, runtime, window):
    runtime.pipeline.handle(ItemsArrived("gateway", [_approval(1)]))
    window.show_item(_approval(1).id)
    comment = window.detail.approval.comment
    comment.setFocus()
    qtbot.keyClicks(comment, "jku")  # j, k and u are shortcuts, but not in a text field
    assert comment.toPlainText() == "jku"
    assert window.current_item().id == _approval(1).id
    _press(
        qtbot, comment, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    )
    assert [e.action for e in store.pending("gateway")] == ["approve"]


# -- keyboard ---------------------------------------------------------------------------------


def _menu_shortcuts(window) -> dict[str, str]:
    out: dict[str, str] = {}
    for menu_action in window.menuBar().actions():
        menu = menu_action.menu()
        for action in menu.actions() if menu else ():
            if not action.shortcut().isEmpty():
                out[action.shortcut().toString()] = action.text()
    return out


def test_every_shortcut_is_shown_in_a_menu(window):
    shown = _menu_shortcuts(window)
    for key in (
        "J",
        "K",
        "U",
        "B",
        "Return",
        "Shift+C",
        "Ctrl+F",
        "Ctrl+Z",
        "Ctrl+Shift+A",
        "Ctrl+Shift+R",
        "Esc",
    ):
        assert key in shown, key
    # The mail view's actions (reply, archive...), shown in the Item menu too.
    for key in ("R", "A", "F", "E", "Del", "Ctrl+Shift+V"):
        assert key in shown, key


def test_mail_shortcuts_do_nothing_while_another_kind_is_open(qtbot, store, runtime, window):
    runtime.pipeline.handle(ItemsArrived("mail:work", [make_item(1)]))
    runtime.pipeline.handle(ItemsArrived("gateway", [_approval(2)]))
    window.show_item(make_item(1).id)
    assert window.detail.mail.mail_actions["archive"].isEnabled()
    window.show_item(_approval(2).id)
    assert not any(a.isEnabled() for a in window.detail.mail.mail_actions.values())
    window.list.setFocus()
    qtbot.keyClick(window.list, Qt.Key.Key_E)  # the mail shown before must not be archived
    assert window.model.rowCount() == 2


def test_archive_takes_every_selected_mail(qtbot, store, runtime, window):
    runtime.pipeline.handle(ItemsArrived("mail:work", [make_item(n) for n in range(4)]))
    _select(window, [0, 1, 2])
    assert window.detail.mail.mail_actions["archive"].isEnabled()
    assert not window.detail.mail.mail_actions["reply"].isEnabled()  # one mail at a time
    window.detail.mail.mail_actions["archive"].trigger()
    assert [i.id for i in window.selected_items()] == [make_item(0).id]
    moves = [e for e in store.pending("mail:work") if e.action == "move"]
    assert sorted(e.item_id for e in moves) == sorted(make_item(n).id for n in (1, 2, 3))


def test_j_and_k_move_and_enter_opens(qtbot, store, runtime, window):
    runtime.pipeline.handle(ItemsArrived("mail:work", [make_item(n, unread=True) for n in range(5)]))
    window.select_row(0)
    window.list.setFocus()
    _press(qtbot, window.list, Qt.Key.Key_J)
    assert window.list.currentIndex().row() == 1
    _press(qtbot, window.list, Qt.Key.Key_J)
    _press(qtbot, window.list, Qt.Key.Key_K)
    assert window.list.currentIndex().row() == 1
    assert _unread(store, 3)  # not yet: read after a second, or on Enter
    _press(qtbot, window.list, Qt.Key.Key_Return)
    assert not _unread(store, 3)
    assert window.current_item().id == make_item(3).id


def test_arrows_move_too(qtbot, runtime, window):
    runtime.pipeline.handle(ItemsArrived("mail:work", [make_item(n) for n in range(5)]))
    window.select_row(0)
    window.list.setFocus()
    _press(qtbot, window.list, Qt.Key.Key_Down)
    assert window.current_item().id == make_item(3).id


def test_u_toggles_unread(qtbot, store, runtime, window):
    runtime.pipeline.handle(ItemsArrived("mail:work", [make_item(1, unread=False)]))
    window.select_row(0)
    window.list.setFocus()
    _press(qtbot, window.list, Qt.Key.Key_U)
    assert _unread(store, 1)
    _press(qtbot, window.list, Qt.Key.Key_U)
    assert not _unread(store, 1)
    assert [e.action for e in store.pending("mail:work")] == ["mark_unread", "mark_read"]


def test_ctrl_f_then_down_moves_into_the_results(qtbot, runtime, window):
    runtime.pipeline.handle(ItemsArrived("mail:work", [make_item(n) for n in range(5)]))
    window.list.setFocus()
    _press(qtbot, window.list, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.search.hasFocus()
    qtbot.keyClicks(window.search, "Subject 2")
    _press(qtbot, window.search, Qt.Key.Key_Down)  # no need to wait for the debounce
    assert window.list.hasFocus()
    assert window.model.rowCount() == 1
    assert window.current_item().id == make_item(2).id
    # Escape in the list goes nowhere odd; Escape in the search clears it.
    window.search.setFocus()
    _press(qtbot, window.search, Qt.Key.Key_Escape)
    assert window.search.text() == ""


# -- Mark all read and undo -------------------------------------------------------------------


def test_mark_all_read_then_undo(qtbot, store, runtime, window):
    runtime.pipeline.handle(ItemsArrived("mail:work", [make_item(n, unread=True) for n in range(20)]))
    runtime.pipeline.handle(
        ItemsArrived("gateway", [chat_item(1, "ops", "a"), chat_item(2, "ops", "b"), _approval(30)])
    )
    window.list.setFocus()
    _press(qtbot, window.list, Qt.Key.Key_C, Qt.KeyboardModifier.ShiftModifier)
    assert store.unread_count() == 0
    assert not store.get_item("gw:msg:ops-1").unread  # the whole conversation
    assert window.undo_bar.isVisible()
    assert "23" in window.undo_bar.label.text()
    # Held: nothing goes to the servers while it can be undone.
    assert store.pending("mail:work") == [] and store.pending("gateway") == []
    _press(qtbot, window.list, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert store.unread_count() == 22  # 20 mails, the conversation, the approval
    assert store.get_item("gw:msg:ops-1").unread
    assert not window.undo_bar.isVisible()
    assert store.pending("mail:work") == [] and store.pending("gateway") == []


def test_mark_all_read_is_delivered_when_the_undo_time_is_over(qtbot, store, runtime, window):
    runtime.pipeline.handle(ItemsArrived("mail:work", [make_item(n, unread=True) for n in range(3)]))
    runtime.pipeline.handle(ItemsArrived("gateway", [chat_item(1, "ops", "a"), chat_item(2, "ops", "b")]))
    window._undo_timer.setInterval(50)
    window.mark_all_action.trigger()
    qtbot.waitUntil(lambda: not window.undo_bar.isVisible())
    assert sorted(e.item_id for e in store.pending("mail:work")) == sorted(make_item(n).id for n in range(3))
    (chat,) = store.pending("gateway")  # one per conversation
    assert (chat.action, chat.payload) == ("mark_read", {"item": "chat:ops"})
    assert runtime.sources["mail:work"].pokes >= 1


def test_mark_all_read_takes_only_the_search_results(qtbot, store, runtime, window):
    runtime.pipeline.handle(
        ItemsArrived(
            "mail:work", [make_item(n, unread=True, title="budget" if n < 3 else "other") for n in range(8)]
        )
    )
    window.search.setText("budget")
    window.enter_results()
    window.mark_all_read()
    assert store.unread_count() == 5
    window.undo()


def test_restart_inside_the_undo_window_delivers(qtbot, store, runtime, window):
    runtime.pipeline.handle(ItemsArrived("mail:work", [make_item(n, unread=True) for n in range(3)]))
    window.mark_all_read()
    assert store.pending("mail:work") == []
    runtime.actions.release()  # what Runtime.start does
    assert len(store.pending("mail:work")) == 3


def test_marking_one_unread_in_the_window_drops_its_held_read(qtbot, store, runtime, window):
    runtime.pipeline.handle(ItemsArrived("mail:work", [make_item(n, unread=True) for n in range(3)]))
    window.mark_all_read()
    window.select_row(0)
    window.set_read(False)
    window._release_marked()
    actions = {(e.item_id, e.action) for e in store.pending("mail:work")}
    assert (make_item(2).id, "mark_read") not in actions
    assert (make_item(2).id, "mark_unread") in actions


# -- snooze -----------------------------------------------------------------------------------


def test_snooze_menu_offers_the_times_and_a_picker(qtbot, runtime, window):
    runtime.pipeline.handle(ItemsArrived("mail:work", [make_item(1)]))
    window.select_row(0)
    window.snooze_menu.aboutToShow.emit()
    texts = [a.text() for a in window.snooze_menu.actions() if not a.isSeparator()]
    assert any(t.startswith("Tomorrow morning") for t in texts)
    assert any(t.startswith("Next week") for t in texts)
    assert texts[-1] == "Choose a time…"


def test_snooze_takes_the_selection_away_and_brings_it_back_unread(qtbot, store, runtime, window):
    runtime.pipeline.handle(ItemsArrived("mail:work", [make_item(n, unread=False) for n in range(4)]))
    _select(window, [0, 1])
    window.snooze(time.time() + 3600)
    assert window.model.rowCount() == 2
    assert window.current_item().id == make_item(1).id  # the next row that stays
    assert store.snoozed()
    # Time passes (the timer's job): they come back, unread, through the pipeline.
    added = []
    window.bridge.items_added.connect(lambda items, quiet=False: added.extend(items))
    back = runtime.actions.wake_snoozed(time.time() + 3601)
    assert {i.id for i in back} == {make_item(3).id, make_item(2).id}
    assert {i.id for i in added} == {make_item(3).id, make_item(2).id}
    assert window.model.rowCount() == 4
    assert _unread(store, 3) and _unread(store, 2)
    assert [e.action for e in store.pending("mail:work")] == ["mark_unread", "mark_unread"]


def test_snooze_with_the_picker(qtbot, store, runtime, window):
    runtime.pipeline.handle(ItemsArrived("mail:work", [make_item(1)]))
    window.select_row(0)
    window.choose_snooze_time()
    dialog = window.snooze_dialog
    dialog.picker.setDateTime(dialog.picker.dateTime().addDays(2))
    dialog.accept()
    assert window.model.rowCount() == 0
    (snoozed,) = store.snoozed()
    assert snoozed[0] == make_item(1).id and snoozed[1] > time.time() + 86400
    assert "Snoozed until" in window.detail.placeholder.text()


def test_b_opens_the_snooze_menu(qtbot, runtime, window):
    runtime.pipeline.handle(ItemsArrived("mail:work", [make_item(1)]))
    window.select_row(0)
    window.list.setFocus()
    _press(qtbot, window.list, Qt.Key.Key_B)
    qtbot.waitUntil(window.snooze_menu.isVisible)
    window.snooze_menu.close()
