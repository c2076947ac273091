"""Tasks: task.complete from a desktop is done once, reaches every assignee's devices as
task.completed, and goes back to the integration as a signed callback (retried, once)."""

from __future__ import annotations

from typing import Any

import pytest
from gateway_helpers import CallbackReceiver, Gateway, assert_valid, connect, wait_for

from harness.net import free_port

pytestmark = [pytest.mark.gateway, pytest.mark.asyncio]


def task_assigned(task_id: str, recipients: list[str]) -> dict[str, Any]:
    body = {
        "idempotency_key": f"assign-{task_id}",
        "type": "task.assigned",
        "recipients": recipients,
        "data": {"task": {"id": task_id, "title": f"Review {task_id}", "project": "Tidings"}},
    }
    assert_valid("ingest-request.json", body)
    return body


def _complete(action_id: str, task: str) -> dict[str, Any]:
    frame = {"type": "task.complete", "id": action_id, "task": task}
    assert_valid("client-frame.json", frame)
    return frame


async def test_complete_once_every_assignee_hears_and_the_integration_gets_a_signed_callback(
    make_gateway,
) -> None:
    gw_ref: list[Gateway] = []
    receiver = CallbackReceiver(lambda: gw_ref[0].secrets["oa"]).start()
    try:
        gw = make_gateway(callback=receiver.url)
        gw_ref.append(gw)
        assert gw.post(task_assigned("T-1", ["alice", "bob"])).status_code == 202
        alice, alice2, bob = [await connect(gw, who) for who in ("alice", "alice2", "bob")]
        await alice.event("task.assigned")

        first = await alice.act(_complete("c1", "T-1"))
        assert first == {"type": "result", "id": "c1", "ok": True, "data": {"state": "completed"}}
        # The same action id again (an outbox resend): the same answer, nothing done twice.
        assert await alice.act(_complete("c1", "T-1")) == first

        expected = {
            "task": {"id": "T-1"},
            "state": "completed",
            "by": {"id": "alice", "name": "Alice"},
            "via": "desktop",
        }
        for client in (alice, alice2, bob):  # the user's other device, and the other assignee
            assert (await client.event("task.completed"))["event"]["data"] == expected

        # Completed already (here from another device of the same user): a documented error
        # with the final state, and no second event or callback.
        late = await alice2.act(_complete("c2", "T-1"))
        assert late["ok"] is False
        assert late["error"]["code"] == "already_resolved"
        assert late["data"] == {"state": "completed"}

        await wait_for(lambda: receiver.delivered(), what="the completion callback")
        # A sentinel after it: a second callback would have been queued before this one.
        assert gw.post(task_assigned("T-2", ["alice"])).status_code == 202
        assert (await alice.act(_complete("c3", "T-2")))["ok"]
        await wait_for(lambda: len(receiver.delivered()) >= 2, what="the sentinel's callback")
        delivered = receiver.delivered()
        assert [b["task"] for b in delivered] == ["T-1", "T-2"]
        assert all(ok for _, ok, _ in receiver.requests), "every attempt carries a valid signature"
        for body in delivered:
            assert_valid("callback.json", body)
            assert_valid("callbacks/task.completed.json", body)
        t1 = delivered[0]
        assert (t1["type"], t1["by"]) == ("task.completed", {"id": "alice", "name": "Alice"})
        assert t1["delivery_id"].startswith("dlv_")

        # A barrier after everything: no second task.completed reached anyone for T-1.
        await alice.act({"type": "item.read", "id": "barrier", "item": "task:T-2"})
        await alice.event("item.read")
        assert [
            f["event"]["data"]["task"]["id"]
            for f in alice.pending
            if f["type"] == "event" and f["event"]["type"] == "task.completed"
        ] == ["T-2"]
        for client in (alice, alice2, bob):
            await client.close()
    finally:
        receiver.stop()


async def test_unknown_task_or_not_an_assignee_is_not_found(make_gateway) -> None:
    gw = make_gateway()
    gw.post(task_assigned("T-3", ["alice"]))
    carol = await connect(gw, "carol")
    for action_id, task in (("n1", "T-3"), ("n2", "no-such-task")):
        result = await carol.act(_complete(action_id, task))
        assert result["ok"] is False
        assert result["error"]["code"] == "not_found"
    blank = await carol.act({"type": "task.complete", "id": "n3", "task": " "})
    assert blank["error"]["code"] == "invalid"
    assert "task" in blank["error"]["message"]
    await carol.close()
    # The assignee still can: the refusals above changed nothing.
    alice = await connect(gw, "alice")
    assert (await alice.act(_complete("a1", "T-3")))["ok"]
    await alice.close()


async def test_a_task_id_belongs_to_the_integration_that_assigned_it(make_gateway) -> None:
    gw = make_gateway()
    with gw.proc.admin() as admin:
        gw.secrets["pm"] = admin.add_integration("pm")
    assert gw.post(task_assigned("T-4", ["alice"])).status_code == 202
    # Another integration's T-4 is a task of its own (to bob), under an id of its own.
    theirs = gw.post({**task_assigned("T-4", ["bob"]), "idempotency_key": "pm-T-4"}, integration="pm")
    assert theirs.status_code == 202
    bob = await connect(gw, "bob")
    assert (await bob.event("task.assigned"))["event"]["data"]["task"]["id"] == "pm:T-4"
    # It did not make bob an assignee of the OA's T-4.
    assert (await bob.act(_complete("b0", "T-4")))["error"]["code"] == "not_found"
    # Assigned again by its owner (to bob as well): he may complete it too.
    again = {**task_assigned("T-4", ["alice", "bob"]), "idempotency_key": "assign-T-4-again"}
    assert gw.post(again).status_code == 202
    assert (await bob.act(_complete("b1", "T-4")))["ok"]
    await bob.close()


async def test_completion_callback_is_retried_until_the_endpoint_is_up(make_gateway) -> None:
    port = free_port()  # nothing listens here yet: connection refused
    gw_ref: list[Gateway] = []
    receiver = CallbackReceiver(lambda: gw_ref[0].secrets["oa"], port=port)
    gw = make_gateway(callback=receiver.url)
    gw_ref.append(gw)
    gw.post(task_assigned("T-5", ["alice"]))
    alice = await connect(gw, "alice")
    assert (await alice.act(_complete("c1", "T-5")))["ok"]
    with gw.proc.admin() as admin:
        await wait_for(lambda: [cb.attempts >= 2 for cb in admin.callbacks()] == [True], what="failures")
    receiver.status = 503
    receiver.start()
    try:
        await wait_for(lambda: receiver.requests, what="an attempt reaching the 503 endpoint")
        receiver.status = 200
        await wait_for(lambda: receiver.delivered(), what="the delivery")
        with gw.proc.admin() as admin:
            await wait_for(lambda: all(cb.delivered for cb in admin.callbacks()), what="queue drained")
        assert [b["task"] for b in receiver.delivered()] == ["T-5"]
        assert len({b["delivery_id"] for _, _, b in receiver.requests}) == 1, "retries keep the id"
        assert all(ok for _, ok, _ in receiver.requests)
    finally:
        receiver.stop()
        await alice.close()


async def test_completed_in_the_project_system_first_then_the_desktop_gets_already_resolved(
    make_gateway,
) -> None:
    gw_ref: list[Gateway] = []
    receiver = CallbackReceiver(lambda: gw_ref[0].secrets["oa"]).start()
    try:
        gw = make_gateway(callback=receiver.url)
        gw_ref.append(gw)
        gw.post(task_assigned("T-6", ["alice"]))
        done = {
            "idempotency_key": "done-T-6",
            "type": "task.completed",
            "recipients": ["alice"],
            "data": {"task": {"id": "T-6"}, "by": {"id": "dave", "name": "Dave"}},
        }
        assert_valid("ingest-request.json", done)
        assert gw.post(done).status_code == 202
        alice = await connect(gw, "alice")
        frame = await alice.event("task.completed")
        assert frame["event"]["data"] == {  # the defaults filled in
            "task": {"id": "T-6"},
            "state": "completed",
            "by": {"id": "dave", "name": "Dave"},
            "via": "integration",
        }
        late = await alice.act(_complete("c1", "T-6"))
        assert late["error"]["code"] == "already_resolved" and late["data"] == {"state": "completed"}
        # Another integration cannot complete (or take) the task: its T-6 is a task of its own.
        with gw.proc.admin() as admin:
            gw.secrets["pm"] = admin.add_integration("pm")
        theirs = gw.post({**done, "idempotency_key": "pm-done"}, integration="pm")
        assert theirs.status_code == 202
        frame = await alice.event("task.completed")
        assert frame["event"]["data"]["task"] == {"id": "pm:T-6"}
        # Nothing went back to the project system: it completed the task itself. (A sentinel
        # completion after it is the first callback it gets.)
        gw.post(task_assigned("T-7", ["alice"]))
        assert (await alice.act(_complete("c2", "T-7")))["ok"]
        await wait_for(lambda: receiver.delivered(), what="the sentinel's callback")
        assert [b["task"] for b in receiver.delivered()] == ["T-7"]
        await alice.close()
    finally:
        receiver.stop()
