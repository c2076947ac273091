"""Reconnect delays: bounded by the cap, growing, never negative, safe for any attempt count."""

from __future__ import annotations

import random

from desktop.core.backoff import full_jitter


def test_delays_grow_to_the_cap_and_stay_within_it() -> None:
    random.seed(7)
    for attempt in range(0, 12):
        ceiling = min(60.0, 1.0 * 2**attempt)
        delays = [full_jitter(attempt, 1.0, 60.0) for _ in range(200)]
        assert all(0 <= d <= ceiling for d in delays)
        assert max(delays) > ceiling * 0.8  # really spread over the whole window


def test_huge_attempt_counts_do_not_overflow() -> None:
    assert 0 <= full_jitter(10**6, 1.0, 60.0) <= 60.0
    assert 0 <= full_jitter(-3, 1.0, 60.0) <= 1.0
