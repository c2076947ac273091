"""Pieces every detail view shares: a browser that never fetches, headers, inline errors."""

from __future__ import annotations

import base64
import html
import logging
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import unquote_to_bytes

from PySide6.QtCore import QCoreApplication, Qt, QUrl, Signal
from PySide6.QtGui import QColor, QDesktopServices, QFont, QImage, QPalette, QTextDocument
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from desktop.app.facade import ActionError, AppFacade
from desktop.core.item import Item

log = logging.getLogger(__name__)

#: Schemes a click may hand to the system; anything else (file:, javascript:, smb:) is ignored.
SAFE_SCHEMES = ("http", "https", "mailto")
ERROR_COLOR = "#D64545"
OK_COLOR = "#2E9E6A"
_URL_RE = re.compile(r"(https?://[^\s<>\"']+[^\s<>\"'.,;:!?)\]}，。；：！？）】])")


def open_external(url: QUrl | str) -> bool:
    """Open a link in the system browser / mail client, only for safe schemes."""
    qurl = QUrl(url) if isinstance(url, str) else url
    if qurl.scheme().lower() not in SAFE_SCHEMES:
        return False
    return QDesktopServices.openUrl(qurl)


def linkify(text: str) -> str:
    """Plain text → HTML with clickable http(s) links and line breaks kept."""
    out: list[str] = []
    pos = 0
    for match in _URL_RE.finditer(text):
        out.append(html.escape(text[pos : match.start()]))
        url = match.group(1)
        out.append(f'<a href="{html.escape(url, quote=True)}">{html.escape(url)}</a>')
        pos = match.end()
    out.append(html.escape(text[pos:]))
    return "".join(out).replace("\n", "<br>")


class SafeTextBrowser(QTextBrowser):
    """Shows HTML without ever loading anything from outside.

    Links do not navigate inside the widget; a click on an http(s)/mailto link
    opens the system browser. ``loadResource`` answers only ``data:`` URLs, so
    remote images, ``file:`` paths and ``cid:`` parts stay blank: no request
    can leave this widget, which is what stops tracking pixels.
    """

    link_clicked = Signal(QUrl)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.document().setDocumentMargin(12)
        self.anchorClicked.connect(self._on_anchor)
        # What the content asked for and did not get (tests, debugging). A set: Qt asks
        # again on every layout because nothing is cached for a refused resource.
        self.blocked: set[str] = set()

    def setHtml(self, text: str) -> None:
        self.blocked.clear()
        super().setHtml(text)

    def _on_anchor(self, url: QUrl) -> None:
        self.link_clicked.emit(url)
        open_external(url)

    def loadResource(self, kind: int, url: QUrl | str) -> Any:
        qurl = QUrl(url) if isinstance(url, str) else url
        if qurl.scheme().lower() == "data":
            return _decode_data_url(qurl.toString())
        self.blocked.add(qurl.toString())
        if kind == QTextDocument.ResourceType.ImageResource:
            # Nothing instead of Qt's broken-image icon: the note above says what was blocked.
            blank = QImage(1, 1, QImage.Format.Format_ARGB32)
            blank.fill(Qt.GlobalColor.transparent)
            return blank
        return None


def _decode_data_url(url: str) -> bytes | None:
    """RFC 2397: data:[<mediatype>][;base64],<data>"""
    header, sep, data = url.partition(",")
    if not sep:
        return None
    try:
        if header.endswith(";base64"):
            return base64.b64decode(data, validate=False)
        return unquote_to_bytes(data)
    except ValueError:
        return None


def heading_label(text: str = "", scale: float = 1.35) -> QLabel:
    label = QLabel(text)
    font = QFont(label.font())
    font.setPointSizeF(max(font.pointSizeF(), 9.0) * scale)
    font.setWeight(QFont.Weight.DemiBold)
    label.setFont(font)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
    return label


def dim_label(text: str = "") -> QLabel:
    label = QLabel(text)
    pal = label.palette()
    color = QColor(pal.color(QPalette.ColorRole.WindowText))
    color.setAlphaF(0.65)
    pal.setColor(QPalette.ColorRole.WindowText, color)
    label.setPalette(pal)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def status_label() -> QLabel:
    """An inline message line: errors and confirmations, never a modal box."""
    label = QLabel()
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.hide()
    return label


def show_status(label: QLabel, text: str, color: str = "") -> None:
    label.setText(text)
    label.setStyleSheet(f"color: {color};" if color else "")
    label.setVisible(bool(text))


def separator() -> QFrame:
    line = QFrame()
    line.setFrameShape(QFrame.Shape.HLine)
    line.setFrameShadow(QFrame.Shadow.Sunken)
    return line


class DetailView(QWidget):
    """Base for the per-kind views. The pane calls show_item / refresh / items_arrived."""

    #: the user asked to open the settings (e.g. from a mail "set up webmail" hint)
    settings_requested = Signal()

    def __init__(self, app: AppFacade, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.app = app
        self.item: Item | None = None
        self.read_button = QPushButton()
        self.read_button.clicked.connect(self._toggle_read)
        self._update_read_button()  # a name for screen readers before the first item
        self.error_label = status_label()
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(18, 16, 18, 14)
        self._layout.setSpacing(8)

    # -- overridables ----------------------------------------------------------------------

    def show_item(self, item: Item) -> None:
        self.item = item
        show_status(self.error_label, "")
        self._update_read_button()

    def refresh(self, item: Item) -> None:
        """The shown item changed in the store (read elsewhere, approval resolved)."""
        self.item = item
        self._update_read_button()

    def items_arrived(self, items: list[Item]) -> None:
        """New items anywhere; views that show a thread pick theirs."""

    # -- shared ------------------------------------------------------------------------------

    def _update_read_button(self) -> None:
        unread = self.item is not None and self.item.unread
        self.read_button.setText(
            QCoreApplication.translate("Detail", "Mark as read")
            if unread
            else QCoreApplication.translate("Detail", "Mark as unread")
        )

    def _toggle_read(self) -> None:
        if self.item is None:
            return
        self.run_action(lambda: self.app.mark_read(self.item.id, read=self.item.unread))  # type: ignore[union-attr]

    def run_action(self, action: Callable[[], Any]) -> Any:
        """Run a user action; its failure becomes an inline message, never a crash."""
        try:
            result = action()
        except ActionError as exc:
            show_status(self.error_label, str(exc), ERROR_COLOR)
            return None
        except Exception as exc:
            # A bug below the UI must not take the window down; it is logged with its trace.
            log.exception("action failed")
            show_status(
                self.error_label,
                QCoreApplication.translate("Detail", "Something went wrong: {0}").format(exc),
                ERROR_COLOR,
            )
            return None
        show_status(self.error_label, "")
        return result

    def button_row(self, *widgets: QWidget) -> QHBoxLayout:
        row = QHBoxLayout()
        row.setSpacing(8)
        for w in widgets:
            row.addWidget(w)
        row.addStretch(1)
        return row
