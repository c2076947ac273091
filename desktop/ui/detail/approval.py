"""Approval detail: the request, its fields, and Approve / Reject with a comment.

After deciding, the item carries ``pending_decision`` until the gateway
confirms with ``approval.resolved`` (state approved / rejected / withdrawn and
a ``resolution``) or reports a ``last_error``; the status line follows it.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QWidget,
)

from desktop.app.facade import AppFacade
from desktop.core.item import Item, Urgency
from desktop.ui.detail.common import (
    ERROR_COLOR,
    OK_COLOR,
    DetailView,
    dim_label,
    heading_label,
    open_external,
    separator,
    show_status,
    status_label,
)
from desktop.ui.formatting import full_time

WAIT_COLOR = "#D9822B"


def parse_deadline(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def details(item: Item, key: str) -> dict[str, Any]:
    """The kind's own object (payload["approval"] / ["task"] / ...), over the flat payload."""
    nested = item.payload.get(key)
    merged = dict(item.payload)
    if isinstance(nested, dict):
        merged.update(nested)
    return merged


def decision_status(item: Item) -> tuple[str, str]:
    """(text, colour) of the decision line for the item's current state.

    The gateway source clears ``pending_decision`` when it hears back and sets
    ``last_error`` when the decision was refused (with the real final state when
    someone decided first).
    """
    p = item.payload
    resolution = p.get("resolution") if isinstance(p.get("resolution"), dict) else {}
    by = resolution.get("by", {}) if isinstance(resolution.get("by"), dict) else {}
    who = by.get("name") or by.get("id") or ""
    pending = p.get("pending_decision") or ""
    error = p.get("last_error") or ""
    comment = resolution.get("comment", "")
    state = item.state or "pending"
    if state != "pending":
        if state == "approved":
            text = (
                QCoreApplication.translate("Detail", "Approved by {0}").format(who)
                if who
                else QCoreApplication.translate("Detail", "Approved")
            )
        elif state == "rejected":
            text = (
                QCoreApplication.translate("Detail", "Rejected by {0}").format(who)
                if who
                else QCoreApplication.translate("Detail", "Rejected")
            )
        elif state == "withdrawn":
            text = QCoreApplication.translate("Detail", "Withdrawn by the requester")
        else:
            text = QCoreApplication.translate("Detail", "Decided")
        mine = {"approved": "approve", "rejected": "reject"}.get(state)
        if error or (pending and pending != mine):
            text = QCoreApplication.translate("Detail", "Already decided elsewhere: {0}").format(text)
            if error:
                text += f" ({error})"
        elif comment:
            text += " — " + comment
        color = OK_COLOR if state == "approved" else (ERROR_COLOR if state == "rejected" else "")
        return text, color
    if error:
        return QCoreApplication.translate("Detail", "The decision was not accepted: {0}").format(
            error
        ), ERROR_COLOR
    if pending:
        verb = (
            QCoreApplication.translate("Detail", "approval")
            if pending == "approve"
            else QCoreApplication.translate("Detail", "rejection")
        )
        return QCoreApplication.translate("Detail", "Sent — waiting for confirmation of your {0}…").format(
            verb
        ), WAIT_COLOR
    return "", ""


class ApprovalView(DetailView):
    def __init__(self, app: AppFacade, parent: QWidget | None = None) -> None:
        super().__init__(app, parent)
        #: asks "really reject?" and calls ``proceed`` on yes; replaced in tests
        self.confirm_reject: Callable[[str, Callable[[], None]], None] = self._ask_reject
        self._reject_box: QMessageBox | None = None

        self.title = heading_label()
        self.requester = dim_label()
        self.deadline = QLabel()
        self.urgency = QLabel()
        self.urgency.setStyleSheet(f"color: {ERROR_COLOR}; font-weight: 600;")
        self.link = QLabel()
        self.link.setTextFormat(Qt.TextFormat.RichText)
        self.link.setOpenExternalLinks(False)
        self.link.linkActivated.connect(open_external)
        for w in (self.title, self.requester, self.urgency, self.deadline, self.link):
            self._layout.addWidget(w)

        # A form of label/value pairs: the request's own fields, read-only and selectable.
        self.fields = QWidget()
        self.fields_grid = QGridLayout(self.fields)
        self.fields_grid.setContentsMargins(0, 6, 0, 6)
        self.fields_grid.setHorizontalSpacing(14)
        self.fields_grid.setVerticalSpacing(6)
        self.fields_grid.setColumnStretch(1, 1)
        scroll = QScrollArea()
        scroll.setWidget(self.fields)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._layout.addWidget(scroll, 1)
        self._layout.addWidget(separator())

        self.status = status_label()
        self._layout.addWidget(self.status)
        self.comment = QPlainTextEdit()
        self.comment.setAccessibleName(QCoreApplication.translate("Detail", "Comment"))
        self.comment.setPlaceholderText(QCoreApplication.translate("Detail", "Comment (optional)"))
        self.comment.setTabChangesFocus(True)
        self.comment.setFixedHeight(self.comment.fontMetrics().lineSpacing() * 3 + 16)
        self._layout.addWidget(self.comment)
        self.approve_button = QPushButton(QCoreApplication.translate("Detail", "Approve"))
        self.reject_button = QPushButton(QCoreApplication.translate("Detail", "Reject"))
        self.approve_button.clicked.connect(lambda: self.decide(True))
        self.reject_button.clicked.connect(lambda: self.decide(False))
        self._layout.addLayout(self.button_row(self.approve_button, self.reject_button, self.read_button))
        self._layout.addWidget(self.error_label)

    def show_item(self, item: Item) -> None:
        if self.item is None or item.id != self.item.id:
            self.comment.clear()
        super().show_item(item)
        self._render()

    def refresh(self, item: Item) -> None:
        super().refresh(item)
        self._render()

    def _render(self) -> None:
        item = self.item
        if item is None:
            return
        p = details(item, "approval")
        self.title.setText(item.title)
        requester = p.get("requester", {}) if isinstance(p.get("requester"), dict) else {}
        who = requester.get("name") or item.sender
        self.requester.setText(
            QCoreApplication.translate("Detail", "Requested by {0} · {1}").format(who, full_time(item.time))
        )
        self.urgency.setText(QCoreApplication.translate("Detail", "Urgent"))
        self.urgency.setVisible(item.urgency is Urgency.URGENT)
        deadline = parse_deadline(p.get("deadline"))
        if deadline is None:
            self.deadline.hide()
        else:
            overdue = deadline < datetime.now(UTC) and item.state in ("", "pending")
            text = QCoreApplication.translate("Detail", "Deadline: {0}").format(full_time(deadline))
            if overdue:
                text += " — " + QCoreApplication.translate("Detail", "overdue")
            self.deadline.setText(text)
            self.deadline.setStyleSheet(f"color: {ERROR_COLOR};" if overdue else "")
            self.deadline.show()
        fields = [f for f in p.get("fields", []) if isinstance(f, dict)]
        self.set_fields([(str(f.get("label", "")), str(f.get("value", ""))) for f in fields])
        url = p.get("url", "")
        if isinstance(url, str) and url:
            # Translated outside the f-string: lupdate does not look inside one.
            label = QCoreApplication.translate("Detail", "Open in OA")
            self.link.setText(f'<a href="{html.escape(url, quote=True)}">{html.escape(label)}</a>')
            self.link.show()
        else:
            self.link.hide()
        text, color = decision_status(item)
        show_status(self.status, text, color)
        can_decide = item.state in ("", "pending") and (
            not p.get("pending_decision") or bool(p.get("last_error"))
        )
        for w in (self.approve_button, self.reject_button, self.comment):
            w.setEnabled(can_decide)
        self.comment.setVisible(item.state in ("", "pending"))

    def set_fields(self, fields: list[tuple[str, str]]) -> None:
        while self.fields_grid.count():
            child = self.fields_grid.takeAt(0).widget()
            if child is not None:
                child.deleteLater()
        for row, (label, value) in enumerate(fields):
            name = dim_label(label)
            name.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
            name.setWordWrap(False)
            text = QLabel(value)
            text.setWordWrap(True)
            text.setTextFormat(Qt.TextFormat.PlainText)
            text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.fields_grid.addWidget(name, row, 0)
            self.fields_grid.addWidget(text, row, 1)
        self.fields_grid.setRowStretch(len(fields), 1)
        self.field_values = [value for _label, value in fields]

    def _ask_reject(self, comment: str, proceed: Callable[[], None]) -> None:
        # open(), not exec(): a nested event loop would re-enter qasync's task runner.
        text = QCoreApplication.translate("Detail", "Reject “{0}”?").format(
            self.item.title if self.item else ""
        )
        detail = (
            QCoreApplication.translate("Detail", "Comment: {0}").format(comment)
            if comment
            else QCoreApplication.translate("Detail", "No comment will be sent.")
        )
        box = QMessageBox(
            QMessageBox.Icon.Question,
            QCoreApplication.translate("Detail", "Reject request"),
            text,
            parent=self,
        )
        box.setInformativeText(detail)
        reject = box.addButton(
            QCoreApplication.translate("Detail", "Reject"), QMessageBox.ButtonRole.DestructiveRole
        )
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.setWindowModality(Qt.WindowModality.WindowModal)

        def finished(_result: int) -> None:
            self._reject_box = None
            box.deleteLater()
            if box.clickedButton() is reject:
                proceed()

        box.finished.connect(finished)
        self._reject_box = box
        box.open()

    def decide(self, approve: bool) -> None:
        if self.item is None:
            return
        comment = self.comment.toPlainText().strip()
        item_id = self.item.id
        if approve:
            self._send(item_id, True, comment)
        else:
            self.confirm_reject(comment, lambda: self._send(item_id, False, comment))

    def _send(self, item_id: str, approve: bool, comment: str) -> None:
        entry = self.run_action(lambda: self.app.decide(item_id, approve, comment))
        if entry is not None:
            fresh = self.app.inbox.get(item_id)
            if fresh is not None and self.item is not None and self.item.id == item_id:
                self.refresh(fresh)
