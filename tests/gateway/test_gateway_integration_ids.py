"""Ids an integration gives are its own: another integration choosing the same approval, task,
announcement or message id gets an item of its own (never merged with, replacing, resolving or
completing the first one), and each decision or completion goes back to the integration whose
item it was, under that integration's own id."""

from __future__ import annotations

import sqlite3
from typing import Any

import pytest
from gateway_helpers import CallbackReceiver, Gateway, approval_request, assert_valid, connect, wait_for

pytestmark = [pytest.mark.gateway, pytest.mark.asyncio]


def _crm_approval(approval_id: str, recipients: list[str], key: str) -> dict[str, Any]:
    body = approval_request(approval_id, recipients, key)
    body["data"]["approval"]["integration"] = "crm"
    return body


def _decide(action_id: str, approval: str, decision: str) -> dict[str, Any]:
    frame = {"type": "approval.decide", "id": action_id, "approval": approval, "decision": decision}
    assert_valid("client-frame.json", frame)
    return frame


def _task(task_id: str, recipients: list[str], key: str) -> dict[str, Any]:
    body = {
        "idempotency_key": key,
        "type": "task.assigned",
        "recipients": recipients,
        "data": {"task": {"id": task_id, "title": f"Do {task_id}"}},
    }
    assert_valid("ingest-request.json", body)
    return body


def _announcement(announcement_id: str, key: str) -> dict[str, Any]:
    return {
        "idempotency_key": key,
        "type": "announcement",
        "recipients": ["alice"],
        "data": {"announcement": {"id": announcement_id, "title": f"News {announcement_id}"}},
    }


def _chat(message_id: str, key: str) -> dict[str, Any]:
    return {
        "idempotency_key": key,
        "type": "chat.message",
        "recipients": ["alice"],
        "data": {"conversation": {"id": "team"}, "message": {"id": message_id, "text": "hi"}},
    }


def _two_integrations(make_gateway: Any) -> tuple[Gateway, CallbackReceiver, CallbackReceiver]:
    """A gateway with "oa" and "crm", each with a callback receiver of its own (started)."""
    gw_ref: list[Gateway] = []
    oa = CallbackReceiver(lambda: gw_ref[0].secrets["oa"]).start()
    crm = CallbackReceiver(lambda: gw_ref[0].secrets["crm"]).start()
    gw = make_gateway(callback=oa.url)
    gw_ref.append(gw)
    with gw.proc.admin() as admin:
        gw.secrets["crm"] = admin.add_integration("crm", callback=crm.url)
        admin.add_integration_to("crm", "team")
    return gw, oa, crm


async def test_the_same_approval_id_from_two_integrations_is_two_approvals(make_gateway) -> None:
    gw, oa, crm = _two_integrations(make_gateway)
    try:
        assert gw.post(approval_request("7781", ["alice"])).status_code == 202
        # "crm" picks the id "oa" uses: accepted, as an approval of its own.
        taken = gw.post(_crm_approval("7781", ["alice"], "crm-7781"), integration="crm")
        assert taken.status_code == 202, taken.text
        alice = await connect(gw, "alice")
        ids = [(await alice.event("approval.requested"))["event"]["data"]["approval"] for _ in range(2)]
        assert [(a["id"], a["integration"]) for a in ids] == [("7781", "oa"), ("crm:7781", "crm")]

        # Deciding the crm approval neither resolves the oa one nor reaches "oa".
        assert (await alice.act(_decide("d1", "crm:7781", "reject")))["data"] == {"state": "rejected"}
        resolved = await alice.event("approval.resolved")
        assert resolved["event"]["data"]["approval"] == {"id": "crm:7781"}
        assert (await alice.act(_decide("d2", "7781", "approve")))["data"] == {"state": "approved"}
        await wait_for(lambda: oa.delivered() and crm.delivered(), what="a callback to each")
        # Each integration hears of its own approval under its own id, once.
        assert [(b["approval"], b["decision"]) for b in crm.delivered()] == [("7781", "reject")]
        assert [(b["approval"], b["decision"]) for b in oa.delivered()] == [("7781", "approve")]
        for body in (*oa.delivered(), *crm.delivered()):
            assert_valid("callback.json", body)
        await alice.close()
    finally:
        oa.stop()
        crm.stop()


async def test_an_integration_cannot_squat_or_resolve_another_integrations_approval(make_gateway) -> None:
    gw, oa, crm = _two_integrations(make_gateway)
    try:
        # "crm" takes an id first that "oa" uses later: the OA's approval still gets through.
        assert gw.post(_crm_approval("A-9", ["bob"], "crm-A-9"), integration="crm").status_code == 202
        late = gw.post(approval_request("A-9", ["alice"]))
        assert late.status_code == 202, late.text
        # "crm" withdraws "its" 7781 before the OA posts one: that does not resolve the OA's.
        withdrawn = {
            "idempotency_key": "crm-withdraw",
            "type": "approval.resolved",
            "recipients": ["alice"],
            "data": {"approval": {"id": "7781"}, "state": "withdrawn", "by": {"id": "x", "name": "X"}},
        }
        assert gw.post(withdrawn, integration="crm").status_code == 202
        assert gw.post(approval_request("7781", ["alice"])).status_code == 202

        alice = await connect(gw, "alice")
        requested = [(await alice.event("approval.requested"))["event"]["data"]["approval"] for _ in range(2)]
        assert [a["id"] for a in requested] == ["oa:A-9", "oa:7781"]
        assert (await alice.event("approval.resolved"))["event"]["data"]["approval"] == {"id": "7781"}
        # The withdrawn one is crm's; the OA's is still pending and alice may decide it.
        assert (await alice.act(_decide("d1", "oa:7781", "approve")))["ok"]
        assert (await alice.act(_decide("d2", "oa:A-9", "reject")))["ok"]
        # Deciding what alice knows as "7781" (crm's, withdrawn) is already_resolved.
        assert (await alice.act(_decide("d3", "7781", "approve")))["error"]["code"] == "already_resolved"
        await wait_for(lambda: len(oa.delivered()) >= 2, what="both callbacks to the OA")
        assert sorted((b["approval"], b["decision"]) for b in oa.delivered()) == [
            ("7781", "approve"),
            ("A-9", "reject"),
        ]
        # A sentinel decision of crm's own: the first (and only) callback crm gets.
        assert gw.post(_crm_approval("C-1", ["alice"], "crm-C-1"), integration="crm").status_code == 202
        await alice.event("approval.requested")
        assert (await alice.act(_decide("d4", "C-1", "approve")))["ok"]
        await wait_for(lambda: crm.delivered(), what="the sentinel callback")
        assert [b["approval"] for b in crm.delivered()] == ["C-1"]
        await alice.close()
    finally:
        oa.stop()
        crm.stop()


async def test_the_same_task_id_from_two_integrations_is_two_tasks(make_gateway) -> None:
    gw, oa, crm = _two_integrations(make_gateway)
    try:
        assert gw.post(_task("T-1", ["alice"], "oa-T-1")).status_code == 202
        assert gw.post(_task("T-1", ["alice"], "crm-T-1"), integration="crm").status_code == 202
        # "crm" completing "its" T-1 in its own system leaves the OA's task open.
        done = {
            "idempotency_key": "crm-done",
            "type": "task.completed",
            "recipients": ["alice"],
            "data": {"task": {"id": "T-1"}, "by": {"id": "x", "name": "X"}},
        }
        assert gw.post(done, integration="crm").status_code == 202
        alice = await connect(gw, "alice")
        assigned = [(await alice.event("task.assigned"))["event"]["data"]["task"]["id"] for _ in range(2)]
        assert assigned == ["T-1", "crm:T-1"]
        assert (await alice.event("task.completed"))["event"]["data"]["task"] == {"id": "crm:T-1"}
        complete = {"type": "task.complete", "id": "c1", "task": "T-1"}
        assert (await alice.act(complete))["data"] == {"state": "completed"}
        await wait_for(lambda: oa.delivered(), what="the OA's completion callback")
        assert [(b["type"], b["task"]) for b in oa.delivered()] == [("task.completed", "T-1")]
        # crm completed its own task itself: no callback; a sentinel of its own is its first.
        assert gw.post(_task("T-2", ["alice"], "crm-T-2"), integration="crm").status_code == 202
        await alice.event("task.assigned")
        assert (await alice.act({"type": "task.complete", "id": "c2", "task": "T-2"}))["ok"]
        await wait_for(lambda: crm.delivered(), what="the sentinel callback")
        assert [b["task"] for b in crm.delivered()] == ["T-2"]
        await alice.close()
    finally:
        oa.stop()
        crm.stop()


async def test_announcements_and_messages_of_two_integrations_never_share_an_id(make_gateway) -> None:
    gw, oa, crm = _two_integrations(make_gateway)
    try:
        for integration in ("oa", "crm"):
            assert (
                gw.post(_announcement("n1", f"{integration}-n1"), integration=integration).status_code == 202
            )
            assert gw.post(_chat("m1", f"{integration}-m1"), integration=integration).status_code == 202
        # The same integration using its id again means the same item: the same id again.
        assert gw.post(_announcement("n1", "oa-n1-again")).status_code == 202
        alice = await connect(gw, "alice")
        news = [(await alice.event("announcement"))["event"]["data"]["announcement"]["id"] for _ in range(3)]
        assert news == ["n1", "crm:n1", "n1"]
        chat = [(await alice.event("chat.message"))["event"]["data"]["message"] for _ in range(2)]
        assert [(m["id"], m["sender"]["id"]) for m in chat] == [
            ("m1", "integration:oa"),
            ("crm:m1", "integration:crm"),
        ]
        await alice.close()
    finally:
        oa.stop()
        crm.stop()


async def test_approvals_stored_before_ids_were_namespaced_keep_their_id(make_gateway) -> None:
    gw, oa, crm = _two_integrations(make_gateway)
    try:
        assert gw.post(approval_request("7781", ["alice"])).status_code == 202
        gw.proc.stop()
        # The database as a gateway of storage version 4 left it: no table of integration ids.
        conn = sqlite3.connect(gw.proc.db_path)
        conn.executescript("BEGIN; DROP TABLE integration_ids; PRAGMA user_version=4; COMMIT;")
        conn.close()
        gw.proc.start()
        assert gw.post(_crm_approval("7781", ["alice"], "crm-7781"), integration="crm").status_code == 202
        alice = await connect(gw, "alice")
        ids = [(await alice.event("approval.requested"))["event"]["data"]["approval"]["id"] for _ in range(2)]
        assert ids == ["7781", "crm:7781"]  # the OA's approval kept the id its clients hold
        assert (await alice.act(_decide("d1", "7781", "approve")))["ok"]
        await wait_for(lambda: oa.delivered(), what="the OA's callback")
        assert [b["approval"] for b in oa.delivered()] == ["7781"]
        await alice.close()
    finally:
        oa.stop()
        crm.stop()
