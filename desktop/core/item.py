"""The unified inbox item: one shape for mail, chat, approvals, tasks and announcements."""

from __future__ import annotations

import dataclasses
import enum
from datetime import UTC, datetime
from typing import Any


class Kind(enum.StrEnum):
    MAIL = "mail"
    CHAT = "chat"
    APPROVAL = "approval"
    TASK = "task"
    ANNOUNCEMENT = "announcement"


class Urgency(enum.IntEnum):
    LOW = 0
    NORMAL = 1
    URGENT = 2


class Action(enum.StrEnum):
    """What a user can do with an item, from the list, the detail pane or a notification."""

    OPEN = "open"
    MARK_READ = "mark_read"
    REPLY = "reply"
    APPROVE = "approve"
    REJECT = "reject"
    COMPLETE = "complete"  # a task
    OPEN_EXTERNAL = "open_external"


@dataclasses.dataclass(slots=True)
class Item:
    """One row of the unified inbox.

    ``id`` is stable across restarts and reconnects: for mail it is built from
    (account, folder, UIDVALIDITY, UID), for gateway items from the event's own id.
    ``payload`` holds the source-specific details the detail pane needs (mail
    headers, approval fields, chat conversation id); it is stored as JSON.
    """

    id: str
    source: str
    kind: Kind
    sender: str
    title: str
    preview: str
    time: datetime
    unread: bool = True
    state: str = ""
    actions: tuple[Action, ...] = ()
    thread_key: str = ""
    urgency: Urgency = Urgency.NORMAL
    payload: dict[str, Any] = dataclasses.field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """The public JSON shape, used by ``tidings watch --json``."""
        return {
            "id": self.id,
            "kind": str(self.kind),
            "source": self.source,
            "title": self.title,
            "sender": self.sender,
            "preview": self.preview,
            "unread": self.unread,
            "state": self.state,
            "urgency": self.urgency.name.lower(),
            "thread": self.thread_key,
            "time": self.time.astimezone(UTC).isoformat(),
        }


def utc_now() -> datetime:
    return datetime.now(UTC)


def from_timestamp(ts: float) -> datetime:
    return datetime.fromtimestamp(ts, UTC)


def sender_name(sender: str) -> str:
    """'Ann Lee <ann@x.org>' -> 'Ann Lee'; a bare address or a plain name stays as it is.

    Not email.utils.parseaddr: it reads a plain 'Lisa Chen' (chat senders) as 'Lisa'.
    """
    if "<" in sender:
        name = sender[: sender.index("<")].strip().strip('"')
        if name:
            return name
        return sender[sender.index("<") + 1 :].rstrip(">").strip()
    return sender.strip()


def sender_address(sender: str) -> str:
    """'Ann <Ann@X.org>' -> 'ann@x.org': the part to compare (VIP lists)."""
    if "<" in sender and ">" in sender:
        sender = sender[sender.index("<") + 1 : sender.index(">")]
    return sender.strip().lower()
