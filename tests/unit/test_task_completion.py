"""Tasks completed from the desktop: the outbox entry, its frame, and what task.completed and
the gateway's answers do to the item (pure logic; the real gateway is in the integration tests)."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest

from desktop.app.actions import ActionError, Actions
from desktop.app.pipeline import Pipeline
from desktop.core.events import ItemsArrived
from desktop.core.item import Action
from desktop.notifications.backends import COMPLETE, run_action
from desktop.notifications.dispatcher import acted_on, item_notice
from desktop.sources.base import QueuedAction
from desktop.sources.gateway.mapping import Malformed, action_frame, map_event
from desktop.sources.gateway.outbox import GatewayOutbox
from desktop.store import Store


def _assigned(tid: str = "T1") -> dict[str, Any]:
    return {
        "id": "evt_1",
        "type": "task.assigned",
        "time": "2030-01-01T08:00:00Z",
        "data": {"task": {"id": tid, "title": "Review"}},
    }


def _completed(by: str) -> dict[str, Any]:
    data = {
        "task": {"id": "T1"},
        "state": "completed",
        "by": {"id": by, "name": by.title()},
        "via": "desktop",
    }
    return {"id": "evt_2", "type": "task.completed", "time": "2030-01-01T09:00:00Z", "data": data}


def test_a_task_offers_complete_and_its_frame_names_the_task() -> None:
    [item] = map_event(_assigned(), "alice").items
    assert Action.COMPLETE in item.actions and item.state == ""
    frame = action_frame("complete", {"task": "T1"}, "e1", item.id)
    assert frame == {"type": "task.complete", "id": "e1", "task": "T1"}
    assert action_frame("complete", {}, "e2", "gw:task:T9")["task"] == "T9"  # from the item id
    with pytest.raises(Malformed):
        action_frame("complete", {}, "e3", "gw:approval:A1")


def test_task_completed_is_read_only_for_whoever_completed_it() -> None:
    [mine] = map_event(_completed("alice"), "alice").changes
    [theirs] = map_event(_completed("bob"), "alice").changes
    for change in (mine, theirs):
        assert change.item_id == "gw:task:T1" and change.state == "completed"
        assert change.actions is not None and Action.COMPLETE not in change.actions
    assert mine.unread is False and theirs.unread is None
    assert theirs.payload_update is not None and theirs.payload_update["completion"]["by"]["id"] == "bob"


@pytest.fixture
def desk(tmp_path: Path) -> tuple[Store, Pipeline, Actions]:
    store = Store(tmp_path / "t.db")
    pipeline = Pipeline(store)
    actions = Actions(pipeline, dict)
    pipeline.handle(ItemsArrived("gateway", map_event(_assigned(), "alice").items))
    return store, pipeline, actions


def test_complete_queues_once_and_marks_read(desk: tuple[Store, Pipeline, Actions]) -> None:
    store, _, actions = desk
    entry = actions.complete("gw:task:T1")
    item = store.get_item("gw:task:T1")
    assert item is not None and not item.unread and item.payload["pending_completion"] is True
    [queued] = store.pending("gateway")
    assert (queued.id, queued.action, queued.payload) == (entry, "complete", {"task": "T1"})
    with pytest.raises(ActionError, match="being completed"):
        actions.complete("gw:task:T1")


def test_answers_settle_the_item(desk: tuple[Store, Pipeline, Actions]) -> None:
    store, pipeline, actions = desk
    outbox = GatewayOutbox(store, pipeline.handle)

    def entry() -> QueuedAction:
        return store.pending("gateway")[0]

    # Refused as unknown: the reason on the item, Complete offered again.
    first = actions.complete("gw:task:T1")
    outbox.on_result(
        {
            "type": "result",
            "id": first,
            "ok": False,
            "error": {"code": "not_found", "message": "no task 'T1'"},
        }
    )
    item = store.get_item("gw:task:T1")
    assert item is not None and item.state == "" and item.payload["last_error"] == "no task 'T1'"
    assert "pending_completion" not in item.payload
    # Completed by someone else first: completed all the same, and said so.
    second = actions.complete("gw:task:T1")
    assert entry().id == second
    refused = {"code": "already_resolved", "message": "task already completed"}
    outbox.on_result(
        {"type": "result", "id": second, "ok": False, "error": refused, "data": {"state": "completed"}}
    )
    item = store.get_item("gw:task:T1")
    assert item is not None and item.state == "completed" and item.payload["completed_elsewhere"] is True
    with pytest.raises(ActionError, match="already completed"):
        actions.complete("gw:task:T1")


def test_ok_completes_and_only_tasks_can_be_completed(desk: tuple[Store, Pipeline, Actions]) -> None:
    store, pipeline, actions = desk
    entry = actions.complete("gw:task:T1")
    GatewayOutbox(store, pipeline.handle).on_result(
        {"type": "result", "id": entry, "ok": True, "data": {"state": "completed"}}
    )
    item = store.get_item("gw:task:T1")
    assert item is not None and item.state == "completed" and "pending_completion" not in item.payload
    assert store.outbox_entry(entry).status == "done"  # type: ignore[union-attr]
    pipeline.handle(
        ItemsArrived(
            "gateway",
            map_event(
                {
                    **_assigned(),
                    "type": "announcement",
                    "data": {"announcement": {"id": "N1", "title": "Hi"}},
                },
                "alice",
            ).items,
        )
    )
    with pytest.raises(ActionError, match="Only tasks"):
        actions.complete("gw:announcement:N1")


def test_a_task_bubble_offers_complete_and_the_button_reaches_the_handler() -> None:
    [item] = map_event(_assigned(), "alice").items
    notice = item_notice(item)
    assert [b.action for b in notice.buttons] == [COMPLETE, "mark_read"]
    assert notice.buttons[0].title == "Complete"
    calls: list[tuple[str, str]] = []

    class Handler:
        def complete(self, item_id: str) -> None:
            calls.append(("complete", item_id))

    run_action(Handler(), COMPLETE, item.id)  # type: ignore[arg-type]
    assert calls == [("complete", "gw:task:T1")]
    # Completed (here, on another device, from the bubble): its bubble has nothing left to say.
    done = map_event(_completed("bob"), "alice").changes[0]
    assert acted_on(dataclasses.replace(item, state=done.state or ""))
