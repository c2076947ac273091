"""What a notification bubble says for an item."""

from __future__ import annotations

from desktop.core.item import Item, Kind, utc_now
from desktop.notifications.dispatcher import item_notice


def _item(sender: str, title: str, kind: Kind = Kind.CHAT) -> Item:
    return Item(id="x", source="gateway", kind=kind, sender=sender, title=title, preview="hi", time=utc_now())


def test_group_chat_names_sender_and_conversation() -> None:
    assert item_notice(_item("王伟", "Platform team")).title == "王伟 — Platform team"


def test_direct_chat_says_the_name_once() -> None:
    assert item_notice(_item("Lisa Chen", "Lisa Chen")).title == "Lisa Chen"


def test_mail_uses_the_display_name() -> None:
    notice = item_notice(_item("Ann Lee <ann@example.com>", "Budget", Kind.MAIL))
    assert notice.title == "Ann Lee — Budget"
