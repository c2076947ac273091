"""What a notice says for each previews setting, and the category it carries."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from desktop.core.item import Item, Kind
from desktop.notifications.dispatcher import SUMMARY_CATEGORY, item_notice, summary_notice

BASE = datetime(2025, 3, 14, 9, 0, tzinfo=UTC)


def item(n: int, kind: Kind = Kind.MAIL) -> Item:
    return Item(
        id=f"x:{n}",
        source="mail:work",
        kind=kind,
        sender="Ann Lee <ann@example.org>",
        title=f"Budget {n}",
        preview=f"secret figures {n}",
        time=BASE + timedelta(seconds=n),
    )


@pytest.mark.parametrize(
    ("previews", "title", "body"),
    [
        ("full", "Ann Lee — Budget 1", "secret figures 1"),
        ("sender", "Ann Lee — Budget 1", ""),
        ("hidden", "New message", ""),
    ],
)
def test_one_item(previews: str, title: str, body: str) -> None:
    notice = item_notice(item(1), previews)
    assert (notice.title, notice.body) == (title, body)
    assert notice.buttons  # actions stay: they reveal nothing


def test_a_summary_names_no_sender_when_hidden() -> None:
    items = [item(1), item(2)]
    sender = summary_notice(items, "sender")
    assert (sender.title, sender.body) == ("2 new mails from Ann Lee", "Latest: Budget 2")
    hidden = summary_notice(items, "hidden")
    assert (hidden.title, hidden.body) == ("2 new mails", "")
    mixed = summary_notice([item(1), item(2, Kind.CHAT)], "hidden")
    assert (mixed.title, mixed.body) == ("2 new items", "1 mail, 1 chat message")


@pytest.mark.parametrize(
    ("kind", "category"),
    [
        (Kind.MAIL, "email.arrived"),
        (Kind.CHAT, "im.received"),
        (Kind.APPROVAL, "x-tidings.approval"),
        (Kind.TASK, "x-tidings.task"),
        (Kind.ANNOUNCEMENT, "x-tidings.announcement"),
    ],
)
def test_categories(kind: Kind, category: str) -> None:
    assert item_notice(item(1, kind)).category == category
    assert summary_notice([item(1, kind), item(2, kind)]).category == category
    assert (
        summary_notice([item(1, kind), item(2, Kind.MAIL if kind is not Kind.MAIL else Kind.CHAT)]).category
        == SUMMARY_CATEGORY
    )
