"""POST /v1/events: signatures, replay window, idempotency, validation."""

from __future__ import annotations

import json
import time

import pytest
from gateway_helpers import approval_request, connect

from gateway.signing import signed_headers

pytestmark = [pytest.mark.gateway, pytest.mark.asyncio]


def _task(key: str = "task-1") -> dict:
    return {
        "idempotency_key": key,
        "type": "task.assigned",
        "recipients": ["bob"],
        "data": {
            "task": {
                "id": "T-1",
                "title": "Review PR",
                "text": "",
                "url": None,
                "due": None,
                "project": "tidings",
            }
        },
    }


async def test_signature_timestamp_replay_and_integration_errors(make_gateway) -> None:
    gw = make_gateway()
    body = json.dumps(_task()).encode()

    r = gw.post(body, secret="wrong-secret")
    assert (r.status_code, r.json()["error"]["code"]) == (401, "bad_signature")
    # 300 s is the window; 10 s past it on either side, because int() truncation and the time
    # the request takes make a 1 s margin race the server's clock.
    r = gw.post(body, timestamp=int(time.time()) - 310)
    assert (r.status_code, r.json()["error"]["code"]) == (401, "stale_timestamp")
    r = gw.post(body, timestamp=int(time.time()) + 310)
    assert (r.status_code, r.json()["error"]["code"]) == (401, "stale_timestamp")
    r = gw.post(body, integration="crm", secret="whatever")
    assert (r.status_code, r.json()["error"]["code"]) == (401, "unknown_integration")
    tampered = signed_headers("oa", gw.secrets["oa"], body)
    r = gw.post(body.replace(b"Review", b"Delete"), headers=tampered)
    assert (r.status_code, r.json()["error"]["code"]) == (401, "bad_signature")

    headers = signed_headers("oa", gw.secrets["oa"], body)
    first = gw.post(body, headers=headers)
    assert first.status_code == 202
    replay = gw.post(body, headers=headers)  # the exact same request again
    assert (replay.status_code, replay.json()["error"]["code"]) == (409, "replayed")

    bob = await connect(gw, "bob")
    events = await bob.events(1)
    assert events[0]["event"]["id"] == first.json()["event_ids"][0]
    assert events[0]["event"]["data"]["task"]["title"] == "Review PR"
    assert bob.hello["seq"] == 1, "only the one accepted request created an event"
    await bob.close()


async def test_idempotency_key_reused_creates_one_event(make_gateway) -> None:
    gw = make_gateway()
    now = int(time.time())
    first = gw.post(_task("same-key"), timestamp=now - 10)
    # Resent later (new timestamp, so a new signature): not a replay, but the same event.
    second = gw.post(_task("same-key"), timestamp=now - 5)
    assert first.status_code == second.status_code == 202
    assert first.json() == second.json()
    third = gw.post(_task("other-key"))
    assert third.json()["event_ids"] != first.json()["event_ids"]
    bob = await connect(gw, "bob")
    assert bob.hello["seq"] == 2
    await bob.close()


async def test_invalid_bodies_are_422_and_create_nothing(make_gateway) -> None:
    gw = make_gateway()
    bad = [
        b"not json",
        json.dumps([1]).encode(),
        json.dumps({**_task(), "type": "mail.arrived"}).encode(),
        json.dumps({**_task(), "recipients": []}).encode(),
        json.dumps({**_task(), "recipients": ["bob", "nobody"]}).encode(),
        json.dumps({**_task(), "idempotency_key": ""}).encode(),
        json.dumps({**_task(), "data": {"task": {"id": "T-1"}}}).encode(),
        json.dumps(
            {**approval_request("A-1", ["bob"]), "data": {"approval": {"id": "A-1", "title": "x"}}}
        ).encode(),
    ]
    for i, body in enumerate(bad):
        r = gw.post(body)
        assert (r.status_code, r.json()["error"]["code"]) == (422, "invalid"), (i, r.text)
    bob = await connect(gw, "bob")
    assert bob.hello["seq"] == 0
    await bob.close()


async def test_optional_fields_get_defaults_and_star_reaches_everyone(make_gateway) -> None:
    gw = make_gateway()
    r = gw.post(
        {
            "idempotency_key": "ann",
            "type": "announcement",
            "recipients": "*",
            "data": {"announcement": {"id": "N-1", "title": "Office closed Friday"}},
        }
    )
    assert r.status_code == 202
    for who in ("alice", "bob", "carol"):
        client = await connect(gw, who)
        frame = await client.event("announcement")  # validated against the wire schema
        assert frame["event"]["data"]["announcement"] == {
            "id": "N-1",
            "title": "Office closed Friday",
            "text": "",
            "url": None,
            "urgency": "normal",
        }
        await client.close()
