"""Paints one inbox row: who / what / preview, like a calm mail client.

    ●  (icon)  Sender or conversation             [Pending]  14:05
               Subject or approval title                         !
               One line of preview, elided…

Chat rows put the latest message on the last two lines, after its sender's name in a group,
"You" for one's own, and bare in a direct chat (the row is named after that person).
Everything comes from the palette, so light, dark and high-contrast themes work;
icons are vector-rendered, so it is sharp at any device pixel ratio.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import (
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    QRectF,
    QSize,
    Qt,
)
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPalette, QTextLayout, QTextOption
from PySide6.QtWidgets import QApplication, QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from desktop.core.item import Item, Kind, Urgency, sender_name
from desktop.ui import icons
from desktop.ui.formatting import chat_line, short_time
from desktop.ui.inbox_model import ItemRole

_PAD_X = 10
_PAD_Y = 8
_ICON = 32
_DOT = 8
_GAP = 10
_LINE_GAP = 2

URGENT_COLOR = QColor("#D64545")
STATE_COLORS = {
    "pending": QColor("#D9822B"),
    "approved": QColor("#2E9E6A"),
    "rejected": QColor("#D64545"),
    "withdrawn": QColor("#8A8F98"),
    "completed": QColor("#2E9E6A"),  # a task
    # the user's own outgoing mail
    "sending": QColor("#D9822B"),
    "sent": QColor("#2E9E6A"),
    "failed": QColor("#D64545"),
}


def state_label(state: str) -> str:
    labels = {
        "pending": QCoreApplication.translate("InboxDelegate", "Pending"),
        "approved": QCoreApplication.translate("InboxDelegate", "Approved"),
        "rejected": QCoreApplication.translate("InboxDelegate", "Rejected"),
        "withdrawn": QCoreApplication.translate("InboxDelegate", "Withdrawn"),
        "completed": QCoreApplication.translate("InboxDelegate", "Completed"),
        "sending": QCoreApplication.translate("InboxDelegate", "Sending"),
        "sent": QCoreApplication.translate("InboxDelegate", "Sent"),
        "failed": QCoreApplication.translate("InboxDelegate", "Not sent"),
    }
    return labels.get(state, state.capitalize())


def row_lines(item: Item, user: str = "") -> tuple[str, str, str]:
    """(heading, subject, preview) for a row: who / what / detail."""
    if item.kind is Kind.CHAT:
        return item.title or item.sender, chat_line(item, user), ""
    if item.kind is Kind.TASK:
        return item.sender or QCoreApplication.translate("InboxDelegate", "Task"), item.title, item.preview
    if item.kind is Kind.ANNOUNCEMENT and not item.sender:
        return QCoreApplication.translate("InboxDelegate", "Announcement"), item.title, item.preview
    # The name only, as in the notification; the address is in the detail pane.
    return sender_name(item.sender), item.title, item.preview


class InboxDelegate(QStyledItemDelegate):
    def __init__(self, parent: QWidget | None = None, user: Callable[[], str] | None = None) -> None:
        super().__init__(parent)
        self._user = user or (lambda: "")  # the gateway user id, to show our own messages as "You"

    # -- geometry --------------------------------------------------------------------------

    @staticmethod
    def _fonts(option: QStyleOptionViewItem) -> tuple[QFont, QFont, QFont]:
        base = QFont(option.font)
        bold = QFont(base)
        bold.setWeight(QFont.Weight.DemiBold)
        small = QFont(base)
        if base.pointSizeF() > 0:
            small.setPointSizeF(base.pointSizeF() * 0.9)
        else:
            small.setPixelSize(max(9, int(base.pixelSize() * 0.9)))
        return base, bold, small

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        base, bold, _small = self._fonts(option)
        line = max(QFontMetrics(base).height(), QFontMetrics(bold).height())
        height = 2 * _PAD_Y + 3 * line + 2 * _LINE_GAP
        return QSize(320, max(height, _ICON + 2 * _PAD_Y))

    # -- painting --------------------------------------------------------------------------

    def paint(
        self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        item: Item | None = index.data(ItemRole)
        if item is None:
            return
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""  # the style draws the selection/hover background; we draw the content
        widget = opt.widget
        style = widget.style() if widget is not None else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)

        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        active = bool(opt.state & QStyle.StateFlag.State_Active)
        group = QPalette.ColorGroup.Active if active else QPalette.ColorGroup.Inactive
        pal = opt.palette
        text_color = pal.color(
            group, QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        )
        dim = QColor(text_color)
        dim.setAlphaF(0.62)
        accent = pal.color(QPalette.ColorGroup.Active, QPalette.ColorRole.Highlight)
        if selected:
            accent = text_color

        base, bold, small = self._fonts(opt)
        fm_base, fm_bold, fm_small = QFontMetrics(base), QFontMetrics(bold), QFontMetrics(small)
        line_h = max(fm_base.height(), fm_bold.height())
        rect = opt.rect
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)

        # Unread dot, in the gutter left of the icon.
        x = rect.left() + _PAD_X
        top = rect.top() + _PAD_Y
        if item.unread:
            dot = QRectF(x, top + (line_h - _DOT) / 2, _DOT, _DOT)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(accent)
            painter.drawEllipse(dot)
        x += _DOT + 6

        # Kind icon: a white glyph on a disc of the kind's colour.
        disc = QRectF(x, top, _ICON, _ICON)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(icons.KIND_COLORS.get(item.kind, "#888888")))
        painter.drawEllipse(disc)
        glyph = disc.adjusted(_ICON * 0.22, _ICON * 0.22, -_ICON * 0.22, -_ICON * 0.22)
        icons.paint(painter, icons.kind_icon_name(item.kind), glyph, "#FFFFFF")
        if item.urgency is Urgency.URGENT:
            # A small red badge on the icon: visible without shouting.
            badge = QRectF(disc.right() - 11, disc.top() - 1, 12, 12)
            painter.setBrush(URGENT_COLOR)
            painter.setPen(pal.color(QPalette.ColorRole.Base) if not selected else accent)
            painter.drawEllipse(badge)
            painter.setPen(QColor("#FFFFFF"))
            bang = QFont(small)
            bang.setBold(True)
            bang.setPixelSize(9)
            painter.setFont(bang)
            painter.drawText(badge, Qt.AlignmentFlag.AlignCenter, "!")
        x = disc.right() + _GAP

        right = rect.right() - _PAD_X
        heading, subject, preview = row_lines(item, self._user())

        # Line 1, right side: time, then the approval state chip.
        painter.setFont(small)
        when = short_time(item.time)
        time_w = fm_small.horizontalAdvance(when)
        painter.setPen(accent if item.unread and not selected else dim)
        painter.drawText(
            QRectF(right - time_w, top, time_w, line_h),
            Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
            when,
        )
        right_edge = right - time_w - 8
        if item.state and (item.kind in (Kind.APPROVAL, Kind.TASK) or item.payload.get("outgoing")):
            label = state_label(item.state)
            chip_w = fm_small.horizontalAdvance(label) + 12
            chip = QRectF(right_edge - chip_w, top + 1, chip_w, line_h - 2)
            color = QColor(STATE_COLORS.get(item.state, QColor("#8A8F98")))
            fill = QColor(color)
            fill.setAlphaF(0.16 if not selected else 0.3)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(fill)
            painter.drawRoundedRect(chip, chip.height() / 2, chip.height() / 2)
            painter.setPen(text_color if selected else color)
            painter.drawText(chip, Qt.AlignmentFlag.AlignCenter, label)
            right_edge = chip.left() - 8

        # Line 1: heading (bold while unread).
        head_font = bold if item.unread else base
        painter.setFont(head_font)
        painter.setPen(text_color)
        fm_head = fm_bold if item.unread else fm_base
        painter.drawText(
            QRectF(x, top, max(0.0, right_edge - x), line_h),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            fm_head.elidedText(heading, Qt.TextElideMode.ElideRight, max(0, int(right_edge - x))),
        )

        width = max(0, right - x)
        y2 = top + line_h + _LINE_GAP
        y3 = y2 + line_h + _LINE_GAP
        if item.kind is Kind.CHAT:
            # The latest message over two lines, as chat apps do.
            painter.setFont(base)
            painter.setPen(text_color if item.unread else dim)
            self._draw_two_lines(painter, base, subject, QRectF(x, y2, width, 2 * line_h + _LINE_GAP))
        else:
            painter.setFont(bold if item.unread else base)
            painter.setPen(text_color)
            fm_subj = fm_bold if item.unread else fm_base
            painter.drawText(
                QRectF(x, y2, width, line_h),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                fm_subj.elidedText(
                    subject or QCoreApplication.translate("InboxDelegate", "(no subject)"),
                    Qt.TextElideMode.ElideRight,
                    int(width),
                ),
            )
            painter.setFont(base)
            painter.setPen(dim)
            painter.drawText(
                QRectF(x, y3, width, line_h),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                fm_base.elidedText(" ".join(preview.split()), Qt.TextElideMode.ElideRight, int(width)),
            )

        # A hairline between rows keeps a dense list readable without boxes.
        if not selected:
            sep = QColor(text_color)
            sep.setAlphaF(0.08)
            painter.setPen(sep)
            painter.drawLine(int(x), rect.bottom(), rect.right(), rect.bottom())
        painter.restore()

    @staticmethod
    def _draw_two_lines(painter: QPainter, font: QFont, text: str, rect: QRectF) -> None:
        text = " ".join(text.split())
        fm = QFontMetrics(font)
        layout = QTextLayout(text, font)
        option = QTextOption()
        # Word wrap still breaks between CJK characters (Unicode line breaking allows it).
        option.setWrapMode(QTextOption.WrapMode.WordWrap)
        layout.setTextOption(option)
        layout.beginLayout()
        first = layout.createLine()
        first_text = text
        rest = ""
        if first.isValid():
            first.setLineWidth(rect.width())
            end = first.textStart() + first.textLength()
            first_text, rest = text[:end].rstrip(), text[end:].lstrip()
        layout.endLayout()
        line_h = fm.height()
        flags = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
        painter.drawText(QRectF(rect.left(), rect.top(), rect.width(), line_h), flags, first_text)
        if rest:
            elided = fm.elidedText(rest, Qt.TextElideMode.ElideRight, int(rect.width()))
            painter.drawText(
                QRectF(rect.left(), rect.top() + line_h + _LINE_GAP, rect.width(), line_h), flags, elided
            )
