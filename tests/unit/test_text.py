"""Untrusted text is flattened the same way for mail, chat and notifications."""

from __future__ import annotations

from desktop.core.item import Item, Kind, utc_now
from desktop.core.text import one_line
from desktop.notifications.dispatcher import item_notice
from desktop.sources.gateway.mapping import preview


def test_one_line_flattens_strips_and_cuts() -> None:
    assert one_line("  a\n\tb\x00c  ") == "a b c"
    assert one_line("evil\u202etxt.exe\u200b") == "evil txt.exe"
    assert one_line("x" * 10, limit=5) == "xxxx…"
    assert one_line("short", limit=5) == "short"


def test_chat_preview_drops_bidi_overrides_like_mail_does() -> None:
    assert preview("pay\u202eexe.pdf\nnow") == "pay exe.pdf now"


def test_notification_text_is_flattened() -> None:
    item = Item(id="x", source="s", kind=Kind.MAIL, sender="Eve\u202e <e@x.org>",
                title="Line one\nline two", preview="body", time=utc_now())  # fmt: skip
    assert item_notice(item).title == "Eve — Line one line two"
