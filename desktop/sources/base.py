"""What every source offers the pipeline."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from desktop.core.events import SourceEvent

# Hands an event to the pipeline. Safe to call from any thread: the pipeline
# wraps it in ``loop.call_soon_threadsafe``.
Emit = Callable[[SourceEvent], None]


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
