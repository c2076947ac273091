"""A NotificationActions handler for the notification tests: it remembers every call, in order."""

from __future__ import annotations

from collections.abc import Sequence


class Recorder:
    def __init__(self) -> None:
        self.calls: list[tuple[str, ...]] = []

    def open_item(self, item_id: str) -> None:
        self.calls.append(("open_item", item_id))

    def open_items(self, item_ids: Sequence[str]) -> None:
        self.calls.append(("open_items", *item_ids))

    def mark_read(self, item_id: str) -> None:
        self.calls.append(("mark_read", item_id))

    def reply(self, item_id: str, text: str) -> None:
        self.calls.append(("reply", item_id, text))

    def approve(self, item_id: str) -> None:
        self.calls.append(("approve", item_id))

    def complete(self, item_id: str) -> None:
        self.calls.append(("complete", item_id))

    def sign_in(self, source_id: str) -> None:
        self.calls.append(("sign_in", source_id))
