"""Events that sources hand to the pipeline. Plain data, safe to pass between threads."""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Sequence
from concurrent.futures import Future
from typing import Any

from desktop.core.item import Item


class ConnectionState(enum.StrEnum):
    CONNECTING = "connecting"
    ONLINE = "online"
    OFFLINE = "offline"  # temporarily down; the source is retrying
    AUTH_FAILED = "auth_failed"  # retries stopped until the user fixes the credentials
    # OAuth2: the provider ended the sign-in (revoked, expired: invalid_grant). Retries stopped
    # until the user signs in again in the browser; distinct from an outage and from a password.
    SIGN_IN_AGAIN = "sign_in_again"
    ERROR = "error"  # retries stopped: a configuration problem (certificate, host name)
    DISABLED = "disabled"


@dataclasses.dataclass(frozen=True, slots=True)
class ItemsArrived:
    """New items. ``quiet`` items are stored but never notified (first sync, resets)."""

    source: str
    items: Sequence[Item]
    quiet: bool = False
    # Sync state to persist in the same transaction as the items, so a crash
    # between the two can never skip or repeat mail.
    sync_state: dict[str, str] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass(frozen=True, slots=True)
class ItemsChanged:
    """State changes of known items: read elsewhere, approval resolved, ..."""

    source: str
    changes: Sequence[ItemChange]
    sync_state: dict[str, str] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass(frozen=True, slots=True)
class ItemChange:
    item_id: str
    unread: bool | None = None
    state: str | None = None
    actions: tuple[Any, ...] | None = None
    payload_update: dict[str, Any] | None = None
    # False: out of the list while an action on the server is pending (a move); True: back
    # in it (the action failed). Listeners hear these as removed / added (quietly).
    listed: bool | None = None


@dataclasses.dataclass(frozen=True, slots=True)
class ItemsRemoved:
    """Items that no longer exist at the source (expunged, folder reset)."""

    source: str
    item_ids: Sequence[str] = ()
    # Remove every item whose id starts with this prefix (a folder whose UIDVALIDITY changed).
    id_prefix: str = ""
    sync_state: dict[str, str] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass(frozen=True, slots=True)
class SourceStatus:
    source: str
    state: ConnectionState
    message: str = ""  # in words a user understands; empty when all is well


class OutboxStatus(enum.StrEnum):
    ATTEMPTED = "attempted"  # about to be sent (once more): the entry stays pending
    DONE = "done"  # the server acknowledged it
    FAILED = "failed"  # the server (or the source) refused it; ``message`` says why


@dataclasses.dataclass(frozen=True, slots=True)
class OutboxSettled:
    """What became of a queued user action. Sources report it; the pipeline records it in the
    store, on the loop thread like every other write."""

    source: str
    entry_id: str
    status: OutboxStatus
    message: str = ""  # the reason of a failure, in the server's or a user's words


@dataclasses.dataclass(frozen=True, slots=True)
class OutboxProgress:
    """A sending phase of an outgoing mail (``smtp.delivery.Phase``), to be stored before the
    source takes the next step. The pipeline resolves ``written`` once the store committed it
    (or with the store's error), so the source can wait for a durable write."""

    source: str
    entry_id: str
    phase: str
    message: str = ""  # why it stopped there (refused, waiting to retry); "" clears it
    written: Future[None] | None = dataclasses.field(default=None, compare=False)


@dataclasses.dataclass(frozen=True, slots=True)
class SyncStateSet:
    """Sync state that covers no item, e.g. the gateway's new resume point after ``hello``."""

    source: str
    values: dict[str, str]


SourceEvent = (
    ItemsArrived | ItemsChanged | ItemsRemoved | SourceStatus | OutboxSettled | OutboxProgress | SyncStateSet
)
