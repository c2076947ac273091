"""What every source offers the pipeline, and what it may read from the store.

Sources never import the store: they read through :class:`StoreReader`, which
``desktop.store.Store`` satisfies structurally, and report every write as an
event (items, sync state, outbox settlements) that the pipeline applies on
the loop thread.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol

from desktop.core.events import SourceEvent
from desktop.core.item import Item

# Hands an event to the pipeline. Safe to call from any thread: the pipeline
# wraps it in ``loop.call_soon_threadsafe``.
Emit = Callable[[SourceEvent], None]


class QueuedAction(Protocol):
    """A user action waiting in the outbox (the store's ``OutboxEntry``)."""

    @property
    def id(self) -> str: ...  # also the protocol's client action id
    @property
    def source(self) -> str: ...
    @property
    def action(self) -> str: ...
    @property
    def item_id(self) -> str: ...
    @property
    def payload(self) -> Mapping[str, Any]: ...
    @property
    def status(self) -> str: ...  # "pending", "done" or "failed"


class StoreReader(Protocol):
    """The reads a source may make. Safe from worker threads: the store takes a lock."""

    def sync_state(self, source: str) -> dict[str, str]: ...
    def pending(self, source: str) -> Sequence[QueuedAction]: ...
    def outbox_entry(self, entry_id: str) -> QueuedAction | None: ...
    def get_item(self, item_id: str) -> Item | None: ...
    def ids_with_prefix(self, id_prefix: str) -> list[str]: ...
    def unread_in_thread(self, thread_key: str) -> list[str]: ...
    def thread(self, thread_key: str, limit: int = 50) -> list[Item]: ...


class Source(Protocol):
    #: stable id used as ``Item.source`` and in the store, e.g. "mail:work" or "gateway"
    id: str
    #: the name a user sees in the tray tooltip and the settings dialog
    display_name: str

    def start(self, emit: Emit) -> None:
        """Connect and keep connected until :meth:`stop`. Must not block."""

    async def stop(self) -> None:
        """Disconnect and release threads and sockets; returns when they are gone."""

    def reconnect_now(self) -> None:
        """Drop and re-open connections at once (resume from sleep, network change)."""

    def outbox_changed(self) -> None:
        """A user action for this source was queued in the store's outbox: deliver it."""
