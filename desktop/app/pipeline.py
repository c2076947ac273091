"""The pipeline: source events in, store writes, then listeners told what changed.

Every store write a source causes goes through here (items, sync state, outbox
settlements): sources only read the store.

Runs on the asyncio loop thread (the Qt main thread in the tray app), so
listeners may touch Qt objects directly. Never imports Qt.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Sequence
from typing import Protocol

from desktop.core.events import (
    ConnectionState,
    ItemsArrived,
    ItemsChanged,
    ItemsRemoved,
    OutboxProgress,
    OutboxSettled,
    OutboxStatus,
    SourceEvent,
    SourceStatus,
    SyncStateSet,
)
from desktop.core.item import Item
from desktop.store import Store, StoreError

log = logging.getLogger(__name__)


class Listener(Protocol):
    def items_added(self, items: Sequence[Item], quiet: bool) -> None: ...
    def items_changed(self, items: Sequence[Item]) -> None: ...
    def items_removed(self, item_ids: Sequence[str]) -> None: ...
    def status_changed(self, status: SourceStatus) -> None: ...


class Pipeline:
    STORE_SOURCE = "store"  # the pseudo-source whose status reports store failures

    def __init__(self, store: Store, loop: asyncio.AbstractEventLoop | None = None) -> None:
        self.store = store
        self._loop = loop
        self._listeners: list[Listener] = []
        self.statuses: dict[str, SourceStatus] = {}
        # Events emitted before bind(): the tray app starts its mail logins while Qt is
        # still being imported (issue 9), before any loop exists.
        self._early: list[SourceEvent] = []
        self._bind_lock = threading.Lock()

    def bind(self, loop: asyncio.AbstractEventLoop) -> None:
        """Handle events on ``loop`` from now on, the ones emitted before first, in order."""
        with self._bind_lock:
            early, self._early = self._early, []
            if early and not self._on_loop(loop):
                # Queued before the loop is published: a later emit queues behind them.
                loop.call_soon_threadsafe(self._handle_all, early)
                early = []
            self._loop = loop
        # On the loop thread: a worker's emit from now on is queued behind this call.
        self._handle_all(early)

    def _handle_all(self, events: Sequence[SourceEvent]) -> None:
        for event in events:
            self.handle(event)

    @staticmethod
    def _on_loop(loop: asyncio.AbstractEventLoop) -> bool:
        try:
            return asyncio.get_running_loop() is loop
        except RuntimeError:
            return False

    def add_listener(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def remove_listener(self, listener: Listener) -> None:
        self._listeners.remove(listener)

    def emit(self, event: SourceEvent) -> None:
        """Thread-safe entry point handed to sources; before bind() events are kept."""
        loop = self._loop
        if loop is None:
            with self._bind_lock:
                loop = self._loop
                if loop is None:
                    self._early.append(event)
                    return
        if self._on_loop(loop):
            self.handle(event)
        elif not loop.is_closed():
            loop.call_soon_threadsafe(self.handle, event)

    def handle(self, event: SourceEvent) -> None:
        try:
            self._handle(event)
        except StoreError as exc:
            # Nothing is lost: sync state is written with the items, so the source
            # re-fetches whatever did not make it once the store works again.
            log.error("store write failed: %s", exc)
            self._set_status(SourceStatus(self.STORE_SOURCE, ConnectionState.ERROR, str(exc)))
        except Exception:
            log.exception("pipeline failed on %r", type(event).__name__)

    def _handle(self, event: SourceEvent) -> None:
        if isinstance(event, ItemsArrived):
            new = self.store.add_items(event.items, event.sync_state, source=event.source)
            self._store_ok()
            if new:
                for listener in list(self._listeners):
                    listener.items_added(new, event.quiet)
        elif isinstance(event, ItemsChanged):
            moving = [c.item_id for c in event.changes if c.listed is not None]
            before = self.store.listed_ids(moving) if moving else set()
            changed = self.store.apply_changes(event.changes, event.sync_state, source=event.source)
            self._store_ok()
            if moving:
                # An item that entered or left the list is added or removed for listeners.
                after = self.store.listed_ids(moving)
                back = [i for i in changed if i.id in after - before]
                gone = sorted(before - after)
                changed = [i for i in changed if i.id not in after ^ before]
                self.announce(added=back, removed=gone, quiet=True)
            if changed:
                for listener in list(self._listeners):
                    listener.items_changed(changed)
        elif isinstance(event, ItemsRemoved):
            removed = self.store.remove_items(
                event.item_ids, event.id_prefix, event.sync_state, source=event.source
            )
            self._store_ok()
            if removed:
                for listener in list(self._listeners):
                    listener.items_removed(removed)
        elif isinstance(event, OutboxSettled):
            if event.status is OutboxStatus.ATTEMPTED:
                self.store.outbox_attempted(event.entry_id)
            else:
                self.store.outbox_done(event.entry_id, str(event.status), event.message)
            self._store_ok()
        elif isinstance(event, OutboxProgress):
            self._progress(event)
        elif isinstance(event, SyncStateSet):
            self.store.set_sync_state(event.source, event.values)
            self._store_ok()
        elif isinstance(event, SourceStatus):
            self._set_status(event)

    def _progress(self, event: OutboxProgress) -> None:
        """A sending phase: stored, then the waiting source is released, then listeners told."""
        try:
            item = self.store.outbox_phase(event.entry_id, event.phase, event.message)
        except BaseException as exc:
            if event.written is not None and not event.written.done():
                event.written.set_exception(exc)
            raise
        if event.written is not None and not event.written.done():
            event.written.set_result(None)
        self._store_ok()
        if item is not None:
            for listener in list(self._listeners):
                listener.items_changed([item])

    def _store_ok(self) -> None:
        current = self.statuses.get(self.STORE_SOURCE)
        if current is not None and current.state is not ConnectionState.ONLINE:
            self._set_status(SourceStatus(self.STORE_SOURCE, ConnectionState.ONLINE))

    def _set_status(self, status: SourceStatus) -> None:
        if self.statuses.get(status.source) == status:
            return
        self.statuses[status.source] = status
        for listener in list(self._listeners):
            listener.status_changed(status)

    # -- local changes made by the user -------------------------------------------

    def local_change(self, event: ItemsChanged) -> None:
        """A change the user made here (mark read): stored and shown at once."""
        self.handle(event)

    def announce(
        self,
        added: Sequence[Item] = (),
        changed: Sequence[Item] = (),
        removed: Sequence[str] = (),
        quiet: bool = False,
    ) -> None:
        """Tell listeners about store writes made here in one transaction of many items
        ("Mark all read", snoozes): an item back from a snooze is ``added`` (listed
        again, notified), a snoozed one ``removed`` from the list. ``quiet`` items are
        listed without a notification (the user's own sent mail, a move that failed)."""
        for listener in list(self._listeners):
            if removed:
                listener.items_removed(removed)
            if changed:
                listener.items_changed(changed)
            if added:
                listener.items_added(added, quiet)
