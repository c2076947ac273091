"""Gateway protocol v1 events → items: mapping, malformed input, batching, outbox frames."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from desktop.core.events import ItemChange, ItemsArrived, ItemsChanged
from desktop.core.item import Action, Kind, Urgency
from desktop.sources.gateway.batch import Batch, merge_patch
from desktop.sources.gateway.mapping import (
    PREVIEW_MAX,
    Malformed,
    action_frame,
    item_ref,
    map_event,
    parse_ref,
    ref_item_id,
)
from desktop.sources.gateway.source import stream_url

T = "2025-03-01T09:30:00.000Z"


def chat(
    mid: str = "m1", sender: str = "bob", text: str = "hi", cid: str = "c1", kind: str = "group"
) -> dict[str, Any]:
    return {
        "id": f"evt_{mid}",
        "type": "chat.message",
        "time": T,
        "data": {
            "conversation": {"id": cid, "title": "Team", "kind": kind},
            "message": {"id": mid, "sender": {"id": sender, "name": sender.title()}, "text": text, "time": T},
        },
    }


def approval(aid: str = "a1", urgency: str = "normal") -> dict[str, Any]:
    return {
        "id": f"evt_{aid}",
        "type": "approval.requested",
        "time": T,
        "data": {
            "approval": {
                "id": aid,
                "integration": "oa",
                "title": "Travel to Shanghai",
                "requester": {"id": "carol", "name": "Carol"},
                "fields": [{"label": "Amount", "value": "¥3,200"}, {"label": "Days", "value": "2"}],
                "deadline": None,
                "urgency": urgency,
                "url": "https://oa.example/a1",
            }
        },
    }


def resolved(aid: str = "a1", state: str = "rejected") -> dict[str, Any]:
    return {
        "id": "evt_r",
        "type": "approval.resolved",
        "time": T,
        "data": {
            "approval": {"id": aid},
            "state": state,
            "by": {"id": "dave", "name": "Dave"},
            "comment": "no budget",
            "via": "integration",
        },
    }


def read(ref: str) -> dict[str, Any]:
    return {"id": "evt_read", "type": "item.read", "time": T, "data": {"item": ref}}


def test_chat_message_maps_to_a_chat_item() -> None:
    (item,) = map_event(chat(text="line one\n\n  line   two"), user="alice").items
    assert item.id == "gw:msg:m1"
    assert item.kind is Kind.CHAT and item.source == "gateway"
    assert (item.sender, item.title, item.preview) == ("Bob", "Team", "line one line two")
    assert item.thread_key == "chat:c1"
    assert item.actions == (Action.OPEN, Action.REPLY, Action.MARK_READ)
    assert item.unread and item.time == datetime(2025, 3, 1, 9, 30, tzinfo=UTC)
    assert item.payload["conversation"]["id"] == "c1" and item.payload["message"]["id"] == "m1"


def test_long_text_gives_a_single_line_preview_of_at_most_200_characters() -> None:
    (item,) = map_event(chat(text="x" * 1000), user="alice").items
    assert len(item.preview) == PREVIEW_MAX and item.preview.endswith("…")


def test_direct_chat_is_titled_with_the_other_person() -> None:
    (item,) = map_event(chat(kind="direct"), user="alice").items
    assert item.title == "Bob"


def test_own_message_is_read_and_quiet() -> None:
    (item,) = map_event(chat(sender="alice"), user="alice").items
    assert not item.unread and item.payload["own"] is True
    (other,) = map_event(chat(sender="bob"), user="alice").items
    assert other.payload["own"] is False
    batch = Batch(lambda key: [])
    batch.add(1, map_event(chat(sender="alice"), user="alice"))
    (event,) = batch.take()
    assert isinstance(event, ItemsArrived) and event.quiet and event.sync_state == {"seq": "1", "seq_id": ""}


def test_approval_requested() -> None:
    (item,) = map_event(approval(urgency="urgent"), user="alice").items
    assert item.id == "gw:approval:a1" and item.kind is Kind.APPROVAL
    assert item.state == "pending" and item.urgency is Urgency.URGENT
    assert item.actions == (Action.OPEN, Action.APPROVE, Action.REJECT, Action.MARK_READ)
    assert item.sender == "Carol" and item.preview == "Amount: ¥3,200 · Days: 2"
    assert item.payload["url"] == "https://oa.example/a1" and item.payload["approval"]["integration"] == "oa"
    assert item.payload["approval"]["id"] == "a1"  # what Actions.decide reads
    assert item.payload["approval"]["fields"][0] == {"label": "Amount", "value": "¥3,200"}
    assert map_event(approval(), user="alice").items[0].urgency is Urgency.NORMAL


def test_approval_resolved_is_a_change_keeping_unread() -> None:
    (change,) = map_event(resolved(state="withdrawn"), user="alice").changes
    assert change.item_id == "gw:approval:a1" and change.state == "withdrawn"
    assert change.unread is None and change.actions == (Action.OPEN, Action.MARK_READ)
    assert change.payload_update is not None
    assert change.payload_update["resolution"]["by"]["name"] == "Dave"


def test_task_and_announcement() -> None:
    task = {
        "id": "e",
        "type": "task.assigned",
        "time": T,
        "data": {
            "task": {"id": "t9", "title": "Fix", "text": "x", "url": None, "due": None, "project": "Web"}
        },
    }
    (item,) = map_event(task, user="a").items
    assert (item.id, item.kind, item.sender, item.title) == ("gw:task:t9", Kind.TASK, "Web", "Fix")
    ann = {
        "id": "e",
        "type": "announcement",
        "time": T,
        "data": {
            "announcement": {
                "id": "n1",
                "title": "Fire drill",
                "text": "at 3",
                "url": None,
                "urgency": "urgent",
            }
        },
    }
    (item,) = map_event(ann, user="a").items
    assert (item.id, item.kind, item.urgency) == ("gw:announcement:n1", Kind.ANNOUNCEMENT, Urgency.URGENT)


@pytest.mark.parametrize(
    ("ref", "item_id"),
    [
        ("approval:a1", "gw:approval:a1"),
        ("task:t1", "gw:task:t1"),
        ("announcement:n:1", "gw:announcement:n:1"),
        ("chat:c1", None),
    ],
)
def test_references(ref: str, item_id: str | None) -> None:
    assert ref_item_id(ref) == item_id
    if item_id is not None:
        assert item_ref(item_id) == ref
    assert item_ref("gw:msg:m1", "chat:c1") == "chat:c1"
    assert item_ref("mail:work:INBOX:1:2") is None


@pytest.mark.parametrize("ref", ["", "chat:", "mail:1", 42, None, "approval"])
def test_bad_references_are_malformed(ref: Any) -> None:
    with pytest.raises(Malformed):
        parse_ref(ref)


def test_item_read_maps_refs() -> None:
    assert map_event(read("task:t1"), user="a").changes == [ItemChange("gw:task:t1", unread=False)]
    assert map_event(read("chat:c1"), user="a").read_thread == "chat:c1"


MALFORMED: list[Any] = [
    None,
    "text",
    {"type": "chat.message"},
    {"type": "chat.message", "data": []},
    {"type": "chat.message", "data": {"conversation": {"id": "c"}, "message": {"id": "m", "text": 5}}},
    {"type": "chat.message", "data": {"conversation": "c", "message": {}}},
    {"type": "approval.requested", "data": {"approval": {"title": "no id"}}},
    {"type": "approval.resolved", "data": {"approval": {"id": "a"}, "state": "maybe"}},
    {"type": "task.assigned", "data": {"task": {"id": "t"}}},
    {"type": "item.read", "data": {"item": "nonsense"}},
    {"type": 7, "data": {}},
]


@pytest.mark.parametrize("event", MALFORMED)
def test_malformed_events_raise_malformed(event: Any) -> None:
    with pytest.raises(Malformed):
        map_event(event, user="alice")


def test_unknown_event_types_map_to_nothing() -> None:
    mapped = map_event({"type": "poll.created", "data": {}}, user="a")
    assert not mapped.items and not mapped.changes and not mapped.read_thread


def test_a_skipped_event_still_advances_the_sequence() -> None:
    batch = Batch(lambda key: [])
    batch.add(7, None)
    (event,) = batch.take()
    assert isinstance(event, ItemsChanged) and not event.changes
    assert event.sync_state == {"seq": "7", "seq_id": ""}  # no id known: the position is a bare seq


def test_batch_keeps_order_and_puts_each_segments_seq_on_it() -> None:
    batch = Batch(lambda key: ["gw:msg:old"] if key == "chat:c1" else [])
    batch.add(1, map_event(chat("m1"), user="alice"))
    batch.add(2, map_event(approval(), user="alice"))
    batch.add(3, map_event(read("task:t1"), user="alice"))
    batch.add(4, map_event(chat("m2"), user="alice"))
    events = batch.take()
    assert [type(e).__name__ for e in events] == ["ItemsArrived", "ItemsChanged", "ItemsArrived"]
    assert [e.sync_state["seq"] for e in events] == ["2", "3", "4"]
    assert [i.id for i in events[0].items] == ["gw:msg:m1", "gw:approval:a1"]  # type: ignore[union-attr]
    assert len(batch) == 0 and batch.take() == []


def test_each_segment_names_the_event_at_its_seq() -> None:
    batch = Batch(lambda key: [])
    batch.add(1, map_event(chat("m1"), user="alice"), "evt_m1")
    batch.add(2, map_event(read("task:t1"), user="alice"), "evt_r1")
    batch.add(3, None, "evt_bad")  # skipped, yet the position moves on to it
    batch.add(4, map_event(chat("m2"), user="alice"), "evt_m2")
    assert [e.sync_state for e in batch.take()] == [
        {"seq": "1", "seq_id": "evt_m1"},
        {"seq": "3", "seq_id": "evt_bad"},
        {"seq": "4", "seq_id": "evt_m2"},
    ]


def test_changes_to_items_in_the_same_batch_apply_before_storing() -> None:
    batch = Batch(lambda key: ["gw:msg:stored"] if key == "chat:c1" else [])
    batch.add(1, map_event(chat("m1"), user="alice"))
    batch.add(2, map_event(approval(), user="alice"))
    batch.add(3, map_event(read("chat:c1"), user="alice"))
    batch.add(4, map_event(resolved(), user="alice"))
    batch.add(5, map_event(chat("m2", cid="c2"), user="alice"))
    events = batch.take()
    quiet = [e for e in events if isinstance(e, ItemsArrived) and e.quiet]
    loud = [e for e in events if isinstance(e, ItemsArrived) and not e.quiet]
    changes = [e for e in events if isinstance(e, ItemsChanged)]
    # read and resolved before being stored: stored quietly, already in their final state
    assert {i.id for e in quiet for i in e.items} == {"gw:msg:m1", "gw:approval:a1"}
    approval_item = next(i for e in quiet for i in e.items if i.id == "gw:approval:a1")
    assert approval_item.state == "rejected" and approval_item.payload["resolution"]["comment"] == "no budget"
    assert [i.id for e in loud for i in e.items] == ["gw:msg:m2"]
    # the already stored message of that chat is marked read by a change
    assert [c.item_id for e in changes for c in e.changes] == ["gw:msg:stored"]
    assert events[-1].sync_state == {"seq": "5", "seq_id": ""}


def test_merge_patch_matches_json_patch() -> None:
    assert merge_patch({"a": 1, "b": {"c": 2, "d": 3}}, {"b": {"c": None, "e": 4}, "f": 5}) == {
        "a": 1,
        "b": {"d": 3, "e": 4},
        "f": 5,
    }


def test_outbox_frames() -> None:
    assert action_frame("reply", {"conversation": "c1", "text": "ok"}, "o1") == {
        "type": "chat.send",
        "id": "o1",
        "conversation": "c1",
        "text": "ok",
    }
    assert action_frame("reply", {"text": "ok"}, "o2", "gw:msg:m1", "chat:c9")["conversation"] == "c9"
    frame = action_frame("reject", {"comment": "no"}, "o3", "gw:approval:a1")
    assert frame == {
        "type": "approval.decide",
        "id": "o3",
        "approval": "a1",
        "decision": "reject",
        "comment": "no",
    }
    assert action_frame("approve", {"approval": "a2"}, "o4")["comment"] == ""
    assert action_frame("mark_read", {}, "o5", "gw:msg:m1", "chat:c1")["item"] == "chat:c1"
    assert action_frame("mark_read", {"item": "task:t1"}, "o6")["item"] == "task:t1"
    for action, payload in [
        ("reply", {"conversation": "c"}),
        ("approve", {}),
        ("mark_read", {}),
        ("fly", {}),
    ]:
        with pytest.raises(Malformed):
            action_frame(action, payload, "x")


def test_stream_url() -> None:
    assert stream_url("wss://gw.example.com/", 5) == "wss://gw.example.com/v1/stream?since=5"
    assert (
        stream_url("https://gw.example.com/tidings", -1) == "wss://gw.example.com/tidings/v1/stream?since=-1"
    )
    assert stream_url("http://127.0.0.1:8080", 0) == "ws://127.0.0.1:8080/v1/stream?since=0"
    # the event id at that position, escaped like any query value
    assert stream_url("wss://gw", 7, "evt_7&x=1") == "wss://gw/v1/stream?since=7&at=evt_7%26x%3D1"


def test_an_integration_speaks_as_a_marked_bot_that_cannot_pass_for_a_person() -> None:
    from desktop.core.rules import Rules

    NOW = datetime(2025, 3, 1, 10, 0, tzinfo=UTC)
    event = chat(sender="bob")
    event["data"]["message"]["sender"] = {"id": "integration:ci", "name": "Bob", "bot": True}
    (item,) = map_event(event, user="alice").items
    assert item.sender == "\N{ROBOT FACE} Bob" and item.title == "Team"
    assert item.unread and item.payload["own"] is False
    # While paused, a VIP rule for the person named Bob does not let the bot of that name through.
    rules = Rules(vip_senders=frozenset({"Bob"}))
    rules.pause_for(timedelta(hours=1), NOW)
    (person,) = map_event(chat(sender="bob"), user="alice").items
    assert rules.should_notify(person, NOW) and not rules.should_notify(item, NOW)
    # "bot" must be literally true: a string is not enough to be marked, nor to be trusted.
    event["data"]["message"]["sender"]["bot"] = "true"
    (plain,) = map_event(event, user="alice").items
    assert plain.sender == "Bob"
