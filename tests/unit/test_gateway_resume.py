"""Resuming after a gateway restored from a backup (issue 7, item 8), against a scripted gateway.

The fake speaks the agreed extension of protocol 1 on a loopback websocket:
the client resumes with ``since=<seq>&at=<event id>``; a stream that does not
hold that event at that seq answers ``hello`` with ``"reset": true`` and replays
everything. ``FakeGateway.knows_at = False`` plays an older gateway.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from websockets.asyncio.server import ServerConnection, serve

from desktop.app.pipeline import Pipeline
from desktop.config.settings import GatewaySettings
from desktop.core.events import ConnectionState, SourceStatus
from desktop.core.item import Item
from desktop.sources.gateway import GatewaySource
from desktop.store import Store


def notice(event_id: str, nid: str) -> dict[str, Any]:
    return {
        "id": event_id,
        "type": "announcement",
        "time": "2030-01-01T08:00:00.000Z",
        "data": {"announcement": {"id": nid, "title": f"Notice {nid}"}},
    }


class FakeGateway:
    def __init__(self) -> None:
        self.stream: list[dict[str, Any]] = []  # the user's events; seq = index + 1
        self.knows_at = True
        self.requests: list[dict[str, str]] = []
        self._open: set[ServerConnection] = set()

    async def handler(self, ws: ServerConnection) -> None:
        assert ws.request is not None
        query = {k: v[0] for k, v in parse_qs(urlsplit(ws.request.path).query).items()}
        self.requests.append(query)
        since, at = int(query["since"]), query.get("at")
        latest = len(self.stream)
        held = self.stream[since - 1]["id"] if 1 <= since <= latest else None
        reset = self.knows_at and at is not None and since >= 1 and held != at
        hello: dict[str, Any] = {"type": "hello", "protocol": 1, "user": "alice", "seq": latest}
        if reset:
            hello["reset"] = True
        await ws.send(json.dumps(hello))
        start = 0 if reset else latest if since == -1 else min(since, latest)
        for seq in range(start + 1, latest + 1):
            await ws.send(json.dumps({"type": "event", "seq": seq, "event": self.stream[seq - 1]}))
        self._open.add(ws)
        try:
            await ws.wait_closed()
        finally:
            self._open.discard(ws)

    async def publish(self, event: dict[str, Any]) -> None:
        self.stream.append(event)
        frame = json.dumps({"type": "event", "seq": len(self.stream), "event": event})
        for ws in list(self._open):
            await ws.send(frame)

    def restore(self, stream: list[dict[str, Any]]) -> None:
        """A backup comes back: an older stream, whose later seqs will be reused."""
        self.stream = list(stream)


class Recorder:
    def __init__(self) -> None:
        self.added: list[tuple[str, bool]] = []
        self.statuses: list[SourceStatus] = []

    def items_added(self, items: Sequence[Item], quiet: bool) -> None:
        self.added += [(i.id, quiet) for i in items]

    def items_changed(self, items: Sequence[Item]) -> None: ...
    def items_removed(self, item_ids: Sequence[str]) -> None: ...

    def status_changed(self, status: SourceStatus) -> None:
        self.statuses.append(status)

    @property
    def online(self) -> bool:
        return bool(self.statuses) and self.statuses[-1].state is ConnectionState.ONLINE


async def wait_for(cond: Callable[[], bool], what: str, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.01)


def scenario(tmp_path: Path, body: Callable[[FakeGateway, GatewaySource, Store, Recorder], Any]) -> None:
    async def main() -> None:
        fake = FakeGateway()
        async with serve(fake.handler, "127.0.0.1", 0) as server:
            port = server.sockets[0].getsockname()[1]
            store = Store(tmp_path / "db.sqlite")
            pipeline = Pipeline(store, asyncio.get_running_loop())
            rec = Recorder()
            pipeline.add_listener(rec)
            settings = GatewaySettings(url=f"ws://127.0.0.1:{port}", token_command="printf %s tok")
            source = GatewaySource(settings, store, backoff_base=0.05, backoff_cap=0.2)
            source.start(pipeline.emit)
            try:
                await body(fake, source, store, rec)
            finally:
                await source.stop()
                store.close()

    asyncio.run(asyncio.wait_for(main(), 60))


def position(store: Store) -> dict[str, str]:
    return store.sync_state("gateway")


async def reconnect(source: GatewaySource, rec: Recorder) -> None:
    rec.statuses.clear()
    source.reconnect_now()
    await wait_for(lambda: rec.online, "online again")


def test_a_restored_backup_replays_all_and_each_event_arrives_once(tmp_path: Path) -> None:
    async def body(fake: FakeGateway, source: GatewaySource, store: Store, rec: Recorder) -> None:
        await wait_for(lambda: rec.online, "online")
        assert fake.requests[-1] == {"since": "-1"}  # a new install: no history, no event id
        assert position(store) == {"seq": "0", "seq_id": ""}
        for n in (1, 2, 3):
            await fake.publish(notice(f"e{n}", f"n{n}"))
        await wait_for(lambda: position(store) == {"seq": "3", "seq_id": "e3"}, "position at e3")
        backup = fake.stream[:2]

        # The gateway is restored from a backup holding e1, e2; then it accepts e9 and e10,
        # which take the seqs 3 and 4 again.
        fake.restore(backup)
        await fake.publish(notice("e9", "n9"))
        await fake.publish(notice("e10", "n10"))
        await reconnect(source, rec)
        assert fake.requests[-1] == {"since": "3", "at": "e3"}
        await wait_for(lambda: position(store) == {"seq": "4", "seq_id": "e10"}, "position at e10")
        ids = [i for i, _ in rec.added]
        assert sorted(ids) == sorted(f"gw:announcement:n{n}" for n in (1, 2, 3, 9, 10))  # once each
        assert all(not quiet for _, quiet in rec.added)
        assert len(store.ids_with_prefix("gw:")) == 5

        # Same stream again: an ordinary resume, nothing replayed, nothing new.
        await reconnect(source, rec)
        assert fake.requests[-1] == {"since": "4", "at": "e10"}
        await fake.publish(notice("e11", "n11"))  # a sentinel after anything that must not appear
        await wait_for(lambda: ("gw:announcement:n11", False) in rec.added, "the sentinel")
        assert len(rec.added) == 6

    scenario(tmp_path, body)


def test_an_older_gateway_without_reset_still_moves_the_position_back(tmp_path: Path) -> None:
    async def body(fake: FakeGateway, source: GatewaySource, store: Store, rec: Recorder) -> None:
        fake.knows_at = False
        await wait_for(lambda: rec.online, "online")
        for n in (1, 2, 3):
            await fake.publish(notice(f"e{n}", f"n{n}"))
        await wait_for(lambda: position(store)["seq"] == "3", "three events")
        fake.restore(fake.stream[:1])
        await reconnect(source, rec)
        assert fake.requests[-1] == {"since": "3", "at": "e3"}  # sent, and ignored by this gateway
        # hello.seq 1 < since 3: the gateway's seq is the position, with no event id for it
        assert position(store) == {"seq": "1", "seq_id": ""}
        await fake.publish(notice("e7", "n7"))  # seq 2 again: not hidden behind our old seq 3
        await wait_for(lambda: ("gw:announcement:n7", False) in rec.added, "the event after the restore")
        assert position(store) == {"seq": "2", "seq_id": "e7"}
        await reconnect(source, rec)
        assert fake.requests[-1] == {"since": "2", "at": "e7"}

    scenario(tmp_path, body)
