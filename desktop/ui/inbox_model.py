"""The inbox list model: store rows in pages, newest first, kept current by the Bridge.

Only the rows the view has scrolled to are in memory (keyset pages from
``InboxQuery.page``); the store stays the single source of truth. One row per chat
conversation: the store marks the newest message of each conversation
``listed`` and the model follows it.
"""

from __future__ import annotations

import bisect
import contextlib
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QObject, QPersistentModelIndex, Qt, QTimer, Signal

from desktop.app.facade import InboxQuery, Tally
from desktop.core.item import Item, Kind
from desktop.ui.bridge import Bridge
from desktop.ui.formatting import accessible_text

# Custom roles, as module constants so views, delegates and tests share them.
ItemRole = Qt.ItemDataRole.UserRole + 1  # the whole Item
IdRole = Qt.ItemDataRole.UserRole + 2
UnreadRole = Qt.ItemDataRole.UserRole + 3
KindRole = Qt.ItemDataRole.UserRole + 4  # Kind
TimeRole = Qt.ItemDataRole.UserRole + 5  # aware datetime
SenderRole = Qt.ItemDataRole.UserRole + 6
TitleRole = Qt.ItemDataRole.UserRole + 7
PreviewRole = Qt.ItemDataRole.UserRole + 8
StateRole = Qt.ItemDataRole.UserRole + 9
UrgencyRole = Qt.ItemDataRole.UserRole + 10
ThreadRole = Qt.ItemDataRole.UserRole + 11

PAGE_SIZE = 200
COUNT_CAP = 1000  # counting a search stops here; shown as "1,000+", as mail clients do
RELOAD_THRESHOLD = 200  # more new items than this at once: reload instead of inserting

_Index = QModelIndex | QPersistentModelIndex


def _sort_key(item: Item) -> tuple[float, str]:
    return (item.time.timestamp(), item.id)


def _matches_text(item: Item, query: str) -> bool:
    """The Python twin of the store's search (substring match of every word, any case)."""
    haystack = f"{item.sender}\n{item.title}\n{item.preview}".casefold()
    return all(word.casefold() in haystack for word in query.split())


class InboxModel(QAbstractListModel):
    #: the filter or search changed and the rows were reloaded from the top
    reloaded = Signal()
    #: how many rows the filter lists (at most COUNT_CAP) and whether there are more
    #: (shown "N+"); sent after a reload has shown its first page, so the list never
    #: waits for it
    counted = Signal(int, bool)
    #: a count from the worker thread: (the reload it belongs to, rows found, more)
    _count_arrived = Signal(int, int, bool)

    def __init__(
        self,
        inbox: InboxQuery,
        bridge: Bridge | None = None,
        page_size: int = PAGE_SIZE,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._inbox = inbox
        self._page_size = page_size
        self._items: list[Item] = []
        # Sort keys negated so ``bisect`` works on an ascending list for newest-first rows.
        self._keys: list[tuple[float, str]] = []
        self._rows: dict[str, int] | None = None  # id -> row, rebuilt lazily after inserts/removals
        self._exhausted = False
        # True between begin*/end* calls: views and testers may call fetchMore from
        # the about-to signals, and a nested insert would corrupt the row bookkeeping.
        self._changing = False
        self._query = ""
        self._unread_only = False
        # A burst a notification named: exactly these items (and their conversations).
        self._only: frozenset[str] | None = None
        self._only_threads: frozenset[str] = frozenset()
        self._count_pending = False
        self._reloads = 0  # a count for an older filter is dropped
        self._count_arrived.connect(self._on_count)
        if bridge is not None:
            bridge.items_added.connect(self.on_items_added)
            bridge.items_changed.connect(self.on_items_changed)
            bridge.items_removed.connect(self.on_items_removed)

    # -- filter ------------------------------------------------------------------------

    @property
    def query(self) -> str:
        return self._query

    @property
    def unread_only(self) -> bool:
        return self._unread_only

    @property
    def only(self) -> frozenset[str] | None:
        """The ids of the burst the list is limited to, or None."""
        return self._only

    def set_filter(self, query: str | None = None, unread_only: bool | None = None) -> None:
        """Search and unread filter; any filter leaves a burst view (``show_only``)."""
        query = self._query if query is None else query.strip()
        unread_only = self._unread_only if unread_only is None else unread_only
        if query == self._query and unread_only == self._unread_only and self._only is None:
            return
        self._query, self._unread_only = query, unread_only
        self._only, self._only_threads = None, frozenset()
        self.reload()

    def show_only(self, item_ids: Sequence[str], unread_only: bool = True) -> None:
        """List exactly these items (a notification's burst), newest first, no search."""
        self._query, self._unread_only = "", unread_only
        self._only = frozenset(item_ids)
        self._only_threads = frozenset()
        self.reload()

    def reload(self) -> None:
        """Drop every loaded row and start again from the newest."""
        self.beginResetModel()
        self._items.clear()
        self._keys.clear()
        self._rows = None
        self._exhausted = False
        self._reloads += 1
        self.endResetModel()
        # Load the first page at once so the view never flashes an empty state.
        if self.canFetchMore(QModelIndex()):
            self.fetchMore(QModelIndex())
        self.reloaded.emit()
        if not self._count_pending:  # typing fast: one count for the last filter
            self._count_pending = True
            QTimer.singleShot(0, self, self._send_count)

    def _send_count(self) -> None:
        self._count_pending = False
        if self._only is not None or self._exhausted:
            # Every row is loaded already (a burst, or a search that found few): no query.
            self.counted.emit(len(self._items), False)
            return
        # Off the GUI thread: in the Unread view a common word's count walks thousands of
        # matches (issue 10). The signal queues the answer back to this thread.
        reload = self._reloads

        def done(tally: Tally) -> None:
            with contextlib.suppress(RuntimeError):  # the model is gone: nobody to tell
                self._count_arrived.emit(reload, tally.rows, tally.more)

        self._inbox.count_later(done, self._query, self._unread_only, cap=COUNT_CAP)

    def _on_count(self, reload: int, n: int, more: bool) -> None:
        if reload == self._reloads:
            # A count its time budget cut short can be below the rows loaded already:
            # those are there for sure ("200+", not "37+").
            self.counted.emit(min(max(n, len(self._items)) if more else n, COUNT_CAP), more)

    def total_count(self) -> int:
        """Every row the current filter would list, loaded or not."""
        if self._only is not None:
            return len(self._items)  # a burst is loaded whole
        return self._inbox.count(self._query, self._unread_only)

    # -- Qt model interface --------------------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self._items)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.parent().isValid() or not 0 <= index.row() < len(self._items):
            return None
        item = self._items[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return item.title or item.sender
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{item.sender}\n{item.title}" if item.sender else item.title
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return accessible_text(item)
        if role == ItemRole:
            return item
        if role == IdRole:
            return item.id
        if role == UnreadRole:
            return item.unread
        if role == KindRole:
            return item.kind
        if role == TimeRole:
            return item.time
        if role == SenderRole:
            return item.sender
        if role == TitleRole:
            return item.title
        if role == PreviewRole:
            return item.preview
        if role == StateRole:
            return item.state
        if role == UrgencyRole:
            return int(item.urgency)
        if role == ThreadRole:
            return item.thread_key
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren

    def roleNames(self) -> dict[int, bytes]:
        names = dict(super().roleNames())
        names.update(
            {
                ItemRole: b"item",
                IdRole: b"itemId",
                UnreadRole: b"unread",
                KindRole: b"kind",
                TimeRole: b"time",
                SenderRole: b"sender",
                TitleRole: b"title",
                PreviewRole: b"preview",
                StateRole: b"state",
                UrgencyRole: b"urgency",
                ThreadRole: b"thread",
            }
        )
        return names

    def canFetchMore(self, parent: _Index) -> bool:
        return not parent.isValid() and not self._exhausted and not self._changing

    def fetchMore(self, parent: _Index) -> None:
        if parent.isValid() or self._changing:
            return
        self._fetch(self._page_size)

    # -- our API ---------------------------------------------------------------------------

    def item_at(self, row: int) -> Item | None:
        return self._items[row] if 0 <= row < len(self._items) else None

    def loaded_row(self, item_id: str) -> int | None:
        """The row of an item if it is loaded; never touches the store."""
        return self._row_index().get(item_id)

    def row_of(self, item_id: str) -> int | None:
        """The row showing ``item_id``, loading pages up to it; None if the filter hides it.

        A chat message that is no longer its conversation's newest maps to the
        conversation's row.
        """
        row = self._row_index().get(item_id)
        if row is not None:
            return row
        item = self._inbox.get(item_id)
        if item is None:
            return None
        if item.kind is Kind.CHAT and item.thread_key:
            newest = self._inbox.thread(item.thread_key, limit=1)
            if newest:
                item = newest[0]
                row = self._row_index().get(item.id)
                if row is not None:
                    return row
        if self._only is not None:
            return None  # a burst is loaded whole: not in it is not in the list
        position = self._inbox.position(item.id, self._query, self._unread_only)
        if position is None:
            return None
        while len(self._items) <= position and not self._exhausted:
            # One read for the whole gap, rounded up to whole pages.
            missing = position + 1 - len(self._items)
            self._fetch(-(-missing // self._page_size) * self._page_size)
        return self._row_index().get(item.id)

    # -- loading -------------------------------------------------------------------------

    def _fetch(self, limit: int) -> None:
        if self._only is not None:
            page = self._burst_rows()
            self._exhausted = True
        else:
            after = _sort_key(self._items[-1]) if self._items else None
            page = self._inbox.page(
                after=after, limit=limit, query=self._query, unread_only=self._unread_only
            )
            if len(page) < limit:
                self._exhausted = True
        known = self._row_index()
        # Defensive: a row inserted live may also come back in a later page.
        page = [i for i in page if i.id not in known]
        if not page:
            return
        first = len(self._items)
        self._changing = True
        self.beginInsertRows(QModelIndex(), first, first + len(page) - 1)
        for offset, item in enumerate(page):
            self._items.append(item)
            self._keys.append(_neg(item))
            if self._rows is not None:
                self._rows[item.id] = first + offset
        self.endInsertRows()
        self._changing = False

    def _burst_rows(self) -> list[Item]:
        """The burst's rows: one per conversation (its listed, newest message), newest first."""
        assert self._only is not None
        rows: dict[str, Item] = {}
        threads: set[str] = set()
        for item in self._inbox.get_many(sorted(self._only)):
            if item.kind is Kind.CHAT and item.thread_key:
                threads.add(item.thread_key)
                newest = self._inbox.thread(item.thread_key, limit=1)
                item = newest[0] if newest else item
            rows[item.id] = item
        self._only_threads = frozenset(threads)
        return sorted(
            (i for i in rows.values() if not self._unread_only or i.unread), key=_sort_key, reverse=True
        )

    def _row_index(self) -> dict[str, int]:
        if self._rows is None:
            self._rows = {item.id: row for row, item in enumerate(self._items)}
        return self._rows

    def _accepts(self, item: Item) -> bool:
        if self._unread_only and not item.unread:
            return False
        if self._only is not None:
            return item.id in self._only or (item.kind is Kind.CHAT and item.thread_key in self._only_threads)
        return not self._query or _matches_text(item, self._query)

    def _insert(self, item: Item) -> None:
        key = _neg(item)
        row = bisect.bisect_left(self._keys, key)
        if row == len(self._items) and not self._exhausted:
            return  # below the loaded range: it comes with a later page
        self._changing = True
        self.beginInsertRows(QModelIndex(), row, row)
        self._items.insert(row, item)
        self._keys.insert(row, key)
        self._rows = None
        self.endInsertRows()
        self._changing = False

    def _remove_row(self, row: int) -> None:
        self._changing = True
        self.beginRemoveRows(QModelIndex(), row, row)
        del self._items[row]
        del self._keys[row]
        self._rows = None
        self.endRemoveRows()
        self._changing = False

    # -- bridge slots ----------------------------------------------------------------------

    def on_items_added(self, items: Sequence[Item], quiet: bool = False) -> None:
        if len(items) > RELOAD_THRESHOLD:
            # A burst (first sync, a weekend's replay): one reset beats thousands of
            # single-row inserts, each of which makes the view re-layout.
            self.reload()
            return
        threads: dict[str, None] = {}
        for item in items:
            if item.kind is Kind.CHAT and item.thread_key:
                threads[item.thread_key] = None
            elif item.id not in self._row_index() and self._accepts(item):
                self._insert(item)
        if threads:
            self._refresh_threads(threads)

    def _refresh_threads(self, thread_keys: dict[str, None]) -> None:
        """Show exactly each conversation's listed (newest) message, in its sorted place."""
        keep: dict[str, Item | None] = {}
        for key in thread_keys:
            newest = self._inbox.thread(key, limit=1)
            keep[key] = newest[0] if newest and self._accepts(newest[0]) else None
        stale = [
            old.id
            for old in self._items
            if old.kind is Kind.CHAT
            and old.thread_key in keep
            and (keep[old.thread_key] is None or old.id != keep[old.thread_key].id)  # type: ignore[union-attr]
        ]
        # Insert first, then remove: at the top of the list the window can keep the rows
        # under the pointer still only if the list grows before it shrinks.
        for item in keep.values():
            if item is not None and item.id not in self._row_index():
                self._insert(item)
        rows = self._row_index()
        for row in sorted((rows[i] for i in stale), reverse=True):  # bottom first: rows stay valid
            self._remove_row(row)

    def on_items_changed(self, items: Sequence[Item]) -> None:
        # A row that stops matching "unread only" stays until the filter is re-applied,
        # as in mail clients: the message being read must not vanish under the cursor.
        rows = self._row_index()
        for item in items:
            row = rows.get(item.id)
            if row is None:
                continue
            self._items[row] = item
            index = self.index(row, 0)
            self.dataChanged.emit(index, index)

    def on_items_removed(self, item_ids: Sequence[str]) -> None:
        gone = set(item_ids)
        for row in reversed(range(len(self._items))):
            if self._items[row].id in gone:
                self._remove_row(row)


def _neg(item: Item) -> tuple[float, str]:
    """A key that sorts newest first in ascending order (ids compared inverted)."""
    ts, ident = _sort_key(item)
    return (-ts, _Inverted(ident))  # type: ignore[return-value]


class _Inverted(str):
    """A string that compares in reverse, so ties on time sort by id descending like the store."""

    __slots__ = ()

    def __lt__(self, other: object) -> bool:
        return str.__gt__(self, other)  # type: ignore[operator]

    def __gt__(self, other: object) -> bool:
        return str.__lt__(self, other)  # type: ignore[operator]

    def __le__(self, other: object) -> bool:
        return str.__ge__(self, other)  # type: ignore[operator]

    def __ge__(self, other: object) -> bool:
        return str.__le__(self, other)  # type: ignore[operator]
