"""The company gateway source: one websocket (protocol v1) for chat, approvals, tasks and announcements."""

from desktop.sources.gateway.source import GatewaySource

__all__ = ["GatewaySource"]
