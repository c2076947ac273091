"""Coalescing: the first items at once; a burst, however it is batched, as one summary
once it is quiet (bounded); a summary covers the bubbles shown before it in its window."""

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


def test_budget_items_are_single_then_one_summary_covers_the_whole_window_when_quiet() -> None:
    c = Coalescer(budget=3, window=2.0, quiet=1.0, longest=8.0)
    assert ids(c.offer(items(1), 0.0)) == [["i1"]]
    assert ids(c.offer(items(2, 3), 0.5)) == [["i2"], ["i3"]]
    assert c.offer(items(4), 0.6) == []
    assert c.deadline() == 1.6
    assert c.offer(items(5), 1.0) == []
    assert c.deadline() == 2.0  # each arrival moves the summary on by the quiet period
    assert c.flush(1.99) == []
    out = c.flush(2.0)
    # the three single bubbles are covered too: the dispatcher replaces them
    assert len(out) == 1 and isinstance(out[0], Summary)
    assert ids(out) == [["i1", "i2", "i3", "i4", "i5"]]
    assert c.deadline() is None


def test_batches_of_one_burst_give_one_summary_however_the_source_splits_them() -> None:
    # 200 mails as IMAP delivers them: 100 + 51 a moment apart, 49 half a second later.
    c = Coalescer(budget=3, window=2.0, quiet=1.5, longest=8.0)
    assert c.offer(items(*range(100)), 0.0) == []
    assert c.offer(items(*range(100, 151)), 0.02) == []
    assert c.flush(0.6) == []
    assert c.offer(items(*range(151, 200)), 0.6) == []
    assert c.flush(2.0) == []
    (summary,) = c.flush(2.1)
    assert isinstance(summary, Summary) and summary.count == 200


def test_a_steady_stream_is_still_summarised_after_the_longest_wait() -> None:
    c = Coalescer(budget=0, window=2.0, quiet=1.0, longest=3.0)
    for n in range(6):
        assert c.offer(items(n), n * 0.5) == []
    assert c.deadline() == 3.0  # not 3.5: the burst began at 0
    (summary,) = c.flush(3.0)
    assert isinstance(summary, Summary) and summary.count == 6


def test_stragglers_after_a_summary_update_it_instead_of_a_new_one() -> None:
    c = Coalescer(budget=2, window=2.0, quiet=1.0)
    c.offer(items(1, 2, 3), 0.0)
    assert ids(c.flush(1.0)) == [["i1", "i2", "i3"]]
    # within the window after a summary the budget is spent: held, then a summary of all
    assert c.offer(items(4), 1.5) == []
    assert ids(c.flush(2.5)) == [["i1", "i2", "i3", "i4"]]
    # once a whole quiet window has passed, items are immediate and on their own again
    assert ids(c.offer(items(5), 10.0)) == [["i5"]]


def test_read_items_are_left_out_of_the_summary() -> None:
    c = Coalescer(budget=1, window=2.0, quiet=1.0)
    c.offer(items(1), 0.0)
    c.offer(items(2, 3), 0.1)
    c.discard(["i1", "i3"])
    assert ids(c.flush(1.1)) == [["i2"]]  # one left: shown as itself


def test_held_items_of_an_expired_window_are_not_pushed_behind_new_ones() -> None:
    # The flush timer ran late (a busy loop, a suspend): the next offer must release them.
    c = Coalescer(budget=1, window=2.0, quiet=1.0)
    c.offer(items(1), 0.0)
    c.offer(items(2), 0.5)  # held, due at 1.5
    out = c.offer(items(3), 30.0)
    assert ids(out) == [["i1", "i2"], ["i3"]]
    assert c.deadline() is None


def test_empty_offer_does_nothing() -> None:
    c = Coalescer()
    assert c.offer([], 0.0) == []
    assert c.deadline() is None
