"""Mail detail: headers at once, the body fetched on open off the GUI thread.

"Open in mail client": with the account's ``webmail_url`` set, its
``{message_id}`` (angle brackets stripped, URL-quoted) is filled in and the
page opened in the browser. Without it, the RFC 2392 ``mid:`` URL is handed
to the system, which desktop mail clients that register ``mid:`` open; if
nothing handles it, an inline hint points to the webmail setting.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import quote

from PySide6.QtCore import QCoreApplication, Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFormLayout, QLabel, QPushButton, QStackedWidget, QVBoxLayout, QWidget

from desktop.app.facade import AppFacade, MailBody
from desktop.core.item import Item
from desktop.ui.background import run_in_background
from desktop.ui.detail.common import (
    ERROR_COLOR,
    DetailView,
    SafeTextBrowser,
    dim_label,
    heading_label,
    linkify,
    separator,
    show_status,
    status_label,
)
from desktop.ui.formatting import full_time

#: Fetches a message body; runs on a worker thread, raises with a user-readable message.
BodyFetcher = Callable[[Item], MailBody]


def human_size(size: int) -> str:
    value = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} B"


def webmail_url(template: str, message_id: str) -> str:
    mid = message_id.strip().removeprefix("<").removesuffix(">")
    return template.replace("{message_id}", quote(mid, safe=""))


class MailView(DetailView):
    def __init__(
        self, app: AppFacade, body_fetcher: BodyFetcher | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(app, parent)
        self._fetcher = body_fetcher
        self._generation = 0  # results of an older request are dropped

        self.subject = heading_label()
        self._layout.addWidget(self.subject)
        form = QFormLayout()
        form.setContentsMargins(0, 0, 0, 0)
        form.setHorizontalSpacing(10)
        form.setVerticalSpacing(2)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self.from_label, self.to_label, self.cc_label, self.date_label = (dim_label() for _ in range(4))
        for label in (self.from_label, self.to_label, self.cc_label, self.date_label):
            label.setTextFormat(Qt.TextFormat.PlainText)
        self._cc_title = QLabel(QCoreApplication.translate("Detail", "Cc:"))
        form.addRow(QLabel(QCoreApplication.translate("Detail", "From:")), self.from_label)
        form.addRow(QLabel(QCoreApplication.translate("Detail", "To:")), self.to_label)
        form.addRow(self._cc_title, self.cc_label)
        form.addRow(QLabel(QCoreApplication.translate("Detail", "Date:")), self.date_label)
        self._layout.addLayout(form)
        self.attachments = dim_label()
        self.attachments.setTextFormat(Qt.TextFormat.PlainText)
        self._layout.addWidget(self.attachments)
        self.blocked_note = dim_label(
            QCoreApplication.translate(
                "Detail", "Remote images in this message were blocked to protect your privacy."
            )
        )
        self.blocked_note.hide()
        self._layout.addWidget(self.blocked_note)

        self.open_button = QPushButton(QCoreApplication.translate("Detail", "Open in mail client"))
        self.open_button.clicked.connect(self.open_in_client)
        self._layout.addLayout(self.button_row(self.read_button, self.open_button))
        self._layout.addWidget(self.error_label)
        self._layout.addWidget(separator())

        # Body: loading / error / content.
        self.body_stack = QStackedWidget()
        self.loading = dim_label(QCoreApplication.translate("Detail", "Loading the message…"))
        self.loading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        error_page = QWidget()
        error_layout = QVBoxLayout(error_page)
        error_layout.addStretch(1)
        self.body_error = status_label()
        self.body_error.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.retry_button = QPushButton(QCoreApplication.translate("Detail", "Retry"))
        self.retry_button.clicked.connect(self.load_body)
        error_layout.addWidget(self.body_error)
        error_layout.addWidget(self.retry_button, 0, Qt.AlignmentFlag.AlignHCenter)
        error_layout.addStretch(2)
        self.browser = SafeTextBrowser()
        self.browser.setAccessibleName(QCoreApplication.translate("Detail", "Message"))
        self.body_stack.addWidget(self.loading)
        self.body_stack.addWidget(error_page)
        self.body_stack.addWidget(self.browser)
        self._error_page = error_page
        self._layout.addWidget(self.body_stack, 1)

    # -- showing ---------------------------------------------------------------------------

    def show_item(self, item: Item) -> None:
        super().show_item(item)
        p = item.payload
        self.subject.setText(item.title or QCoreApplication.translate("Detail", "(no subject)"))
        self.from_label.setText(str(p.get("from") or item.sender))
        self.to_label.setText(str(p.get("to") or ""))
        self._set_cc(str(p.get("cc") or ""))
        self.date_label.setText(full_time(item.time))
        self.attachments.setText(
            QCoreApplication.translate("Detail", "Attachments: loading…") if p.get("has_attachments") else ""
        )
        self.attachments.setVisible(bool(p.get("has_attachments")))
        self.load_body()

    def _set_cc(self, cc: str) -> None:
        self.cc_label.setText(cc)
        self.cc_label.setVisible(bool(cc))
        self._cc_title.setVisible(bool(cc))

    def load_body(self) -> None:
        item = self.item
        if item is None:
            return
        self._generation += 1
        generation = self._generation
        self.browser.clear()
        self.blocked_note.hide()
        if self._fetcher is None:
            self._show_body_error(
                QCoreApplication.translate("Detail", "Message bodies cannot be fetched in this session.")
            )
            return
        self.body_stack.setCurrentWidget(self.loading)
        fetcher = self._fetcher
        run_in_background(
            lambda: fetcher(item),
            lambda body: self._body_loaded(generation, body),
            lambda exc: self._body_failed(generation, exc),
        )

    def _body_loaded(self, generation: int, body: MailBody) -> None:
        if generation != self._generation:
            return
        self.blocked_note.setVisible(body.remote_content_blocked)
        if body.html:
            self.browser.setHtml(body.html)
        else:
            self.browser.setHtml(f"<div style='white-space: pre-wrap'>{linkify(body.text)}</div>")
        if body.to:
            self.to_label.setText(body.to)
        if body.cc:
            self._set_cc(body.cc)
        if body.attachments:
            names = ", ".join(f"{name} ({human_size(size)})" for name, size in body.attachments)
            self.attachments.setText(QCoreApplication.translate("Detail", "Attachments: {0}").format(names))
            self.attachments.setVisible(True)
        elif self.item is not None and not self.item.payload.get("has_attachments"):
            self.attachments.setVisible(False)
        self.body_stack.setCurrentWidget(self.browser)

    def _body_failed(self, generation: int, exc: BaseException) -> None:
        if generation != self._generation:
            return
        self._show_body_error(str(exc) or type(exc).__name__)

    def _show_body_error(self, reason: str) -> None:
        show_status(
            self.body_error,
            QCoreApplication.translate("Detail", "Could not load the message: {0}").format(reason),
            ERROR_COLOR,
        )
        self.retry_button.setVisible(self._fetcher is not None)
        self.body_stack.setCurrentWidget(self._error_page)

    # -- actions -----------------------------------------------------------------------------

    def client_url(self) -> QUrl | None:
        item = self.item
        if item is None:
            return None
        message_id = str(item.payload.get("message_id") or "")
        name = str(item.payload.get("account") or item.source.removeprefix("mail:"))
        account = self.app.settings.account(name)
        if account is not None and account.webmail_url:
            return QUrl(webmail_url(account.webmail_url, message_id))
        if message_id:
            return QUrl("mid:" + quote(message_id.strip().removeprefix("<").removesuffix(">"), safe="@"))
        return None

    def open_in_client(self) -> None:
        url = self.client_url()
        # mid: is deliberately allowed here (not in SafeTextBrowser): the user pressed the button.
        if url is None or not QDesktopServices.openUrl(url):
            show_status(
                self.error_label,
                QCoreApplication.translate(
                    "Detail",
                    "No mail client took this message. Set a webmail address for the account in Settings.",
                ),
                ERROR_COLOR,
            )
