"""Gateway protocol v1 events → inbox items and item changes. Pure functions, no I/O.

Item ids are derived from the ids the gateway gives (message, approval, task,
announcement), never from the sequence number, so a replayed or re-posted
event lands on the same row and the store ignores it.

A malformed event (missing field, wrong type) raises :class:`Malformed`; the
caller logs it and still advances past its sequence number, so one bad event
cannot wedge the stream.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from desktop.core.events import ItemChange
from desktop.core.item import Action, Item, Kind, Urgency
from desktop.core.text import one_line

SOURCE_ID = "gateway"
PREVIEW_MAX = 200

CHAT_ACTIONS = (Action.OPEN, Action.REPLY, Action.MARK_READ)
PENDING_APPROVAL_ACTIONS = (Action.OPEN, Action.APPROVE, Action.REJECT, Action.MARK_READ)
RESOLVED_ACTIONS = (Action.OPEN, Action.MARK_READ)
NOTICE_ACTIONS = (Action.OPEN, Action.MARK_READ)
OPEN_TASK_ACTIONS = (Action.OPEN, Action.COMPLETE, Action.MARK_READ)
TASK_COMPLETED = "completed"
APPROVAL_FINAL_STATES = ("approved", "rejected", "withdrawn")


class Malformed(ValueError):
    """An event that does not follow the protocol; skipped, never fatal."""


@dataclasses.dataclass(slots=True)
class Mapped:
    """What one gateway event means for the inbox."""

    items: list[Item] = dataclasses.field(default_factory=list)
    changes: list[ItemChange] = dataclasses.field(default_factory=list)
    # item.read of a conversation: the caller resolves it to the unread
    # messages of that thread (they live in the store, not in the event).
    read_thread: str = ""


# -- ids and references -----------------------------------------------------------


def msg_id(message_id: str) -> str:
    return f"gw:msg:{message_id}"


def approval_id(aid: str) -> str:
    return f"gw:approval:{aid}"


def task_id(tid: str) -> str:
    return f"gw:task:{tid}"


def announcement_id(aid: str) -> str:
    return f"gw:announcement:{aid}"


def chat_thread(conversation_id: str) -> str:
    return f"chat:{conversation_id}"


_REF_ITEM = {"approval": approval_id, "task": task_id, "announcement": announcement_id}


def parse_ref(ref: Any) -> tuple[str, str]:
    """ "approval:42" → ("approval", "42"); raises Malformed for anything else."""
    if not isinstance(ref, str) or ":" not in ref:
        raise Malformed(f"bad item reference {ref!r}")
    kind, _, ident = ref.partition(":")
    if kind not in ("chat", *_REF_ITEM) or not ident:
        raise Malformed(f"bad item reference {ref!r}")
    return kind, ident


def ref_item_id(ref: str) -> str | None:
    """The item id a non-chat reference names; None for "chat:<id>" (a whole thread)."""
    kind, ident = parse_ref(ref)
    if kind == "chat":
        return None
    return _REF_ITEM[kind](ident)


def item_ref(item_id: str, thread_key: str = "") -> str | None:
    """The protocol reference for an item (for item.read); None if it is not a gateway item."""
    if item_id.startswith("gw:msg:"):
        return thread_key if thread_key.startswith("chat:") else None
    for kind in _REF_ITEM:
        prefix = f"gw:{kind}:"
        if item_id.startswith(prefix) and len(item_id) > len(prefix):
            return f"{kind}:{item_id[len(prefix) :]}"
    return None


# -- field helpers ------------------------------------------------------------------


def _obj(data: Any, key: str) -> dict[str, Any]:
    value = data.get(key) if isinstance(data, Mapping) else None
    if not isinstance(value, dict):
        raise Malformed(f"{key!r} must be an object")
    return value


def _str(data: Mapping[str, Any], key: str, *, required: bool = True) -> str:
    value = data.get(key)
    if value is None and not required:
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise Malformed(f"{key!r} must be a string")
    text = str(value)
    if required and not text:
        raise Malformed(f"{key!r} is empty")
    return text


def _opt_str(data: Mapping[str, Any], key: str) -> str:
    value = data.get(key)
    return value if isinstance(value, str) else ""


def _person(data: Mapping[str, Any], key: str) -> dict[str, str]:
    person = data.get(key)
    if not isinstance(person, dict):
        return {"id": "", "name": ""}
    pid = person.get("id")
    name = person.get("name")
    pid = str(pid) if isinstance(pid, str | int) and not isinstance(pid, bool) else ""
    name = name if isinstance(name, str) and name else pid
    return {"id": pid, "name": name}


BOT_MARK = "\N{ROBOT FACE} "  # language-neutral: no translation needed


def _is_bot(msg: Mapping[str, Any]) -> bool:
    sender = msg.get("sender")
    return isinstance(sender, dict) and sender.get("bot") is True


def parse_time(value: Any, fallback: datetime | None = None) -> datetime:
    """ISO 8601 → aware datetime (naive means UTC)."""
    if isinstance(value, str) and value:
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            parsed = None
        if parsed is not None:
            return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    if fallback is not None:
        return fallback
    raise Malformed(f"bad time {value!r}")


def preview(text: str) -> str:
    """One line, at most PREVIEW_MAX characters, without control characters or bidi overrides."""
    return one_line(text, PREVIEW_MAX)


def _urgency(value: Any) -> Urgency:
    return {"urgent": Urgency.URGENT, "low": Urgency.LOW}.get(
        value if isinstance(value, str) else "", Urgency.NORMAL
    )


# -- the mapping ----------------------------------------------------------------------


def map_event(event: Any, user: str) -> Mapped:
    """Map one ``event`` object of an event frame. ``user`` is hello.user (own messages).

    Unknown event types map to nothing (a newer gateway may send more types).
    """
    if not isinstance(event, dict):
        raise Malformed("event must be an object")
    etype = event.get("type")
    if not isinstance(etype, str):
        raise Malformed("event.type must be a string")
    data = _obj(event, "data")
    event_time = parse_time(event.get("time"), fallback=datetime.now(UTC))
    handler = _HANDLERS.get(etype)
    if handler is None:
        return Mapped()
    return handler(data, event_time, user)


def _chat_message(data: dict[str, Any], event_time: datetime, user: str) -> Mapped:
    conv = _obj(data, "conversation")
    msg = _obj(data, "message")
    cid = _str(conv, "id")
    mid = _str(msg, "id")
    text = msg.get("text")
    if not isinstance(text, str):
        raise Malformed("message.text must be a string")
    sender = _person(msg, "sender")
    own = bool(user) and sender["id"] == user
    if _is_bot(msg):
        # An integration speaks as itself (protocol: sender.bot). Marked so a bot can never
        # pass for a person in the list, a bubble or a VIP rule, whatever name it was given.
        own = False
        sender = {"id": sender["id"], "name": f"{BOT_MARK}{sender['name']}"}
    kind = _opt_str(conv, "kind")
    title = _opt_str(conv, "title")
    if kind == "direct" and not own:
        # A direct chat is named after the other person, whatever the gateway calls it.
        title = sender["name"] or title
    item = Item(
        id=msg_id(mid),
        source=SOURCE_ID,
        kind=Kind.CHAT,
        sender=sender["name"],
        title=title or sender["name"],
        preview=preview(text),
        time=parse_time(msg.get("time"), fallback=event_time),
        unread=not own,
        actions=CHAT_ACTIONS,
        thread_key=chat_thread(cid),
        # Stored with the item so the chat view knows "you" without a live connection.
        payload={"conversation": conv, "message": msg, "own": own},
    )
    return Mapped(items=[item])


def _fields(value: Any) -> list[dict[str, str]]:
    if not isinstance(value, list):
        return []
    out: list[dict[str, str]] = []
    for f in value:
        if isinstance(f, dict):
            out.append({"label": str(f.get("label", "")), "value": str(f.get("value", ""))})
    return out


def _approval_requested(data: dict[str, Any], event_time: datetime, user: str) -> Mapped:
    ap = _obj(data, "approval")
    aid = _str(ap, "id")
    title = _str(ap, "title")
    requester = _person(ap, "requester")
    fields = _fields(ap.get("fields"))
    summary = " · ".join(f"{f['label']}: {f['value']}" for f in fields if f["label"] or f["value"])
    item = Item(
        id=approval_id(aid),
        source=SOURCE_ID,
        kind=Kind.APPROVAL,
        sender=requester["name"],
        title=title,
        preview=preview(summary),
        time=event_time,
        state="pending",
        actions=PENDING_APPROVAL_ACTIONS,
        urgency=Urgency.URGENT if ap.get("urgency") == "urgent" else Urgency.NORMAL,
        payload={
            # The whole approval under "approval" (Actions.decide reads its "id"), normalised.
            "approval": {
                "id": aid,
                "integration": _opt_str(ap, "integration"),
                "title": title,
                "requester": requester,
                "fields": fields,
                "deadline": _opt_str(ap, "deadline"),
                "urgency": _opt_str(ap, "urgency") or "normal",
                "url": _opt_str(ap, "url"),
            },
            "url": _opt_str(ap, "url"),
        },
    )
    return Mapped(items=[item])


def _approval_resolved(data: dict[str, Any], event_time: datetime, user: str) -> Mapped:
    ap = _obj(data, "approval")
    aid = _str(ap, "id")
    state = data.get("state")
    if state not in APPROVAL_FINAL_STATES:
        raise Malformed(f"approval state {state!r}")
    resolution = {
        "state": state,
        "by": _person(data, "by"),
        "comment": _opt_str(data, "comment"),
        "via": _opt_str(data, "via"),
        "time": event_time.isoformat(),
    }
    change = ItemChange(
        approval_id(aid), state=state, actions=RESOLVED_ACTIONS, payload_update={"resolution": resolution}
    )
    return Mapped(changes=[change])


def _task_assigned(data: dict[str, Any], event_time: datetime, user: str) -> Mapped:
    task = _obj(data, "task")
    tid = _str(task, "id")
    text = _opt_str(task, "text")
    item = Item(
        id=task_id(tid),
        source=SOURCE_ID,
        kind=Kind.TASK,
        sender=_opt_str(task, "project"),
        title=_str(task, "title"),
        preview=preview(text),
        time=event_time,
        actions=OPEN_TASK_ACTIONS,
        payload={
            "task": {
                "id": tid,
                "title": _str(task, "title"),
                "text": text,
                "url": _opt_str(task, "url"),
                "due": _opt_str(task, "due"),
                "project": _opt_str(task, "project"),
            },
            "url": _opt_str(task, "url"),
        },
    )
    return Mapped(items=[item])


def _task_completed(data: dict[str, Any], event_time: datetime, user: str) -> Mapped:
    tid = _str(_obj(data, "task"), "id")
    by = _person(data, "by")
    completion = {"by": by, "via": _opt_str(data, "via"), "time": event_time.isoformat()}
    update = {"completion": completion, "pending_completion": None}
    # Done by this user (here or on another of their devices): read everywhere. Done by
    # another assignee: it shows Completed, but is news the user has not seen yet.
    change = ItemChange(
        task_id(tid),
        state=TASK_COMPLETED,
        actions=NOTICE_ACTIONS,
        unread=False if bool(user) and by["id"] == user else None,
        payload_update=update,
    )
    return Mapped(changes=[change])


def _announcement(data: dict[str, Any], event_time: datetime, user: str) -> Mapped:
    ann = _obj(data, "announcement")
    aid = _str(ann, "id")
    text = _opt_str(ann, "text")
    item = Item(
        id=announcement_id(aid),
        source=SOURCE_ID,
        kind=Kind.ANNOUNCEMENT,
        sender=_opt_str(ann, "sender") or _person(ann, "sender")["name"],
        title=_str(ann, "title"),
        preview=preview(text),
        time=event_time,
        actions=NOTICE_ACTIONS,
        urgency=_urgency(ann.get("urgency")),
        payload={
            "announcement": {
                "id": aid,
                "title": _str(ann, "title"),
                "text": text,
                "url": _opt_str(ann, "url"),
                "urgency": _opt_str(ann, "urgency") or "normal",
            },
            "url": _opt_str(ann, "url"),
        },
    )
    return Mapped(items=[item])


def _item_read(data: dict[str, Any], event_time: datetime, user: str) -> Mapped:
    ref = data.get("item")
    kind, ident = parse_ref(ref)
    if kind == "chat":
        return Mapped(read_thread=chat_thread(ident))
    return Mapped(changes=[ItemChange(_REF_ITEM[kind](ident), unread=False)])


_HANDLERS = {
    "chat.message": _chat_message,
    "approval.requested": _approval_requested,
    "approval.resolved": _approval_resolved,
    "task.assigned": _task_assigned,
    "task.completed": _task_completed,
    "announcement": _announcement,
    "item.read": _item_read,
}


# -- outbox entries → action frames -------------------------------------------------------


def action_frame(
    action: str, payload: Any, entry_id: str, item_id: str = "", thread_key: str = ""
) -> dict[str, Any]:
    """The client frame for one outbox entry; ``entry_id`` becomes the action id.

    Missing payload fields are derived from the item the action was taken on
    (``item_id``, and ``thread_key`` for chat messages). Raises Malformed when
    the entry cannot be turned into a frame.
    """
    if not isinstance(payload, dict):
        payload = {}
    if action == "reply":
        cid = payload.get("conversation")
        if not cid and thread_key.startswith("chat:"):
            cid = thread_key[len("chat:") :]
        text = payload.get("text")
        if not isinstance(cid, str) or not cid or not isinstance(text, str) or not text.strip():
            raise Malformed("a reply needs a conversation and a text")
        return {"type": "chat.send", "id": entry_id, "conversation": cid, "text": text}
    if action in ("approve", "reject"):
        aid = payload.get("approval")
        if not aid and item_id.startswith("gw:approval:"):
            aid = item_id[len("gw:approval:") :]
        if not isinstance(aid, str) or not aid:
            raise Malformed(f"{action} needs an approval id")
        comment = payload.get("comment") or ""
        return {
            "type": "approval.decide",
            "id": entry_id,
            "approval": aid,
            "decision": action,
            "comment": comment if isinstance(comment, str) else str(comment),
        }
    if action == "complete":
        tid = payload.get("task")
        if not tid and item_id.startswith("gw:task:"):
            tid = item_id[len("gw:task:") :]
        if not isinstance(tid, str) or not tid:
            raise Malformed("complete needs a task id")
        return {"type": "task.complete", "id": entry_id, "task": tid}
    if action == "mark_read":
        ref = payload.get("item") or item_ref(item_id, thread_key)
        parse_ref(ref)
        return {"type": "item.read", "id": entry_id, "item": ref}
    raise Malformed(f"unknown outbox action {action!r}")
