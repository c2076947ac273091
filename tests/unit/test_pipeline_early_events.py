"""Events a source emits before the pipeline has a loop (the tray app's mail logins run
while Qt is imported, issue 9) reach the store and the listeners once the loop runs: in
order, each exactly once, also when workers keep emitting while the loop is bound."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Sequence
from pathlib import Path

from desktop.app.pipeline import Pipeline
from desktop.core.events import ConnectionState, ItemsArrived, SourceStatus
from desktop.core.item import Item, Kind, utc_now
from desktop.store import Store


class Recorder:
    def __init__(self) -> None:
        self.added: list[tuple[list[str], bool]] = []
        self.statuses: list[SourceStatus] = []

    def items_added(self, items: Sequence[Item], quiet: bool) -> None:
        self.added.append(([i.id for i in items], quiet))

    def items_changed(self, items: Sequence[Item]) -> None: ...
    def items_removed(self, item_ids: Sequence[str]) -> None: ...

    def status_changed(self, status: SourceStatus) -> None:
        self.statuses.append(status)


def item(id_: str) -> Item:
    return Item(id=id_, source="mail:a", kind=Kind.MAIL, sender="s", title="t", preview="p", time=utc_now())


def status(n: int) -> SourceStatus:
    # distinct messages: the pipeline drops a status equal to the current one
    return SourceStatus("mail:a", ConnectionState.CONNECTING, f"step {n}")


def test_events_before_bind_are_handled_once_when_bound_on_the_loop(tmp_path: Path) -> None:
    pipeline = Pipeline(Store(tmp_path / "db"))
    recorder = Recorder()
    pipeline.add_listener(recorder)
    worker = threading.Thread(
        target=lambda: [
            pipeline.emit(status(0)),
            pipeline.emit(ItemsArrived("mail:a", [item("m1"), item("m2")])),
            pipeline.emit(status(1)),
        ]
    )
    worker.start()
    worker.join()
    assert recorder.added == [] and recorder.statuses == []  # kept: no loop yet
    assert pipeline.store.get_items(["m1"]) == []  # nor written: writes happen on the loop

    async def main() -> None:
        pipeline.bind(asyncio.get_running_loop())
        await asyncio.to_thread(pipeline.emit, ItemsArrived("mail:a", [item("m3")]))
        await asyncio.sleep(0)  # the loop runs what the worker queued

    asyncio.run(main())
    assert recorder.added == [(["m1", "m2"], False), (["m3"], False)]
    assert [s.message for s in recorder.statuses] == ["step 0", "step 1"]
    assert {i.id for i in pipeline.store.get_items(["m1", "m2", "m3"])} == {"m1", "m2", "m3"}


def test_a_worker_emitting_while_the_loop_is_bound_keeps_its_order(tmp_path: Path) -> None:
    """bind() from another thread (the loop not yet running) while a worker emits
    without pause: every event once, in the order the worker emitted them."""
    pipeline = Pipeline(Store(tmp_path / "db"))
    recorder = Recorder()
    pipeline.add_listener(recorder)
    count = 3000
    started = threading.Event()

    def work() -> None:
        for n in range(count):
            pipeline.emit(status(n))
            if n == 100:
                started.set()

    loop = asyncio.new_event_loop()
    try:
        worker = threading.Thread(target=work)
        worker.start()
        assert started.wait(10)
        pipeline.bind(loop)  # mid-stream: some events kept, the rest queued on the loop
        worker.join()
        loop.run_until_complete(asyncio.sleep(0))
    finally:
        loop.close()
    assert [s.message for s in recorder.statuses] == [f"step {n}" for n in range(count)]
