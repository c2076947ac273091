"""Row painting, time formats and icons."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from PySide6.QtCore import QLocale, QModelIndex, QRect, QSize
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtWidgets import QListView, QStyleOptionViewItem

from desktop.core.item import Kind, Urgency
from desktop.ui import icons
from desktop.ui.delegate import InboxDelegate, row_lines
from desktop.ui.formatting import short_time
from desktop.ui.inbox_model import InboxModel
from tests.ui.helpers import chat_item, make_item


@pytest.fixture(autouse=True)
def english():
    previous = QLocale()
    QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
    yield
    QLocale.setDefault(previous)


def test_short_time():
    now = datetime(2025, 3, 14, 18, 0).astimezone()  # a Friday
    assert short_time(now.replace(hour=9, minute=5), now).replace("\u202f", " ") == "9:05 AM"
    assert short_time(now - timedelta(days=2), now) == "Wed"
    assert short_time(now - timedelta(days=20), now) == "Feb 22"
    assert short_time(now - timedelta(days=400), now) == "2/8/24"


def test_short_time_chinese():
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    now = datetime(2025, 3, 14, 18, 0).astimezone()
    assert short_time(now - timedelta(days=20), now) == "2月22日"
    assert short_time(now - timedelta(days=2), now) == "周三"


def test_row_lines_per_kind():
    assert row_lines(make_item(1)) == ("Sender 1", "Subject 1", "preview text 1")
    chat = chat_item(1, "ops", "deploy done", sender="Bob")
    assert row_lines(chat) == ("#ops", "Bob: deploy done", "")
    assert row_lines(chat_item(2, "ops", "ok", own=True), user="me")[1] == "You: ok"


def test_rows_paint_for_every_kind(qtbot, store, inbox):
    items = [
        make_item(1, unread=True, urgency=Urgency.URGENT, title="很长的中文主题 " * 10),
        make_item(2, kind=Kind.APPROVAL, state="pending"),
        make_item(3, kind=Kind.APPROVAL, state="rejected"),
        make_item(4, kind=Kind.TASK),
        make_item(5, kind=Kind.ANNOUNCEMENT),
        chat_item(6, "ops", "a long message " * 20),
    ]
    store.add_items(items)
    model = InboxModel(inbox)
    model.fetchMore(QModelIndex())
    view = QListView()
    qtbot.addWidget(view)
    view.setModel(model)
    delegate = InboxDelegate(view)
    option = QStyleOptionViewItem()
    option.initFrom(view)
    hint = delegate.sizeHint(option, model.index(0, 0))
    assert hint.height() >= 3 * view.fontMetrics().height()
    image = QImage(QSize(360, hint.height()), QImage.Format.Format_ARGB32)
    for row in range(model.rowCount()):
        image.fill(QColor("white"))
        painter = QPainter(image)
        option.rect = QRect(0, 0, 360, hint.height())
        delegate.paint(painter, option, model.index(row, 0))
        painter.end()
        # Something was drawn: the kind disc at least.
        assert image.pixelColor(10 + 8 + 6 + 4, 8 + 16) != QColor("white")


def test_icons_are_found_and_render(qtbot):
    assert icons.icons_dir() is not None
    for name in (*[icons.kind_icon_name(k) for k in Kind], icons.APP_ICON, icons.TRAY_ICON):
        icon = icons.icon(name, "#000000")
        assert not icon.isNull(), name
        pixmap = icon.pixmap(32, 32)
        image = pixmap.toImage()
        assert any(image.pixelColor(x, y).alpha() > 0 for x in range(32) for y in range(32)), name
    assert icons.icon("no-such-icon").isNull()
    tray = icons.tray_icon("#FF0000").pixmap(24, 24).toImage()
    colors = {
        tray.pixelColor(x, y).name()
        for x in range(24)
        for y in range(24)
        if tray.pixelColor(x, y).alpha() == 255
    }
    assert colors == {"#ff0000"}  # currentColor became the requested colour
    assert icons.app_icon().availableSizes() or not icons.app_icon().isNull()


def test_rows_name_people_without_their_address() -> None:
    mail = make_item(1, sender="张敏 <zhang.min@example.cn>", title="会议纪要")
    assert row_lines(mail)[0] == "张敏"
    bare = make_item(2, sender="<noreply@example.com>")
    assert row_lines(bare)[0] == "noreply@example.com"


def test_announcement_without_a_sender_says_what_it_is() -> None:
    news = make_item(3, Kind.ANNOUNCEMENT, sender="", title="Office closed on Friday")
    assert row_lines(news)[:2] == ("Announcement", "Office closed on Friday")
