"""The desktop across a gateway restored from a backup (issue 7, item 8), against the real process.

The backup is taken with SQLite's online backup API while the gateway runs, as an operator's
job would; events accepted after it are lost with the restore, and the restored gateway hands
their sequence numbers to other events. Every event the restored gateway accepts must reach
the inbox exactly once, and nothing the desktop already has is announced again.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

from desktop.app.pipeline import Pipeline
from desktop.config.settings import GatewaySettings
from desktop.core.events import ConnectionState, SourceStatus
from desktop.core.item import Item
from desktop.sources.gateway import GatewaySource
from desktop.store import Store
from harness.gateway import GatewayProcess, backup_db, restore_db

pytestmark = [pytest.mark.gateway, pytest.mark.asyncio]


class Recorder:
    def __init__(self) -> None:
        self.added: list[tuple[str, bool]] = []
        self.state: ConnectionState | None = None

    def items_added(self, items: Sequence[Item], quiet: bool) -> None:
        self.added += [(i.id, quiet) for i in items]

    def items_changed(self, items: Sequence[Item]) -> None: ...
    def items_removed(self, item_ids: Sequence[str]) -> None: ...

    def status_changed(self, status: SourceStatus) -> None:
        if status.source == "gateway":
            self.state = status.state


async def wait_for(cond: Callable[[], bool], what: str, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.02)


async def test_every_event_the_restored_gateway_accepts_reaches_the_inbox_once(
    gateway_process: GatewayProcess, tmp_path: Path
) -> None:
    gw = gateway_process
    gw.add_user("alice", "Alice Liu")
    secret = gw.add_integration("oa")

    def post(n: int) -> None:
        data = {"announcement": {"id": f"n{n}", "title": f"Notice {n}"}}
        gw.post_event("oa", secret, "announcement", data, ["alice"], idempotency_key=f"k{n}")

    store = Store(tmp_path / "desktop.db")
    pipeline = Pipeline(store, asyncio.get_running_loop())
    rec = Recorder()
    pipeline.add_listener(rec)
    settings = GatewaySettings(url=gw.url, token_command=f"printf %s {gw.issue_token('alice')}")
    source = GatewaySource(settings, store, backoff_base=0.05, backoff_cap=0.5)
    source.start(pipeline.emit)
    try:
        await wait_for(lambda: rec.state is ConnectionState.ONLINE, "online")
        for n in range(3):
            await asyncio.to_thread(post, n)
        await asyncio.to_thread(backup_db, gw.db_path, tmp_path / "backup.db")
        for n in range(3, 6):  # accepted and delivered, then lost with the restore
            await asyncio.to_thread(post, n)
        await wait_for(lambda: store.sync_state("gateway").get("seq") == "6", "six events stored")
        assert store.sync_state("gateway")["seq_id"]  # the event at the position is named

        # The laptop sleeps while the gateway is restored and accepts new events: when it
        # wakes, the gateway's seq (8) is beyond ours (6), so only the event ids tell.
        await source.stop()
        await asyncio.to_thread(gw.stop)
        restore_db(tmp_path / "backup.db", gw.db_path)
        await asyncio.to_thread(gw.start)
        for n in range(10, 15):  # seq 4-8 of the restored stream: 4-6 are reused numbers
            await asyncio.to_thread(post, n)
        source.start(pipeline.emit)
        expected = {f"gw:announcement:n{n}" for n in (*range(6), *range(10, 15))}
        await wait_for(lambda: {i for i, _ in rec.added} >= expected, "every accepted event")
        await wait_for(lambda: store.sync_state("gateway").get("seq") == "8", "position at the end")
        # a sentinel after anything that must not appear (a second replay, a duplicate)
        await asyncio.to_thread(post, 99)
        await wait_for(lambda: ("gw:announcement:n99", False) in rec.added, "the sentinel")
        counts = Counter(i for i, _ in rec.added)
        assert set(counts) == expected | {"gw:announcement:n99"} and max(counts.values()) == 1
        assert not any(quiet for _, quiet in rec.added)
    finally:
        await source.stop()
        store.close()
