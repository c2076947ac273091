"""Small screens: the window opens inside the available area, remembers its place in a
private file, and shows one pane at a time when narrow."""

from __future__ import annotations

import stat
from pathlib import Path

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QGuiApplication

from desktop.core.events import ItemsArrived
from desktop.ui.detail import MailBody
from desktop.ui.window import NARROW_WIDTH, InboxWindow
from tests.ui.helpers import make_item


def _window(qtbot, facade, bridge, ui_state=None) -> InboxWindow:
    win = InboxWindow(facade, bridge, body_fetcher=lambda item: MailBody(text="body"), ui_state=ui_state)
    qtbot.addWidget(win)
    return win


def test_opens_inside_the_available_screen_area(qtbot, facade, bridge):
    area = QGuiApplication.primaryScreen().availableGeometry()
    window = _window(qtbot, facade, bridge)
    window.resize(area.width() + 700, area.height() + 500)  # e.g. saved on a larger monitor
    window.move(area.right() - 50, area.bottom() - 50)
    window.show()
    qtbot.waitExposed(window)
    assert area.contains(window.frameGeometry()), (area, window.frameGeometry())


def test_geometry_is_remembered_in_a_private_file(qtbot, facade, bridge, tmp_path: Path):
    path = tmp_path / "window.ini"
    window = _window(qtbot, facade, bridge, QSettings(str(path), QSettings.Format.IniFormat))
    window.resize(700, 500)
    window.show()
    qtbot.waitExposed(window)
    window.close()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    again = _window(qtbot, facade, bridge, QSettings(str(path), QSettings.Format.IniFormat))
    assert (again.width(), again.height()) == (700, 500)


def test_narrow_shows_the_list_then_the_item_with_back(qtbot, runtime, facade, bridge):
    runtime.pipeline.handle(ItemsArrived("mail:work", [make_item(n, unread=True) for n in range(5)]))
    window = _window(qtbot, facade, bridge)
    window.resize(NARROW_WIDTH - 200, 600)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()  # shortcuts (Esc) work in the active window
    qtbot.waitUntil(window.isActiveWindow)
    assert window.narrow
    assert window.list.isVisible() and not window.detail.isVisible()
    # A click opens the item in the one pane, with a way back.
    rect = window.list.visualRect(window.model.index(1, 0))
    qtbot.mouseClick(window.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.detail.isVisible() and not window.list.isVisible()
    assert window.back_button.isVisible()
    assert window.current_item().id == make_item(3).id
    qtbot.keyClick(window.detail, Qt.Key.Key_Escape)
    assert window.list.isVisible() and not window.detail.isVisible()
    # Keyboard: Enter opens here too.
    window.list.setFocus()
    qtbot.keyClick(window.list, Qt.Key.Key_Return)
    assert window.detail.isVisible()
    window.back_button.click()
    assert window.list.isVisible()


def test_wide_again_shows_both_panes(qtbot, runtime, facade, bridge):
    runtime.pipeline.handle(ItemsArrived("mail:work", [make_item(1)]))
    window = _window(qtbot, facade, bridge)
    window.resize(NARROW_WIDTH - 100, 600)
    window.show()
    qtbot.waitExposed(window)
    window.show_item(make_item(1).id)
    window.resize(NARROW_WIDTH + 60, 600)
    qtbot.waitUntil(lambda: not window.narrow)
    assert window.list.isVisible() and window.detail.isVisible()
    assert not window.back_button.isVisible()
