"""The inbox window: search, All/Unread, the list, the detail pane, a connection banner.

The tray app constructs ``InboxWindow(app, bridge)`` (mail bodies come from
``AppFacade.fetch_body`` unless a ``body_fetcher`` is given),
connects ``settings_requested`` to its settings dialog and calls
``show_item(item_id)`` for a notification click.
"""

from __future__ import annotations

from PySide6.QtCore import (
    QByteArray,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    QSettings,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QCloseEvent, QCursor, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QMainWindow,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop.app.facade import AppFacade
from desktop.core.events import ConnectionState, SourceStatus
from desktop.core.item import Item, Kind
from desktop.ui import icons
from desktop.ui.bridge import Bridge
from desktop.ui.delegate import InboxDelegate
from desktop.ui.detail import BodyFetcher, DetailPane
from desktop.ui.inbox_model import InboxModel, ItemRole

SEARCH_DEBOUNCE_MS = 150
MARK_READ_DELAY_MS = 1000
PROBLEM_STATES = (ConnectionState.OFFLINE, ConnectionState.AUTH_FAILED, ConnectionState.ERROR)


class ConnectionBanner(QFrame):
    """A slim line at the top naming the sources that are not connected, and why."""

    settings_requested = Signal(str)
    retry_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("connectionBanner")
        # Amber tint with the palette's text colour: readable on light and dark themes.
        self.setStyleSheet(
            "#connectionBanner { background: rgba(217, 130, 43, 0.16);"
            " border-bottom: 1px solid rgba(217, 130, 43, 0.45); }"
        )
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 6, 8, 6)
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.retry_button = QPushButton(self.tr("Retry now"))
        self.settings_button = QPushButton(self.tr("Settings…"))
        layout.addWidget(self.label, 1)
        layout.addWidget(self.retry_button)
        layout.addWidget(self.settings_button)
        self.retry_button.clicked.connect(self.retry_requested)
        self.settings_button.clicked.connect(lambda: self.settings_requested.emit(self._settings_source))
        self._statuses: dict[str, SourceStatus] = {}
        self._settings_source = ""
        self.hide()

    def display_name(self, source: str) -> str:
        if source.startswith("mail:"):
            return self.tr("Mail “{0}”").format(source.removeprefix("mail:"))
        if source == "gateway":
            return self.tr("Chat and approvals")
        if source == "store":
            return self.tr("Inbox database")
        return source

    def set_statuses(self, statuses: dict[str, SourceStatus]) -> None:
        self._statuses = dict(statuses)
        self._render()

    def update_status(self, status: SourceStatus) -> None:
        self._statuses[status.source] = status
        self._render()

    def problems(self) -> list[SourceStatus]:
        return [s for s in self._statuses.values() if s.state in PROBLEM_STATES]

    def _render(self) -> None:
        problems = sorted(self.problems(), key=lambda s: s.source)
        if not problems:
            self.hide()
            return
        lines = []
        for status in problems:
            what = {
                ConnectionState.OFFLINE: self.tr("offline, retrying"),
                ConnectionState.AUTH_FAILED: self.tr("sign-in failed"),
                ConnectionState.ERROR: self.tr("stopped"),
            }[status.state]
            line = f"{self.display_name(status.source)}: {what}"
            if status.message:
                line += f" — {status.message}"
            lines.append(line)
        self.label.setText("\n".join(lines))
        needs_settings = [s for s in problems if s.state is not ConnectionState.OFFLINE]
        self._settings_source = needs_settings[0].source if needs_settings else ""
        self.settings_button.setVisible(bool(needs_settings))
        self.retry_button.setVisible(any(s.state is ConnectionState.OFFLINE for s in problems))
        self.show()


class SearchEdit(QLineEdit):
    """Esc clears the search (then leaves it), as in mail clients."""

    escaped = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.escaped.emit()
            event.accept()
            return
        super().keyPressEvent(event)


class InboxWindow(QMainWindow):
    #: open the settings dialog; the argument is the source to focus ("mail:work") or ""
    settings_requested = Signal(str)

    def __init__(
        self,
        app: AppFacade,
        bridge: Bridge,
        body_fetcher: BodyFetcher | None = None,
        ui_state: QSettings | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.app = app
        self.bridge = bridge
        self._ui_state = ui_state
        self._updating = False  # model changes in flight: selection churn is not the user's
        self.setWindowTitle(self.tr("Tidings"))
        self.setWindowIcon(icons.app_icon())
        self.resize(1080, 700)

        # Bridge → model is routed through us so the selection survives a conversation's
        # row being replaced by its newest message.
        self.model = InboxModel(app.inbox, None, parent=self)
        bridge.items_added.connect(self._on_items_added)
        bridge.items_changed.connect(self._on_items_changed)
        bridge.items_removed.connect(self._on_items_removed)
        bridge.status_changed.connect(self._on_status_changed)

        # -- top bar
        self.search = SearchEdit()
        self.search.setPlaceholderText(self.tr("Search (Ctrl+F)"))
        self.search.setClearButtonEnabled(True)
        self.search.setObjectName("search")
        self.all_button = QToolButton()
        self.all_button.setText(self.tr("All"))
        self.unread_button = QToolButton()
        self.unread_button.setText(self.tr("Unread"))
        self.filter_group = QButtonGroup(self)
        for button in (self.all_button, self.unread_button):
            button.setCheckable(True)
            button.setAutoRaise(True)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            self.filter_group.addButton(button)
        self.all_button.setChecked(True)
        self.settings_button = QToolButton()
        self.settings_button.setText(self.tr("Settings…"))
        self.settings_button.setAutoRaise(True)
        self.settings_button.clicked.connect(lambda: self.settings_requested.emit(""))
        top = QHBoxLayout()
        top.setContentsMargins(10, 8, 10, 8)
        top.setSpacing(6)
        top.addWidget(self.search, 1)
        top.addWidget(self.all_button)
        top.addWidget(self.unread_button)
        top.addSpacing(8)
        top.addWidget(self.settings_button)

        self.banner = ConnectionBanner()
        self.banner.settings_requested.connect(self.settings_requested)
        self.banner.retry_requested.connect(lambda: self.app.reconnect())

        # -- list
        self.list = QListView()
        self.list.setObjectName("inboxList")
        self.list.setModel(self.model)
        self.list.setItemDelegate(InboxDelegate(self.list, user=app.gateway_user))
        self.list.setUniformItemSizes(True)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setFrameShape(QFrame.Shape.NoFrame)
        self.list.setMouseTracking(True)
        self.list.setMinimumWidth(300)
        self.list.selectionModel().currentChanged.connect(self._on_current_changed)
        self.list.activated.connect(self._on_activated)

        self.empty = QLabel()
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.empty.setTextFormat(Qt.TextFormat.PlainText)
        self.empty.setEnabled(False)  # the disabled palette: a calm, greyed message
        self.empty_settings = QPushButton(self.tr("Open Settings"))
        self.empty_settings.clicked.connect(lambda: self.settings_requested.emit(""))
        empty_page = QWidget()
        empty_layout = QVBoxLayout(empty_page)
        empty_layout.addStretch(1)
        empty_layout.addWidget(self.empty)
        empty_layout.addWidget(self.empty_settings, 0, Qt.AlignmentFlag.AlignHCenter)
        empty_layout.addStretch(2)
        self.list_stack = QStackedWidget()
        self.list_stack.addWidget(self.list)
        self.list_stack.addWidget(empty_page)
        self._empty_page = empty_page

        # No fetcher given: the real one (IMAP, on a worker thread); tests pass a fake.
        self.detail = DetailPane(app, bridge, body_fetcher or app.fetch_body)
        self.detail.settings_requested.connect(lambda: self.settings_requested.emit(""))

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.list_stack)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setSizes([420, 660])
        self.splitter.setChildrenCollapsible(False)

        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addLayout(top)
        layout.addWidget(self.banner)
        layout.addWidget(self.splitter, 1)
        self.setCentralWidget(central)
        self.count_label = QLabel()
        self.count_label.setContentsMargins(0, 0, 10, 0)
        self.statusBar().addPermanentWidget(self.count_label)
        self.statusBar().setSizeGripEnabled(False)

        # -- timers and shortcuts
        self._search_timer = QTimer(self, singleShot=True, interval=SEARCH_DEBOUNCE_MS)
        self._search_timer.timeout.connect(self._apply_filter)
        self.search.textChanged.connect(lambda _text: self._search_timer.start())
        self.filter_group.buttonToggled.connect(lambda _b, _on: self._apply_filter())
        self._read_timer = QTimer(self, singleShot=True, interval=MARK_READ_DELAY_MS)
        self._read_timer.timeout.connect(self._mark_current_read)
        find = QShortcut(QKeySequence("Ctrl+F"), self)
        find.activated.connect(self.focus_search)
        self.search.escaped.connect(self.clear_search)

        self.banner.set_statuses(app.statuses())
        self.model.reloaded.connect(self._update_empty_state)
        self.model.rowsInserted.connect(self._update_empty_state)
        self.model.rowsRemoved.connect(self._update_empty_state)
        # New items must not slide the rows away from under the user's pointer.
        self._anchor: tuple[QPersistentModelIndex, int] | None = None
        self.model.rowsAboutToBeInserted.connect(self._remember_rows_under_pointer)
        self.model.rowsInserted.connect(self._keep_rows_under_pointer)
        self.model.rowsAboutToBeRemoved.connect(self._remember_rows_under_pointer)
        self.model.rowsRemoved.connect(self._keep_rows_under_pointer)
        self.model.reload()
        self._restore_state()

    # -- public API ------------------------------------------------------------------------

    def show_item(self, item_id: str) -> bool:
        """Bring the window up with exactly this item selected (notification click-through)."""
        self.show()
        if self.isMinimized():
            self.showNormal()
        self.raise_()
        self.activateWindow()
        row = self.model.row_of(item_id)
        if row is None and (self.model.query or self.model.unread_only):
            # The filter hides it: drop the filter rather than fail the click.
            self._set_filter_widgets("", unread_only=False)
            self.model.set_filter("", unread_only=False)
            row = self.model.row_of(item_id)
        if row is None:
            self.list.clearSelection()
            self.detail.clear(self.tr("This item is gone: it was deleted or moved at its source."))
            return False
        self.select_row(row)
        return True

    def select_row(self, row: int) -> None:
        index = self.model.index(row, 0)
        self.list.selectionModel().setCurrentIndex(index, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        self.list.scrollTo(index, QAbstractItemView.ScrollHint.EnsureVisible)

    def current_item(self) -> Item | None:
        return self.detail.current_item

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def clear_search(self) -> None:
        if self.search.text():
            self.search.clear()
            self._apply_filter()
        else:
            self.list.setFocus()

    # -- filtering and empty states -------------------------------------------------------

    def _set_filter_widgets(self, query: str, unread_only: bool) -> None:
        for w in (self.search, self.filter_group):
            w.blockSignals(True)
        self.search.setText(query)
        (self.unread_button if unread_only else self.all_button).setChecked(True)
        for w in (self.search, self.filter_group):
            w.blockSignals(False)

    def _apply_filter(self) -> None:
        self._search_timer.stop()
        keep = self.detail.current_item
        self._updating = True
        try:
            self.model.set_filter(self.search.text(), self.unread_button.isChecked())
        finally:
            self._updating = False
        # Keep the open item selected if it is still in the list; never load pages to find it.
        row = self.model.loaded_row(keep.id) if keep is not None else None
        if row is not None:
            self._select_quietly(row)

    def _pointer_position(self) -> QPoint | None:
        """Where the pointer rests on the list, or None when it is elsewhere.

        By position, not underMouse(): a tooltip popping up over the list counts as
        leaving it (seen under Xvfb)."""
        viewport = self.list.viewport()
        at = viewport.mapFromGlobal(QCursor.pos())
        return at if self.isVisible() and viewport.rect().contains(at) else None

    def _remember_rows_under_pointer(self, _parent: QModelIndex, _first: int, _last: int) -> None:
        # Rows are of uniform height, so the row under the pointer is arithmetic: asking
        # the view (indexAt) while the model is changing is not reliable.
        self._anchor = None
        at = self._pointer_position()
        height = self.list.sizeHintForRow(0) if self.model.rowCount() else 0
        if at is None or height <= 0:
            return
        offset = self.list.verticalScrollBar().value()
        row = min((offset + at.y()) // height, self.model.rowCount() - 1)
        self._anchor = (QPersistentModelIndex(self.model.index(row, 0)), row * height - offset)

    def _keep_rows_under_pointer(self, *_args: object) -> None:
        """Scroll by what was inserted or removed above the row under the pointer, so it
        stays there (seen in the demo: a new chat line moved the list and a click hit the
        wrong item). New items still show in the unread count and as notifications."""
        anchor, self._anchor = self._anchor, None
        if anchor is None or not anchor[0].isValid():
            return  # no pointer on the list, or its row itself went away
        self.list.doItemsLayout()  # so the scroll range already includes the change
        bar = self.list.verticalScrollBar()
        top_now = anchor[0].row() * self.list.sizeHintForRow(0) - bar.value()
        if top_now != anchor[1]:
            bar.setValue(bar.value() + top_now - anchor[1])

    def _has_sources(self) -> bool:
        settings = self.app.settings
        return bool(settings.mail) or settings.gateway.enabled

    def _update_empty_state(self, *_args: object) -> None:
        empty = self.model.rowCount() == 0
        if empty:
            if self.model.query:
                text = self.tr("Nothing matches “{0}”.").format(self.model.query)
            elif self.model.unread_only:
                text = self.tr("All caught up: nothing unread.")
            elif not self._has_sources():
                text = self.tr("No accounts yet — add one in Settings.")
            else:
                text = self.tr("Your inbox is empty. New mail, messages and requests will appear here.")
            self.empty.setText(text)
            self.empty_settings.setVisible(not self._has_sources() and not self.model.query)
        self.list_stack.setCurrentWidget(self._empty_page if empty else self.list)
        self._update_counts()

    def _update_counts(self) -> None:
        unread = self.app.inbox.unread_count()
        self.count_label.setText(
            self.tr("{0} unread").format(unread) if unread else self.tr("No unread items")
        )

    # -- selection and reading ----------------------------------------------------------------

    def _on_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if self._updating:
            return
        item: Item | None = current.data(ItemRole) if current.isValid() else None
        self.detail.show_item(item)
        self._read_timer.stop()
        if item is not None and item.unread:
            self._read_timer.start()

    def _mark_current_read(self) -> None:
        item = self.detail.current_item
        if item is None or not item.unread:
            return
        fresh = self.app.inbox.get(item.id)
        if fresh is not None and fresh.unread:
            view = self.detail.current_view
            if view is not None:
                view.run_action(lambda: self.app.mark_read(fresh.id))

    def _on_activated(self, index: QModelIndex) -> None:
        """Enter / double-click: open the item — read it now and move into the detail pane."""
        self._read_timer.stop()
        item: Item | None = index.data(ItemRole)
        if item is None:
            return
        if self.detail.current_item is None or self.detail.current_item.id != item.id:
            self.detail.show_item(item)
        self._mark_current_read()
        if item.kind is Kind.CHAT:
            self.detail.chat.reply_box.setFocus()
        elif item.kind is Kind.APPROVAL and self.detail.approval.comment.isEnabled():
            self.detail.approval.comment.setFocus()
        elif item.kind is Kind.MAIL:
            self.detail.mail.browser.setFocus()

    def _select_quietly(self, row: int) -> None:
        self._updating = True
        try:
            index = self.model.index(row, 0)
            self.list.selectionModel().setCurrentIndex(
                index, QItemSelectionModel.SelectionFlag.ClearAndSelect
            )
        finally:
            self._updating = False

    def _reconcile_selection(self) -> None:
        """After a live change, keep the open item (or its conversation's newest row) selected."""
        current = self.detail.current_item
        if current is None:
            return
        # row_of follows a chat message to its conversation's current row.
        row = self.model.row_of(current.id)
        if row is None:
            self.list.selectionModel().clearSelection()
            return
        selected = self.list.currentIndex()
        if not selected.isValid() or selected.row() != row:
            self._select_quietly(row)

    # -- bridge -----------------------------------------------------------------------------

    def _on_items_added(self, items: list[Item], quiet: bool = False) -> None:
        self._updating = True
        try:
            self.model.on_items_added(items, quiet)
        finally:
            self._updating = False
        self._reconcile_selection()
        current = self.detail.current_item
        if (
            current is not None
            and current.kind is Kind.CHAT
            and self.isActiveWindow()
            and any(i.thread_key == current.thread_key and i.unread for i in items)
        ):
            self._read_timer.start()  # a message arriving in the open conversation is being read
        self._update_counts()

    def _on_items_changed(self, items: list[Item]) -> None:
        self.model.on_items_changed(items)
        self._update_counts()

    def _on_items_removed(self, item_ids: list[str]) -> None:
        self._updating = True
        try:
            self.model.on_items_removed(item_ids)
        finally:
            self._updating = False
        self._reconcile_selection()
        self._update_counts()

    def _on_status_changed(self, status: SourceStatus) -> None:
        self.banner.update_status(status)

    # -- window state -------------------------------------------------------------------------

    def _restore_state(self) -> None:
        if self._ui_state is None:
            return
        geometry = self._ui_state.value("inbox/geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        splitter = self._ui_state.value("inbox/splitter")
        if isinstance(splitter, QByteArray):
            self.splitter.restoreState(splitter)

    def closeEvent(self, event: QCloseEvent) -> None:
        # Closing hides to the tray (the app lives there); remember the layout.
        self._read_timer.stop()
        if self._ui_state is not None:
            self._ui_state.setValue("inbox/geometry", self.saveGeometry())
            self._ui_state.setValue("inbox/splitter", self.splitter.saveState())
        super().closeEvent(event)

    def sizeHint(self) -> QSize:
        return QSize(1080, 700)
