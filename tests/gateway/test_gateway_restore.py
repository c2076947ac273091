"""Resuming across a gateway restored from a backup (issue 7, item 8): the client names the
event it holds at `since` (`at`), and a stream that holds another event there says `reset` and
replays everything, so no accepted event is lost behind a reused sequence number."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlencode

import pytest
import websockets
from gateway_helpers import Client, Gateway, connect

from harness.gateway import backup_db, restore_db

pytestmark = [pytest.mark.gateway, pytest.mark.asyncio]


def _announce(n: int) -> dict:
    return {
        "idempotency_key": f"ann-{n}",
        "type": "announcement",
        "recipients": ["alice"],
        "data": {"announcement": {"id": f"an{n}", "title": f"Notice {n}"}},
    }


def _post(gw: Gateway, n: int) -> str:
    response = gw.post(_announce(n))
    assert response.status_code == 202, response.text
    return str(response.json()["event_ids"][0])


async def _resume(gw: Gateway, who: str, since: int, at: str | None) -> Client:
    query = {"since": since} if at is None else {"since": since, "at": at}
    ws = await websockets.connect(
        f"{gw.ws_url}?{urlencode(query)}", additional_headers={"Authorization": f"Bearer {gw.tokens[who]}"}
    )
    client = Client(ws)
    client.hello = await client.next(lambda f: f["type"] == "hello")
    return client


async def test_a_restored_backup_resets_the_stream_and_every_accepted_event_arrives(
    make_gateway, tmp_path: Path
) -> None:
    gw = make_gateway()
    before_backup = [_post(gw, n) for n in range(3)]  # alice's seq 1-3
    backup = tmp_path / "backup.db"
    backup_db(gw.proc.db_path, backup)
    lost = [_post(gw, n) for n in range(3, 6)]  # seq 4-6: accepted, then lost with the restore

    # The desktop stores (seq, event id) of everything it receives.
    alice = await connect(gw, "alice", since=0)
    stored = {f["seq"]: f["event"]["id"] for f in await alice.events(6)}
    assert list(stored.values()) == before_backup + lost
    await alice.close()

    assert gw.proc.stop() == 0
    restore_db(backup, gw.proc.db_path)
    gw.proc.start()
    # Accepted by the restored gateway: seq 4-6 again (other events), then 7 and 8.
    accepted = [_post(gw, n) for n in range(10, 15)]

    resumed = await _resume(gw, "alice", since=6, at=stored[6])
    assert resumed.hello == {"type": "hello", "protocol": 1, "user": "alice", "seq": 8, "reset": True}
    replay = await resumed.events(8)
    assert [f["seq"] for f in replay] == list(range(1, 9))
    known = set(stored.values())
    new = [f["event"]["id"] for f in replay if f["event"]["id"] not in known]
    assert new == accepted, "after deduplicating by event id, exactly the events accepted since the restore"
    # Live events continue the restored stream.
    live = _post(gw, 20)
    frame = await resumed.next(lambda f: f["type"] == "event")
    assert (frame["seq"], frame["event"]["id"]) == (9, live)
    await resumed.close()

    # The old rule cannot tell: without `at`, hello.seq (9) >= since (6) looks like an intact
    # stream, and only seq 7 on would come; three accepted events would be skipped silently.
    old_client = await _resume(gw, "alice", since=6, at=None)
    assert "reset" not in old_client.hello
    assert (await old_client.next(lambda f: f["type"] == "event"))["seq"] == 7
    await old_client.close()


async def test_a_matching_at_resumes_without_reset(make_gateway) -> None:
    gw = make_gateway()
    ids = [_post(gw, n) for n in range(4)]
    client = await _resume(gw, "alice", since=2, at=ids[1])
    assert client.hello == {"type": "hello", "protocol": 1, "user": "alice", "seq": 4}
    # Events come in seq order, so the first one shows where the replay started.
    assert [(f["seq"], f["event"]["id"]) for f in await client.events(2)] == [(3, ids[2]), (4, ids[3])]
    sentinel = _post(gw, 9)
    assert (await client.next(lambda f: f["type"] == "event"))["event"]["id"] == sentinel
    await client.close()

    # The seq is there but holds another event: reset, as after a restore.
    other = await _resume(gw, "alice", since=2, at=ids[0])
    assert other.hello["reset"] is True
    assert [f["seq"] for f in await other.events(5)] == [1, 2, 3, 4, 5]
    await other.close()
    # A since beyond the stream with `at`: reset too (the old rule would say hello.seq < since).
    beyond = await _resume(gw, "alice", since=50, at=ids[3])
    assert beyond.hello["reset"] is True and beyond.hello["seq"] == 5
    assert len(await beyond.events(5)) == 5
    await beyond.close()
    # `at` is ignored without a position to check (since 0 replays everything anyway, -1 nothing).
    fresh = await _resume(gw, "alice", since=-1, at=ids[0])
    assert "reset" not in fresh.hello
    await fresh.close()


async def test_a_bad_at_closes_4400(make_gateway) -> None:
    gw = make_gateway()
    for bad in ("", "x" * 201):
        ws = await websockets.connect(
            f"{gw.ws_url}?{urlencode({'since': 1, 'at': bad})}",
            additional_headers={"Authorization": f"Bearer {gw.tokens['bob']}"},
        )
        close = await Client(ws).closed()
        assert close.code == 4400 and "at" in close.reason
