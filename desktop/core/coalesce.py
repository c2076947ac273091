"""Notification coalescing: a burst becomes one summary instead of hundreds of bubbles.

The first few items within a window are notified at once (latency matters for a
single new mail); anything past that budget is held and summarised when the
window closes. A single batch larger than the budget (a reconnect after a
weekend) is summarised straight away. Time is passed in, so this is testable
without sleeping.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from desktop.core.item import Item


@dataclasses.dataclass(frozen=True, slots=True)
class Single:
    item: Item


@dataclasses.dataclass(frozen=True, slots=True)
class Summary:
    items: tuple[Item, ...]

    @property
    def count(self) -> int:
        return len(self.items)


Coalesced = Single | Summary


class Coalescer:
    def __init__(self, budget: int = 3, window: float = 2.0) -> None:
        self.budget = budget
        self.window = window
        self._window_start: float | None = None
        self._sent_in_window = 0
        self._held: list[Item] = []

    def offer(self, items: Sequence[Item], now: float) -> list[Coalesced]:
        """Items to notify now; the rest is held until :meth:`flush`."""
        if not items:
            return []
        out: list[Coalesced] = []
        if self._window_start is None or now - self._window_start >= self.window:
            # Items held in a window that is over (the flush timer ran late) go first,
            # instead of waiting another window behind newer items.
            out = self._take_held()
            self._window_start = now
            self._sent_in_window = 0
        if len(items) > self.budget:
            # One summary for the batch and anything still held: never two summaries at once.
            self._sent_in_window = self.budget
            held, self._held = self._held, []
            return [*out, Summary((*held, *items))]
        room = max(0, self.budget - self._sent_in_window)
        now_items, held = list(items[:room]), list(items[room:])
        self._sent_in_window += len(now_items)
        self._held.extend(held)
        return [*out, *(Single(i) for i in now_items)]

    def _take_held(self) -> list[Coalesced]:
        held, self._held = self._held, []
        if not held:
            return []
        if len(held) == 1:
            return [Single(held[0])]
        return [Summary(tuple(held))]

    def deadline(self) -> float | None:
        """When :meth:`flush` should be called next, or None if nothing is held."""
        if not self._held or self._window_start is None:
            return None
        return self._window_start + self.window

    def flush(self, now: float) -> list[Coalesced]:
        due = self.deadline()
        if due is None or now < due:
            return []
        self._window_start = now
        self._sent_in_window = self.budget
        return self._take_held()
