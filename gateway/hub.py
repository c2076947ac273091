"""Fan-out of persisted events to connected sockets.

The hub only carries deliveries that are already committed; a subscriber that sees a gap in
sequence numbers fills it from the store, so a hub may reorder or (at-least-once) repeat.
InProcessHub serves one process; several processes would put Redis pub/sub or NATS behind
the same interface.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections import defaultdict
from collections.abc import Callable, Iterable

from gateway.storage.base import Delivery

Sink = Callable[[Delivery], None]


class Hub(ABC):
    @abstractmethod
    def subscribe(self, user: str, sink: Sink) -> Callable[[], None]:
        """Route the user's deliveries to sink (which must not block); returns an unsubscribe."""

    @abstractmethod
    async def publish(self, deliveries: Iterable[Delivery]) -> None: ...


class InProcessHub(Hub):
    def __init__(self) -> None:
        self._sinks: dict[str, list[Sink]] = defaultdict(list)

    def subscribe(self, user: str, sink: Sink) -> Callable[[], None]:
        self._sinks[user].append(sink)

        def unsubscribe() -> None:
            sinks = self._sinks.get(user, [])
            if sink in sinks:
                sinks.remove(sink)
            if not sinks:
                self._sinks.pop(user, None)

        return unsubscribe

    async def publish(self, deliveries: Iterable[Delivery]) -> None:
        for delivery in deliveries:
            for sink in list(self._sinks.get(delivery.user, ())):
                sink(delivery)
