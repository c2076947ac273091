"""Reconnect delays shared by every source.

A small policy rather than tenacity or backoff: the sources' loops must be
able to cut a wait short (stop, resume from sleep, a fixed password), which
those libraries' decorator and generator shapes do not give a blocking
worker thread and an asyncio task alike.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable

_MAX_EXPONENT = 30  # 2**30 s is far beyond any cap; keeps the arithmetic bounded

# A connection that worked end to end (gateway hello, IMAP folder synced) for this long
# was healthy: its loss starts the delays over.
HEALTHY_AFTER_S = 10.0
# A connection that came up but was lost sooner still proves the server answers: the
# problem is the path (a storm of cuts a second or two apart, issue 7.10), so the next
# wait stays below base * 2**UP_ATTEMPT (4 s by default) instead of growing to the cap,
# and the desktop catches up within seconds of the last cut. A server that accepts and
# drops at once is still retried only every few seconds. Failures before the connection
# came up (refused, handshake, timeouts) grow the delay up to the cap as before.
UP_ATTEMPT = 2


def full_jitter(attempt: int, base: float, cap: float) -> float:
    """Delay before retry number ``attempt`` (0-based): uniform in [0, min(cap, base * 2**attempt)].

    Full jitter spreads out the many clients that an outage dropped at the same moment.
    """
    ceiling = min(cap, base * (2 ** min(max(attempt, 0), _MAX_EXPONENT)))
    return random.uniform(0, ceiling)


class Backoff:
    """The delays of one connection: growing while attempts fail, short again once one came up.

    Not thread-safe: each connection loop (an IMAP folder's worker, the gateway task) owns one.
    """

    def __init__(
        self,
        base: float,
        cap: float,
        healthy_after: float = HEALTHY_AFTER_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.base = base
        self.cap = cap
        self.healthy_after = healthy_after
        self.attempt = 0  # failed attempts since the last healthy connection (or reset)
        self._clock = clock
        self._up_since: float | None = None

    def next_delay(self) -> float:
        """The wait before the next attempt; counts one more failed attempt."""
        delay = full_jitter(self.attempt, self.base, self.cap)
        self.attempt = min(self.attempt + 1, _MAX_EXPONENT)
        return delay

    def up(self) -> None:
        """The connection works end to end from now on."""
        self._up_since = self._clock()

    @property
    def healthy(self) -> bool:
        """Up, and for at least ``healthy_after`` seconds."""
        return self._up_since is not None and self._clock() - self._up_since >= self.healthy_after

    def down(self) -> None:
        """The connection ended: after one that came up, the next delay is short again."""
        if self.healthy:
            self.attempt = 0
        elif self._up_since is not None:
            self.attempt = min(self.attempt, UP_ATTEMPT)
        self._up_since = None

    def reset(self) -> None:
        """Retry at once and start the delays over (reconnect_now: network back, password fixed)."""
        self.attempt = 0
        self._up_since = None
