"""Task and announcement detail: title, plain text with clickable links, due date, "Open"."""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QLabel, QPushButton, QWidget

from desktop.app.facade import AppFacade
from desktop.core.item import Item, Kind, Urgency
from desktop.ui.detail.approval import details, parse_deadline
from desktop.ui.detail.common import (
    ERROR_COLOR,
    DetailView,
    SafeTextBrowser,
    dim_label,
    heading_label,
    linkify,
    open_external,
    separator,
)
from desktop.ui.formatting import full_time


class NoticeView(DetailView):
    def __init__(self, app: AppFacade, parent: QWidget | None = None) -> None:
        super().__init__(app, parent)
        self.title = heading_label()
        self.meta = dim_label()
        self.due = QLabel()
        self.urgency = QLabel(QCoreApplication.translate("Detail", "Urgent"))
        self.urgency.setStyleSheet(f"color: {ERROR_COLOR}; font-weight: 600;")
        self.open_button = QPushButton(QCoreApplication.translate("Detail", "Open"))
        self.open_button.clicked.connect(self.open_link)
        for w in (self.title, self.meta, self.urgency, self.due):
            self._layout.addWidget(w)
        self._layout.addLayout(self.button_row(self.open_button, self.read_button))
        self._layout.addWidget(self.error_label)
        self._layout.addWidget(separator())
        self.text = SafeTextBrowser()
        self.text.setAccessibleName(QCoreApplication.translate("Detail", "Details"))
        self._layout.addWidget(self.text, 1)

    def show_item(self, item: Item) -> None:
        super().show_item(item)
        p = details(item, str(item.kind))
        self.title.setText(item.title)
        when = full_time(item.time)
        if item.kind is Kind.TASK:
            project = str(p.get("project") or item.sender)
            self.meta.setText(
                QCoreApplication.translate("Detail", "Task in {0} · {1}").format(project, when)
                if project
                else when
            )
        else:
            self.meta.setText(
                QCoreApplication.translate("Detail", "Announcement from {0} · {1}").format(item.sender, when)
                if item.sender
                else when
            )
        self.urgency.setVisible(item.urgency is Urgency.URGENT)
        due = parse_deadline(p.get("due"))
        if due is None:
            self.due.hide()
        else:
            overdue = due < datetime.now(UTC)
            text = QCoreApplication.translate("Detail", "Due: {0}").format(full_time(due)) + (
                " — " + QCoreApplication.translate("Detail", "overdue") if overdue else ""
            )
            self.due.setText(text)
            self.due.setStyleSheet(f"color: {ERROR_COLOR};" if overdue else "")
            self.due.show()
        body = str(p.get("text") or item.preview)
        self.text.setHtml(f"<div>{linkify(body)}</div>")
        self.open_button.setVisible(bool(self.url))

    @property
    def url(self) -> str:
        url = self.item.payload.get("url", "") if self.item is not None else ""
        return url if isinstance(url, str) else ""

    def open_link(self) -> None:
        if self.url:
            open_external(self.url)
