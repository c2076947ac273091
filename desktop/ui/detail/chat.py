"""Chat detail: the conversation's recent history and a reply box.

A sent reply shows as "sending…" until it comes back from the gateway as a
chat message of our own in the same conversation (or its outbox entry fails).
"""

from __future__ import annotations

import dataclasses
import html
from collections.abc import Callable
from datetime import date, datetime, timedelta

from PySide6.QtCore import QCoreApplication, QDate, QLocale, Qt, Signal
from PySide6.QtGui import QColor, QKeyEvent, QPalette
from PySide6.QtWidgets import QHBoxLayout, QPlainTextEdit, QPushButton, QWidget

from desktop.app.facade import AppFacade
from desktop.core.item import Item, Kind
from desktop.ui.detail.common import (
    DetailView,
    SafeTextBrowser,
    dim_label,
    heading_label,
    linkify,
    separator,
)
from desktop.ui.formatting import is_own, short_time, ui_locale

HISTORY_LIMIT = 50


def _blend(under: QColor, over: QColor, amount: float) -> QColor:
    return QColor.fromRgbF(
        under.redF() + (over.redF() - under.redF()) * amount,
        under.greenF() + (over.greenF() - under.greenF()) * amount,
        under.blueF() + (over.blueF() - under.blueF()) * amount,
    )


def message_text(item: Item) -> str:
    message = item.payload.get("message")
    text = message.get("text") if isinstance(message, dict) else None
    return text if isinstance(text, str) else item.preview


class ReplyEdit(QPlainTextEdit):
    """Enter sends and Shift+Enter adds a line, as in chat apps; with ``enter_sends`` off,
    Enter adds a line, as in mail. Ctrl+Enter always sends."""

    submitted = Signal()

    def __init__(self, enter_sends: Callable[[], bool] = lambda: True, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.enter_sends = enter_sends  # read at each key: the setting may change meanwhile

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
            if mods == Qt.KeyboardModifier.ControlModifier or (
                mods == Qt.KeyboardModifier.NoModifier and self.enter_sends()
            ):
                self.submitted.emit()
                event.accept()
                return
            if mods & Qt.KeyboardModifier.ShiftModifier:
                # QPlainTextEdit would put in a line separator (U+2028); a newline is meant.
                self.insertPlainText("\n")
                event.accept()
                return
        super().keyPressEvent(event)


def day_label(day: date, today: date) -> str:
    """ "Today", "Yesterday", or the date in the UI's language: the separator's text."""
    if day == today:
        return QCoreApplication.translate("Detail", "Today")
    if day == today - timedelta(days=1):
        return QCoreApplication.translate("Detail", "Yesterday")
    qdate = QDate(day.year, day.month, day.day)
    return ui_locale().toString(qdate, QLocale.FormatType.LongFormat)


@dataclasses.dataclass(slots=True)
class PendingReply:
    entry_id: str
    thread_key: str
    text: str


class ChatView(DetailView):
    def __init__(self, app: AppFacade, parent: QWidget | None = None) -> None:
        super().__init__(app, parent)
        self.pending: list[PendingReply] = []
        self.title = heading_label()
        self.subtitle = dim_label()
        self._layout.addWidget(self.title)
        self._layout.addWidget(self.subtitle)
        self._layout.addLayout(self.button_row(self.read_button))
        self._layout.addWidget(separator())
        self.history = SafeTextBrowser()
        self.history.setAccessibleName(QCoreApplication.translate("Detail", "Conversation"))
        self._layout.addWidget(self.history, 1)
        self._layout.addWidget(self.error_label)

        self.reply_box = ReplyEdit(lambda: app.settings.general.enter_sends)
        self.reply_box.setAccessibleName(QCoreApplication.translate("Detail", "Reply"))
        self._update_placeholder()
        self.reply_box.setTabChangesFocus(True)
        self.reply_box.setFixedHeight(self.reply_box.fontMetrics().lineSpacing() * 3 + 16)
        self.send_button = QPushButton(QCoreApplication.translate("Detail", "Send"))
        self.send_button.clicked.connect(self.send)
        row = QHBoxLayout()
        row.addWidget(self.reply_box, 1)
        row.addWidget(self.send_button, 0, Qt.AlignmentFlag.AlignBottom)
        self._layout.addLayout(row)
        self.reply_box.submitted.connect(self.send)

    def _update_placeholder(self) -> None:
        self.reply_box.setPlaceholderText(
            QCoreApplication.translate("Detail", "Write a reply… (Enter to send, Shift+Enter for a new line)")
            if self.reply_box.enter_sends()
            else QCoreApplication.translate("Detail", "Write a reply… (Ctrl+Enter to send)")
        )

    @property
    def thread_key(self) -> str:
        return self.item.thread_key if self.item is not None else ""

    def show_item(self, item: Item) -> None:
        changed_thread = item.thread_key != self.thread_key
        super().show_item(item)
        conversation = item.payload.get("conversation", {})
        kind = conversation.get("kind", "") if isinstance(conversation, dict) else ""
        self.title.setText(item.title or item.sender)
        self.subtitle.setText(
            QCoreApplication.translate("Detail", "Direct message")
            if kind == "direct"
            else QCoreApplication.translate("Detail", "Group conversation")
        )
        if changed_thread:
            self.reply_box.clear()
        self._update_placeholder()
        self.render_history()

    def refresh(self, item: Item) -> None:
        super().refresh(item)
        self.render_history()

    def items_arrived(self, items: list[Item]) -> None:
        if self.item is None:
            return
        mine = [i for i in items if i.kind is Kind.CHAT and i.thread_key == self.thread_key]
        if mine:
            newest = max(mine, key=lambda i: (i.time, i.id))
            if (newest.time, newest.id) > (self.item.time, self.item.id):
                self.item = newest  # reply to, and mark read, the latest message
            self.render_history()

    # -- history ----------------------------------------------------------------------------

    def render_history(self) -> None:
        if self.item is None:
            return
        messages = self.app.inbox.thread(self.thread_key, limit=HISTORY_LIMIT)
        self._settle_pending(messages)
        pal = self.palette()
        base = pal.color(QPalette.ColorRole.Base)
        # Opaque blends: QTextDocument's CSS does not composite translucent cell colours well.
        rgba = _blend(base, pal.color(QPalette.ColorRole.Highlight), 0.14).name()
        other_bg = _blend(base, pal.color(QPalette.ColorRole.Text), 0.06)
        dim_css = _blend(base, pal.color(QPalette.ColorRole.Text), 0.6).name()
        parts: list[str] = []
        user = self.app.gateway_user()
        today = datetime.now().astimezone().date()
        shown_day: date | None = None
        for msg in messages:
            day = msg.time.astimezone().date()
            if day != shown_day:
                shown_day = day
                parts.append(self._day_separator(day_label(day, today), dim_css))
            own = is_own(msg, user)
            body = linkify(message_text(msg))
            who = QCoreApplication.translate("Detail", "You") if own else html.escape(msg.sender)
            parts.append(
                self._bubble(who, short_time(msg.time), body, rgba if own else other_bg.name(), own, dim_css)
            )
        for reply in self.pending:
            if reply.thread_key != self.thread_key:
                continue
            state = self._pending_state(reply)
            parts.append(
                self._bubble(
                    QCoreApplication.translate("Detail", "You"),
                    state,
                    linkify(reply.text),
                    rgba,
                    True,
                    dim_css,
                    italic=True,
                )
            )
        empty = QCoreApplication.translate("Detail", "No messages yet.")  # not in an f-string: lupdate
        self.history.setHtml("".join(parts) or f"<p>{html.escape(empty)}</p>")
        bar = self.history.verticalScrollBar()
        bar.setValue(bar.maximum())

    @staticmethod
    def _day_separator(text: str, dim: str) -> str:
        return (
            f'<p align="center" style="color: {dim}; margin-top: 6px; margin-bottom: 8px;">'
            f"<small>{html.escape(text)}</small></p>"
        )

    @staticmethod
    def _bubble(who: str, when: str, body: str, bg: str, own: bool, dim: str, italic: bool = False) -> str:
        # No floating tables (QTextDocument stacks floats oddly): a spacer cell pushes
        # our own messages to the right, others' to the left.
        style = "font-style: italic;" if italic else ""
        bubble = (
            f'<td style="background-color: {bg}; padding: 8px;">'
            f'<b>{who}</b>&nbsp;&nbsp;<span style="color: {dim};">{html.escape(when)}</span>'
            f'<div style="{style}">{body}</div></td>'
        )
        spacer = '<td width="22%"></td>'
        row = spacer + bubble if own else bubble + spacer
        return f'<table width="100%" cellspacing="0" cellpadding="0" style="margin-bottom: 8px;"><tr>{row}</tr></table>'

    def _pending_state(self, reply: PendingReply) -> str:
        delivery = self.app.inbox.delivery(reply.entry_id)
        if delivery is not None and delivery.status == "failed":
            return QCoreApplication.translate("Detail", "not sent: {0}").format(
                delivery.error or QCoreApplication.translate("Detail", "refused by the server")
            )
        return QCoreApplication.translate("Detail", "sending…")

    def _settle_pending(self, messages: list[Item]) -> None:
        """Drop "sending…" entries once our own message with that text is in the thread."""
        if not self.pending:
            return
        user = self.app.gateway_user()
        # Without a known user id, any read message with the same text settles it.
        own_texts = [message_text(m) for m in messages if is_own(m, user) or (not user and not m.unread)]
        still: list[PendingReply] = []
        for reply in self.pending:
            if reply.thread_key == self.thread_key and reply.text in own_texts:
                own_texts.remove(reply.text)
                continue
            still.append(reply)
        self.pending = still

    # -- sending ----------------------------------------------------------------------------

    def send(self) -> None:
        if self.item is None:
            return
        text = self.reply_box.toPlainText().strip()
        if not text:
            return
        item_id = self.item.id
        entry = self.run_action(lambda: self.app.reply(item_id, text))
        if entry is None:
            return
        self.pending.append(PendingReply(entry, self.thread_key, text))
        self.reply_box.clear()
        self.render_history()
