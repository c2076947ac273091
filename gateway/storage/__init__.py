"""Storage behind one interface (base.GatewayStore); SQLite is the embedded default."""

from gateway.storage.base import (
    Approval,
    Conversation,
    Delivery,
    GatewayStore,
    Integration,
    PendingCallback,
    SessionIdentity,
    StoreTx,
    Task,
    TokenInfo,
    User,
)

__all__ = [
    "Approval",
    "Conversation",
    "Delivery",
    "GatewayStore",
    "Integration",
    "PendingCallback",
    "SessionIdentity",
    "StoreTx",
    "Task",
    "TokenInfo",
    "User",
]
