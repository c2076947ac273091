"""GatewaySource against the real reference gateway process: resume, outbox, auth, read sync, approvals.

Each test drives the source through a real Pipeline and Store on the test's
asyncio loop, with a listener recording what the UI would be told. Calls into
the (blocking) harness run in a thread so the loop keeps serving the socket.
"""

from __future__ import annotations

import asyncio
import json
import shlex
import ssl
import subprocess
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
from websockets.asyncio.client import connect

from desktop.app.actions import Actions
from desktop.app.pipeline import Pipeline
from desktop.config.settings import GatewaySettings
from desktop.core.backoff import UP_ATTEMPT
from desktop.core.events import ConnectionState, SourceStatus
from desktop.core.item import Item
from desktop.sources.gateway import GatewaySource
from desktop.store import Store
from harness.cutting_proxy import CuttingProxy
from harness.gateway import GatewayProcess, events_in_db

pytestmark = [pytest.mark.gateway, pytest.mark.asyncio]


class Recorder:
    def __init__(self) -> None:
        self.added: list[tuple[str, bool]] = []  # (item id, quiet)
        self.changed: list[Item] = []
        self.statuses: list[SourceStatus] = []

    def items_added(self, items: Sequence[Item], quiet: bool) -> None:
        self.added += [(i.id, quiet) for i in items]

    def items_changed(self, items: Sequence[Item]) -> None:
        self.changed += items

    def items_removed(self, item_ids: Sequence[str]) -> None:
        pass

    def status_changed(self, status: SourceStatus) -> None:
        self.statuses.append(status)

    @property
    def state(self) -> ConnectionState | None:
        mine = [s for s in self.statuses if s.source == "gateway"]
        return mine[-1].state if mine else None


#: retry delays (first, cap) of zero: a retry the source should not make comes at once, so a
#: round trip started afterwards (a sentinel) shows it, where a sleep would have to outlast it
NO_DELAY = (0.0, 0.0)


class Desktop:
    """The parts of the app that matter here: Store + Pipeline + GatewaySource + Actions."""

    def __init__(self, db: Path, url: str, token: str, backoff: tuple[float, float] = (0.05, 0.5)) -> None:
        self.store = Store(db)
        self.pipeline = Pipeline(self.store)
        self.recorder = Recorder()
        self.pipeline.add_listener(self.recorder)
        settings = GatewaySettings(url=url, token_command=f"printf %s {shlex.quote(token)}")
        self.source = GatewaySource(
            settings, self.store, backoff_base=backoff[0], backoff_cap=backoff[1], ping_interval=5
        )
        self.actions = Actions(self.pipeline, lambda: {"gateway": self.source})

    async def start(self, online: bool = True) -> Desktop:
        self.pipeline.bind(asyncio.get_running_loop())
        self.source.start(self.pipeline.emit)
        if online:
            await wait_for(lambda: self.recorder.state is ConnectionState.ONLINE, "desktop online")
        return self

    async def close(self) -> None:
        await self.source.stop()
        self.store.close()

    def item(self, item_id: str) -> Item:
        item = self.store.get_item(item_id)
        assert item is not None, item_id
        return item

    def times(self, state: ConnectionState) -> int:
        """How often the source has reported ``state`` so far."""
        return sum(s.state is state for s in self.recorder.statuses if s.source == "gateway")


async def wait_for(cond: Callable[[], bool], what: str, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.02)


def run(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Awaitable[Any]:
    return asyncio.to_thread(fn, *args, **kwargs)


@pytest.fixture
def gw(gateway_process: GatewayProcess) -> GatewayProcess:
    for name, display in (("alice", "Alice Liu"), ("bob", "Bob Chen")):
        gateway_process.add_user(name, display)
    gateway_process.add_conversation("team", "Team", ["alice", "bob"], kind="group")
    return gateway_process


@pytest.fixture
def oa(gw: GatewayProcess) -> str:
    secret = gw.add_integration("oa", callback="http://127.0.0.1:9/decisions")
    gw.add_integration_to("oa", "team")  # its chat messages come from its bot identity
    return secret


def approval_data(aid: str) -> dict[str, Any]:
    return {
        "approval": {
            "id": aid,
            "title": f"Expense {aid}",
            "requester": {"id": "carol", "name": "Carol"},
            "fields": [{"label": "Amount", "value": "¥120"}],
        }
    }


async def test_kill_and_restart_while_50_events_are_posted(
    gw: GatewayProcess, oa: str, tmp_path: Path
) -> None:
    desktop = await Desktop(tmp_path / "a.db", gw.url, gw.issue_token("alice")).start()
    start_seq = int(desktop.store.sync_state("gateway")["seq"])
    accepted = 0
    refused = 0  # attempts that found no gateway

    def poster() -> None:
        nonlocal accepted, refused
        for n in range(50):
            if n % 3 == 0:
                kind, data = "announcement", {"announcement": {"id": f"n{n}", "title": f"Notice {n}"}}
            elif n % 3 == 1:
                kind, data = "task.assigned", {"task": {"id": f"t{n}", "title": f"Task {n}"}}
            else:
                msg = {"id": f"m{n}", "text": f"message {n}"}
                kind, data = "chat.message", {"conversation": {"id": "team"}, "message": msg}
            deadline = time.monotonic() + 20
            while True:  # like an OA system: retry with the same idempotency key until accepted
                try:
                    gw.post_event("oa", oa, kind, data, ["alice"], idempotency_key=f"k{n}", timeout=2)
                    break
                except Exception:
                    refused += 1
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.05)
            accepted += 1

    posting = asyncio.create_task(run(poster))
    await wait_for(lambda: accepted >= 15, "15 events posted")
    await run(gw.kill)
    await wait_for(lambda: desktop.recorder.state is ConnectionState.OFFLINE, "offline after SIGKILL")
    tried = refused
    # The poster tries against the dead gateway (unless it was done already).
    await wait_for(lambda: refused > tried or accepted == 50, "an attempt at the dead gateway")
    await run(gw.start)
    await posting
    expected = {f"gw:announcement:n{n}" for n in range(0, 50, 3)}
    expected |= {f"gw:task:t{n}" for n in range(1, 50, 3)}
    expected |= {f"gw:msg:m{n}" for n in range(2, 50, 3)}
    await wait_for(lambda: {i for i, _ in desktop.recorder.added} >= expected, "all 50 items")
    # A sentinel after the 50: the stream is in sequence order, so a duplicate of any of them
    # (a replay from a stale resume point) would reach the desktop before it.
    sentinel = {"announcement": {"id": "sentinel", "title": "Sentinel"}}
    await run(gw.post_event, "oa", oa, "announcement", sentinel, ["alice"])
    expected.add("gw:announcement:sentinel")
    await wait_for(
        lambda: "gw:announcement:sentinel" in {i for i, _ in desktop.recorder.added}, "the sentinel"
    )
    added = Counter(i for i, _ in desktop.recorder.added)
    assert set(added) == expected and max(added.values()) == 1
    assert not any(quiet for _, quiet in desktop.recorder.added)
    assert len(desktop.store.ids_with_prefix("gw:")) == 51
    # the resume point is durable and covers exactly the 50 events and the sentinel
    assert int(desktop.store.sync_state("gateway")["seq"]) == start_seq + 51
    await desktop.close()


async def test_actions_queued_offline_are_delivered_exactly_once(
    gw: GatewayProcess, oa: str, tmp_path: Path
) -> None:
    token = gw.issue_token("alice")
    desktop = await Desktop(tmp_path / "a.db", gw.url, token).start()
    await run(gw.post_event, "oa", oa, "approval.requested", approval_data("A1"), ["alice"])
    await run(gw.post_chat_message, "oa", oa, "team", "m1", "lunch?", ["alice", "bob"])
    await wait_for(lambda: desktop.store.get_item("gw:msg:m1") is not None, "chat message")
    await wait_for(lambda: desktop.store.get_item("gw:approval:A1") is not None, "approval")

    await run(gw.stop)
    await wait_for(lambda: desktop.recorder.state is ConnectionState.OFFLINE, "offline")
    desktop.actions.reply("gw:msg:m1", "yes, 12:30")
    desktop.actions.decide("gw:approval:A1", approve=True, comment="fine")
    assert desktop.item("gw:approval:A1").payload["pending_decision"] == "approve"
    await run(gw.start)
    await wait_for(lambda: not desktop.store.pending("gateway"), "outbox drained")
    await wait_for(lambda: desktop.item("gw:approval:A1").state == "approved", "approved")
    approved = desktop.item("gw:approval:A1")
    assert "pending_decision" not in approved.payload and "last_error" not in approved.payload

    # the app is torn down with a reply and a mark-read queued, and comes back on the same DB file
    await run(gw.post_chat_message, "oa", oa, "team", "m2", "and coffee?", ["alice", "bob"])
    await wait_for(lambda: desktop.store.get_item("gw:msg:m2") is not None, "second message")
    await desktop.source.stop()
    entry = desktop.actions.reply("gw:msg:m2", "sure")
    await desktop.close()
    # The first attempt reached the gateway, but its answer was lost with the old app:
    # a resend carries the same id and the gateway answers it once.
    async with connect(
        f"{gw.url}/v1/stream?since=-1", additional_headers={"Authorization": f"Bearer {token}"}
    ) as ws:
        await ws.recv()  # hello
        await ws.send(json.dumps({"type": "chat.send", "id": entry, "conversation": "team", "text": "sure"}))
        while json.loads(await ws.recv())["type"] != "result":
            pass
    # and Bob wrote while the app was down: replayed from the stored seq, exactly once
    await run(gw.post_chat_message, "oa", oa, "team", "m3", "hello?", ["alice", "bob"])
    again = await Desktop(tmp_path / "a.db", gw.url, token).start()
    await wait_for(lambda: not again.store.pending("gateway"), "outbox drained after restart")
    await wait_for(lambda: again.store.get_item("gw:msg:m3") is not None, "message sent while down")
    assert again.store.outbox_entry(entry).status == "done"  # type: ignore[union-attr]
    # Sentinels: an action through the same outbox (the gateway takes a connection's frames
    # in order, so a second send of the reply would have been answered first), then an event
    # after it (anything the gateway stored before, a duplicate message too, streams first).
    again.actions.mark_read("gw:msg:m3")
    await wait_for(lambda: not again.store.pending("gateway"), "the sentinel action delivered")
    await run(gw.post_chat_message, "oa", oa, "team", "m4", "sentinel", ["alice", "bob"])
    await wait_for(lambda: again.store.get_item("gw:msg:m4") is not None, "the sentinel message")

    # gateway side: one message per reply, one decision for the OA
    texts = Counter(
        e["data"]["message"]["text"]
        for e in events_in_db(gw.db_path, "chat.message")
        if e["data"]["message"]["sender"]["id"] == "alice"
    )
    assert texts == {"yes, 12:30": 1, "sure": 1}
    with gw.admin() as admin:
        decisions = [c.body for c in admin.callbacks() if c.body.get("approval") == "A1"]
    assert [d["decision"] for d in decisions] == ["approve"]
    # own messages come back through the stream: stored as read, never notified
    own = [
        i
        for i in again.store.ids_with_prefix("gw:msg:")
        if again.item(i).payload["message"]["sender"]["id"] == "alice"
    ]
    assert len(own) == 2 and not any(again.item(i).unread for i in own)
    assert all(quiet for i, quiet in again.recorder.added + desktop.recorder.added if i in own)
    # the new app heard only what was new to its store
    others = [i for i, _ in again.recorder.added if i not in own]
    assert others == ["gw:msg:m3", "gw:msg:m4"]
    await again.close()


class ConnectionCounter:
    """A TCP relay in front of the gateway that counts connections: what the gateway would see.
    With ``tls`` it terminates TLS, like a company's reverse proxy in front of the gateway."""

    def __init__(self, target_port: int, tls: ssl.SSLContext | None = None) -> None:
        self.target_port = target_port
        self.tls = tls
        self.connections = 0
        self.server: asyncio.Server | None = None

    async def start(self) -> int:
        self.server = await asyncio.start_server(self._relay, "127.0.0.1", 0, ssl=self.tls)
        return int(self.server.sockets[0].getsockname()[1])

    async def _relay(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        up_r, up_w = await asyncio.open_connection("127.0.0.1", self.target_port)

        async def pump(src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
            try:
                while data := await src.read(65536):
                    dst.write(data)
                    await dst.drain()
            except OSError:
                pass
            finally:
                dst.close()

        await asyncio.gather(pump(reader, up_w), pump(up_r, writer))

    async def close(self) -> None:
        if self.server is not None:
            self.server.close()


async def test_bad_or_revoked_token_stops_retrying(gw: GatewayProcess, tmp_path: Path) -> None:
    counter = ConnectionCounter(gw.port)
    port = await counter.start()
    url = f"ws://127.0.0.1:{port}"

    bad = await Desktop(tmp_path / "bad.db", url, "tgw_not-a-token", NO_DELAY).start(online=False)
    await wait_for(lambda: bad.recorder.state is ConnectionState.AUTH_FAILED, "auth failed")
    assert bad.recorder.statuses[-1].message == "The gateway rejected the sign-in token"

    token = gw.issue_token("alice")
    good = await Desktop(tmp_path / "good.db", url, token, NO_DELAY).start()
    await run(gw.revoke_token, token)
    await wait_for(lambda: good.recorder.state is ConnectionState.AUTH_FAILED, "revoked mid-session")
    # One each, then silence: the bad source, had it retried at once, would have been back
    # many times during the good one's whole session.
    assert counter.connections == 2
    assert bad.source.connect_attempts == 1 and good.source.connect_attempts == 1

    # The user fixed nothing yet; "retry now" makes exactly one more attempt. Its round trip
    # is the sentinel for the good source: an immediate retry of that one would come first.
    bad.source.reconnect_now()
    await wait_for(lambda: bad.times(ConnectionState.AUTH_FAILED) >= 2, "auth failed again")
    assert bad.source.connect_attempts == 2 and good.source.connect_attempts == 1
    assert counter.connections == 3
    # And the good one's "retry now" is the sentinel for the bad one's second refusal.
    good.source.reconnect_now()
    await wait_for(lambda: good.times(ConnectionState.AUTH_FAILED) >= 2, "refused again")
    assert bad.source.connect_attempts == 2 and good.source.connect_attempts == 2
    assert counter.connections == 4
    await bad.close()
    await good.close()
    await counter.close()


async def test_read_on_one_device_clears_it_on_the_other(gw: GatewayProcess, oa: str, tmp_path: Path) -> None:
    laptop = await Desktop(tmp_path / "laptop.db", gw.url, gw.issue_token("alice")).start()
    desk = await Desktop(tmp_path / "desk.db", gw.url, gw.issue_token("alice")).start()
    await run(gw.post_chat_message, "oa", oa, "team", "m1", "one", ["alice", "bob"])
    await run(gw.post_chat_message, "oa", oa, "team", "m2", "two", ["alice", "bob"])
    await run(gw.post_event, "oa", oa, "task.assigned", {"task": {"id": "T1", "title": "Review"}}, ["alice"])
    for d in (laptop, desk):
        await wait_for(lambda d=d: len(d.store.ids_with_prefix("gw:")) == 3, "three items on each device")
        assert d.store.unread_count("gateway") == 2  # one row per conversation + the task

    laptop.actions.mark_read("gw:msg:m2")
    laptop.actions.mark_read("gw:task:T1")
    await wait_for(lambda: desk.store.unread_count("gateway") == 0, "read on the other device")
    assert not desk.item("gw:msg:m1").unread and not desk.item("gw:msg:m2").unread
    await wait_for(lambda: not laptop.store.pending("gateway"), "laptop outbox drained")
    await laptop.close()
    await desk.close()


async def test_approval_decided_here_and_decided_in_the_oa_first(
    gw: GatewayProcess, oa: str, tmp_path: Path
) -> None:
    desktop = await Desktop(tmp_path / "a.db", gw.url, gw.issue_token("alice")).start()
    for aid in ("A1", "A2"):
        await run(gw.post_event, "oa", oa, "approval.requested", approval_data(aid), ["alice"])
    await wait_for(lambda: desktop.store.get_item("gw:approval:A2") is not None, "approvals")

    desktop.actions.decide("gw:approval:A1", approve=True)
    await wait_for(lambda: desktop.item("gw:approval:A1").state == "approved", "approved here")

    # the laptop is offline; the user rejects A2 here while it is approved in the OA itself
    await desktop.source.stop()
    entry = desktop.actions.decide("gw:approval:A2", approve=False, comment="too much")
    resolved = {"approval": {"id": "A2"}, "state": "approved", "by": {"id": "dave", "name": "Dave"}}
    await run(gw.post_event, "oa", oa, "approval.resolved", resolved, ["alice"])
    desktop.source.start(desktop.pipeline.emit)
    await wait_for(lambda: desktop.store.outbox_entry(entry).status == "failed", "refused")  # type: ignore[union-attr]
    item = desktop.item("gw:approval:A2")
    assert item.state == "approved"  # the OA's final state, not the local decision
    assert item.payload["resolution"]["by"]["name"] == "Dave"
    assert "already" in item.payload["last_error"] and "pending_decision" not in item.payload
    assert desktop.store.outbox_entry(entry).last_error == item.payload["last_error"]  # type: ignore[union-attr]
    await desktop.close()


async def test_certificates_are_verified_and_a_company_ca_can_be_added(
    gw: GatewayProcess, tmp_path: Path
) -> None:
    cert, key = tmp_path / "ca.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=Tidings test CA",
         "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    tls.load_cert_chain(cert, key)
    proxy = ConnectionCounter(gw.port, tls)
    url = f"wss://127.0.0.1:{await proxy.start()}"
    token = gw.issue_token("alice")

    untrusted = await Desktop(tmp_path / "u.db", url, token, NO_DELAY).start(online=False)
    await wait_for(lambda: untrusted.recorder.state is ConnectionState.ERROR, "certificate refused")
    message = untrusted.recorder.statuses[-1].message
    assert "certificate of 127.0.0.1 is not trusted" in message and "CA file" in message

    trusted = Desktop(tmp_path / "t.db", url, token)
    trusted.source.settings.ca_file = str(cert)
    await trusted.start()  # online over wss, verified against the company CA
    # That whole session was the sentinel: an immediate retry of the untrusted one would
    # have come long before. A configuration problem: no retries.
    assert untrusted.source.connect_attempts == 1
    await untrusted.close()
    await trusted.close()
    await proxy.close()


async def test_a_connection_that_came_up_keeps_the_next_retry_short(
    gw: GatewayProcess, tmp_path: Path
) -> None:
    """Failures grow the delay; the loss of a connection that got its hello brings it back down."""
    with CuttingProxy("127.0.0.1", gw.port, seed=3) as proxy:
        desktop = await Desktop(
            tmp_path / "a.db", f"ws://127.0.0.1:{proxy.port}", gw.issue_token("alice")
        ).start()
        source, policy = desktop.source, desktop.source.backoff

        async def cut_and_reconnect() -> None:
            connects = source.connect_attempts
            assert await run(proxy.cut_all) == 1
            await wait_for(lambda: source.connect_attempts > connects, "reconnect")
            await wait_for(lambda: desktop.recorder.state is ConnectionState.ONLINE, "online after the cut")

        await run(gw.stop)  # the proxy still answers, the gateway behind it does not: attempts fail
        await wait_for(lambda: policy.attempt >= 4, "the delays grow")
        await run(gw.start)
        await wait_for(lambda: desktop.recorder.state is ConnectionState.ONLINE, "online again")
        assert policy.attempt >= 4  # coming up alone changes nothing yet
        # Cut at once (a storm): the gateway answered, so the wait is capped, not grown.
        await cut_and_reconnect()
        assert policy.attempt == UP_ATTEMPT + 1
        # A connection that stays up long enough starts the delays over.
        policy.healthy_after = 0.3
        await wait_for(lambda: policy.healthy, "the connection stays up a while")
        await cut_and_reconnect()
        assert policy.attempt == 1
        await desktop.close()
