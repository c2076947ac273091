"""Tidings reference gateway: the websocket + HTTP adapter that chat, OA approvals, tasks and
announcements reach the desktop through. The wire protocol is documented in docs/protocol/."""
