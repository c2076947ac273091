"""Group consecutive gateway events into few store transactions, in order.

A replay after a weekend offline is hundreds of events; each one its own
transaction (and its own listener call) would be slow and noisy. A batch keeps
the events' order as a list of segments (new items / changes), and every
segment carries the sequence number and the event id of its last event, so the
stored resume point (``seq``, and ``seq_id``: the id of the event at ``seq``,
which lets a restored gateway see that it reuses that number) is always written
in the same transaction as what it covers.

Changes that hit an item still in the batch (read elsewhere, approval resolved
in the same replay) are applied to that item before it is stored: it then
arrives already read or resolved, and quietly.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from desktop.core.events import ItemChange, ItemsArrived, ItemsChanged, SourceEvent
from desktop.core.item import Item, Kind
from desktop.sources.gateway.mapping import SOURCE_ID, Mapped

SEQ_KEY = "seq"
SEQ_ID_KEY = "seq_id"  # the id of the event at SEQ_KEY; "" when unknown


def merge_patch(target: dict[str, Any], patch: dict[str, Any]) -> dict[str, Any]:
    """RFC 7396 JSON merge patch, as SQLite's json_patch() applies it in the store."""
    out = dict(target)
    for key, value in patch.items():
        if value is None:
            out.pop(key, None)
        elif isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge_patch(out[key], value)
        else:
            out[key] = value
    return out


def apply_change(item: Item, change: ItemChange) -> Item:
    if change.unread is not None:
        item.unread = change.unread
    if change.state is not None:
        item.state = change.state
    if change.actions is not None:
        item.actions = tuple(change.actions)
    if change.payload_update:
        item.payload = merge_patch(item.payload, change.payload_update)
    return item


def is_quiet(item: Item) -> bool:
    """Stored but not notified: own messages, items read or resolved before they were stored."""
    return not item.unread or (item.kind is Kind.APPROVAL and item.state not in ("", "pending"))


@dataclasses.dataclass(slots=True)
class _Segment:
    items: list[Item] | None = None  # None: a changes segment
    changes: list[ItemChange] = dataclasses.field(default_factory=list)
    seq: int = -1
    event_id: str = ""


class Batch:
    def __init__(self, unread_in_thread: Callable[[str], list[str]], source: str = SOURCE_ID) -> None:
        self._unread_in_thread = unread_in_thread
        self._source = source
        self._segments: list[_Segment] = []
        self._pending: dict[str, Item] = {}  # items in this batch, by id
        self.events = 0

    def __len__(self) -> int:
        return self.events

    def add(self, seq: int, mapped: Mapped | None, event_id: str = "") -> None:
        """Add the meaning of event ``seq`` with id ``event_id`` (None: skipped, only the position advances)."""
        self.events += 1
        if mapped is not None:
            for item in mapped.items:
                if item.id in self._pending:
                    continue  # the same item twice in one replay: the store would ignore it anyway
                self._pending[item.id] = item
                self._segment(items=True).items.append(item)  # type: ignore[union-attr]
            changes = list(mapped.changes)
            if mapped.read_thread:
                for item in self._pending.values():
                    if item.thread_key == mapped.read_thread:
                        item.unread = False
                changes += [
                    ItemChange(i, unread=False)
                    for i in self._unread_in_thread(mapped.read_thread)
                    if i not in self._pending
                ]
            for change in changes:
                pending = self._pending.get(change.item_id)
                if pending is not None:
                    apply_change(pending, change)
                else:
                    self._segment(items=False).changes.append(change)
        if not self._segments:
            self._segments.append(_Segment())
        self._segments[-1].seq = seq
        self._segments[-1].event_id = event_id

    def _segment(self, *, items: bool) -> _Segment:
        last = self._segments[-1] if self._segments else None
        if last is None or (last.items is not None) != items:
            last = _Segment(
                items=[] if items else None,
                seq=last.seq if last else -1,
                event_id=last.event_id if last else "",
            )
            self._segments.append(last)
        return last

    def take(self) -> list[SourceEvent]:
        """The pipeline events for everything added so far, in order; empties the batch."""
        out: list[SourceEvent] = []
        for seg in self._segments:
            # Both keys always together: a stale id beside a new seq would look like divergence.
            state = {SEQ_KEY: str(seg.seq), SEQ_ID_KEY: seg.event_id} if seg.seq >= 0 else {}
            if seg.items is None:
                out.append(ItemsChanged(self._source, seg.changes, sync_state=state))
                continue
            loud = [i for i in seg.items if not is_quiet(i)]
            quiet = [i for i in seg.items if is_quiet(i)]
            if loud and quiet:
                out.append(ItemsArrived(self._source, quiet, quiet=True))
                out.append(ItemsArrived(self._source, loud, sync_state=state))
            else:
                out.append(ItemsArrived(self._source, loud or quiet, quiet=not loud, sync_state=state))
        self._segments = []
        self._pending = {}
        self.events = 0
        return out
