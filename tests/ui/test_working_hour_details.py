"""Small things the scripted working hour under Xvfb showed (tests/integration/
test_working_hour_xvfb.py): the keyboard after a click-through, the undo bar's English,
a blocked image's placeholder."""

from __future__ import annotations

from PySide6.QtCore import QUrl
from PySide6.QtGui import QImage, QTextDocument

from desktop.core.events import ItemsArrived
from desktop.ui.detail import MailBody
from desktop.ui.detail.common import SafeTextBrowser
from desktop.ui.window import InboxWindow
from tests.ui.helpers import make_item


def _window(qtbot, facade, bridge) -> InboxWindow:  # type: ignore[no-untyped-def]
    win = InboxWindow(facade, bridge, body_fetcher=lambda item: MailBody(text="body"))
    qtbot.addWidget(win)
    return win


def test_a_click_through_gives_the_keyboard_to_the_list(qtbot, runtime, facade, bridge):  # type: ignore[no-untyped-def]
    runtime.pipeline.handle(ItemsArrived("mail:work", [make_item(n, unread=True) for n in range(5)]))
    window = _window(qtbot, facade, bridge)
    assert window.show_item(make_item(2).id)
    # Not the search field (the window's first focus widget): R, E, J/K act on the item.
    qtbot.waitUntil(lambda: window.focusWidget() is window.list)
    window.search.setFocus()
    assert window.show_items([make_item(1).id, make_item(3).id])
    qtbot.waitUntil(lambda: window.focusWidget() is window.list)


def test_the_undo_bar_counts_in_english(qtbot, runtime, facade, bridge):  # type: ignore[no-untyped-def]
    runtime.pipeline.handle(ItemsArrived("mail:work", [make_item(3, unread=True)]))
    window = _window(qtbot, facade, bridge)
    window.mark_all_read()
    assert window.undo_bar.label.text() == "Marked 1 item read."
    window.undo()
    runtime.pipeline.handle(ItemsArrived("mail:work", [make_item(6, unread=True)]))
    window.mark_all_read()
    assert window.undo_bar.label.text() == "Marked 2 items read."


def test_a_blocked_remote_image_draws_nothing(qtbot):  # type: ignore[no-untyped-def]
    browser = SafeTextBrowser()
    qtbot.addWidget(browser)
    url = QUrl("https://tracker.example.com/pixel.gif")
    image = browser.loadResource(int(QTextDocument.ResourceType.ImageResource.value), url)
    assert isinstance(image, QImage) and image.size().width() == 1
    assert image.pixelColor(0, 0).alpha() == 0  # transparent, not Qt's broken-image icon
    assert url.toString() in browser.blocked
    assert browser.loadResource(int(QTextDocument.ResourceType.StyleSheetResource.value), url) is None
