"""What a user does to an item, from any front end: applied locally at once, made durable
through the store's outbox, and delivered by the item's source when it is connected.

Outbox actions and payloads (the sources execute them):
- mail:    "mark_read" / "mark_unread", item_id set, payload {};
           "move" {"to": "\\Archive" | "\\Trash" | a folder name, "fallback": name}, the item
           out of the list until the server answers; "send" (``composing.py``)
- gateway: "mark_read" {"item": REF}; "reply" {"conversation": cid, "text": s};
           "approve" / "reject" {"approval": aid, "comment": s}; "complete" {"task": tid}

"Mark all read" queues the same "mark_read" entries, one per item (per conversation for
chat), in the transaction that marks them, but ``held`` under a batch id: nothing leaves
until the undo window is over (``release``); ``undo`` drops them.
"""

from __future__ import annotations

import asyncio
import dataclasses
import time
import uuid
from collections.abc import Callable, Mapping, Sequence

from desktop.app.pipeline import Pipeline
from desktop.core.events import ItemChange, ItemsChanged
from desktop.core.item import Item, Kind
from desktop.sources.base import Source
from desktop.store.database import ViewRow

#: items per listener call when many change at once ("Mark all read", its undo)
ANNOUNCE_SLICE = 200  # about a page of the list: the top is told first, in one turn


class ActionError(Exception):
    """The action cannot be done; the message says why, in a user's words."""


def gateway_ref(item: Item | ViewRow) -> str:
    """The protocol's item reference: 'chat:<conversation>', 'approval:<id>', ..."""
    if item.kind == Kind.CHAT:
        return item.thread_key
    return item.id.removeprefix("gw:")


def _read_entry(row: ViewRow) -> tuple[str, str, dict[str, object]] | None:
    """The outbox entry that delivers "read" for one row of "Mark all read"."""
    if row.source.startswith("mail:"):
        return (row.source, "mark_read", {})
    return (row.source, "mark_read", {"item": gateway_ref(row)})


@dataclasses.dataclass(frozen=True, slots=True)
class MarkedRead:
    """One "Mark all read": what ``undo`` needs."""

    batch: str
    item_ids: tuple[str, ...]


class Actions:
    def __init__(self, pipeline: Pipeline, sources: Callable[[], Mapping[str, Source]]) -> None:
        self._pipeline = pipeline
        self._store = pipeline.store
        self._sources = sources
        self.announcing = 0  # slices of a big change not told to listeners yet (benchmarks)

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

    def _poke(self, source_ids: Sequence[str]) -> None:
        sources = self._sources()
        for source_id in source_ids:
            source = sources.get(source_id)
            if source is not None:
                source.outbox_changed()

    def mark_read(self, item_id: str, read: bool = True) -> None:
        item = self._item(item_id)
        self._store.drop_held(item.id)
        ids = [item.id]
        if item.kind is Kind.CHAT and item.thread_key:
            # Reading a conversation reads all of it, here and on the server.
            ids = [*self._store.unread_in_thread(item.thread_key), item.id] if read else ids
        self._pipeline.local_change(
            ItemsChanged(item.source, [ItemChange(i, unread=not read) for i in dict.fromkeys(ids)])
        )
        if item.payload.get("outgoing"):
            return  # the user's own sent mail lives only here
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

    def complete(self, item_id: str) -> str:
        """Mark a task done: read at once, "pending_completion" until the gateway answers
        (then completed, or the reason it was refused on the item)."""
        item = self._item(item_id)
        if item.kind is not Kind.TASK:
            raise ActionError("Only tasks can be completed.")
        if item.state == "completed":
            raise ActionError("This task is already completed.")
        if item.payload.get("pending_completion"):
            raise ActionError("This task is being completed.")
        task = item.payload.get("task", {}).get("id") or item.id.removeprefix("gw:task:")
        entry = self._queue(item, "complete", {"task": task})
        self._pipeline.local_change(
            ItemsChanged(
                item.source,
                [
                    ItemChange(
                        item.id,
                        unread=False,
                        payload_update={"pending_completion": True, "last_error": None},
                    )
                ],
            )
        )
        return entry

    # -- many items ------------------------------------------------------------------------

    def mark_view_read(self, query: str = "", unread_only: bool = False, source: str = "") -> MarkedRead:
        """Read everything the view lists (search, unread filter, one source or all) in one
        transaction; delivered once ``release``d, unless ``undo`` comes first."""
        batch = uuid.uuid4().hex
        ids = self._store.mark_view_read(query, unread_only, source, outbox=_read_entry, batch=batch)
        self._announce_changed(ids)
        return MarkedRead(batch, tuple(ids))

    def release(self, marked: MarkedRead | None = None) -> None:
        """The undo window is over: deliver (one batch, or all held after a restart)."""
        self._poke(self._store.release_batch(marked.batch if marked is not None else ""))

    def undo(self, marked: MarkedRead) -> None:
        self._announce_changed(self._store.undo_batch(marked.batch, marked.item_ids))

    def _announce_changed(self, item_ids: Sequence[str]) -> None:
        """Tell listeners about many changed items in slices, one loop turn each, so the UI
        thread never stalls on reading 10,000 items back (the newest come first: the top
        of the list). Each slice is read when it is told, so an undo in between is never
        overtaken by the older state."""
        slices = [item_ids[i : i + ANNOUNCE_SLICE] for i in range(0, len(item_ids), ANNOUNCE_SLICE)]
        try:
            loop: asyncio.AbstractEventLoop | None = asyncio.get_running_loop()
        except RuntimeError:
            loop = None  # no loop (a script, a test): all at once

        def tell(n: int) -> None:
            self.announcing -= 1
            self._pipeline.announce(changed=self._store.get_items(slices[n]))
            if loop is not None and n + 1 < len(slices):
                loop.call_soon(tell, n + 1)

        self.announcing += len(slices)
        if loop is None:
            for n in range(len(slices)):
                tell(n)
        elif slices:
            tell(0)

    # -- archive, delete, move -------------------------------------------------------------

    def move(self, item_ids: Sequence[str], to: str, fallback: str = "") -> list[str]:
        """Move mail on its server: ``to`` is "\\Archive", "\\Trash" (SPECIAL-USE, else
        ``fallback``) or a folder name. The items leave the list at once; a refusal brings
        them back with the reason. Other kinds are left alone. The ids that left the list."""
        if not to.strip():
            raise ActionError("Choose a folder.")
        entries: list[tuple[str, str, dict[str, object]]] = []
        local: list[str] = []
        for item in self._store.get_items(list(dict.fromkeys(item_ids))):
            if item.kind is not Kind.MAIL or not item.source.startswith("mail:"):
                continue
            if item.payload.get("outgoing"):
                if item.state in ("sent", "failed"):
                    local.append(item.id)  # a sent mail's row: nothing on the server to move
                continue
            self._store.drop_held(item.id)
            entries.append((item.id, item.source, {"to": to, "fallback": fallback}))
        taken = self._store.queue_moves(entries) if entries else []
        removed = self._store.remove_items(local) if local else []
        if taken or removed:
            self._pipeline.announce(removed=[*taken, *removed])
        self._poke(sorted({source for item_id, source, _ in entries if item_id in taken}))
        return [*taken, *removed]

    # -- snoozes ---------------------------------------------------------------------------

    def snooze(self, item_ids: Sequence[str], until: float) -> list[str]:
        """Take items out of the list until ``until`` (epoch seconds); they come back unread."""
        if until <= time.time():
            raise ActionError("Choose a time in the future.")
        taken = self._store.snooze(list(dict.fromkeys(item_ids)), until)
        if taken:
            self._pipeline.announce(removed=taken)
        return taken

    def wake_snoozed(self, now: float | None = None) -> list[Item]:
        """Bring back what is due: listed, unread (on the mail server too), notified."""
        back = self._store.end_snoozes(time.time() if now is None else now)
        for item in back:
            if item.source.startswith("mail:"):
                self._queue(item, "mark_unread", {})
        if back:
            self._pipeline.announce(added=back)
        return back

    def next_snooze(self) -> float | None:
        return self._store.next_snooze()
