"""The cycle collector runs on the Qt main thread, never in a worker thread."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QObject, QTimer

from desktop.ui.main_thread_gc import MainThreadCollector


@pytest.fixture
def collector(qapp: object) -> Iterator[MainThreadCollector]:
    gc.collect()
    c = MainThreadCollector()
    yield c
    c.stop()
    assert gc.isenabled()


def drop_a_timer_in_a_cycle() -> None:
    owner = QObject()
    timer = QTimer(owner)
    timer.start(60_000)
    cycle: dict[str, object] = {"owner": owner}
    cycle["self"] = cycle  # only the cycle collector can free the QObject now


def allocate_in_a_worker_thread() -> None:
    def churn() -> None:
        for _ in range(50):
            junk = [[] for _ in range(1000)]
            for a in junk:
                a.append(junk)  # cycles, so every generation's counter moves

    worker = threading.Thread(target=churn)
    worker.start()
    worker.join()


def test_a_worker_thread_never_frees_qt_objects_and_the_main_thread_does(
    collector: MainThreadCollector,
) -> None:
    assert not gc.isenabled()
    drop_a_timer_in_a_cycle()
    # With automatic collection on, the worker would free the QTimer and Qt would warn
    # "Timers cannot be stopped from another thread" (a warning fails the test).
    allocate_in_a_worker_thread()
    before = gc.get_count()[0]
    assert before > gc.get_threshold()[0]
    collector.check()
    assert gc.get_count()[0] < before


def test_each_check_collects_the_oldest_generation_that_is_due(
    collector: MainThreadCollector, monkeypatch: pytest.MonkeyPatch
) -> None:
    collected: list[int] = []
    monkeypatch.setattr(gc, "collect", lambda generation=2: collected.append(generation) or 0)
    t0, t1, t2 = gc.get_threshold()
    for counts, expected in (
        ((0, 0, 0), []),
        ((t0 + 1, 0, 0), [0]),
        ((t0 + 1, t1 + 1, 0), [1]),
        ((t0 + 1, t1 + 1, t2 + 1), [2]),
    ):
        collected.clear()
        monkeypatch.setattr(gc, "get_count", lambda c=counts: c)
        collector.check()
        assert collected == expected
