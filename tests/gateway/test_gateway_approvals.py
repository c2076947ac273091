"""Approvals: one decision wins, OA-side resolution, and signed callbacks that survive outages
and restarts."""

from __future__ import annotations

import pytest
from gateway_helpers import (
    CallbackReceiver,
    Gateway,
    approval_request,
    assert_valid,
    connect,
    wait_for,
)

from harness.net import free_port

pytestmark = [pytest.mark.gateway, pytest.mark.asyncio]


def _decide(action_id: str, approval: str, decision: str = "approve", comment: str = "ok") -> dict:
    frame = {
        "type": "approval.decide",
        "id": action_id,
        "approval": approval,
        "decision": decision,
        "comment": comment,
    }
    assert_valid("client-frame.json", frame)
    return frame


async def test_one_decision_wins_and_the_second_gets_already_resolved(make_gateway) -> None:
    gw = make_gateway()
    assert gw.post(approval_request("A-1", ["alice", "bob"])).status_code == 202
    alice, bob = await connect(gw, "alice"), await connect(gw, "bob")
    requested = await alice.event("approval.requested")
    assert requested["event"]["data"]["approval"]["id"] == "A-1"

    first = await alice.act(_decide("d1", "A-1", "reject", "too much"))
    assert first == {"type": "result", "id": "d1", "ok": True, "data": {"state": "rejected"}}
    # Repeating the same action id: the same answer, no second decision.
    assert await alice.act(_decide("d1", "A-1", "reject", "too much")) == first
    # Another action (here: the other approver) after it is resolved.
    late = await bob.act(_decide("d2", "A-1", "approve"))
    assert late["ok"] is False
    assert late["error"]["code"] == "already_resolved"
    assert "rejected" in late["error"]["message"]
    assert late["data"] == {"state": "rejected"}

    for client in (alice, bob):  # both approvers see it resolved, once
        frame = await client.event("approval.resolved")
        data = frame["event"]["data"]
        assert data == {
            "approval": {"id": "A-1"},
            "state": "rejected",
            "by": {"id": "alice", "name": "Alice"},
            "comment": "too much",
            "via": "desktop",
        }
    await alice.act({"type": "item.read", "id": "barrier", "item": "approval:A-1"})
    await alice.event("item.read")
    assert not [
        f for f in alice.pending if f["type"] == "event" and f["event"]["type"] == "approval.resolved"
    ]

    # Unknown approval, or one the user is not an approver of: not_found.
    carol = await connect(gw, "carol")
    assert (await carol.act(_decide("d3", "A-1")))["error"]["code"] == "not_found"
    assert (await carol.act(_decide("d4", "nope")))["error"]["code"] == "not_found"
    assert (await carol.act({**_decide("d5", "A-1"), "decision": "maybe"}))["error"]["code"] == "invalid"
    for client in (alice, bob, carol):
        await client.close()


async def test_resolved_in_the_oa_first_then_desktop_gets_already_resolved(make_gateway) -> None:
    gw = make_gateway()
    gw.post(approval_request("A-2", ["alice"]))
    resolved = {
        "idempotency_key": "res-A-2",
        "type": "approval.resolved",
        "recipients": ["alice"],
        "data": {
            "approval": {"id": "A-2"},
            "state": "withdrawn",
            "by": {"id": "dave", "name": "Dave"},
            "comment": "no longer needed",
            "via": "integration",
        },
    }
    assert gw.post(resolved).status_code == 202
    alice = await connect(gw, "alice")
    frame = await alice.event("approval.resolved")
    assert frame["event"]["data"]["state"] == "withdrawn"
    result = await alice.act(_decide("d1", "A-2"))
    assert result["error"]["code"] == "already_resolved"
    assert result["data"] == {"state": "withdrawn"}
    await alice.close()


async def test_callback_retried_until_the_endpoint_is_up_and_delivered_once(make_gateway) -> None:
    port = free_port()  # nothing listens here yet: connection refused
    gw_ref: list[Gateway] = []
    receiver = CallbackReceiver(lambda: gw_ref[0].secrets["oa"], port=port)
    gw = make_gateway(callback=receiver.url)
    gw_ref.append(gw)
    gw.post(approval_request("A-3", ["alice"]))
    gw.post(approval_request("A-4", ["alice"]))
    alice = await connect(gw, "alice")
    assert (await alice.act(_decide("d1", "A-3", "approve", "fine")))["ok"]
    assert (await alice.act(_decide("d2", "A-4", "reject", "no")))["ok"]
    with gw.proc.admin() as admin:
        await wait_for(
            lambda: all(cb.attempts >= 2 for cb in admin.callbacks()) and len(admin.callbacks()) == 2,
            what="failed attempts",
        )
    receiver.status = 500
    receiver.start()
    try:
        await wait_for(lambda: len(receiver.requests) >= 2, what="attempts reaching the 500 endpoint")
        receiver.status = 200
        await wait_for(lambda: len(receiver.delivered()) >= 2, what="both deliveries")
        with gw.proc.admin() as admin:
            await wait_for(lambda: all(cb.delivered for cb in admin.callbacks()), what="queue drained")
            queue = admin.callbacks()
        delivered = receiver.delivered()
        assert sorted(b["approval"] for b in delivered) == ["A-3", "A-4"]
        assert len({b["delivery_id"] for b in delivered}) == 2, "a delivery was accepted twice"
        assert all(ok for _, ok, _ in receiver.requests), "every attempt carries a valid signature"
        for body in delivered:
            assert_valid("callback.json", body)
        a3 = next(b for b in delivered if b["approval"] == "A-3")
        assert (a3["decision"], a3["comment"], a3["by"]) == (
            "approve",
            "fine",
            {"id": "alice", "name": "Alice"},
        )
        assert all(cb.delivered and cb.attempts >= 3 for cb in queue)
    finally:
        receiver.stop()
        await alice.close()


async def test_callback_queue_survives_a_gateway_restart(make_gateway) -> None:
    gw_ref: list[Gateway] = []
    receiver = CallbackReceiver(lambda: gw_ref[0].secrets["oa"])
    receiver.status = 503
    receiver.start()
    try:
        gw = make_gateway(callback=receiver.url)
        gw_ref.append(gw)
        gw.post(approval_request("A-5", ["alice"]))
        alice = await connect(gw, "alice")
        assert (await alice.act(_decide("d1", "A-5")))["ok"]
        await wait_for(lambda: len(receiver.requests) >= 1, what="a first (failing) attempt")
        await alice.close()
        gw.proc.kill()  # crash with the decision still queued
        with gw.proc.admin() as admin:
            assert [cb.delivered for cb in admin.callbacks()] == [False]
        receiver.status = 200
        gw.proc.start()
        await wait_for(lambda: receiver.delivered(), what="delivery after the restart")
        with gw.proc.admin() as admin:
            await wait_for(lambda: all(cb.delivered for cb in admin.callbacks()), what="queue drained")
        assert [b["approval"] for b in receiver.delivered()] == ["A-5"]
        delivery_ids = {b["delivery_id"] for _, _, b in receiver.requests}
        assert len(delivery_ids) == 1, "retries keep the delivery_id"
    finally:
        receiver.stop()
