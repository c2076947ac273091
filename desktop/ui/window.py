"""The inbox window: search, All/Unread, the list, the detail pane, a connection banner.

The tray app constructs ``InboxWindow(app, bridge)`` (mail bodies come from
``AppFacade.fetch_body`` unless a ``body_fetcher`` is given),
connects ``settings_requested`` to its settings dialog and calls
``show_item(item_id)`` for a notification click.

Every command is a QAction in the menu bar (so its shortcut is shown there) and, for
items, in the list's context menu; they act on all selected rows. Narrower than
``NARROW_WIDTH`` the window shows one pane at a time: the list, then the item with Back.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path

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
from PySide6.QtGui import (
    QAction,
    QActionGroup,
    QCloseEvent,
    QCursor,
    QGuiApplication,
    QKeyEvent,
    QKeySequence,
    QResizeEvent,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QMainWindow,
    QMenu,
    QMessageBox,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop.app import account_login
from desktop.app.facade import ActionError, AppFacade, MarkedRead
from desktop.config import paths
from desktop.core.events import ConnectionState, SourceStatus
from desktop.core.i18n import english_plural
from desktop.core.item import Item, Kind
from desktop.ui import icons
from desktop.ui.background import run_in_background
from desktop.ui.bridge import Bridge
from desktop.ui.delegate import InboxDelegate
from desktop.ui.detail import BodyFetcher, DetailPane
from desktop.ui.detail.notice import completable
from desktop.ui.formatting import full_time
from desktop.ui.inbox_model import InboxModel, ItemRole
from desktop.ui.snooze_menu import SnoozeDialog, choices, when_text
from desktop.ui.status_text import state_text, status_message

SEARCH_DEBOUNCE_MS = 150
MARK_READ_DELAY_MS = 1000
HOLD_UNDER_POINTER_MS = 5000  # longest a new row waits for the pointer to leave a short list
UNDO_MS = 7000  # how long "Mark all read" can be undone before it is delivered
NARROW_WIDTH = 720  # below this the window shows one pane at a time
DEFAULT_SIZE = QSize(1080, 700)
PROBLEM_STATES = (
    ConnectionState.OFFLINE,
    ConnectionState.AUTH_FAILED,
    ConnectionState.SIGN_IN_AGAIN,
    ConnectionState.ERROR,
)


class ConnectionBanner(QFrame):
    """A slim line at the top naming the sources that are not connected, and why."""

    settings_requested = Signal(str)
    retry_requested = Signal()
    #: an OAuth2 mail account's "Sign in again": the source id ("mail:work")
    sign_in_requested = Signal(str)

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
        self.label.setAccessibleName(self.tr("Connection problems"))
        self.retry_button = QPushButton(self.tr("Retry now"))
        self.sign_in_button = QPushButton(self.tr("Sign in…"))
        self.sign_in_button.setAccessibleName(self.tr("Sign in again in the browser"))
        self.settings_button = QPushButton(self.tr("Settings…"))
        self.settings_button.setAccessibleName(self.tr("Open the settings to fix the connection"))
        layout.addWidget(self.label, 1)
        layout.addWidget(self.retry_button)
        layout.addWidget(self.sign_in_button)
        layout.addWidget(self.settings_button)
        self.retry_button.clicked.connect(self.retry_requested)
        self.sign_in_button.clicked.connect(lambda: self.sign_in_requested.emit(self._sign_in_source))
        self.settings_button.clicked.connect(lambda: self.settings_requested.emit(self._settings_source))
        self._statuses: dict[str, SourceStatus] = {}
        self._settings_source = ""
        self._sign_in_source = ""
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
            line = f"{self.display_name(status.source)}: {state_text(status.state)}"
            if status.message:
                line += f" — {status_message(status.message)}"
            lines.append(line)
        self.label.setText("\n".join(lines))
        sign_in = [s for s in problems if s.state is ConnectionState.SIGN_IN_AGAIN]
        self._sign_in_source = sign_in[0].source if sign_in else ""
        self.sign_in_button.setVisible(bool(sign_in))
        needs_settings = [
            s for s in problems if s.state not in (ConnectionState.OFFLINE, ConnectionState.SIGN_IN_AGAIN)
        ]
        self._settings_source = needs_settings[0].source if needs_settings else ""
        self.settings_button.setVisible(bool(needs_settings))
        self.retry_button.setVisible(any(s.state is ConnectionState.OFFLINE for s in problems))
        self.show()


class UndoBar(QFrame):
    """ "Marked 52 items read. [Undo]" for a few seconds after "Mark all read"."""

    undo_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("undoBar")
        self.setStyleSheet(
            "#undoBar { background: rgba(64, 128, 220, 0.14);"
            " border-top: 1px solid rgba(64, 128, 220, 0.40); }"
        )
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 4, 8, 4)
        self.label = QLabel()
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.button = QPushButton(self.tr("Undo"))
        self.button.setToolTip(self.tr("Undo (Ctrl+Z)"))
        self.button.setAccessibleName(self.tr("Undo mark all read"))
        self.button.clicked.connect(self.undo_requested)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.button)
        self.hide()


class BurstBar(QFrame):
    """ "12 items from the notification [Show all unread]" above a burst's list."""

    show_all_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("burstBar")
        self.setStyleSheet(
            "#burstBar { background: rgba(64, 128, 220, 0.10);"
            " border-bottom: 1px solid rgba(64, 128, 220, 0.35); }"
        )
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 4, 8, 4)
        self.label = QLabel()
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setAccessibleName(self.tr("Items of a notification"))
        self.button = QPushButton(self.tr("Show all unread"))
        self.button.setAccessibleName(self.tr("Show all unread items"))
        self.button.clicked.connect(self.show_all_requested)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.button)
        self.hide()


class SearchEdit(QLineEdit):
    """Esc clears the search (then leaves it), as in mail clients; Down moves into the list."""

    escaped = Signal()
    down_pressed = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.escaped.emit()
            event.accept()
            return
        if event.key() == Qt.Key.Key_Down:
            self.down_pressed.emit()
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
        self._marked: MarkedRead | None = None  # the "Mark all read" that can still be undone
        self._narrow = False
        self._placed = False  # geometry checked against the screen on first show
        self.setWindowTitle(self.tr("Tidings"))
        self.setWindowIcon(icons.app_icon())
        self.resize(DEFAULT_SIZE)

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
        for clear in self.search.findChildren(QToolButton):  # the clear button Qt adds
            clear.setAccessibleName(self.tr("Clear search"))
        self.search.setObjectName("search")
        self.search.setAccessibleName(self.tr("Search"))
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
        self.all_button.setAccessibleName(self.tr("Show all items"))
        self.unread_button.setAccessibleName(self.tr("Show unread items only"))
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
        self.banner.sign_in_requested.connect(self.sign_in)

        # -- list
        self.list = QListView()
        self.list.setObjectName("inboxList")
        self.list.setAccessibleName(self.tr("Inbox"))
        self.list.setModel(self.model)
        self.list.setItemDelegate(InboxDelegate(self.list, user=app.gateway_user))
        self.list.setUniformItemSizes(True)
        # Shift/Ctrl-click and Shift+arrows select several rows; the actions take them all.
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.list.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.list.customContextMenuRequested.connect(self._show_context_menu)
        self.list.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setFrameShape(QFrame.Shape.NoFrame)
        self.list.setMouseTracking(True)
        self.list.setMinimumWidth(300)
        self.list.selectionModel().currentChanged.connect(self._on_current_changed)
        self.list.activated.connect(self._on_activated)
        self.list.clicked.connect(self._on_clicked)
        self.list.selectionModel().selectionChanged.connect(lambda *_: self._update_actions())

        self.empty = QLabel()
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.empty.setTextFormat(Qt.TextFormat.PlainText)
        self.empty.setEnabled(False)  # the disabled palette: a calm, greyed message
        self.empty_settings = QPushButton(self.tr("Open Settings"))
        self.empty.setAccessibleName(self.tr("Inbox status"))
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
        # Archive and Delete take every selected mail, not only the one shown.
        self.detail.mail.targets = self._mail_targets  # type: ignore[method-assign]
        # In the one-pane layout the item comes with a way back to the list.
        self.back_button = QToolButton()
        self.back_button.setText(self.tr("← Back"))
        self.back_button.setToolTip(self.tr("Back to the list (Esc)"))
        self.back_button.setAccessibleName(self.tr("Back to the list"))
        self.back_button.setAutoRaise(True)
        self.back_button.clicked.connect(self.show_list_pane)
        self.back_row = QWidget()
        back_layout = QHBoxLayout(self.back_row)
        back_layout.setContentsMargins(6, 2, 6, 0)
        back_layout.addWidget(self.back_button)
        back_layout.addStretch(1)
        self.back_row.hide()
        self.detail_holder = QWidget()
        holder_layout = QVBoxLayout(self.detail_holder)
        holder_layout.setContentsMargins(0, 0, 0, 0)
        holder_layout.setSpacing(0)
        holder_layout.addWidget(self.back_row)
        holder_layout.addWidget(self.detail, 1)

        # Set, not derived from the detail views' layouts: the window must be able to get
        # narrower than NARROW_WIDTH (then it shows one pane) on any screen.
        self.detail_holder.setMinimumWidth(280)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.list_stack)
        self.splitter.addWidget(self.detail_holder)
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
        self.undo_bar = UndoBar()
        self.undo_bar.undo_requested.connect(self.undo)
        layout.addWidget(self.undo_bar)
        self.setCentralWidget(central)
        # While searching: how many rows match, counted after the first page is shown.
        self.result_label = QLabel()
        self.result_label.setAccessibleName(self.tr("Search results"))
        self.result_label.setContentsMargins(0, 0, 10, 0)
        self.statusBar().addPermanentWidget(self.result_label)
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
        self._undo_timer = QTimer(self, singleShot=True, interval=UNDO_MS)
        self._undo_timer.timeout.connect(self._release_marked)
        self.search.escaped.connect(self.clear_search)
        self.search.down_pressed.connect(self.enter_results)
        self._build_actions()
        self._build_menus()

        self.banner.set_statuses(app.statuses())
        self.model.reloaded.connect(self._update_empty_state)
        self.model.counted.connect(self._show_result_count)
        self.model.rowsInserted.connect(self._update_empty_state)
        self.model.rowsRemoved.connect(self._update_empty_state)
        # New items must not slide the rows away from under the user's pointer.
        self._anchor: tuple[QPersistentModelIndex, int] | None = None
        # ...and where scrolling cannot make up for them (the list fits the window), new
        # rows wait while the pointer rests on it (at most HOLD_UNDER_POINTER_MS).
        self._held: list[Item] = []
        self._held_since = 0.0
        self._held_timer = QTimer(self, interval=200)
        self._held_timer.timeout.connect(self._release_held)
        self.model.rowsAboutToBeInserted.connect(self._remember_rows_under_pointer)
        self.model.rowsInserted.connect(self._keep_rows_under_pointer)
        self.model.rowsAboutToBeRemoved.connect(self._remember_rows_under_pointer)
        self.model.rowsRemoved.connect(self._keep_rows_under_pointer)
        self.model.reload()
        self._restore_state()
        self._update_actions()

    # -- public API ------------------------------------------------------------------------

    def _bring_up(self) -> None:
        self.show()
        if self.isMinimized():
            self.showNormal()
        self.raise_()
        self.activateWindow()

    def show_item(self, item_id: str) -> bool:
        """Bring the window up with exactly this item selected (notification click-through)."""
        self._bring_up()
        self._search_timer.stop()  # a search still in its debounce must not move the list after
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
        self.reveal_row(row)
        # The keyboard goes to the list, not the search field (the window's first focus
        # widget), so R, E, J/K act on the item at once, as after Thunderbird's click-through.
        self.list.setFocus(Qt.FocusReason.OtherFocusReason)
        return True

    def show_items(self, item_ids: Sequence[str]) -> bool:
        """Bring the window up listing exactly these items, unread, the first selected (a
        burst's summary was clicked); the filter buttons or "Show all" leave that view."""
        self._bring_up()
        self._search_timer.stop()
        self._set_filter_widgets("", unread_only=True)
        self._updating = True
        try:
            self.model.show_only(item_ids)
        finally:
            self._updating = False
        bar = self._burst_bar()
        count = self.model.rowCount()
        bar.label.setText(english_plural(self.tr("%n item(s) from the notification", "", count), count))
        bar.show()
        if not count:
            self.list.clearSelection()
            self.detail.clear(self.tr("These items were read or removed since the notification."))
            return False
        self.reveal_row(0)
        self.list.setFocus(Qt.FocusReason.OtherFocusReason)
        return True

    def show_all_unread(self) -> None:
        """Leave a burst's view for the whole Unread view."""
        self._set_filter_widgets("", unread_only=True)
        self._apply_filter()

    def _burst_bar(self) -> BurstBar:
        """Made on the first burst shown, above the list."""
        bar = getattr(self, "burst_bar", None)
        if bar is None:
            bar = self.burst_bar = BurstBar()
            bar.show_all_requested.connect(self.show_all_unread)
            layout = self.centralWidget().layout()
            assert isinstance(layout, QVBoxLayout)
            layout.insertWidget(layout.indexOf(self.banner) + 1, bar)
            # Any other filter (All, a search, Show all) ends the burst's view.
            self.model.reloaded.connect(lambda: bar.setVisible(self.model.only is not None))
        return bar

    def select_row(self, row: int) -> None:
        index = self.model.index(row, 0)
        self.list.selectionModel().setCurrentIndex(index, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        self.list.scrollTo(index, QAbstractItemView.ScrollHint.EnsureVisible)

    def reveal_row(self, row: int) -> None:
        """Select ``row`` and bring it to the middle of the list (a notification click): now,
        and once more after the event loop has laid out a window that was just shown or
        resized, whose viewport had its old (or no) size when the row was scrolled to."""
        self.select_row(row)
        self.list.scrollTo(self.model.index(row, 0), QAbstractItemView.ScrollHint.PositionAtCenter)
        target = QPersistentModelIndex(self.model.index(row, 0))

        def again() -> None:
            if target.isValid():
                self.list.scrollTo(
                    self.model.index(target.row(), 0), QAbstractItemView.ScrollHint.EnsureVisible
                )

        QTimer.singleShot(0, self, again)

    def focused_thread(self) -> str:
        """The conversation the user has open and in front, else "" (the notifier skips it)."""
        item = self.detail.current_item
        if (
            item is None
            or item.kind is not Kind.CHAT
            or not self.isVisible()
            or self.isMinimized()
            or not self.isActiveWindow()
            or self.detail_holder.isHidden()
        ):
            return ""
        return item.thread_key

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

    def enter_results(self) -> None:
        """Down in the search field: into the list, at the first result if none is chosen."""
        self._apply_filter()  # a query still in its debounce applies now
        self.list.setFocus(Qt.FocusReason.ShortcutFocusReason)
        if not self.list.currentIndex().isValid() and self.model.rowCount():
            self.select_row(0)

    def selected_items(self) -> list[Item]:
        """The selected rows, top to bottom; the current one if nothing is selected."""
        rows = sorted(index.row() for index in self.list.selectionModel().selectedRows())
        items = [item for item in (self.model.item_at(row) for row in rows) if item is not None]
        if not items and self.detail.current_item is not None:
            items = [self.detail.current_item]
        return items

    # -- commands: menus, context menu, shortcuts -------------------------------------------

    def _action(self, text: str, slot: object, shortcut: str = "", tip: str = "") -> QAction:
        action = QAction(text, self)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        if tip:
            action.setStatusTip(tip)
        action.triggered.connect(lambda _checked=False: slot())  # type: ignore[operator]
        self.addAction(action)  # the window's: shortcuts work wherever the focus is in it
        return action

    def _build_actions(self) -> None:
        # Single letters are safe here: a text field takes typed letters before shortcuts.
        self.open_action = self._action(self.tr("&Open"), self.open_current)
        self.open_action.setShortcuts([QKeySequence(Qt.Key.Key_Return), QKeySequence(Qt.Key.Key_Enter)])
        # Enter opens only from the list: in a reply box or a comment it is typing.
        self.removeAction(self.open_action)
        self.open_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.list.addAction(self.open_action)
        self.toggle_read_action = self._action(self.tr("&Toggle read"), self.toggle_read, "U")
        self.read_action = self._action(self.tr("Mark as &read"), lambda: self.set_read(True))
        self.unread_action = self._action(self.tr("Mark as &unread"), lambda: self.set_read(False))
        self.approve_action = self._action(
            self.tr("&Approve"), lambda: self.decide(True), "Ctrl+Shift+A", self.tr("Approve the request")
        )
        self.reject_action = self._action(
            self.tr("Re&ject…"), lambda: self.decide(False), "Ctrl+Shift+R", self.tr("Reject the request")
        )
        self.complete_action = self._action(
            self.tr("&Complete task"), self.complete_tasks, "Ctrl+Shift+D", self.tr("Mark the task done")
        )
        self.snooze_menu = QMenu(self.tr("&Snooze"), self)
        self.snooze_menu.aboutToShow.connect(self._fill_snooze_menu)
        self.snooze_action = self._action(self.tr("&Snooze"), self.popup_snooze_menu, "B")
        self.snooze_action.setMenu(self.snooze_menu)
        self.next_action = self._action(self.tr("&Next item"), lambda: self.move_current(1), "J")
        self.previous_action = self._action(self.tr("&Previous item"), lambda: self.move_current(-1), "K")
        self.find_action = self._action(self.tr("&Search"), self.focus_search, "Ctrl+F")
        self.view_group = QActionGroup(self)
        self.all_action = self._action(
            self.tr("&All items"), lambda: self.all_button.setChecked(True), "Ctrl+1"
        )
        self.unread_only_action = self._action(
            self.tr("&Unread only"), lambda: self.unread_button.setChecked(True), "Ctrl+2"
        )
        for action in (self.all_action, self.unread_only_action):
            action.setCheckable(True)
            self.view_group.addAction(action)
        self.all_action.setChecked(True)
        self.filter_group.buttonToggled.connect(
            lambda _b, _on: (
                self.unread_only_action if self.unread_button.isChecked() else self.all_action
            ).setChecked(True)
        )
        self.mark_all_action = self._action(
            self.tr("Mark &all read"),
            self.mark_all_read,
            "Shift+C",
            self.tr("Mark every item of this view read"),
        )
        self.undo_action = self._action(self.tr("&Undo"), self.undo, "Ctrl+Z")
        self.back_action = self._action(self.tr("&Back to the list"), self.show_list_pane, "Esc")
        self.settings_action = self._action(self.tr("S&ettings…"), lambda: self.settings_requested.emit(""))
        self.close_action = self._action(self.tr("&Close window"), self.close, "Ctrl+W")

    def _build_menus(self) -> None:
        bar = self.menuBar()
        bar.setAccessibleName(self.tr("Menu bar"))
        edit = bar.addMenu(self.tr("&Edit"))
        edit.addAction(self.undo_action)
        edit.addSeparator()
        edit.addAction(self.mark_all_action)
        edit.addSeparator()
        edit.addAction(self.settings_action)
        edit.addAction(self.close_action)
        view = bar.addMenu(self.tr("&View"))
        view.addAction(self.find_action)
        view.addSeparator()
        view.addAction(self.all_action)
        view.addAction(self.unread_only_action)
        view.addSeparator()
        view.addAction(self.next_action)
        view.addAction(self.previous_action)
        view.addAction(self.back_action)
        self.item_menu = bar.addMenu(self.tr("&Item"))
        self._fill_item_menu(self.item_menu)
        help_menu = bar.addMenu(self.tr("&Help"))
        self.diagnostics_action = help_menu.addAction(self.tr("Copy diagnostics…"))
        self.diagnostics_action.triggered.connect(self.copy_diagnostics)

    def copy_diagnostics(self) -> None:
        """Versions, settings (no secrets), connection states and recent log lines for the
        helpdesk: on the clipboard, and saved as a file to attach to a ticket."""
        from desktop.ui.tray import copy_diagnostics

        self.statusBar().showMessage(copy_diagnostics(self.app), 15_000)

    def _fill_item_menu(self, menu: QMenu) -> None:
        menu.addAction(self.open_action)
        menu.addSeparator()
        # The mail view's own actions (with their shortcuts), shown here to be found.
        mail = self.detail.mail.mail_actions
        for name in ("reply", "reply_all", "forward"):
            menu.addAction(mail[name])
        menu.addSeparator()
        for name in ("archive", "delete", "move"):
            menu.addAction(mail[name])
        menu.addSeparator()
        menu.addAction(self.toggle_read_action)
        menu.addAction(self.read_action)
        menu.addAction(self.unread_action)
        menu.addAction(self.snooze_action)
        menu.addSeparator()
        menu.addAction(self.approve_action)
        menu.addAction(self.reject_action)
        menu.addAction(self.complete_action)

    def _update_actions(self) -> None:
        items = self.selected_items()
        has = bool(items)
        for action in (self.open_action, self.toggle_read_action, self.snooze_action):
            action.setEnabled(has)
        self.open_action.setEnabled(len(items) == 1)
        self.read_action.setEnabled(any(i.unread for i in items))
        self.unread_action.setEnabled(any(not i.unread for i in items))
        decidable = bool(items) and all(_decidable(i) for i in items)
        self.approve_action.setEnabled(decidable)
        self.reject_action.setEnabled(decidable)
        self.complete_action.setEnabled(any(completable(i) for i in items))
        self.undo_action.setEnabled(self._marked is not None)
        # Mail actions belong to the mail view: with another kind open they must not act on
        # the mail shown before it. With mail open the view enables what fits the mail.
        if self.detail.current_view is not self.detail.mail:
            for action in self.detail.mail.mail_actions.values():
                action.setEnabled(False)
        elif len(items) > 1:
            for name in ("reply", "reply_all", "forward", "move"):  # one mail at a time
                self.detail.mail.mail_actions[name].setEnabled(False)
        self.back_action.setEnabled(self._narrow and not self.detail_holder.isHidden())

    def _show_context_menu(self, at: QPoint) -> None:
        index = self.list.indexAt(at)
        if not index.isValid():
            return
        if not self.list.selectionModel().isSelected(index):
            self.select_row(index.row())
        self._update_actions()
        menu = QMenu(self)
        menu.setAccessibleName(self.tr("Item actions"))
        self._fill_item_menu(menu)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.popup(self.list.viewport().mapToGlobal(at))
        self.context_menu = menu  # for tests

    def _fill_snooze_menu(self) -> None:
        self.snooze_menu.clear()
        for label, when in choices():
            action = self.snooze_menu.addAction(f"{label}\t{when_text(when)}")
            stamp = when.timestamp()
            action.triggered.connect(lambda _c=False, t=stamp: self.snooze(t))
        self.snooze_menu.addSeparator()
        pick = self.snooze_menu.addAction(self.tr("Choose a time…"))
        pick.triggered.connect(self.choose_snooze_time)

    def popup_snooze_menu(self) -> None:
        if not self.selected_items():
            return
        index = self.list.currentIndex()
        rect = self.list.visualRect(index) if index.isValid() else self.list.viewport().rect()
        self.snooze_menu.popup(self.list.viewport().mapToGlobal(rect.bottomLeft()))

    def choose_snooze_time(self) -> None:
        dialog = SnoozeDialog(self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.chosen.connect(self.snooze)
        # open(), not exec(): a nested event loop would re-enter qasync's task runner.
        dialog.open()
        self.snooze_dialog = dialog  # for tests

    # -- the commands -------------------------------------------------------------------------

    def _run(self, action: object) -> object:
        """Run a facade action; its failure is said in the status bar, never a crash."""
        try:
            return action()  # type: ignore[operator]
        except ActionError as exc:
            self.statusBar().showMessage(str(exc), 10_000)
            return None

    def open_current(self) -> None:
        index = self.list.currentIndex()
        if index.isValid():
            self._on_activated(index)

    def move_current(self, step: int) -> None:
        row = self.list.currentIndex().row()
        target = 0 if row < 0 else row + step
        if target >= self.model.rowCount() and self.model.canFetchMore(QModelIndex()):
            self.model.fetchMore(QModelIndex())
        if 0 <= target < self.model.rowCount():
            self.select_row(target)

    def toggle_read(self) -> None:
        current = self.detail.current_item or next(iter(self.selected_items()), None)
        if current is not None:
            self.set_read(current.unread)

    def set_read(self, read: bool) -> None:
        self._read_timer.stop()
        for item in self.selected_items():
            if item.unread == read:
                self._run(lambda i=item: self.app.mark_read(i.id, read=read))
        self._update_actions()

    def decide(self, approve: bool) -> None:
        items = [i for i in self.selected_items() if _decidable(i)]
        if not items:
            return
        current = self.detail.current_item
        if len(items) == 1 and current is not None and current.id == items[0].id:
            # The detail view sends the comment typed there and asks before rejecting.
            self.detail.approval.decide(approve)
            return
        if approve:
            for item in items:
                self._run(lambda i=item: self.app.decide(i.id, True))
            return
        box = QMessageBox(
            QMessageBox.Icon.Question,
            self.tr("Reject requests"),
            self.tr("Reject {0} requests?").format(len(items)),
            parent=self,
        )
        box.setInformativeText(self.tr("No comment will be sent."))
        reject = box.addButton(self.tr("Reject"), QMessageBox.ButtonRole.DestructiveRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def finished(_result: int) -> None:
            if box.clickedButton() is reject:
                for item in items:
                    self._run(lambda i=item: self.app.decide(i.id, False))

        box.finished.connect(finished)
        box.open()
        self.reject_box = box  # for tests

    def complete_tasks(self) -> None:
        for item in self.selected_items():
            if completable(item):
                self._run(lambda i=item: self.app.complete(i.id))
        self._update_actions()

    def snooze(self, until: float) -> None:
        items = self.selected_items()
        if not items:
            return
        ids = [i.id for i in items]
        self._select_after({*ids})
        taken = self._run(lambda: self.app.snooze(ids, until))
        if not taken:
            return
        when = full_time(datetime.fromtimestamp(until).astimezone())
        current = self.detail.current_item
        if current is None or current.id in ids:
            self.detail.clear(self.tr("Snoozed until {0}.").format(when))
        self.statusBar().showMessage(self.tr("Snoozed until {0}.").format(when), 8000)

    def _mail_targets(self) -> list[str]:
        """The selected mails, for Archive and Delete, which take them out of the list: the
        next row that stays becomes the current one first, as in mail clients."""
        ids = [i.id for i in self.selected_items() if i.kind is Kind.MAIL]
        self._select_after(set(ids))
        return ids

    def _select_after(self, leaving: set[str]) -> None:
        """Before rows leave: make the next row that stays the current one."""
        rows = [self.model.loaded_row(i) for i in leaving]
        last = max((r for r in rows if r is not None), default=-1)
        for row in [*range(last + 1, self.model.rowCount()), *range(last - 1, -1, -1)]:
            item = self.model.item_at(row)
            if item is not None and item.id not in leaving:
                index = self.model.index(row, 0)
                self.list.selectionModel().setCurrentIndex(
                    index, QItemSelectionModel.SelectionFlag.ClearAndSelect
                )
                return

    def mark_all_read(self) -> None:
        """Everything this view lists (search, unread filter) read at once, undoable."""
        self._release_marked()
        self._read_timer.stop()
        marked = self._run(lambda: self.app.mark_view_read(self.model.query, self.model.unread_only))
        if not isinstance(marked, MarkedRead):
            return
        if not marked.item_ids:
            self.statusBar().showMessage(self.tr("Nothing unread here."), 5000)
            return
        self._marked = marked
        count = len(marked.item_ids)
        self.undo_bar.label.setText(english_plural(self.tr("Marked %n item(s) read.", "", count), count))
        self.undo_bar.show()
        self._undo_timer.start()
        self._update_actions()

    def undo(self) -> None:
        marked, self._marked = self._marked, None
        self._undo_timer.stop()
        self.undo_bar.hide()
        if marked is not None:
            self._run(lambda: self.app.undo(marked))
        self._update_actions()

    def _release_marked(self) -> None:
        """The undo window is over: the read state goes to the servers."""
        marked, self._marked = self._marked, None
        self._undo_timer.stop()
        self.undo_bar.hide()
        if marked is not None:
            self._run(lambda: self.app.release(marked))
        self._update_actions()

    # -- one pane or two ------------------------------------------------------------------------

    @property
    def narrow(self) -> bool:
        return self._narrow

    def _set_narrow(self, narrow: bool) -> None:
        if narrow == self._narrow:
            return
        self._narrow = narrow
        self.back_row.setVisible(narrow)
        if narrow:
            self.show_list_pane()
        else:
            self.list_stack.show()
            self.detail_holder.show()
        self._update_actions()

    def show_list_pane(self) -> None:
        """Back from the item to the list (one-pane layout only)."""
        if not self._narrow:
            return
        self.detail_holder.hide()
        self.list_stack.show()
        self.list.setFocus()
        self._update_actions()

    def show_detail_pane(self) -> None:
        if not self._narrow:
            return
        self.list_stack.hide()
        self.detail_holder.show()
        self._update_actions()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._set_narrow(event.size().width() < NARROW_WIDTH)

    # -- filtering and empty states -------------------------------------------------------

    def _set_filter_widgets(self, query: str, unread_only: bool) -> None:
        for w in (self.search, self.filter_group):
            w.blockSignals(True)
        self.search.setText(query)
        (self.unread_button if unread_only else self.all_button).setChecked(True)
        for w in (self.search, self.filter_group):
            w.blockSignals(False)
        # The View menu's radio items follow too (their group's signal was blocked).
        (self.unread_only_action if unread_only else self.all_action).setChecked(True)

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
        elif keep is not None:
            self._left_view()

    def _left_view(self) -> None:
        """The open item is no longer listed here (a filter, a search): the pane says so
        instead of showing an item the list does not have, as Thunderbird does."""
        self._read_timer.stop()
        self.list.selectionModel().clearSelection()
        self.detail.clear(self.tr("The item you were reading is not in this view."))

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

    def _show_result_count(self, count: int, more: bool) -> None:
        shown = self.locale().toString(count) + ("+" if more else "")
        self.result_label.setText(self.tr("Results: {0}").format(shown) if self.model.query else "")

    def _update_counts(self) -> None:
        unread = self.app.inbox.unread_count()
        self.count_label.setText(
            self.tr("{0} unread").format(unread) if unread else self.tr("No unread items")
        )

    # -- selection and reading ----------------------------------------------------------------

    def _on_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if self._updating:
            self._update_actions()
            return
        item: Item | None = current.data(ItemRole) if current.isValid() else None
        self.detail.show_item(item)
        self._update_actions()  # after the view is chosen: the mail actions follow it
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
        self.show_detail_pane()
        self._mark_current_read()
        if item.kind is Kind.CHAT:
            self.detail.chat.reply_box.setFocus()
        elif item.kind is Kind.APPROVAL and self.detail.approval.comment.isEnabled():
            self.detail.approval.comment.setFocus()
        elif item.kind is Kind.MAIL:
            self.detail.mail.browser.setFocus()

    def _on_clicked(self, index: QModelIndex) -> None:
        # One pane: a click (without Ctrl/Shift, which select) opens, as on a phone.
        plain = QGuiApplication.keyboardModifiers() == Qt.KeyboardModifier.NoModifier
        if self._narrow and plain:
            self._on_activated(index)

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
            self._left_view()
            return
        selected = self.list.currentIndex()
        if not selected.isValid() or selected.row() != row:
            self._select_quietly(row)

    # -- bridge -----------------------------------------------------------------------------

    def _on_items_added(self, items: list[Item], quiet: bool = False) -> None:
        if not self._hold_under_pointer(items):
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

    def _hold_under_pointer(self, items: list[Item]) -> bool:
        """Keep new rows back while the pointer rests on a list that fits the window: rows
        inserted above it would push the row under the pointer down, and with nothing to
        scroll that cannot be made up for (the pointer came down from the top bar onto a
        short Unread view, and the click hit the next item)."""
        if not self._held and (
            not self.list.isVisible()
            or self._pointer_position() is None
            or self.list.verticalScrollBar().maximum() > 0
        ):
            return False
        if not self._held:
            self._held_since = time.monotonic()
            self._held_timer.start()
        self._held.extend(items)
        return True

    def _release_held(self) -> None:
        """The pointer left the list (or rested there long enough): show what was held."""
        waited = time.monotonic() - self._held_since
        if self._held and self._pointer_position() is not None and waited < HOLD_UNDER_POINTER_MS / 1000:
            return
        self._held_timer.stop()
        ids, self._held = [i.id for i in self._held], []
        if not ids:
            return
        self._updating = True
        try:
            # Read again: they may have been read, changed or removed meanwhile.
            self.model.on_items_added(self.app.inbox.get_many(ids), True)
        finally:
            self._updating = False
        self._reconcile_selection()

    def _on_items_changed(self, items: list[Item]) -> None:
        self.model.on_items_changed(items)
        self._update_counts()

    def _on_items_removed(self, item_ids: list[str]) -> None:
        current = self.list.currentIndex()
        if current.isValid() and current.data(ItemRole) is not None and current.data(ItemRole).id in item_ids:
            # The row being read leaves (archived, deleted, moved elsewhere): the pane
            # follows to the next row, as in Thunderbird.
            self._select_after(set(item_ids))
        self._updating = True
        try:
            self.model.on_items_removed(item_ids)
        finally:
            self._updating = False
        self._reconcile_selection()
        self._update_counts()

    def sign_in(self, source_id: str) -> None:
        """The banner's “Sign in…” (also the bubble's and the tray's): the browser sign-in of
        an OAuth2 mail account or of the gateway (``"gateway"``, ``[gateway] sign_in =
        "sso"``), off the GUI thread, then connect."""
        settings = self.app.settings
        work: Callable[[], None]
        if source_id == "gateway":
            if not settings.gateway.sso:
                return
            from desktop.app import gateway_login

            work = lambda: gateway_login.browser_sign_in(settings)  # noqa: E731
        else:
            account = settings.account(source_id.removeprefix("mail:"))
            if account is None or account.auth != "oauth2":
                return
            work = lambda: account_login.browser_sign_in(account, settings)  # noqa: E731
        self.banner.sign_in_button.setEnabled(False)
        self.statusBar().showMessage(self.tr("Waiting for the sign-in in your browser…"))

        def done(_result: object) -> None:
            self.banner.sign_in_button.setEnabled(True)
            self.statusBar().showMessage(self.tr("Signed in; connecting…"), 8000)
            self.app.reconnect(source_id)

        def failed(exc: BaseException) -> None:
            self.banner.sign_in_button.setEnabled(True)
            text = status_message(exc.message) if isinstance(exc, account_login.OAuthProblem) else str(exc)
            self.statusBar().showMessage(text, 15_000)

        run_in_background(work, done, failed)

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

    def save_state(self) -> None:
        """Remember the window's place and the split; the file is private (0600)."""
        if self._ui_state is None:
            return
        self._ui_state.setValue("inbox/geometry", self.saveGeometry())
        if not self._narrow:  # one pane hides a side: that split is not the user's
            self._ui_state.setValue("inbox/splitter", self.splitter.saveState())
        self._ui_state.sync()
        # A read-only data folder: the layout is just not remembered.
        with contextlib.suppress(OSError):
            paths.tighten_file(Path(self._ui_state.fileName()))

    def fit_to_screen(self) -> None:
        """Inside the screen's available area (no panel, dock or taskbar over it), whatever
        the saved geometry or the scale factor says; smaller than the screen when needed."""
        screen = self.screen() or QGuiApplication.primaryScreen()
        if screen is None:
            return
        area = screen.availableGeometry()
        frame = self.frameGeometry()
        # The window manager's frame around the client area (zero before the first show).
        extra_w = max(0, frame.width() - self.width())
        extra_h = max(0, frame.height() - self.height())
        width = min(self.width(), area.width() - extra_w)
        height = min(self.height(), area.height() - extra_h)
        if (width, height) != (self.width(), self.height()):
            self.resize(max(width, self.minimumWidth()), max(height, self.minimumHeight()))
        frame = self.frameGeometry()
        x = min(max(frame.x(), area.left()), area.right() + 1 - frame.width())
        y = min(max(frame.y(), area.top()), area.bottom() + 1 - frame.height())
        if (x, y) != (frame.x(), frame.y()):
            self.move(max(x, area.left()), max(y, area.top()))

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._placed:
            self._placed = True
            self.fit_to_screen()

    def closeEvent(self, event: QCloseEvent) -> None:
        # Closing hides to the tray (the app lives there); remember the layout. A pending
        # "Mark all read" is delivered: the window that could undo it is gone.
        self._read_timer.stop()
        self._release_marked()
        self.save_state()
        self._placed = False  # the screen may have changed by the next show
        super().closeEvent(event)

    def sizeHint(self) -> QSize:
        return DEFAULT_SIZE


def _decidable(item: Item) -> bool:
    """An approval request still waiting for a decision (and not one already sent)."""
    return (
        item.kind is Kind.APPROVAL
        and item.state in ("", "pending")
        and not item.payload.get("pending_decision")
    )
