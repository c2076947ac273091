"""Task and announcement detail: title, plain text with clickable links, due date, "Open";
a task also has "Complete", and a status line that follows it (waiting for the gateway,
completed, or the reason it was refused)."""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QLabel, QPushButton, QWidget

from desktop.app.facade import AppFacade
from desktop.core.item import Item, Kind, Urgency
from desktop.ui.detail.approval import WAIT_COLOR, details, parse_deadline
from desktop.ui.detail.common import (
    ERROR_COLOR,
    OK_COLOR,
    DetailView,
    SafeTextBrowser,
    dim_label,
    heading_label,
    linkify,
    open_external,
    separator,
    show_status,
    status_label,
)
from desktop.ui.formatting import full_time


def completable(item: Item) -> bool:
    """A task not completed yet, and not waiting for the gateway to confirm its completion."""
    return item.kind is Kind.TASK and item.state != "completed" and not item.payload.get("pending_completion")


def completion_status(item: Item) -> tuple[str, str]:
    """(text, colour) of a task's status line."""
    p = item.payload
    completion = p.get("completion")
    by = completion.get("by") if isinstance(completion, dict) else None
    who = str(by.get("name") or by.get("id") or "") if isinstance(by, dict) else ""
    if item.state == "completed":
        if p.get("completed_elsewhere"):
            text = (
                QCoreApplication.translate("Detail", "Already completed by {0}").format(who)
                if who
                else QCoreApplication.translate("Detail", "Already completed elsewhere")
            )
        else:
            text = (
                QCoreApplication.translate("Detail", "Completed by {0}").format(who)
                if who
                else QCoreApplication.translate("Detail", "Completed")
            )
        return text, OK_COLOR
    if p.get("pending_completion"):
        return QCoreApplication.translate("Detail", "Sent — waiting for confirmation…"), WAIT_COLOR
    error = p.get("last_error")
    if error:
        return QCoreApplication.translate("Detail", "The task could not be completed: {0}").format(
            error
        ), ERROR_COLOR
    return "", ""


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
        self.complete_button = QPushButton(QCoreApplication.translate("Detail", "Complete"))
        self.complete_button.setToolTip(QCoreApplication.translate("Detail", "Mark the task done"))
        self.complete_button.clicked.connect(self.complete)
        self.status = status_label()
        for w in (self.title, self.meta, self.urgency, self.due, self.status):
            self._layout.addWidget(w)
        self._layout.addLayout(self.button_row(self.complete_button, self.open_button, self.read_button))
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
        body = str(p.get("text") or item.preview)
        self.text.setHtml(f"<div>{linkify(body)}</div>")
        self.open_button.setVisible(bool(self.url))
        self._render_state()

    def refresh(self, item: Item) -> None:
        super().refresh(item)
        self._render_state()

    def _render_state(self) -> None:
        """What changes when the task is completed: its due line and its completion."""
        if self.item is None:
            return
        due = parse_deadline(details(self.item, str(self.item.kind)).get("due"))
        if due is None:
            self.due.hide()
        else:
            # A completed task is not overdue, whenever it was due.
            overdue = due < datetime.now(UTC) and self.item.state != "completed"
            text = QCoreApplication.translate("Detail", "Due: {0}").format(full_time(due)) + (
                " — " + QCoreApplication.translate("Detail", "overdue") if overdue else ""
            )
            self.due.setText(text)
            self.due.setStyleSheet(f"color: {ERROR_COLOR};" if overdue else "")
            self.due.show()
        self._render_completion()

    def _render_completion(self) -> None:
        item = self.item
        is_task = item is not None and item.kind is Kind.TASK
        self.complete_button.setVisible(is_task)
        if item is None or not is_task:
            show_status(self.status, "")
            return
        self.complete_button.setEnabled(completable(item))
        show_status(self.status, *completion_status(item))

    def complete(self) -> None:
        if self.item is None or not completable(self.item):
            return
        item_id = self.item.id
        if self.run_action(lambda: self.app.complete(item_id)) is not None:
            fresh = self.app.inbox.get(item_id)
            if fresh is not None and self.item is not None and self.item.id == item_id:
                self.refresh(fresh)

    @property
    def url(self) -> str:
        url = self.item.payload.get("url", "") if self.item is not None else ""
        return url if isinstance(url, str) else ""

    def open_link(self) -> None:
        if self.url:
            open_external(self.url)
