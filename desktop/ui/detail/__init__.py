"""The detail pane: one view per kind, kept current by the Bridge."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import QStackedWidget, QWidget

from desktop.app.facade import AppFacade
from desktop.core.item import Item, Kind
from desktop.ui.bridge import Bridge
from desktop.ui.detail.approval import ApprovalView
from desktop.ui.detail.chat import ChatView
from desktop.ui.detail.common import DetailView, dim_label
from desktop.ui.detail.mail import BodyFetcher, MailBody, MailView
from desktop.ui.detail.notice import NoticeView

__all__ = ["BodyFetcher", "DetailPane", "MailBody"]


class DetailPane(QStackedWidget):
    settings_requested = Signal()

    def __init__(
        self,
        app: AppFacade,
        bridge: Bridge,
        body_fetcher: BodyFetcher | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.app = app
        self.placeholder = dim_label(QCoreApplication.translate("Detail", "Select an item to read it."))
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.addWidget(self.placeholder)
        self.mail = MailView(app, body_fetcher)
        self.chat = ChatView(app)
        self.approval = ApprovalView(app)
        self.notice = NoticeView(app)
        self._views: dict[Kind, DetailView] = {
            Kind.MAIL: self.mail,
            Kind.CHAT: self.chat,
            Kind.APPROVAL: self.approval,
            Kind.TASK: self.notice,
            Kind.ANNOUNCEMENT: self.notice,
        }
        for view in (self.mail, self.chat, self.approval, self.notice):
            self.addWidget(view)
            view.settings_requested.connect(self.settings_requested)
        bridge.items_added.connect(self._on_added)
        bridge.items_changed.connect(self._on_changed)
        bridge.items_removed.connect(self._on_removed)

    @property
    def current_item(self) -> Item | None:
        view = self.currentWidget()
        return view.item if isinstance(view, DetailView) else None

    @property
    def current_view(self) -> DetailView | None:
        view = self.currentWidget()
        return view if isinstance(view, DetailView) else None

    def show_item(self, item: Item | None) -> None:
        if item is None:
            self.clear(QCoreApplication.translate("Detail", "Select an item to read it."))
            return
        view = self._views[item.kind]
        view.show_item(item)
        self.setCurrentWidget(view)

    def clear(self, message: str) -> None:
        self.placeholder.setText(message)
        self.setCurrentWidget(self.placeholder)
        for view in self._views.values():
            view.item = None

    # -- bridge ------------------------------------------------------------------------------

    def _on_added(self, items: list[Item], quiet: bool = False) -> None:
        view = self.current_view
        if view is not None and view.item is not None:
            view.items_arrived(items)

    def _on_changed(self, items: list[Item]) -> None:
        view = self.current_view
        current = self.current_item
        if view is None or current is None:
            return
        for item in items:
            if item.id == current.id:
                view.refresh(item)
                return
        if view is self.chat and any(i.thread_key == current.thread_key for i in items):
            self.chat.render_history()

    def _on_removed(self, item_ids: list[str]) -> None:
        current = self.current_item
        if current is not None and current.id in item_ids:
            self.clear(
                QCoreApplication.translate(
                    "Detail", "This item is gone: it was deleted or moved at its source."
                )
            )
