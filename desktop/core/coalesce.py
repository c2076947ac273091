"""Notification coalescing: a burst becomes one summary instead of hundreds of bubbles.

The first few items within a window are notified at once (latency matters for a
single new mail). Past that budget, or for any batch larger than it, items are held
as a burst, and the burst is summarised once it has been quiet for ``quiet`` seconds
(bounded by ``longest`` after it began), however its source batched it: IMAP fetches
a hundred headers at a time and Dovecot wakes IDLE every half second, so 200 mails
arrive as several batches. A summary covers every item of its window, the single
bubbles shown before it and an earlier summary included, so a burst is one
notification on screen. Time is passed in, so this is testable without sleeping.
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
    """A burst: ``items`` in arrival order, including items already shown on their own
    (or in an earlier summary) in the same window, which this summary replaces."""

    items: tuple[Item, ...]

    @property
    def count(self) -> int:
        return len(self.items)


Coalesced = Single | Summary


class Coalescer:
    def __init__(
        self, budget: int = 3, window: float = 2.0, quiet: float = 1.5, longest: float = 8.0
    ) -> None:
        self.budget = budget
        self.window = window
        self.quiet = quiet  # a burst is over once nothing joined it for this long...
        self.longest = longest  # ...or this long after it began: a steady stream still gets told
        self._window_start: float | None = None
        self._sent_in_window = 0
        self._window_items: list[Item] = []  # offered in this window: what a summary covers
        self._held: list[Item] = []
        self._burst_start = 0.0
        self._last_added = 0.0

    def offer(self, items: Sequence[Item], now: float) -> list[Coalesced]:
        """Items to notify now; the rest is held until :meth:`flush`."""
        if not items:
            return []
        out: list[Coalesced] = []
        if self._held and (due := self.deadline()) is not None and now >= due:
            # The flush timer ran late (a busy loop, a suspend): the burst it owed goes
            # first instead of waiting behind newer items.
            out = self.flush(now)
            if now - due >= self.window:
                self._window_start = None  # that burst is long over: this is a new one
        if self._window_start is None or (not self._held and now - self._window_start >= self.window):
            self._window_start = now
            self._sent_in_window = 0
            self._window_items = []
        self._window_items.extend(items)
        room = max(0, self.budget - self._sent_in_window)
        if self._held or len(items) > room:
            if not self._held:
                self._burst_start = now
            self._held.extend(items)
            self._last_added = now
            return out
        self._sent_in_window += len(items)
        return [*out, *(Single(i) for i in items)]

    def discard(self, item_ids: Sequence[str]) -> None:
        """Items read or removed: no summary counts them any more."""
        gone = set(item_ids)
        if gone and self._window_items:
            self._window_items = [i for i in self._window_items if i.id not in gone]
            self._held = [i for i in self._held if i.id not in gone]

    def deadline(self) -> float | None:
        """When :meth:`flush` should be called next, or None if nothing is held."""
        if not self._held:
            return None
        return min(self._last_added + self.quiet, self._burst_start + self.longest)

    def flush(self, now: float) -> list[Coalesced]:
        due = self.deadline()
        if due is None or now < due:
            return []
        self._held = []
        covered = tuple(self._window_items)
        # A new window, its budget spent: stragglers of the same burst update this summary
        # (the next one covers it) instead of popping up on their own.
        self._window_start = now
        self._sent_in_window = self.budget
        if len(covered) == 1:
            return [Single(covered[0])]
        return [Summary(covered)]
