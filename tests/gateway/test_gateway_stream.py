"""The websocket: replay and sequence numbers, persistence, bad frames, auth, fan-out, read sync."""

from __future__ import annotations

import json

import pytest
import websockets
from gateway_helpers import Client, approval_request, connect

pytestmark = [pytest.mark.gateway, pytest.mark.asyncio]


def _announce(n: int) -> dict:
    return {
        "idempotency_key": f"ann-{n}",
        "type": "announcement",
        "recipients": "*",
        "data": {
            "announcement": {
                "id": f"an{n}",
                "title": f"Notice {n}",
                "text": "",
                "url": None,
                "urgency": "normal",
            }
        },
    }


async def test_replay_from_since_and_strictly_increasing_seq(make_gateway) -> None:
    gw = make_gateway()
    for n in range(5):
        assert gw.post(_announce(n)).status_code == 202

    full = await connect(gw, "alice", since=0)
    assert full.hello == {"type": "hello", "protocol": 1, "user": "alice", "seq": 5}
    events = await full.events(5)
    assert [f["seq"] for f in events] == [1, 2, 3, 4, 5]
    assert [f["event"]["data"]["announcement"]["id"] for f in events] == [f"an{n}" for n in range(5)]
    assert len({f["event"]["id"] for f in events}) == 5

    partial = await connect(gw, "alice2", since=3)  # alice's second device, stored up to 3
    assert [f["seq"] for f in await partial.events(2)] == [4, 5]

    # A live event continues each stream; bob's stream has its own numbering.
    await full.act({"type": "chat.send", "id": "m1", "conversation": "ab", "text": "hi"})
    live = await full.event("chat.message")
    assert live["seq"] == 6
    assert (await partial.event("chat.message"))["seq"] == 6
    bob = await connect(gw, "bob", since=5)
    assert bob.hello["seq"] == 6
    assert (await bob.event("chat.message"))["seq"] == 6
    for c in (full, partial, bob):
        await c.close()


async def test_since_minus_one_sends_only_new_events(make_gateway) -> None:
    gw = make_gateway()
    for n in range(3):
        gw.post(_announce(n))
    client = await connect(gw, "carol", since=-1)
    assert client.hello["seq"] == 3
    gw.post(_announce(99))
    first = await client.next(lambda f: f["type"] == "event")
    assert first["seq"] == 4
    assert first["event"]["data"]["announcement"]["id"] == "an99"
    await client.close()


async def test_events_survive_a_gateway_crash_and_restart(make_gateway) -> None:
    gw = make_gateway()
    gw.post(_announce(1))
    alice = await connect(gw, "alice")
    await alice.act({"type": "chat.send", "id": "m1", "conversation": "team", "text": "before the crash"})
    before = await alice.events(2)
    await alice.close()

    gw.proc.kill()  # SIGKILL: nothing gets a chance to flush
    gw.proc.start()

    again = await connect(gw, "alice")
    assert again.hello["seq"] == 2
    after = await again.events(2)
    assert [(f["seq"], f["event"]) for f in after] == [(f["seq"], f["event"]) for f in before]
    # New events continue the same sequence.
    gw.post(_announce(2))
    assert (await again.event("announcement"))["seq"] == 3
    await again.close()


async def test_bad_frames_get_error_frames_and_the_connection_stays(make_gateway) -> None:
    gw = make_gateway()
    client = await connect(gw, "alice")
    cases = [
        ("{not json", "bad_json"),
        ("[1, 2, 3]", "bad_frame"),
        ('"just a string"', "bad_frame"),
        (json.dumps({"no": "type"}), "bad_frame"),
        (json.dumps({"type": "chat.send", "conversation": "ab", "text": "no id"}), "bad_frame"),
        (json.dumps({"type": "chat.send", "id": "x", "text": "a" * 100 * 1024}), "frame_too_large"),
        (json.dumps({"type": "no.such.thing"}), "unknown_type"),
    ]
    for raw, code in cases:
        await client.send(raw)
        frame = await client.next(lambda f: f["type"] in ("error", "result"))
        assert frame["type"] == "error", raw[:50]
        assert frame["error"]["code"] == code, raw[:50]
    await client.send(b"\x00binary")  # binary frames are refused the same way
    assert (await client.next(lambda f: f["type"] == "error"))["error"]["code"] == "bad_frame"

    # An unknown type with an id is answered as a failed result for that id.
    result = await client.act({"type": "no.such.thing", "id": "u1"})
    assert result["ok"] is False and result["error"]["code"] == "unknown_type"
    # Invalid fields of a known action: result invalid.
    result = await client.act({"type": "chat.send", "id": "bad1", "conversation": "ab", "text": 5})
    assert result["ok"] is False and result["error"]["code"] == "invalid"
    assert "text" in result["error"]["message"]
    result = await client.act({"type": "item.read", "id": "bad2", "item": "mail:1"})
    assert result["error"]["code"] == "invalid"

    # Still answering valid actions.
    result = await client.act({"type": "chat.send", "id": "ok1", "conversation": "ab", "text": "still here"})
    assert result["ok"] is True
    assert result["data"]["message"]["text"] == "still here"
    await client.close()


@pytest.mark.parametrize("auth", ["Bearer not-a-token", "Basic abc", None])
async def test_bad_or_missing_token_closes_4401(make_gateway, auth) -> None:
    gw = make_gateway()
    headers = {"Authorization": auth} if auth else {}
    ws = await websockets.connect(gw.ws_url + "?since=0", additional_headers=headers)
    client = Client(ws)
    close = await client.closed()
    assert (close.code, close.reason) == (4401, "unauthorized")
    assert not client.pending, "nothing may be sent before the 4401 close"


async def test_revoked_token_is_refused_and_revoking_closes_a_live_connection(make_gateway) -> None:
    gw = make_gateway()
    live = await connect(gw, "alice")
    other_device = await connect(gw, "alice2")
    with gw.proc.admin() as admin:
        admin.revoke_token(gw.tokens["alice"])
    assert await live.close_code(timeout=5) == 4401
    # The same user's other token is untouched.
    result = await other_device.act({"type": "item.read", "id": "r1", "item": "task:1"})
    assert result["ok"] is True
    # A reconnect with the revoked token is refused.
    ws = await websockets.connect(
        gw.ws_url, additional_headers={"Authorization": f"Bearer {gw.tokens['alice']}"}
    )
    refused = await Client(ws).close_code()
    assert refused == 4401
    await other_device.close()


async def test_bad_since_closes_4400(make_gateway) -> None:
    gw = make_gateway()
    ws = await websockets.connect(
        gw.ws_url + "?since=abc", additional_headers={"Authorization": f"Bearer {gw.tokens['bob']}"}
    )
    assert await Client(ws).close_code() == 4400


async def test_chat_send_fans_out_to_every_member_device_once(make_gateway) -> None:
    gw = make_gateway()
    alice, alice2, bob, carol = [await connect(gw, who) for who in ("alice", "alice2", "bob", "carol")]
    send = {"type": "chat.send", "id": "c-1", "conversation": "team", "text": "lunch?"}
    first = await alice.act(send)
    assert first["ok"] is True
    message = first["data"]["message"]
    assert message["sender"] == {"id": "alice", "name": "Alice"}

    for client in (alice, alice2, bob, carol):
        frame = await client.event("chat.message")
        data = frame["event"]["data"]
        assert data["conversation"] == {"id": "team", "title": "Team", "kind": "group"}
        assert data["message"] == message

    # The same action id again (a retry from the outbox): the same result, nothing sent twice.
    again = await alice.act(send)
    assert again == first
    # A barrier: once it arrives (events are in seq order) any duplicate would have too.
    await alice.act({"type": "chat.send", "id": "c-2", "conversation": "team", "text": "barrier"})
    for client in (alice, alice2, bob, carol):
        await client.event("chat.message", lambda f: f["event"]["data"]["message"]["text"] == "barrier")
        dupes = [f for f in client.pending if f["type"] == "event" and f["event"]["type"] == "chat.message"]
        assert dupes == [], "the repeated action id produced a second message"

    # Not a member / unknown conversation: not_found.
    result = await carol.act({"type": "chat.send", "id": "c-3", "conversation": "ab", "text": "let me in"})
    assert result["ok"] is False and result["error"]["code"] == "not_found"
    for client in (alice, alice2, bob, carol):
        await client.close()


async def test_item_read_reaches_the_users_other_device(make_gateway) -> None:
    gw = make_gateway()
    laptop = await connect(gw, "alice")
    desktop = await connect(gw, "alice2")
    bob = await connect(gw, "bob")
    result = await laptop.act({"type": "item.read", "id": "read-1", "item": "chat:team"})
    assert result == {"type": "result", "id": "read-1", "ok": True, "data": {"item": "chat:team"}}
    frame = await desktop.event("item.read")
    assert frame["event"]["data"] == {"item": "chat:team"}
    # Only the user's own stream: bob's stays empty (his next event is the barrier below).
    gw.post(_announce(7))
    nxt = await bob.next(lambda f: f["type"] == "event")
    assert nxt["event"]["type"] == "announcement"
    for client in (laptop, desktop, bob):
        await client.close()


async def test_sigterm_stops_cleanly_and_clients_can_resume(make_gateway) -> None:
    gw = make_gateway()
    gw.post(approval_request("A-1", ["alice"]))
    client = await connect(gw, "alice")
    await client.events(1)
    # Exit code 0 means it stopped by itself: a hang would have been SIGKILLed (-9).
    assert gw.proc.stop(timeout=8) == 0
    assert any("stopped" in line for line in gw.proc.log_text().splitlines())
    code = await client.close_code()
    assert code in (1001, 1012), code  # going away / service restart: reconnect
    gw.proc.start()
    resumed = await connect(gw, "alice", since=1)
    assert resumed.hello["seq"] == 1
    await resumed.close()
