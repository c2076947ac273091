"""Completing a task from the window: the detail view's button and status line, the
Ctrl+Shift+D shortcut shown in the Item menu, and the list's context menu."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from desktop.core.events import ItemsArrived
from desktop.core.item import Action, Kind
from desktop.sources.gateway.outbox import GatewayOutbox
from desktop.ui.delegate import state_label
from desktop.ui.detail import MailBody
from desktop.ui.window import InboxWindow
from tests.ui.helpers import make_item

SHORTCUT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


@pytest.fixture
def window(qtbot, facade, bridge):
    win = InboxWindow(facade, bridge, body_fetcher=lambda item: MailBody(text=f"Body of {item.title}"))
    qtbot.addWidget(win)
    win.resize(780, 600)
    win.show()
    qtbot.waitExposed(win)
    return win


def _task(n: int):
    return make_item(
        n,
        kind=Kind.TASK,
        title=f"Review {n}",
        sender="Tidings",
        unread=True,
        actions=(Action.OPEN, Action.COMPLETE, Action.MARK_READ),
        payload={"task": {"id": f"T{n}", "title": f"Review {n}", "project": "Tidings"}},
    )


def _answer(runtime, store, entry_id: str, **frame: object) -> None:
    """What the gateway source does with the result frame for an entry."""
    GatewayOutbox(store, runtime.pipeline.handle).on_result({"type": "result", "id": entry_id, **frame})


def test_the_complete_button_sends_and_the_status_follows_the_answer(qtbot, store, runtime, window):
    runtime.pipeline.handle(ItemsArrived("gateway", [_task(1), _task(2)]))
    window.show_item(_task(1).id)
    view = window.detail.notice
    assert view.complete_button.isVisible() and view.complete_button.isEnabled()
    assert not view.status.isVisible()

    qtbot.mouseClick(view.complete_button, Qt.MouseButton.LeftButton)
    (entry,) = store.pending("gateway")
    assert (entry.action, entry.payload, entry.item_id) == ("complete", {"task": "T1"}, _task(1).id)
    assert "waiting for confirmation" in view.status.text()
    assert not view.complete_button.isEnabled()  # sent once, not twice
    window.complete_action.trigger()  # the shortcut on a task already sent does nothing
    assert len(store.pending("gateway")) == 1

    _answer(runtime, store, entry.id, ok=True, data={"state": "completed"})
    qtbot.waitUntil(lambda: view.status.text() == "Completed")
    assert not view.complete_button.isEnabled()
    assert state_label(store.get_item(_task(1).id).state) == "Completed"  # the list's chip

    # Refused: the gateway's reason on the item, and Complete offered again.
    window.show_item(_task(2).id)
    view.complete_button.click()
    (entry,) = store.pending("gateway")
    _answer(runtime, store, entry.id, ok=False, error={"code": "not_found", "message": "no task 'T2'"})
    qtbot.waitUntil(lambda: "no task 'T2'" in view.status.text())
    assert "could not be completed" in view.status.text()
    assert view.complete_button.isEnabled()


def test_completed_elsewhere_first_says_by_whom(qtbot, store, runtime, window):
    runtime.pipeline.handle(ItemsArrived("gateway", [_task(3)]))
    window.show_item(_task(3).id)
    entry = window.app.complete(_task(3).id)
    refused = {"code": "already_resolved", "message": "task already completed"}
    _answer(runtime, store, entry, ok=False, error=refused, data={"state": "completed"})
    view = window.detail.notice
    qtbot.waitUntil(lambda: view.status.text() == "Already completed elsewhere")


def test_announcements_have_no_complete_button(qtbot, store, runtime, window):
    notice = make_item(4, kind=Kind.ANNOUNCEMENT, title="Office closed", unread=True)
    runtime.pipeline.handle(ItemsArrived("gateway", [notice]))
    window.show_item(notice.id)
    assert window.detail.currentWidget() is window.detail.notice
    assert not window.detail.notice.complete_button.isVisible()
    assert not window.complete_action.isEnabled()


def test_ctrl_shift_d_completes_the_selected_tasks_and_is_shown_in_the_item_menu(
    qtbot, store, runtime, window
):
    item_menu = {a.text(): a for a in window.item_menu.actions()}
    assert item_menu["&Complete task"] is window.complete_action
    assert window.complete_action.shortcut().toString() == "Ctrl+Shift+D"

    runtime.pipeline.handle(ItemsArrived("gateway", [_task(5), _task(6)]))
    runtime.pipeline.handle(ItemsArrived("mail:work", [make_item(7, unread=True)]))
    window.select_row(0)  # the mail: nothing to complete
    assert not window.complete_action.isEnabled()
    qtbot.keyClick(window.list, Qt.Key.Key_D, SHORTCUT)
    assert not store.pending("gateway")

    window.select_row(1)
    window.list.setFocus()
    qtbot.keyClick(window.list, Qt.Key.Key_D, SHORTCUT)
    assert [(e.action, e.payload) for e in store.pending("gateway")] == [("complete", {"task": "T6"})]
    assert not store.get_item(_task(6).id).unread


def test_the_context_menu_completes_every_selected_task(qtbot, store, runtime, window):
    runtime.pipeline.handle(ItemsArrived("gateway", [_task(8), _task(9)]))
    runtime.pipeline.handle(ItemsArrived("mail:work", [make_item(10, unread=True)]))
    window.select_row(0)
    for row in (1, 2):
        window.list.selectionModel().select(
            window.model.index(row, 0), window.list.selectionModel().SelectionFlag.Select
        )
    at = window.list.visualRect(window.model.index(1, 0)).center()
    window.list.customContextMenuRequested.emit(at)
    menu = window.context_menu
    assert window.complete_action in menu.actions() and window.complete_action.isEnabled()
    window.complete_action.trigger()
    menu.close()
    tasks = sorted(e.payload["task"] for e in store.pending("gateway") if e.action == "complete")
    assert tasks == ["T8", "T9"]  # the mail in the selection is left alone
    assert not window.complete_action.isEnabled()


def test_a_completed_task_is_no_longer_overdue(qtbot, store, runtime, window):
    late = _task(11)
    late.payload["task"]["due"] = "2020-01-01T09:00:00Z"
    runtime.pipeline.handle(ItemsArrived("gateway", [late]))
    window.show_item(late.id)
    view = window.detail.notice
    assert "overdue" in view.due.text()
    entry = window.app.complete(late.id)
    _answer(runtime, store, entry, ok=True, data={"state": "completed"})
    qtbot.waitUntil(lambda: "overdue" not in view.due.text())
    assert view.due.text().startswith("Due: ")
