"""The one place where pipeline callbacks become Qt signals.

The pipeline runs on the asyncio loop, which in the tray app is the Qt main
thread (qasync), so re-emitting here needs no queued connection; widgets and
models connect to these signals and never to the pipeline itself.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QObject, Signal

from desktop.core.events import SourceStatus
from desktop.core.item import Item


class Bridge(QObject):
    #: new items (list[Item]), and whether they arrived quietly (no notification)
    items_added = Signal(list, bool)
    #: items whose state changed (list[Item])
    items_changed = Signal(list)
    #: ids of items that are gone (list[str])
    items_removed = Signal(list)
    #: a source's connection state changed (SourceStatus)
    status_changed = Signal(object)

    # -- pipeline Listener protocol ------------------------------------------------

    def items_added_cb(self, items: Sequence[Item], quiet: bool) -> None:
        self.items_added.emit(list(items), quiet)

    def items_changed_cb(self, items: Sequence[Item]) -> None:
        self.items_changed.emit(list(items))

    def items_removed_cb(self, item_ids: Sequence[str]) -> None:
        self.items_removed.emit(list(item_ids))

    def status_changed_cb(self, status: SourceStatus) -> None:
        self.status_changed.emit(status)

    def listener(self) -> _Listener:
        return _Listener(self)


class _Listener:
    """Adapter: the pipeline calls plain methods; the bridge's names are taken by signals."""

    def __init__(self, bridge: Bridge) -> None:
        self._bridge = bridge

    def items_added(self, items: Sequence[Item], quiet: bool) -> None:
        self._bridge.items_added_cb(items, quiet)

    def items_changed(self, items: Sequence[Item]) -> None:
        self._bridge.items_changed_cb(items)

    def items_removed(self, item_ids: Sequence[str]) -> None:
        self._bridge.items_removed_cb(item_ids)

    def status_changed(self, status: SourceStatus) -> None:
        self._bridge.status_changed_cb(status)
