"""The storage interface the gateway runs on.

Everything the server needs goes through GatewayStore (reads) and StoreTx (one atomic unit of
work). The embedded default is SQLite (gateway.storage.sqlite); a deployment that outgrows one
process implements the same interface on PostgreSQL and swaps the in-process hub for a broker.
Methods are async so such an implementation can do real I/O; the SQLite one completes them
without suspending.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class User:
    name: str
    display_name: str


@dataclass(frozen=True, slots=True)
class TokenInfo:
    id: str
    user: str
    display_name: str


@dataclass(frozen=True, slots=True)
class SessionIdentity:
    """Who a sign-in at the company's provider says the user is."""

    user: str
    subject: str  # the provider's ``sub``
    display_name: str  # for a user created on first sign-in


@dataclass(frozen=True, slots=True)
class Integration:
    name: str
    secret: str  # opened from its sealed form in storage; never logged
    callback_url: str | None
    display_name: str  # its chat messages show this, marked as a bot


@dataclass(frozen=True, slots=True)
class Conversation:
    id: str
    title: str
    kind: str  # "direct" | "group"
    members: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Approval:
    id: str  # the public id (what clients see); the integration's own id is in integration_ids
    integration: str
    recipients: tuple[str, ...]
    state: str  # "pending" | "approved" | "rejected" | "withdrawn"


@dataclass(frozen=True, slots=True)
class Task:
    """A task an integration assigned (task.assigned), under its public id (what clients see)."""

    id: str
    integration: str
    recipients: tuple[str, ...]
    state: str  # "open" | "completed"


@dataclass(frozen=True, slots=True)
class Delivery:
    """One event persisted into one user's stream under that user's sequence number."""

    user: str
    seq: int
    event: dict[str, Any]
    # About the event's size on the wire (its stored JSON), so a connection can bound the
    # output it has queued without serializing the event once more.
    size: int = 0


@dataclass(frozen=True, slots=True)
class PendingCallback:
    delivery_id: str
    integration: str
    body: bytes
    attempts: int


class StoreTx(ABC):
    """One transaction: everything done through it commits together or not at all."""

    @abstractmethod
    async def action_result(self, user: str, action_id: str) -> dict[str, Any] | None: ...

    @abstractmethod
    async def save_action_result(self, user: str, action_id: str, frame: dict[str, Any]) -> None: ...

    @abstractmethod
    async def users(self, names: Iterable[str]) -> dict[str, User]: ...

    @abstractmethod
    async def all_user_names(self) -> list[str]: ...

    @abstractmethod
    async def conversation(self, conversation_id: str) -> Conversation | None: ...

    @abstractmethod
    async def approval(self, approval_id: str) -> Approval | None: ...

    @abstractmethod
    async def put_approval(self, approval: Approval) -> None:
        """Insert or replace the approval's row."""

    @abstractmethod
    async def task(self, task_id: str) -> Task | None: ...

    @abstractmethod
    async def put_task(self, task: Task) -> None:
        """Insert or replace the task's row."""

    @abstractmethod
    async def public_id(self, kind: str, integration: str, own_id: str) -> str | None:
        """The id clients see for the integration's own id of an item of this kind
        (approval, task, announcement, message); None if it was never given one."""

    @abstractmethod
    async def claim_public_id(self, kind: str, integration: str, own_id: str, public_id: str) -> bool:
        """Give the integration's own id this public id; False if another item of the kind has it."""

    @abstractmethod
    async def own_id(self, kind: str, public_id: str) -> tuple[str, str] | None:
        """(integration, its own id) of the item of this kind that clients know as public_id."""

    @abstractmethod
    async def integration_may_post(self, integration: str, conversation_id: str) -> bool:
        """Whether the integration was added to the conversation (it may post chat there)."""

    @abstractmethod
    async def append_event(self, recipients: Iterable[str], event: dict[str, Any]) -> list[Delivery]:
        """Persist the event once and give each recipient the next sequence number of their stream."""

    @abstractmethod
    async def ingest_result(self, integration: str, key: str) -> dict[str, Any] | None: ...

    @abstractmethod
    async def save_ingest_result(self, integration: str, key: str, response: dict[str, Any]) -> None: ...

    @abstractmethod
    async def remember_signature(self, integration: str, signature: str, expires_at: float) -> bool:
        """Record a request signature; False if it was already seen (a replay)."""

    @abstractmethod
    async def enqueue_callback(
        self, delivery_id: str, integration: str, body: bytes, due_at: float
    ) -> None: ...


class GatewayStore(ABC):
    @abstractmethod
    def transaction(self) -> AbstractAsyncContextManager[StoreTx]: ...

    @abstractmethod
    async def authenticate(self, token: str) -> TokenInfo | None: ...

    @abstractmethod
    async def revoked_among(self, token_ids: Iterable[str]) -> set[str]:
        """Those of the given token ids that are revoked or gone."""

    @abstractmethod
    async def start_session(
        self, identity: SessionIdentity, token_hash: str, expires_at: float, *, create_user: bool
    ) -> str | None:
        """Store a new session (only the token's hash) and return its id; None if the user does
        not exist and ``create_user`` is false. ``revoked_among`` reports it once it expires."""

    @abstractmethod
    async def renew_session(
        self, current_hash: str, user: str, token_hash: str, expires_at: float
    ) -> str | None:
        """Give the user's session with token hash ``current_hash`` a new token and expiry,
        keeping its id (so its open connections stay); None if there is no such session or it
        was revoked."""

    @abstractmethod
    async def latest_seq(self, user: str) -> int: ...

    @abstractmethod
    async def events_after(self, user: str, after_seq: int, limit: int) -> list[Delivery]: ...

    @abstractmethod
    async def event_id_at(self, user: str, seq: int) -> str | None:
        """The id of the event at seq in the user's stream (None if there is none): a client's
        resume position is checked against it, since a restored backup reuses seqs."""

    @abstractmethod
    async def integration(self, name: str) -> Integration | None: ...

    @abstractmethod
    async def due_callbacks(self, now: float, limit: int) -> list[PendingCallback]: ...

    @abstractmethod
    async def next_callback_due(self) -> float | None: ...

    @abstractmethod
    async def callback_delivered(self, delivery_id: str, now: float) -> None: ...

    @abstractmethod
    async def callback_failed(self, delivery_id: str, error: str, next_attempt_at: float) -> None: ...

    @abstractmethod
    async def close(self) -> None: ...
