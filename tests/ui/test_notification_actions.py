"""Every notification action through the tray app's handler, as a bubble would call it,
and what the window does with it: the exact row (selected, on screen), a burst's own
view, read / approve / reply acting and taking the bubble back, no bubble for the
conversation in front. Also where the reading pane goes when its item leaves the view."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop.config.settings import Settings
from desktop.core.coalesce import Coalescer
from desktop.core.events import ItemsArrived, ItemsRemoved
from desktop.core.item import Kind
from desktop.notifications.backends import Notice, NotifierBackend
from desktop.ui.app import TidingsApp, build_app
from desktop.ui.detail import MailBody
from tests.ui.helpers import FakeSource, chat_item, make_item

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support")


class FakeBackend(NotifierBackend):
    name = "fake"
    supports_withdraw = True

    def __init__(self) -> None:
        self.shown: list[Notice] = []
        self.withdrawn: list[str] = []

    async def show(self, notice: Notice) -> bool:
        self.shown.append(notice)
        return True

    async def withdraw(self, key: str) -> None:
        self.withdrawn.append(key)

    def up(self) -> set[str]:
        return {n.key for n in self.shown} - set(self.withdrawn)


class Rig:
    def __init__(self, app: TidingsApp, loop: asyncio.AbstractEventLoop) -> None:
        self.app, self.loop = app, loop
        self.backend = FakeBackend()
        app.dispatcher.backend = self.backend
        app.dispatcher._coalescer = Coalescer(budget=3, window=0.2, quiet=0.05, longest=0.5)
        app.runtime.pipeline.bind(loop)
        app.runtime.sources["mail:work"] = FakeSource("mail:work")  # type: ignore[assignment]
        app.runtime.sources["gateway"] = FakeSource("gateway")  # type: ignore[assignment]
        app.window.detail.mail._fetcher = lambda item: MailBody(text="body")  # no IMAP here

    def add(self, items: list) -> None:
        """Items already in the store (no notification), listed from the top again."""
        self.app.runtime.store.add_items(items)
        self.app.window.model.reload()

    def arrive(self, source: str, items: list) -> None:
        self.app.runtime.pipeline.handle(ItemsArrived(source, items))
        self.settle()

    def settle(self) -> None:
        """Until no burst is held and the backend has had every show and withdrawal."""

        async def wait() -> None:
            while self.app.dispatcher.pending():
                await asyncio.sleep(0.01)
            await self.app.dispatcher.drain()

        self.loop.run_until_complete(asyncio.wait_for(wait(), 10))


@pytest.fixture
def rig(qapp, tmp_path: Path, memory_keyring) -> Iterator[Rig]:
    loop = asyncio.new_event_loop()
    app = build_app(Settings(path=tmp_path / "settings.toml"), tmp_path / "data", loop)
    r = Rig(app, loop)
    yield r
    app.window.close()
    loop.run_until_complete(app.dispatcher.close())  # withdrawals still queued run first
    app.runtime.store.close()
    app.deleteLater()
    loop.close()


def visible(window, row: int) -> bool:
    rect = window.list.visualRect(window.model.index(row, 0))
    return rect.isValid() and window.list.viewport().rect().intersects(rect)


def test_open_item_selects_the_exact_row_on_screen_even_pages_down(qtbot, rig: Rig) -> None:
    rig.add([make_item(n) for n in range(1500)])
    window = rig.app.window
    window.resize(700, 400)  # a short list: most rows are off screen
    target = make_item(333)
    rig.app.handler.open_item(target.id)
    qtbot.waitExposed(window)
    row = window.model.row_of(target.id)
    assert row == 1499 - 333 and row >= 200  # beyond the first page: loaded up to it
    assert window.list.currentIndex().row() == row
    assert window.current_item().id == target.id
    qtbot.waitUntil(lambda: visible(window, row))
    # and again from a list scrolled elsewhere, with the window hidden first
    window.hide()
    window.list.scrollToTop()
    other = make_item(20)
    rig.app.handler.open_item(other.id)
    qtbot.waitUntil(lambda: visible(window, 1499 - 20))
    assert [i.row() for i in window.list.selectionModel().selectedRows()] == [1499 - 20]


def test_open_items_lists_exactly_the_burst_unread_and_show_all_leaves_it(qtbot, rig: Rig) -> None:
    rig.add([make_item(n, unread=True) for n in range(40)])
    burst = [make_item(n).id for n in (5, 17, 30, 31)]
    window = rig.app.window
    rig.app.handler.open_items(burst)
    qtbot.waitExposed(window)
    assert window.unread_button.isChecked()
    assert [window.model.item_at(r).id for r in range(window.model.rowCount())] == sorted(burst, reverse=True)
    assert window.list.currentIndex().row() == 0 and window.current_item().id == make_item(31).id
    assert window.burst_bar.isVisible() and "4 items" in window.burst_bar.label.text()
    window.burst_bar.button.click()
    assert window.model.only is None and window.model.rowCount() == 40
    assert not window.burst_bar.isVisible()


def test_open_items_of_a_burst_already_read_says_so(qtbot, rig: Rig) -> None:
    rig.add([make_item(1, unread=False)])
    assert not rig.app.window.show_items([make_item(1).id])
    assert "read or removed" in rig.app.window.detail.placeholder.text()


def test_mark_read_from_the_bubble_reads_the_item_and_takes_the_bubble_back(rig: Rig) -> None:
    mail = make_item(1, unread=True)
    rig.arrive("mail:work", [mail])
    assert rig.backend.up() == {mail.id}
    rig.app.handler.mark_read(mail.id)
    rig.settle()
    assert not rig.app.runtime.store.get_item(mail.id).unread
    assert [e.action for e in rig.app.runtime.store.pending("mail:work")] == ["mark_read"]
    assert rig.backend.up() == set()


def test_approve_from_the_bubble_decides_reads_and_takes_the_bubble_back(rig: Rig) -> None:
    request = make_item(2, Kind.APPROVAL, unread=True, state="pending")
    rig.arrive("gateway", [request])
    assert rig.backend.up() == {request.id}
    rig.app.handler.approve(request.id)
    rig.settle()
    stored = rig.app.runtime.store.get_item(request.id)
    assert not stored.unread and stored.payload["pending_decision"] == "approve"
    assert [e.action for e in rig.app.runtime.store.pending("gateway")] == ["approve"]
    assert rig.backend.up() == set()


def test_reply_from_the_bubble_sends_reads_and_takes_the_bubble_back(rig: Rig) -> None:
    message = chat_item(3, "ops", "ship it?")
    rig.arrive("gateway", [message])
    rig.app.handler.reply(message.id, "yes")
    rig.settle()
    assert not rig.app.runtime.store.get_item(message.id).unread
    assert [e.action for e in rig.app.runtime.store.pending("gateway")] == ["reply", "mark_read"]
    assert rig.backend.up() == set()


def test_no_bubble_for_the_conversation_open_in_front_and_it_is_read_there(qtbot, rig: Rig) -> None:
    rig.arrive("gateway", [chat_item(1, "ops", "hello")])
    window = rig.app.window
    rig.app.handler.open_item("gw:msg:ops-1")
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    assert rig.app.focused_thread() == "chat:ops"
    rig.arrive("gateway", [chat_item(2, "ops", "are you there?"), chat_item(3, "dev", "build is red")])
    assert {n.item_id for n in rig.backend.shown} == {"gw:msg:ops-1", "gw:msg:dev-3"}
    # visible in the open conversation: read there, as the chat view reads what it shows
    qtbot.waitUntil(lambda: not rig.app.runtime.store.get_item("gw:msg:ops-2").unread, timeout=3000)
    window.hide()
    assert rig.app.focused_thread() == ""


# -- the reading pane when its item leaves the view ---------------------------------------------


def test_the_pane_follows_to_the_next_row_when_its_item_is_removed(qtbot, rig: Rig) -> None:
    rig.add([make_item(n) for n in range(5)])
    window = rig.app.window
    window.show_item(make_item(3).id)
    rig.app.runtime.pipeline.handle(ItemsRemoved("mail:work", [make_item(3).id]))
    assert window.current_item().id == make_item(2).id  # the row below took its place
    assert window.list.currentIndex().row() == 1
    # the last row goes: the one above is next
    window.show_item(make_item(0).id)
    rig.app.runtime.pipeline.handle(ItemsRemoved("mail:work", [make_item(0).id]))
    assert window.current_item().id == make_item(1).id


def test_the_pane_clears_when_the_last_item_goes_or_a_filter_hides_it(qtbot, rig: Rig) -> None:
    rig.add([make_item(1, unread=False), make_item(2, unread=True)])
    window = rig.app.window
    window.show_item(make_item(1).id)
    window.unread_button.click()  # item 1 is read: not in the Unread view
    assert window.current_item() is None
    assert "not in this view" in window.detail.placeholder.text()
    window.show_item(make_item(2).id)
    rig.app.runtime.pipeline.handle(ItemsRemoved("mail:work", [make_item(2).id]))
    assert window.current_item() is None


# -- rows under the pointer ----------------------------------------------------------------------


def test_a_short_list_holds_new_rows_while_the_pointer_rests_on_it(qtbot, rig: Rig, monkeypatch) -> None:
    """Nothing to scroll: a row inserted above would push the row under the pointer down."""
    from PySide6.QtCore import QPoint

    from desktop.ui.inbox_model import IdRole

    rig.add([make_item(n) for n in range(3)])
    window = rig.app.window
    window.resize(900, 600)
    window.show()
    qtbot.waitExposed(window)
    assert window.list.verticalScrollBar().maximum() == 0  # three rows fit
    pointer: list[QPoint | None] = [QPoint(40, 5)]  # came down from the top bar onto row 0
    monkeypatch.setattr(window, "_pointer_position", lambda: pointer[0])
    under = window.list.indexAt(QPoint(40, 5)).data(IdRole)
    rig.app.runtime.pipeline.handle(ItemsArrived("mail:work", [make_item(10, unread=True)]))
    assert window.list.indexAt(QPoint(40, 5)).data(IdRole) == under
    assert window.model.rowCount() == 3
    assert rig.app.window.count_label.text() != ""  # counts go on
    pointer[0] = None  # the pointer leaves the list: the new row shows, on top
    qtbot.waitUntil(lambda: window.model.rowCount() == 4)
    assert window.model.item_at(0).id == make_item(10).id


def test_a_long_list_scrolls_instead_of_holding(qtbot, rig: Rig, monkeypatch) -> None:
    from PySide6.QtCore import QPoint

    rig.add([make_item(n) for n in range(60)])
    window = rig.app.window
    window.resize(900, 600)
    window.show()
    qtbot.waitExposed(window)
    monkeypatch.setattr(window, "_pointer_position", lambda: QPoint(40, 5))
    rig.app.runtime.pipeline.handle(ItemsArrived("mail:work", [make_item(100, unread=True)]))
    assert window.model.rowCount() == 61 and window.model.item_at(0).id == make_item(100).id
