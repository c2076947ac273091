"""The compose window: reply, reply all or forward in plain text, sent through the outbox.

It opens at once (the draft comes from the store, or is built from the original, which is
fetched off the GUI thread while the window already shows). What the user types is saved
to the store shortly after each change, so a crash loses at most that moment; the same
reply opened again, or Tidings started again, offers it back. Ctrl+Enter sends, as in
Thunderbird and Outlook; Escape asks before throwing away anything typed.
"""

from __future__ import annotations

import dataclasses
import logging
from datetime import datetime

from PySide6.QtCore import QCoreApplication, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut, QTextCursor
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.app.facade import ActionError, AppFacade, ComposeDraft, Texts
from desktop.core.item import Item
from desktop.ui.background import run_in_background
from desktop.ui.detail.common import ERROR_COLOR, dim_label, show_status, status_label

log = logging.getLogger(__name__)

SAVE_DELAY_MS = 700  # a pause in typing this long saves the draft
MODES = ("reply", "reply_all", "forward")

#: Open compose windows by draft key: opening the same reply again raises its window.
_open: dict[str, ComposeWindow] = {}


def mode_title(mode: str) -> str:
    return {
        "reply": QCoreApplication.translate("Compose", "Reply"),
        "reply_all": QCoreApplication.translate("Compose", "Reply all"),
        "forward": QCoreApplication.translate("Compose", "Forward"),
    }[mode]


def window_title(mode: str, subject: str) -> str:
    """ "Reply: Lunch?": one sentence per mode, so a language can order it its own way."""
    return {
        "reply": QCoreApplication.translate("Compose", "Reply: {0}"),
        "reply_all": QCoreApplication.translate("Compose", "Reply all: {0}"),
        "forward": QCoreApplication.translate("Compose", "Forward: {0}"),
    }[mode].format(subject)


def texts() -> Texts:
    """The quote and forward lines in the UI's language."""
    return Texts(
        attribution=QCoreApplication.translate("Compose", "On {date}, {sender} wrote:"),
        undated=QCoreApplication.translate("Compose", "{sender} wrote:"),
        forward_header=QCoreApplication.translate("Compose", "---------- Forwarded message ----------"),
    )


def open_compose(app: AppFacade, item: Item, mode: str, parent: QWidget | None = None) -> ComposeWindow:
    """Show the compose window for ``mode`` of ``item``: the open one, else a new one."""
    key = f"{mode}:{item.id}"
    window = _open.get(key)
    if window is None or window.closing:  # one on its way out is not reused
        window = ComposeWindow(app, item, mode, parent)
        _open[key] = window
        window.destroyed.connect(lambda *_: _open.get(key) is window and _open.pop(key, None))
    window.show()
    window.raise_()
    window.activateWindow()
    return window


def open_windows() -> list[ComposeWindow]:
    return list(_open.values())


MAX_OFFERED = 5  # more unsent drafts than this stay in the store until their mail is answered


def offer_saved_drafts(app: AppFacade, parent: QWidget | None = None) -> list[ComposeWindow]:
    """Reopen the drafts a crash or a quit left unsent, each saying it is back (at start)."""
    windows: list[ComposeWindow] = []
    for draft in app.saved_drafts()[:MAX_OFFERED]:
        item = app.inbox.get(draft.item_id)
        if item is not None and draft.mode in MODES:
            windows.append(open_compose(app, item, draft.mode, parent))
    return windows


class ComposeWindow(QWidget):
    """One draft. ``sent`` carries the outbox entry id once the message is queued."""

    sent = Signal(str)

    def __init__(self, app: AppFacade, item: Item, mode: str, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        if mode not in MODES:
            raise ValueError(f"not a compose mode: {mode!r}")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.app = app
        self.item = item
        self.mode = mode
        self.draft: ComposeDraft | None = None
        self._initial: ComposeDraft | None = None  # as made or restored: "changed" compares with it
        self._restored = False
        self._closing = False
        self.setWindowTitle(window_title(mode, item.title))
        self.setAccessibleName(mode_title(mode))
        self.resize(720, 560)

        self.from_label = QLabel()
        self.from_label.setTextFormat(Qt.TextFormat.PlainText)
        self.from_label.setAccessibleName(self.tr("From"))
        self.to_edit = QLineEdit()
        self.to_edit.setPlaceholderText(self.tr("Name <address>, another@example.com"))
        self.to_edit.setAccessibleName(self.tr("To"))
        self.cc_edit = QLineEdit()
        self.cc_edit.setAccessibleName(self.tr("Cc"))
        self.subject_edit = QLineEdit()
        self.subject_edit.setAccessibleName(self.tr("Subject"))
        self.body = QPlainTextEdit()
        self.body.setAccessibleName(self.tr("Message"))
        self.body.setTabChangesFocus(True)
        self.body.setPlaceholderText(self.tr("Loading the original message…"))
        form = QFormLayout()
        form.addRow(self.tr("From:"), self.from_label)
        form.addRow(self.tr("To:"), self.to_edit)
        form.addRow(self.tr("Cc:"), self.cc_edit)
        form.addRow(self.tr("Subject:"), self.subject_edit)

        self.note = dim_label()
        self.note.setTextFormat(Qt.TextFormat.PlainText)
        self.note.hide()
        self.start_over_button = QPushButton(self.tr("Start over"))
        self.start_over_button.setToolTip(self.tr("Throw this draft away and quote the original again"))
        self.start_over_button.clicked.connect(self.start_over)
        self.start_over_button.hide()
        self.status = status_label()
        self.status.setAccessibleName(self.tr("Status"))
        self.discard_button = QPushButton(self.tr("Discard"))
        self.discard_button.clicked.connect(self.request_discard)
        self.send_button = QPushButton(self.tr("Send"))
        self.send_button.setToolTip(self.tr("Send (Ctrl+Enter)"))
        self.send_button.setDefault(True)
        self.send_button.clicked.connect(self.send)
        notes = QHBoxLayout()
        notes.addWidget(self.note, 1)
        notes.addWidget(self.start_over_button)
        buttons = QHBoxLayout()
        buttons.addWidget(self.status, 1)
        buttons.addStretch()  # the buttons keep their size while no status is shown
        buttons.addWidget(self.discard_button)
        buttons.addWidget(self.send_button)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(notes)
        layout.addWidget(self.body, 1)
        layout.addLayout(buttons)

        for keys in ("Ctrl+Return", "Ctrl+Enter"):  # Enter is the keypad's Return
            QShortcut(QKeySequence(keys), self, self.send)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self.request_discard)

        self._save_timer = QTimer(self)
        self._save_timer.setSingleShot(True)
        self._save_timer.setInterval(SAVE_DELAY_MS)
        self._save_timer.timeout.connect(self.save_now)
        for edit in (self.to_edit, self.cc_edit, self.subject_edit):
            edit.textChanged.connect(self._typed)
        self.body.textChanged.connect(self._typed)

        self._set_editable(False)
        saved = app.saved_draft(item.id, mode)
        if saved is not None:
            self._fill(saved, restored=True)
        else:
            self._fetch()

    # -- filling -------------------------------------------------------------------------------

    def _fetch(self) -> None:
        self.subject_edit.setText(self.item.title)
        app, item, mode, lines = self.app, self.item, self.mode, texts()
        run_in_background(lambda: app.start_draft(item, mode, lines), self._started, self._start_failed)

    def _started(self, draft: ComposeDraft) -> None:
        if self._closing:
            return
        self._fill(draft, restored=False)

    def _start_failed(self, exc: BaseException) -> None:
        if self._closing:
            return
        self.body.setPlaceholderText("")
        show_status(
            self.status,
            self.tr("Cannot start the message: {0}").format(str(exc) or type(exc).__name__),
            ERROR_COLOR,
        )

    def _fill(self, draft: ComposeDraft, restored: bool) -> None:
        self._filling = True
        try:
            self.from_label.setText(draft.sender)
            self.to_edit.setText(draft.to)
            self.cc_edit.setText(draft.cc)
            self.subject_edit.setText(draft.subject)
            self.body.setPlainText(draft.body)
        finally:
            self._filling = False
        self.draft = draft
        self._initial = draft
        self._restored = restored
        self.setWindowTitle(window_title(self.mode, draft.subject))
        if restored:
            when = datetime.fromtimestamp(draft.saved_at).strftime("%Y-%m-%d %H:%M") if draft.saved_at else ""
            self.note.setText(self.tr("Your unsent draft from {0} is back.").format(when))
        self.note.setVisible(restored)
        self.start_over_button.setVisible(restored)
        self.body.setPlaceholderText("")
        self._set_editable(True)
        # Replies are written above the quote; a forward needs its recipients first.
        if self.mode == "forward" and not draft.to:
            self.to_edit.setFocus()
        else:
            self.body.setFocus()
            cursor = self.body.textCursor()
            cursor.movePosition(QTextCursor.MoveOperation.Start)
            self.body.setTextCursor(cursor)

    def _set_editable(self, on: bool) -> None:
        for w in (self.to_edit, self.cc_edit, self.subject_edit, self.body, self.send_button):
            w.setEnabled(on)

    def start_over(self) -> None:
        """Drop the restored draft and build a new one from the original."""
        self._save_timer.stop()
        if self.draft is not None:
            self.app.discard_draft(self.draft.key)
        self.draft = self._initial = None
        self.note.hide()
        self.start_over_button.hide()
        self._set_editable(False)
        self._filling = True
        self.body.clear()
        self._filling = False
        self.body.setPlaceholderText(self.tr("Loading the original message…"))
        self._fetch()

    # -- state ---------------------------------------------------------------------------------

    _filling = False

    @property
    def closing(self) -> bool:
        return self._closing

    def current(self) -> ComposeDraft | None:
        """The draft as the fields hold it now."""
        if self.draft is None:
            return None
        return dataclasses.replace(
            self.draft,
            to=self.to_edit.text(),
            cc=self.cc_edit.text(),
            subject=self.subject_edit.text(),
            body=self.body.toPlainText(),
        )

    def changed(self) -> bool:
        """Something typed that would be lost: edits since it opened, or a restored draft."""
        now = self.current()
        if now is None:
            return False
        return self._restored or now != self._initial

    def _typed(self) -> None:
        if self._filling or self.draft is None:
            return
        show_status(self.status, "")
        self._save_timer.start()

    def save_now(self) -> None:
        self._save_timer.stop()
        draft = self.current()
        if draft is None or not self.changed():
            return
        try:
            self.app.save_draft(draft)
        except ActionError as exc:
            show_status(self.status, self.tr("The draft could not be saved: {0}").format(exc), ERROR_COLOR)

    # -- sending and closing -------------------------------------------------------------------

    def send(self) -> None:
        draft = self.current()
        if draft is None or not self.send_button.isEnabled():
            return
        self._save_timer.stop()
        try:
            entry = self.app.send_mail(draft)
        except ActionError as exc:
            show_status(self.status, str(exc), ERROR_COLOR)
            return
        except Exception as exc:  # a bug below must not lose the text: the window stays
            log.exception("sending failed")
            show_status(self.status, self.tr("Something went wrong: {0}").format(exc), ERROR_COLOR)
            return
        self.draft = self._initial = None  # queued, and the draft removed with it
        self.sent.emit(entry)
        self._closing = True
        self.close()

    def request_discard(self) -> None:
        """Escape or Discard: ask first when something typed would be lost."""
        if self.changed():
            answer = QMessageBox.question(
                self,
                self.tr("Discard this message?"),
                self.tr("What you wrote will be lost."),
                QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
                QMessageBox.StandardButton.Cancel,
            )
            if answer != QMessageBox.StandardButton.Discard:
                return
        self.discard()

    def discard(self) -> None:
        self._save_timer.stop()
        if self.draft is not None:
            try:
                self.app.discard_draft(self.draft.key)
            except ActionError as exc:
                log.warning("draft not discarded: %s", exc)
        self.draft = self._initial = None
        self._closing = True
        self.close()

    def closeEvent(self, event: QCloseEvent) -> None:
        # Closed another way (the title bar, Ctrl+W, quitting): what was typed is kept.
        if not self._closing:
            self.save_now()
            self._closing = True
        super().closeEvent(event)
