"""Reconnect delays shared by every source.

A three-line policy rather than tenacity or backoff: the sources' loops must
be able to cut a wait short (stop, resume from sleep, a fixed password), which
those libraries' decorator and generator shapes do not give a blocking
worker thread and an asyncio task alike.
"""

from __future__ import annotations

import random

_MAX_EXPONENT = 30  # 2**30 s is far beyond any cap; keeps the arithmetic bounded


def full_jitter(attempt: int, base: float, cap: float) -> float:
    """Delay before retry number ``attempt`` (0-based): uniform in [0, min(cap, base * 2**attempt)].

    Full jitter spreads out the many clients that an outage dropped at the same moment.
    """
    ceiling = min(cap, base * (2 ** min(max(attempt, 0), _MAX_EXPONENT)))
    return random.uniform(0, ceiling)
