"""Completing a task from the desktop against the real gateway process: outbox → task.complete
frame → result → item state; the user's other device and the project system (a local HTTP
server checking the callback's signature) hear of it once, also when completed offline."""

from __future__ import annotations

import hashlib
import hmac
import json
import sqlite3
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from test_gateway_source import Desktop, gw, run, wait_for  # noqa: F401 - gw is a fixture
from websockets.asyncio.client import connect

from desktop.app.actions import ActionError
from desktop.core.events import ConnectionState
from desktop.core.item import Action
from harness.gateway import GatewayProcess, events_in_db

pytestmark = [pytest.mark.gateway, pytest.mark.asyncio]


class ProjectSystem:
    """The integration's callback URL: records each POST with whether its signature checks out
    (HMAC-SHA256 over "<timestamp>.<body>", computed here, not with the gateway's code)."""

    def __init__(self) -> None:
        self.secret = ""
        self.received: list[tuple[bool, dict[str, Any]]] = []
        self._lock = threading.Lock()
        system = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                stamp = self.headers.get("X-Tidings-Timestamp", "")
                mac = hmac.new(system.secret.encode(), stamp.encode() + b"." + body, hashlib.sha256)
                signed = hmac.compare_digest(
                    "sha256=" + mac.hexdigest(), self.headers.get("X-Tidings-Signature", "")
                )
                with system._lock:
                    system.received.append((signed, json.loads(body)))
                self.send_response(200 if signed else 401)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/tidings"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def completions(self) -> list[dict[str, Any]]:
        with self._lock:
            return [body for _, body in self.received if body.get("type") == "task.completed"]

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


@pytest.fixture
def pm(gw: GatewayProcess) -> Iterator[tuple[ProjectSystem, str]]:  # noqa: F811
    system = ProjectSystem()
    system.secret = gw.add_integration("pm", callback=system.url, display_name="Projects")
    try:
        yield system, system.secret
    finally:
        system.stop()


def task(tid: str) -> dict[str, Any]:
    return {
        "task": {"id": tid, "title": f"Review {tid}", "project": "Tidings", "due": "2030-01-02T09:00:00Z"}
    }


async def test_complete_here_shows_on_the_other_device_and_calls_back_signed(
    gw: GatewayProcess,  # noqa: F811
    pm: tuple[ProjectSystem, str],
    tmp_path: Path,
) -> None:
    system, secret = pm
    laptop = await Desktop(tmp_path / "laptop.db", gw.url, gw.issue_token("alice")).start()
    desk = await Desktop(tmp_path / "desk.db", gw.url, gw.issue_token("alice")).start()
    await run(gw.post_event, "pm", secret, "task.assigned", task("T1"), ["alice", "bob"])
    for d in (laptop, desk):
        await wait_for(lambda d=d: d.store.get_item("gw:task:T1") is not None, "the task on each device")
    assigned = laptop.item("gw:task:T1")
    assert Action.COMPLETE in assigned.actions and assigned.unread and assigned.state == ""

    entry = laptop.actions.complete("gw:task:T1")
    pending = laptop.item("gw:task:T1")
    assert pending.payload["pending_completion"] is True and not pending.unread
    await wait_for(lambda: laptop.store.outbox_entry(entry).status == "done", "the gateway's ok")  # type: ignore[union-attr]
    done = laptop.item("gw:task:T1")
    assert done.state == "completed"
    assert "pending_completion" not in done.payload and "last_error" not in done.payload
    assert Action.COMPLETE not in done.actions

    # The same user's other device: completed, read, by whom.
    await wait_for(lambda: desk.item("gw:task:T1").state == "completed", "completed on the other device")
    other = desk.item("gw:task:T1")
    assert not other.unread and other.payload["completion"]["by"] == {"id": "alice", "name": "Alice Liu"}
    assert Action.COMPLETE not in other.actions

    await wait_for(lambda: system.completions(), "the project system's callback")
    assert system.received and all(signed for signed, _ in system.received)
    [body] = system.completions()
    assert (body["task"], body["by"]) == ("T1", {"id": "alice", "name": "Alice Liu"})

    # Completing again from the stale desk is refused locally; the item says why.
    with pytest.raises(ActionError, match="already completed"):
        desk.actions.complete("gw:task:T1")
    await laptop.close()
    await desk.close()


async def test_completed_offline_is_delivered_once_when_back(
    gw: GatewayProcess,  # noqa: F811
    pm: tuple[ProjectSystem, str],
    tmp_path: Path,
) -> None:
    system, secret = pm
    token = gw.issue_token("alice")
    desktop = await Desktop(tmp_path / "a.db", gw.url, token).start()
    await run(gw.post_event, "pm", secret, "task.assigned", task("T2"), ["alice"])
    await wait_for(lambda: desktop.store.get_item("gw:task:T2") is not None, "the task")

    await run(gw.stop)
    await wait_for(lambda: desktop.recorder.state is ConnectionState.OFFLINE, "offline")
    entry = desktop.actions.complete("gw:task:T2")
    assert desktop.store.outbox_entry(entry).status == "pending"  # type: ignore[union-attr]
    await run(gw.start)
    await wait_for(lambda: desktop.store.outbox_entry(entry).status == "done", "delivered once back")  # type: ignore[union-attr]
    assert desktop.item("gw:task:T2").state == "completed"

    # The answer may be lost (the app went down right after sending): the resend carries the
    # same id, and the gateway answers it without completing anything twice.
    async with connect(
        f"{gw.url}/v1/stream?since=-1", additional_headers={"Authorization": f"Bearer {token}"}
    ) as ws:
        await ws.recv()  # hello
        await ws.send(json.dumps({"type": "task.complete", "id": entry, "task": "T2"}))
        while (frame := json.loads(await ws.recv()))["type"] != "result":
            pass
    assert frame == {"type": "result", "id": entry, "ok": True, "data": {"state": "completed"}}

    # A sentinel completion after it: its callback comes after any second one for T2 would.
    await run(gw.post_event, "pm", secret, "task.assigned", task("T3"), ["alice"])
    await wait_for(lambda: desktop.store.get_item("gw:task:T3") is not None, "the sentinel task")
    desktop.actions.complete("gw:task:T3")
    await wait_for(
        lambda: [b["task"] for b in system.completions()][-1:] == ["T3"], "the sentinel's callback"
    )
    assert [b["task"] for b in system.completions()] == ["T2", "T3"]
    assert [e["data"]["task"]["id"] for e in events_in_db(gw.db_path, "task.completed")] == ["T2", "T3"]
    await desktop.close()


async def test_refusals_are_shown_on_the_item(
    gw: GatewayProcess,  # noqa: F811
    pm: tuple[ProjectSystem, str],
    tmp_path: Path,
) -> None:
    system, secret = pm
    alice = await Desktop(tmp_path / "alice.db", gw.url, gw.issue_token("alice")).start()
    for tid in ("T4", "T5"):
        await run(gw.post_event, "pm", secret, "task.assigned", task(tid), ["alice", "bob"])
    await wait_for(lambda: alice.store.get_item("gw:task:T5") is not None, "the tasks")

    # Alice is offline and completes T4, which Bob completes first.
    await alice.source.stop()
    entry = alice.actions.complete("gw:task:T4")
    bob = await run(gw.issue_token, "bob")
    async with connect(
        f"{gw.url}/v1/stream?since=-1", additional_headers={"Authorization": f"Bearer {bob}"}
    ) as ws:
        await ws.recv()
        await ws.send(json.dumps({"type": "task.complete", "id": "bob-1", "task": "T4"}))
        while json.loads(await ws.recv())["type"] != "result":
            pass
    # T5 is a task the gateway does not know (assigned before it remembered tasks).
    with sqlite3.connect(gw.db_path) as db:
        db.execute("DELETE FROM tasks WHERE id='T5'")
    unknown = alice.actions.complete("gw:task:T5")

    alice.source.start(alice.pipeline.emit)
    for e in (entry, unknown):
        await wait_for(lambda e=e: alice.store.outbox_entry(e).status == "failed", "refused")  # type: ignore[union-attr]
    t4 = alice.item("gw:task:T4")
    assert t4.state == "completed"  # done all the same, by Bob
    assert t4.payload["completed_elsewhere"] is True and "already" in t4.payload["last_error"]
    assert t4.payload["completion"]["by"]["id"] == "bob"  # the task.completed event, replayed
    t5 = alice.item("gw:task:T5")
    assert t5.state == "" and "no task" in t5.payload["last_error"]
    assert "pending_completion" not in t5.payload and Action.COMPLETE in t5.actions
    assert all(b["by"]["id"] == "bob" for b in system.completions())  # Bob's, never Alice's
    await alice.close()
