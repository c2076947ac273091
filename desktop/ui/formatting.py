"""How items read on screen: dates and times in the UI's language, and whose message is whose.

Shared by the list delegate and the detail views, so neither imports the other.

Dates follow the language the UI is shown in, not only the system's locale: a Chinese UI on
a system whose locale is English (``LANGUAGE=zh_CN`` with ``LANG=en_US``, or a translation
chosen for the app) would otherwise say "Friday, March 14" beside Chinese words. The
translation names its own locale (``ui_locale``), so this needs no state of its own.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from PySide6.QtCore import QCoreApplication, QDateTime, QLocale

from desktop.core.item import Item, Kind

#: untranslated, the marker of "no translation loaded": the system's locale is used
_SYSTEM = "system"


def ui_locale() -> QLocale:
    """The locale of the UI's language: the one the loaded translation names, else the default
    (the system's) locale."""
    name = QCoreApplication.translate(
        "Formatting",
        "system",  # a literal: lupdate finds only those
        "The Qt locale name of this translation's language (e.g. zh_CN); dates in the UI use its "
        "day and month names. Leave 'system' untranslated in English.",
    )
    return QLocale() if name == _SYSTEM else QLocale(name)


def short_time(when: datetime, now: datetime | None = None) -> str:
    """Today: 14:05; within the last week: a weekday; else a short date."""
    local = when.astimezone()
    now = (now or datetime.now().astimezone()).astimezone()
    locale = ui_locale()
    qdt = QDateTime(local.date(), local.time().replace(tzinfo=None))
    if local.date() == now.date():
        return locale.toString(qdt.time(), QLocale.FormatType.ShortFormat)
    if now.date() - timedelta(days=6) <= local.date() < now.date():
        return locale.dayName(local.isoweekday(), QLocale.FormatType.ShortFormat)
    if local.year == now.year:
        return locale.toString(qdt.date(), _month_day_format(locale))
    return locale.toString(qdt.date(), QLocale.FormatType.ShortFormat)


def _month_day_format(locale: QLocale) -> str:
    """Month and day without the year, in the locale's order."""
    if locale.language() in (QLocale.Language.Chinese, QLocale.Language.Japanese):
        return "M月d日"
    if locale.language() is QLocale.Language.Korean:
        return "M월 d일"
    short = locale.dateFormat(QLocale.FormatType.ShortFormat)
    return "MMM d" if short.lstrip().upper().startswith("M") else "d MMM"


def full_time(when: datetime) -> str:
    """The locale's long date and short time, without seconds or time zone names."""
    local = when.astimezone()
    qdt = QDateTime(local.date(), local.time().replace(tzinfo=None))
    locale = ui_locale()
    date = locale.toString(qdt.date(), QLocale.FormatType.LongFormat)
    return f"{date} {locale.toString(qdt.time(), QLocale.FormatType.ShortFormat)}"


def is_direct(item: Item) -> bool:
    """Is this chat message from a one-to-one conversation (named after the other person)?"""
    conversation = item.payload.get("conversation")
    return isinstance(conversation, dict) and conversation.get("kind") == "direct"


def is_own(item: Item, user: str = "") -> bool:
    """Did we send this chat message? ``payload["own"]`` if the source set it, else by sender id."""
    own = item.payload.get("own")
    if isinstance(own, bool):
        return own
    message = item.payload.get("message")
    sender = message.get("sender") if isinstance(message, dict) else None
    sender_id = sender.get("id") if isinstance(sender, dict) else None
    return bool(user) and sender_id == user


def chat_line(item: Item, user: str = "") -> str:
    """A chat row's latest message: "You: …" for ours, "Sender: …" in a group, and bare in a
    direct chat, whose row is named after the other person already ("Lisa Chen" over
    "Lisa Chen: …" says it twice; Slack and Teams show the bare message there too)."""
    if is_own(item, user):
        who = QCoreApplication.translate("InboxDelegate", "You")
    elif is_direct(item):
        who = ""
    else:
        who = item.sender
    return f"{who}: {item.preview}" if who else item.preview


def accessible_text(item: Item) -> str:
    """What a screen reader says for an inbox row. A chat row reads as it is painted (its
    name, then ``chat_line``), so a direct chat's name is said once; the gateway marks our
    own messages (``payload["own"]``), so the model needs no user id for "You"."""
    if item.kind is Kind.CHAT:
        return f"{item.title or item.sender}, {chat_line(item)}"
    return f"{item.sender}, {item.title}, {item.preview}"
