"""Snoozes: stored, re-armed at start, due ones come back at start, and the timer on the
asyncio loop brings them back unread through the pipeline (the list and the notifier)."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from desktop.app.runtime import Runtime
from desktop.app.snooze import SnoozeTimer
from desktop.config.settings import Settings
from desktop.core.events import ItemsArrived
from desktop.store import Store
from tests.ui.helpers import FakeSource, make_item


class Recorder:
    def __init__(self) -> None:
        self.added: list[tuple[str, bool]] = []
        self.removed: list[str] = []

    def items_added(self, items, quiet):
        self.added += [(i.id, quiet) for i in items]

    def items_changed(self, items):
        pass

    def items_removed(self, item_ids):
        self.removed += list(item_ids)

    def status_changed(self, status):
        pass


def _runtime(tmp_path: Path) -> tuple[Runtime, Recorder]:
    rt = Runtime(Settings(), tmp_path, store=Store(tmp_path / "inbox.sqlite3"))
    rt.sources["mail:work"] = FakeSource("mail:work")  # type: ignore[assignment]
    recorder = Recorder()
    rt.pipeline.add_listener(recorder)
    return rt, recorder


def test_the_timer_brings_an_item_back_unread_and_notified(tmp_path: Path) -> None:
    rt, recorder = _runtime(tmp_path)

    async def scenario() -> None:
        loop = asyncio.get_running_loop()
        rt.pipeline.bind(loop)
        rt.pipeline.handle(ItemsArrived("mail:work", [make_item(1, unread=False)]))
        rt.snoozes.start(loop)
        rt.actions.snooze([make_item(1).id], time.time() + 0.3)
        rt.snoozes.check()
        assert recorder.removed == [make_item(1).id]
        assert rt.store.page() == []  # out of the list
        for _ in range(100):
            if recorder.added[1:]:
                break
            await asyncio.sleep(0.05)

    asyncio.run(scenario())
    rt.snoozes.stop()
    assert recorder.added[-1] == (make_item(1).id, False)  # not quiet: the notifier shows it
    item = rt.store.get_item(make_item(1).id)
    assert item is not None and item.unread
    assert [i.id for i in rt.store.page()] == [make_item(1).id]
    assert rt.store.snoozed() == []
    rt.store.close()


def test_snoozes_survive_a_restart_and_come_back_at_start_when_due(tmp_path: Path) -> None:
    rt, _ = _runtime(tmp_path)
    rt.store.add_items([make_item(n) for n in range(3)])
    rt.actions.snooze([make_item(0).id], time.time() + 3600)  # later
    rt.store.snooze([make_item(1).id], time.time() - 60)  # its time passed while Tidings was off
    rt.store.close()

    store = Store(tmp_path / "inbox.sqlite3")
    rt2 = Runtime(Settings(), tmp_path, store=store)
    recorder = Recorder()
    rt2.pipeline.add_listener(recorder)

    async def start() -> asyncio.TimerHandle | None:
        rt2.start(asyncio.get_running_loop())
        return rt2.snoozes._handle

    handle = asyncio.run(start())
    assert recorder.added == [(make_item(1).id, False)]
    assert [s[0] for s in store.snoozed()] == [make_item(0).id]
    assert handle is not None  # armed for the one still waiting
    rt2.snoozes.stop()
    store.close()


def test_the_wait_is_capped_so_a_suspend_cannot_make_it_late(tmp_path: Path) -> None:
    rt, _ = _runtime(tmp_path)
    rt.store.add_items([make_item(1)])
    rt.actions.snooze([make_item(1).id], time.time() + 7 * 86400)
    timer = SnoozeTimer(rt.actions, max_wait=60)

    async def arm() -> float:
        loop = asyncio.get_running_loop()
        timer.start(loop)
        assert timer._handle is not None
        return timer._handle.when() - loop.time()

    wait = asyncio.run(arm())
    timer.stop()
    assert 0 < wait <= 60
    rt.store.close()


def test_a_new_message_brings_a_snoozed_conversation_back(tmp_path: Path) -> None:
    from tests.ui.helpers import chat_item

    rt, _ = _runtime(tmp_path)
    rt.store.add_items([chat_item(1, "ops", "first")])
    rt.actions.snooze(["gw:msg:ops-1"], time.time() + 3600)
    assert rt.store.page() == []
    rt.store.add_items([chat_item(2, "ops", "news")])
    assert [i.id for i in rt.store.page()] == ["gw:msg:ops-2"]
    assert rt.store.snoozed() == []
    rt.store.close()
