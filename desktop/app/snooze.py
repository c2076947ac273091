"""Snoozed items come back at their time: a timer on the asyncio loop, no Qt.

The next end of a snooze is read from the store, so snoozes survive restarts; at
start whatever ended while Tidings was off comes back at once. The wait is capped:
the loop's clock is monotonic and does not run while the machine sleeps, so a long
``call_at`` would fire late after a suspend. ``check()`` is also called on resume.
"""

from __future__ import annotations

import asyncio
import logging
import time

from desktop.app.actions import Actions
from desktop.store import StoreError

log = logging.getLogger(__name__)

#: the longest wait between looks at the clock (catches up after suspend without hooks)
MAX_WAIT_S = 60.0


class SnoozeTimer:
    def __init__(self, actions: Actions, max_wait: float = MAX_WAIT_S) -> None:
        self._actions = actions
        self._max_wait = max_wait
        self._loop: asyncio.AbstractEventLoop | None = None
        self._handle: asyncio.TimerHandle | None = None

    def start(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self.check()

    def stop(self) -> None:
        if self._handle is not None:
            self._handle.cancel()
        self._handle = None
        self._loop = None

    def check(self) -> None:
        """Bring back what is due now and wait for the next one (after a snooze was set,
        on resume from sleep)."""
        if self._loop is None:
            return
        if self._handle is not None:
            self._handle.cancel()
            self._handle = None
        try:
            self._actions.wake_snoozed()
            due = self._actions.next_snooze()
        except StoreError as exc:
            log.error("snoozes cannot be read: %s", exc)
            due = None
        if due is None:
            return  # a new snooze calls check() again
        wait = min(max(due - time.time(), 0.0), self._max_wait)
        self._handle = self._loop.call_at(self._loop.time() + wait, self.check)
