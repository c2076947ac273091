"""The pipeline stores first and tells listeners only what is new; actions go through the outbox."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from desktop.app.actions import ActionError, Actions
from desktop.app.pipeline import Pipeline
from desktop.core.events import (
    ConnectionState,
    ItemChange,
    ItemsArrived,
    ItemsChanged,
    ItemsRemoved,
    OutboxSettled,
    OutboxStatus,
    SourceStatus,
    SyncStateSet,
)
from desktop.core.item import Item, Kind, utc_now
from desktop.sources.base import Emit
from desktop.store import Store


class Recorder:
    def __init__(self) -> None:
        self.added: list[tuple[list[str], bool]] = []
        self.changed: list[list[str]] = []
        self.removed: list[list[str]] = []
        self.statuses: list[SourceStatus] = []

    def items_added(self, items: Sequence[Item], quiet: bool) -> None:
        self.added.append(([i.id for i in items], quiet))

    def items_changed(self, items: Sequence[Item]) -> None:
        self.changed.append([i.id for i in items])

    def items_removed(self, item_ids: Sequence[str]) -> None:
        self.removed.append(list(item_ids))

    def status_changed(self, status: SourceStatus) -> None:
        self.statuses.append(status)


class FakeSource:
    id = "gateway"
    display_name = "gw"

    def __init__(self) -> None:
        self.woken = 0

    def start(self, emit: Emit) -> None: ...
    async def stop(self) -> None: ...
    def reconnect_now(self) -> None: ...
    def outbox_changed(self) -> None:
        self.woken += 1


def item(id_: str, kind: Kind = Kind.MAIL, source: str = "mail:a", **kw: object) -> Item:
    return Item(id=id_, source=source, kind=kind, sender="s", title="t", preview="p", time=utc_now(), **kw)  # type: ignore[arg-type]


@pytest.fixture
def pipeline(tmp_path: Path) -> tuple[Pipeline, Recorder]:
    p = Pipeline(Store(tmp_path / "db"))
    rec = Recorder()
    p.add_listener(rec)
    return p, rec


def test_listeners_hear_new_items_once(pipeline: tuple[Pipeline, Recorder]) -> None:
    p, rec = pipeline
    p.handle(ItemsArrived("mail:a", [item("a"), item("b")], quiet=True, sync_state={"x": "1"}))
    p.handle(ItemsArrived("mail:a", [item("b"), item("c")]))
    p.handle(ItemsArrived("mail:a", [item("c")]))
    assert rec.added == [(["a", "b"], True), (["c"], False)]
    assert p.store.sync_state("mail:a") == {"x": "1"}
    p.handle(ItemsChanged("mail:a", [ItemChange("a", unread=False)]))
    p.handle(ItemsChanged("mail:a", [ItemChange("a", unread=False)]))
    assert rec.changed == [["a"]]
    p.handle(ItemsRemoved("mail:a", ["a", "zzz"]))
    assert rec.removed == [["a"]]


def test_status_changes_are_deduplicated(pipeline: tuple[Pipeline, Recorder]) -> None:
    p, rec = pipeline
    s = SourceStatus("mail:a", ConnectionState.ONLINE)
    p.handle(s)
    p.handle(s)
    p.handle(SourceStatus("mail:a", ConnectionState.OFFLINE, "connection refused"))
    assert [x.state for x in rec.statuses] == [ConnectionState.ONLINE, ConnectionState.OFFLINE]
    assert p.statuses["mail:a"].message == "connection refused"


def test_store_failure_becomes_a_status_and_recovers(pipeline: tuple[Pipeline, Recorder]) -> None:
    p, rec = pipeline
    p.store.close()
    p.handle(ItemsArrived("mail:a", [item("a")]))
    assert rec.statuses[-1].source == Pipeline.STORE_SOURCE
    assert rec.statuses[-1].state is ConnectionState.ERROR
    assert rec.added == []


def test_emit_from_another_thread_runs_on_the_loop(pipeline: tuple[Pipeline, Recorder]) -> None:
    p, rec = pipeline

    async def main() -> None:
        p.bind(asyncio.get_running_loop())
        await asyncio.to_thread(p.emit, ItemsArrived("mail:a", [item("t")]))
        for _ in range(100):
            if rec.added:
                break
            await asyncio.sleep(0.01)

    asyncio.run(main())
    assert rec.added == [(["t"], False)]


def test_mark_read_on_mail_is_local_and_queued(pipeline: tuple[Pipeline, Recorder]) -> None:
    p, _ = pipeline
    p.handle(ItemsArrived("mail:a", [item("m1")]))
    actions = Actions(p, lambda: {})
    actions.mark_read("m1")
    assert p.store.get_item("m1").unread is False  # type: ignore[union-attr]
    [entry] = p.store.pending("mail:a")
    assert (entry.action, entry.item_id) == ("mark_read", "m1")
    actions.mark_read("m1", read=False)
    assert [e.action for e in p.store.pending("mail:a")] == ["mark_read", "mark_unread"]


def test_chat_reply_and_read_cover_the_conversation(pipeline: tuple[Pipeline, Recorder]) -> None:
    p, _ = pipeline
    src = FakeSource()
    t = utc_now()
    msgs = [
        replace(
            item(f"gw:msg:{n}", Kind.CHAT, "gateway"), thread_key="chat:c1", time=t + timedelta(seconds=n)
        )
        for n in range(3)
    ]
    p.handle(ItemsArrived("gateway", msgs))
    actions = Actions(p, lambda: {"gateway": src})
    with pytest.raises(ActionError, match="empty"):
        actions.reply("gw:msg:2", "   ")
    actions.reply("gw:msg:2", "on my way")
    assert p.store.unread_in_thread("chat:c1") == []
    entries = p.store.pending("gateway")
    assert [(e.action, e.payload) for e in entries] == [
        ("reply", {"conversation": "c1", "text": "on my way"}),
        ("mark_read", {"item": "chat:c1"}),
    ]
    assert src.woken == 2


def test_decide_only_on_pending_approvals(pipeline: tuple[Pipeline, Recorder]) -> None:
    p, _ = pipeline
    p.handle(
        ItemsArrived(
            "gateway",
            [
                item(
                    "gw:approval:A1",
                    Kind.APPROVAL,
                    "gateway",
                    state="pending",
                    payload={"approval": {"id": "A1"}},
                ),
                item("gw:approval:A2", Kind.APPROVAL, "gateway", state="approved"),
                item("gw:task:T1", Kind.TASK, "gateway"),
            ],
        )
    )
    actions = Actions(p, lambda: {})
    actions.decide("gw:approval:A1", approve=False, comment="over budget")
    [entry] = p.store.pending("gateway")
    assert (entry.action, entry.payload) == ("reject", {"approval": "A1", "comment": "over budget"})
    assert p.store.get_item("gw:approval:A1").payload["pending_decision"] == "reject"  # type: ignore[union-attr]
    with pytest.raises(ActionError, match="already approved"):
        actions.decide("gw:approval:A2", approve=True)
    with pytest.raises(ActionError, match="Only approval"):
        actions.decide("gw:task:T1", approve=True)
    with pytest.raises(ActionError, match="no longer exists"):
        actions.mark_read("gone")


def test_sources_settle_outbox_entries_through_the_pipeline(pipeline: tuple[Pipeline, Recorder]) -> None:
    p, rec = pipeline
    store = p.store
    sent = store.enqueue("mail:a", "mark_read", {}, item_id="m1")
    refused = store.enqueue("mail:a", "mark_read", {}, item_id="m2")
    p.handle(OutboxSettled("mail:a", sent, OutboxStatus.ATTEMPTED))
    p.handle(OutboxSettled("mail:a", sent, OutboxStatus.ATTEMPTED))
    entry = store.outbox_entry(sent)
    assert entry is not None and (entry.status, entry.attempts) == ("pending", 2)
    p.handle(OutboxSettled("mail:a", sent, OutboxStatus.DONE))
    p.handle(OutboxSettled("mail:a", refused, OutboxStatus.FAILED, "the folder Old is no longer watched"))
    assert store.pending("mail:a") == []
    done, failed = store.outbox_entry(sent), store.outbox_entry(refused)
    assert done is not None and (done.status, done.last_error) == ("done", "")
    assert failed is not None and (failed.status, failed.last_error) == (
        "failed",
        "the folder Old is no longer watched",
    )
    assert rec.added == rec.changed == rec.removed == []  # bookkeeping: nothing for the UI


def test_sync_state_without_items_is_stored_by_the_pipeline(pipeline: tuple[Pipeline, Recorder]) -> None:
    p, _ = pipeline
    p.handle(SyncStateSet("gateway", {"seq": "42", "seq_id": "evt_1"}))
    assert p.store.sync_state("gateway") == {"seq": "42", "seq_id": "evt_1"}
