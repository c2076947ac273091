"""Reconnect delays: bounded by the cap, growing, never negative, safe for any attempt count."""

from __future__ import annotations

import random

from desktop.core.backoff import Backoff, full_jitter


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


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_failures_grow_the_ceiling_a_healthy_connection_starts_it_over() -> None:
    clock = Clock()
    policy = Backoff(1.0, 60.0, healthy_after=10.0, clock=clock)
    for _ in range(8):  # a storm: connections that never come up
        assert 0 <= policy.next_delay() <= 60.0
    assert policy.attempt == 8
    policy.up()  # hello, then a cut within a second: the server answers, the path is bad
    clock.now += 0.5
    assert not policy.healthy
    policy.down()
    assert policy.attempt == 2  # the next wait is at most base * 4, not the cap
    assert 0 <= policy.next_delay() <= 4.0
    assert policy.attempt == 3
    assert 0 <= policy.next_delay() <= 8.0  # failing before it comes up grows again
    policy.up()  # this one stays up long enough
    clock.now += 10.0
    assert policy.healthy
    policy.down()
    assert policy.attempt == 0 and not policy.healthy
    assert 0 <= policy.next_delay() <= 1.0  # caught up again within a second of the last cut


def test_down_without_up_changes_nothing_and_reset_retries_at_once() -> None:
    policy = Backoff(1.0, 60.0, healthy_after=0.0, clock=Clock())
    for _ in range(5):
        policy.next_delay()
    policy.down()  # a connection that failed before it came up
    assert policy.attempt == 5
    policy.reset()  # reconnect_now: the network is back
    assert policy.attempt == 0
    assert 0 <= policy.next_delay() <= 1.0
