"""Coalescing: the first items at once, a burst as one summary, flushed on time."""

from __future__ import annotations

from datetime import UTC, datetime

from desktop.core.coalesce import Coalescer, Single, Summary
from desktop.core.item import Item, Kind


def items(*numbers: int) -> list[Item]:
    return [
        Item(
            id=f"i{n}",
            source="mail:work",
            kind=Kind.MAIL,
            sender="a",
            title=str(n),
            preview="",
            time=datetime(2025, 1, 1, tzinfo=UTC),
        )
        for n in numbers
    ]


def ids(notices: list[Single | Summary]) -> list[list[str]]:
    return [[n.item.id] if isinstance(n, Single) else [i.id for i in n.items] for n in notices]


def test_single_item_is_notified_at_once_and_nothing_is_held() -> None:
    c = Coalescer(budget=3, window=2.0)
    out = c.offer(items(1), now=100.0)
    assert out == [Single(items(1)[0])]
    assert c.deadline() is None
    assert c.flush(now=200.0) == []


def test_budget_items_are_single_then_the_rest_is_held_until_the_window_closes() -> None:
    c = Coalescer(budget=3, window=2.0)
    assert ids(c.offer(items(1), 0.0)) == [["i1"]]
    assert ids(c.offer(items(2, 3), 0.5)) == [["i2"], ["i3"]]
    assert c.offer(items(4), 0.6) == []
    assert c.offer(items(5), 1.0) == []
    assert c.deadline() == 2.0
    assert c.flush(1.99) == []  # not before the deadline
    out = c.flush(2.0)
    assert len(out) == 1 and isinstance(out[0], Summary)
    assert out[0].count == 2 and ids(out) == [["i4", "i5"]]
    assert c.deadline() is None


def test_one_held_item_is_flushed_as_a_single() -> None:
    c = Coalescer(budget=1, window=2.0)
    c.offer(items(1), 0.0)
    assert c.offer(items(2), 0.1) == []
    assert ids(c.flush(2.0)) == [["i2"]]
    assert isinstance(c.flush(2.0), list)


def test_a_batch_larger_than_the_budget_is_one_summary_straight_away() -> None:
    c = Coalescer(budget=3, window=2.0)
    out = c.offer(items(*range(50)), 0.0)
    assert len(out) == 1 and isinstance(out[0], Summary) and out[0].count == 50
    # the budget is used up: a straggler in the same window is held, not shown
    assert c.offer(items(99), 0.5) == []
    assert ids(c.flush(2.0)) == [["i99"]]


def test_a_burst_with_items_already_held_gives_one_summary_not_two() -> None:
    c = Coalescer(budget=2, window=2.0)
    c.offer(items(1, 2), 0.0)
    c.offer(items(3), 0.1)  # held
    out = c.offer(items(4, 5, 6), 0.2)
    assert ids(out) == [["i3", "i4", "i5", "i6"]]
    assert c.deadline() is None


def test_after_a_flush_the_next_window_is_rate_limited_then_opens_again() -> None:
    c = Coalescer(budget=2, window=2.0)
    c.offer(items(1, 2), 0.0)
    c.offer(items(3), 0.1)
    c.flush(2.0)
    # within the window after a summary new items are held again
    assert c.offer(items(4), 2.5) == []
    assert c.deadline() == 4.0
    assert ids(c.flush(4.0)) == [["i4"]]
    # once a whole quiet window has passed, items are immediate again
    assert ids(c.offer(items(5), 10.0)) == [["i5"]]


def test_held_items_of_an_expired_window_are_not_pushed_behind_new_ones() -> None:
    # The flush timer ran late (a busy loop, a suspend): the next offer must release them.
    c = Coalescer(budget=1, window=2.0)
    c.offer(items(1), 0.0)
    c.offer(items(2), 0.5)  # held, due at 2.0
    out = c.offer(items(3), 30.0)
    assert ids(out) == [["i2"], ["i3"]]
    assert c.deadline() is None


def test_empty_offer_does_nothing() -> None:
    c = Coalescer()
    assert c.offer([], 0.0) == []
    assert c.deadline() is None
