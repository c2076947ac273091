"""The user's queued actions on the gateway connection: sent in order, settled by ``result`` frames.

The app queues an entry (``store.enqueue("gateway", action, payload, item_id=...)``)
and calls ``GatewaySource.outbox_changed()``:

==============  ===========================================  ==================
action          payload                                      frame sent
==============  ===========================================  ==================
``reply``       ``{"conversation": cid, "text": s}``         ``chat.send``
``approve``     ``{"approval": aid, "comment": s}``          ``approval.decide``
``reject``      ``{"approval": aid, "comment": s}``          ``approval.decide``
``mark_read``   ``{"item": REF}``                            ``item.read``
``complete``    ``{"task": tid}``                            ``task.complete``
==============  ===========================================  ==================

Missing ids are derived from ``item_id`` (``gw:approval:<aid>``; a chat
message's conversation from its thread key; REF for mark_read). The outbox
entry id is the action id on the wire, so a resend after a reconnect is
answered once by the gateway. ``ok`` → entry done (approve/reject/complete also
set the item's state). ``ok: false`` → entry ``failed`` with the gateway's message,
which is also put on the item as ``payload["last_error"]``; for
``already_resolved`` the item shows the state the approval really ended in (a
task: completed).
Outcomes are reported as events; the pipeline records them.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

from websockets.asyncio.client import ClientConnection

from desktop.core.events import ItemChange, ItemsChanged, OutboxSettled, OutboxStatus
from desktop.sources.base import Emit, QueuedAction, StoreReader
from desktop.sources.gateway.mapping import (
    NOTICE_ACTIONS,
    RESOLVED_ACTIONS,
    SOURCE_ID,
    TASK_COMPLETED,
    Malformed,
    action_frame,
    approval_id,
    task_id,
)

log = logging.getLogger(__name__)

DECISIONS = ("approve", "reject")
FINAL_STATES = ("approved", "rejected", "withdrawn")


class GatewayOutbox:
    def __init__(self, store: StoreReader, emit: Emit) -> None:
        self.store = store
        self.emit = emit
        self.wake = asyncio.Event()  # set (on the loop) when an entry was queued
        self._sent: set[str] = set()  # ids sent on this connection; their answer is on its way

    def connected(self) -> None:
        """A new connection: everything still pending is sent again (same ids, answered once)."""
        self._sent.clear()

    async def write(self, ws: ClientConnection) -> None:
        """Send pending entries, in order, whenever there are some; runs for the whole session."""
        while True:
            self.wake.clear()
            for entry in self.store.pending(SOURCE_ID):
                if entry.id not in self._sent:
                    await self._send(ws, entry)
            await self.wake.wait()

    async def _send(self, ws: ClientConnection, entry: QueuedAction) -> None:
        thread_key = ""
        if entry.item_id.startswith("gw:msg:"):
            item = self.store.get_item(entry.item_id)
            thread_key = item.thread_key if item is not None else ""
        try:
            frame = action_frame(entry.action, entry.payload, entry.id, entry.item_id, thread_key)
        except Malformed as exc:
            log.warning("outbox entry %s cannot be sent: %s", entry.id, exc)
            self._settle(entry.id, OutboxStatus.FAILED, str(exc))
            return
        self._settle(entry.id, OutboxStatus.ATTEMPTED)
        self._sent.add(entry.id)
        await ws.send(json.dumps(frame, ensure_ascii=False))

    # -- answers ----------------------------------------------------------------------

    def on_result(self, frame: dict[str, Any]) -> None:
        entry_id = frame.get("id")
        entry = self.store.outbox_entry(entry_id) if isinstance(entry_id, str) else None
        if entry is None or entry.source != SOURCE_ID or entry.status != "pending":
            return  # an answer to something already settled (a resend)
        self._sent.discard(entry.id)
        if frame.get("ok") is True:
            self._succeeded(entry)
        else:
            self._refused(entry, frame)

    def _item_id(self, entry: QueuedAction) -> str:
        approval = entry.payload.get("approval")
        if not entry.item_id and entry.action in DECISIONS and isinstance(approval, str):
            return approval_id(approval)
        task = entry.payload.get("task")
        if not entry.item_id and entry.action == "complete" and isinstance(task, str):
            return task_id(task)
        return entry.item_id

    def _succeeded(self, entry: QueuedAction) -> None:
        self._settle(entry.id, OutboxStatus.DONE)
        item_id = self._item_id(entry)
        if entry.action in DECISIONS and item_id:
            state = "approved" if entry.action == "approve" else "rejected"
            # Actions.decide marked the item "pending_decision" until the gateway answered.
            settled = {"pending_decision": None, "last_error": None}
            self._change(ItemChange(item_id, state=state, actions=RESOLVED_ACTIONS, payload_update=settled))
        elif entry.action == "complete" and item_id:
            # Actions.complete marked it "pending_completion"; task.completed follows too.
            done = {"pending_completion": None, "last_error": None}
            self._change(
                ItemChange(item_id, state=TASK_COMPLETED, actions=NOTICE_ACTIONS, payload_update=done)
            )

    def _refused(self, entry: QueuedAction, frame: dict[str, Any]) -> None:
        error = _dict(frame.get("error"))
        code = str(error.get("code") or "error")
        message = str(error.get("message") or code)
        self._settle(entry.id, OutboxStatus.FAILED, message)
        log.info("gateway refused %s %s: %s (%s)", entry.action, entry.id, message, code)
        item_id = self._item_id(entry)
        if not item_id:
            return
        decision = entry.action in DECISIONS
        update: dict[str, Any] = {"pending_decision": None} if decision else {}
        update["last_error"] = message
        final = self._final_state(frame, item_id) if decision else ""
        if entry.action == "complete":
            update["pending_completion"] = None
            if _dict(frame.get("data")).get("state") == TASK_COMPLETED or code == "already_resolved":
                # Completed before (another assignee, another device): it is done all the same.
                update["completed_elsewhere"] = True
                self._change(
                    ItemChange(item_id, state=TASK_COMPLETED, actions=NOTICE_ACTIONS, payload_update=update)
                )
            else:
                self._change(ItemChange(item_id, payload_update=update))
        elif final:  # decided elsewhere first: show how it really ended
            self._change(ItemChange(item_id, state=final, actions=RESOLVED_ACTIONS, payload_update=update))
        else:
            self._change(ItemChange(item_id, payload_update=update))

    def _final_state(self, frame: dict[str, Any], item_id: str) -> str:
        """The state an approval really ended in: from the result, else from the stored resolution."""
        data = _dict(frame.get("data"))
        for candidate in (data.get("state"), _dict(data.get("approval")).get("state")):
            if isinstance(candidate, str) and candidate in FINAL_STATES:
                return candidate
        item = self.store.get_item(item_id)
        resolution = _dict(item.payload.get("resolution")) if item is not None else {}
        state = resolution.get("state")
        if isinstance(state, str):
            return state
        return "resolved" if _dict(frame.get("error")).get("code") == "already_resolved" else ""

    # -- reports ----------------------------------------------------------------------

    def _settle(self, entry_id: str, status: OutboxStatus, message: str = "") -> None:
        # On the loop thread the pipeline records this before emit returns.
        self.emit(OutboxSettled(SOURCE_ID, entry_id, status, message))

    def _change(self, change: ItemChange) -> None:
        self.emit(ItemsChanged(SOURCE_ID, [change]))


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}
