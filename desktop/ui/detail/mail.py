"""Mail detail: headers at once, the body fetched on open off the GUI thread.

"Open in mail client": with the account's ``webmail_url`` set, its
``{message_id}`` (angle brackets stripped, URL-quoted) is filled in and the
page opened in the browser. Without it, the RFC 2392 ``mid:`` URL is handed
to the system, which desktop mail clients that register ``mid:`` open. On
Linux the handler is looked up first (``xdg-mime``): xdg-open "succeeds" even
when nothing can open the link and then shows its own error or a browser
search. Without a handler, or when opening fails, the pane says so and offers
the settings, where a webmail address is the alternative.

Reply, Reply all and Forward open the compose window; Archive, Delete and
"Move to…" move the mail on its server (the item leaves the list at once). Each
is a button and a QAction with its shortcut (``mail_actions``), which the window and
the list's menus can show.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable
from urllib.parse import quote

from PySide6.QtCore import QCoreApplication, QPoint, Qt, QUrl
from PySide6.QtGui import QAction, QDesktopServices, QKeySequence
from PySide6.QtWidgets import (
    QFormLayout,
    QLabel,
    QMenu,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.app.facade import AppFacade, MailBody
from desktop.core.i18n import QT_TRANSLATE_NOOP
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


def mid_handler() -> str | None:
    """The desktop entry that opens ``mid:`` links: "" if none, None if unknown (not Linux,
    or no xdg-mime to ask; then the system is trusted to say so itself)."""
    if not sys.platform.startswith("linux"):
        return None
    xdg_mime = shutil.which("xdg-mime")
    if xdg_mime is None:
        return None
    try:
        done = subprocess.run(
            [xdg_mime, "query", "default", "x-scheme-handler/mid"],
            capture_output=True,
            text=True,
            timeout=3,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip()


#: name → (title, shortcut) of the mail actions; the list helper shows them in menus
MAIL_ACTIONS = {
    "reply": (QT_TRANSLATE_NOOP("Detail", "Reply"), "R"),
    "reply_all": (QT_TRANSLATE_NOOP("Detail", "Reply all"), "A"),
    "forward": (QT_TRANSLATE_NOOP("Detail", "Forward"), "F"),
    "archive": (QT_TRANSLATE_NOOP("Detail", "Archive"), "E"),
    "delete": (QT_TRANSLATE_NOOP("Detail", "Delete"), "Delete"),
    "move": (QT_TRANSLATE_NOOP("Detail", "Move to…"), "Ctrl+Shift+V"),  # as in Outlook
}


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
        # Actions with shortcuts (WindowShortcut: they work wherever focus is in the window
        # while a mail is shown; a line edit keeps its typed letters) and a button each.
        self.mail_actions: dict[str, QAction] = {}
        self.action_buttons: dict[str, QPushButton] = {}
        handlers: dict[str, Callable[[], None]] = {
            "reply": lambda: self.compose("reply"),
            "reply_all": lambda: self.compose("reply_all"),
            "forward": lambda: self.compose("forward"),
            "archive": self.archive,
            "delete": self.delete,
            "move": self.choose_folder,
        }
        for name, (source_title, keys) in MAIL_ACTIONS.items():
            title = QCoreApplication.translate("Detail", source_title)
            action = QAction(title, self)
            action.setShortcut(QKeySequence(keys))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            action.setObjectName(f"mail_{name}")
            action.triggered.connect(handlers[name])
            self.addAction(action)
            self.mail_actions[name] = action
            button = QPushButton(title)
            button.setToolTip(
                f"{title} ({action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)})"
            )
            button.clicked.connect(action.trigger)
            self.action_buttons[name] = button
        self.settings_button = QPushButton(QCoreApplication.translate("Detail", "Open Settings"))
        self.settings_button.clicked.connect(self.settings_requested)
        self.settings_button.hide()
        self._layout.addLayout(
            self.button_row(*(self.action_buttons[n] for n in ("reply", "reply_all", "forward")))
        )
        self._layout.addLayout(
            self.button_row(
                *(self.action_buttons[n] for n in ("archive", "delete", "move")),
                self.read_button,
                self.open_button,
            )
        )
        self._layout.addLayout(self.button_row(self.error_label, self.settings_button))
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
        self.settings_button.hide()
        self._update_actions()
        self.load_body()

    def refresh(self, item: Item) -> None:
        super().refresh(item)
        self._update_actions()

    def _update_actions(self) -> None:
        """Received mail can be answered and moved; the user's own sent mail only read. The
        reason a send or a move failed is shown with the mail."""
        item = self.item
        received = item is not None and not item.payload.get("outgoing")
        for action in self.mail_actions.values():
            action.setEnabled(received)
        for button in self.action_buttons.values():
            button.setVisible(received)
        self.open_button.setVisible(received)
        self.read_button.setVisible(received)
        error = str(item.payload.get("last_error") or "") if item is not None else ""
        if item is not None and item.payload.get("outgoing"):
            state = {
                "sending": QCoreApplication.translate("Detail", "Sending…"),
                "sent": QCoreApplication.translate("Detail", "Sent."),
                "failed": QCoreApplication.translate("Detail", "Not sent."),
            }.get(item.state, "")
            show_status(self.error_label, f"{state} {error}".strip(), ERROR_COLOR if error else "")
        elif error:
            show_status(self.error_label, error, ERROR_COLOR)

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
        if url is None:
            self._cannot_open(
                QCoreApplication.translate(
                    "Detail",
                    "This mail has no Message-ID, so no mail client can find it. "
                    "Set a webmail address for the account in Settings to open mail in the browser.",
                )
            )
            return
        if url.scheme() == "mid" and mid_handler() == "":
            self._cannot_open(
                QCoreApplication.translate(
                    "Detail",
                    "No mail client on this computer opens message links (mid:). Set a webmail "
                    "address for the account in Settings to open mail in the browser.",
                )
            )
            return
        # mid: is deliberately allowed here (not in SafeTextBrowser): the user pressed the button.
        if QDesktopServices.openUrl(url):
            show_status(self.error_label, "")
            self.settings_button.hide()
            return
        if url.scheme() == "mid":
            self._cannot_open(
                QCoreApplication.translate(
                    "Detail",
                    "No mail client took this message. Set a webmail address for the account in "
                    "Settings to open mail in the browser.",
                )
            )
        else:
            self._cannot_open(
                QCoreApplication.translate(
                    "Detail", "The browser could not be started. The webmail address is: {0}"
                ).format(url.toString()),
                settings=False,
            )

    def _cannot_open(self, text: str, settings: bool = True) -> None:
        show_status(self.error_label, text, ERROR_COLOR)
        self.error_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.settings_button.setVisible(settings)

    # -- reply, archive, delete, move -------------------------------------------------------------

    def compose(self, mode: str) -> None:
        item = self.item
        if item is None or item.payload.get("outgoing"):
            return
        from desktop.ui.compose import open_compose  # compose imports detail.common: not at import time

        open_compose(self.app, item, mode, self.window())

    def targets(self) -> list[str]:
        """What Archive and Delete act on: the shown mail, or the rows the window has
        selected (it replaces this method)."""
        return [self.item.id] if self.item is not None else []

    def archive(self) -> None:
        item_ids = self.targets()
        if item_ids:
            self.run_action(lambda: self.app.archive(item_ids))

    def delete(self) -> None:
        item_ids = self.targets()
        if item_ids:
            self.run_action(lambda: self.app.delete(item_ids))

    def choose_folder(self) -> None:
        """ "Move to…": the account's folders (fetched once, then cached) in a menu."""
        item = self.item
        if item is None:
            return
        account = str(item.payload.get("account") or item.source.removeprefix("mail:"))
        app = self.app
        button = self.action_buttons["move"]
        button.setEnabled(False)
        run_in_background(
            lambda: app.folders(account),
            lambda names: self._offer_folders(item, names),
            self._folders_failed,
        )

    def _offer_folders(self, item: Item, names: list[str]) -> None:
        self.action_buttons["move"].setEnabled(True)
        if self.item is None or self.item.id != item.id:
            return
        here = str(item.payload.get("folder") or "")
        menu = QMenu(self)
        menu.setAccessibleName(QCoreApplication.translate("Detail", "Move to…"))
        for name in names:
            if name != here:
                menu.addAction(name).setData(name)
        self.folder_menu = menu  # kept for tests and for the list helper
        button = self.action_buttons["move"]
        where = (
            button.mapToGlobal(QPoint(0, button.height()))
            if button.isVisible()
            else self.mapToGlobal(QPoint())
        )
        chosen = menu.exec(where)
        if chosen is not None and chosen.data():
            self.move_to(str(chosen.data()))

    def move_to(self, folder: str) -> None:
        if self.item is not None:
            item_id = self.item.id
            self.run_action(lambda: self.app.move([item_id], folder))

    def _folders_failed(self, exc: BaseException) -> None:
        self.action_buttons["move"].setEnabled(True)
        show_status(
            self.error_label,
            QCoreApplication.translate("Detail", "The folders could not be listed: {0}").format(exc),
            ERROR_COLOR,
        )
