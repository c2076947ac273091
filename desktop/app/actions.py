"""What a user does to an item, from any front end: applied locally at once, made durable
through the store's outbox, and delivered by the item's source when it is connected.

Outbox actions and payloads (the sources execute them):
- mail:    "mark_read" / "mark_unread", item_id set, payload {}
- gateway: "mark_read" {"item": REF}; "reply" {"conversation": cid, "text": s};
           "approve" / "reject" {"approval": aid, "comment": s}
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from desktop.app.pipeline import Pipeline
from desktop.core.events import ItemChange, ItemsChanged
from desktop.core.item import Item, Kind
from desktop.sources.base import Source


class ActionError(Exception):
    """The action cannot be done; the message says why, in a user's words."""


def gateway_ref(item: Item) -> str:
    """The protocol's item reference: 'chat:<conversation>', 'approval:<id>', ..."""
    if item.kind is Kind.CHAT:
        return item.thread_key
    return item.id.removeprefix("gw:")


class Actions:
    def __init__(self, pipeline: Pipeline, sources: Callable[[], Mapping[str, Source]]) -> None:
        self._pipeline = pipeline
        self._store = pipeline.store
        self._sources = sources

    def _item(self, item_id: str) -> Item:
        item = self._store.get_item(item_id)
        if item is None:
            raise ActionError("This item no longer exists.")
        return item

    def _queue(self, item: Item, action: str, payload: dict[str, object]) -> str:
        entry = self._store.enqueue(item.source, action, payload, item_id=item.id)
        source = self._sources().get(item.source)
        if source is not None:
            source.outbox_changed()
        return entry

    def mark_read(self, item_id: str, read: bool = True) -> None:
        item = self._item(item_id)
        ids = [item.id]
        if item.kind is Kind.CHAT and item.thread_key:
            # Reading a conversation reads all of it, here and on the server.
            ids = [*self._store.unread_in_thread(item.thread_key), item.id] if read else ids
        self._pipeline.local_change(
            ItemsChanged(item.source, [ItemChange(i, unread=not read) for i in dict.fromkeys(ids)])
        )
        if item.source.startswith("mail:"):
            self._queue(item, "mark_read" if read else "mark_unread", {})
        elif read:
            self._queue(item, "mark_read", {"item": gateway_ref(item)})

    def reply(self, item_id: str, text: str) -> str:
        item = self._item(item_id)
        text = text.strip()
        if not text:
            raise ActionError("The reply is empty.")
        if item.kind is not Kind.CHAT:
            raise ActionError("Only chat messages can be answered from Tidings.")
        conversation = item.thread_key.removeprefix("chat:")
        entry = self._queue(item, "reply", {"conversation": conversation, "text": text})
        self.mark_read(item_id)
        return entry

    def decide(self, item_id: str, approve: bool, comment: str = "") -> str:
        item = self._item(item_id)
        if item.kind is not Kind.APPROVAL:
            raise ActionError("Only approval requests can be approved or rejected.")
        if item.state not in ("", "pending"):
            raise ActionError(f"This request is already {item.state}.")
        decision = "approve" if approve else "reject"
        approval = item.payload.get("approval", {}).get("id") or item.id.removeprefix("gw:approval:")
        entry = self._queue(item, decision, {"approval": approval, "comment": comment})
        # Shown as "sent, waiting for confirmation" until the gateway answers.
        self._pipeline.local_change(
            ItemsChanged(
                item.source,
                [ItemChange(item.id, unread=False, payload_update={"pending_decision": decision})],
            )
        )
        return entry
