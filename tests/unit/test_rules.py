"""Who may interrupt: pause, quiet hours (also across midnight), VIP and urgent break-through, mute."""

from __future__ import annotations

import time as time_mod
from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta

import pytest

from desktop.core.item import Item, Kind, Urgency
from desktop.core.rules import Rules


@pytest.fixture(autouse=True)
def berlin(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Quiet hours are local time: pin a zone with DST so the tests mean the same everywhere."""
    monkeypatch.setenv("TZ", "Europe/Berlin")
    time_mod.tzset()
    yield
    monkeypatch.undo()
    time_mod.tzset()


def local(y: int, mo: int, d: int, h: int, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi).astimezone()


def item(sender: str = "Bob <bob@x.org>", urgency: Urgency = Urgency.NORMAL, **kw: object) -> Item:
    fields: dict[str, object] = {
        "id": "mail:work:INBOX:1:1",
        "source": "mail:work",
        "kind": Kind.MAIL,
        "sender": sender,
        "title": "Hello",
        "preview": "…",
        "time": datetime(2025, 1, 1, tzinfo=UTC),
        "urgency": urgency,
    }
    fields.update(kw)
    return Item(**fields)  # type: ignore[arg-type]


NOON = local(2025, 3, 14, 12)


def test_notifies_by_default_but_not_read_items() -> None:
    rules = Rules()
    assert rules.should_notify(item(), NOON)
    assert not rules.should_notify(item(unread=False), NOON)


def test_pause_for_one_hour_ends_after_the_hour() -> None:
    rules = Rules()
    rules.pause_for(timedelta(hours=1), NOON)
    assert rules.paused_until == NOON + timedelta(hours=1)
    assert not rules.should_notify(item(), NOON + timedelta(minutes=59))
    assert rules.should_notify(item(), NOON + timedelta(hours=1))
    rules.resume()
    assert rules.should_notify(item(), NOON)


def test_pause_until_tomorrow_lasts_until_the_next_morning() -> None:
    rules = Rules()
    rules.pause_until_tomorrow(local(2025, 3, 14, 17, 30))
    assert rules.paused_until == local(2025, 3, 15, 8)
    assert rules.is_paused(local(2025, 3, 15, 7, 59))
    assert not rules.is_paused(local(2025, 3, 15, 8))


def test_pause_until_tomorrow_after_midnight_means_this_morning() -> None:
    rules = Rules()
    rules.pause_until_tomorrow(local(2025, 3, 15, 1, 30))
    assert rules.paused_until == local(2025, 3, 15, 8)


def test_pause_until_tomorrow_across_dst_change_keeps_local_eight_oclock() -> None:
    # Berlin switched to summer time on 2025-03-30: the evening before is UTC+1, the morning UTC+2.
    rules = Rules()
    rules.pause_until_tomorrow(local(2025, 3, 29, 22))
    assert rules.paused_until is not None
    assert rules.paused_until.astimezone().hour == 8
    assert rules.paused_until.utcoffset() == timedelta(hours=2)


def test_pause_also_works_with_utc_timestamps() -> None:
    rules = Rules()
    now = datetime(2025, 3, 14, 11, tzinfo=UTC)  # 12:00 in Berlin
    rules.pause_until_tomorrow(now)
    assert rules.paused_until == datetime(2025, 3, 15, 7, tzinfo=UTC)


@pytest.mark.parametrize(
    ("hour", "minute", "quiet"),
    [
        (18, 59, False),
        (19, 0, True),
        (23, 59, True),
        (0, 0, True),
        (7, 59, True),
        (8, 0, False),
        (12, 0, False),
    ],
)
def test_quiet_hours_spanning_midnight(hour: int, minute: int, quiet: bool) -> None:
    rules = Rules(quiet_start=time(19, 0), quiet_end=time(8, 0))
    assert rules.is_paused(local(2025, 3, 14, hour, minute)) is quiet
    assert rules.should_notify(item(), local(2025, 3, 14, hour, minute)) is not quiet


@pytest.mark.parametrize(("hour", "quiet"), [(11, False), (12, True), (13, True), (14, False)])
def test_quiet_hours_within_one_day(hour: int, quiet: bool) -> None:
    rules = Rules(quiet_start=time(12, 0), quiet_end=time(14, 0))
    assert rules.is_paused(local(2025, 3, 14, hour)) is quiet


def test_quiet_hours_use_local_time_for_utc_timestamps() -> None:
    rules = Rules(quiet_start=time(19, 0), quiet_end=time(8, 0))
    assert rules.is_paused(datetime(2025, 3, 14, 18, 30, tzinfo=UTC))  # 19:30 in Berlin
    assert not rules.is_paused(datetime(2025, 3, 14, 17, 30, tzinfo=UTC))  # 18:30 in Berlin


def test_urgent_items_break_through_a_pause_unless_switched_off() -> None:
    rules = Rules()
    rules.pause_for(timedelta(hours=1), NOON)
    assert rules.should_notify(item(urgency=Urgency.URGENT), NOON)
    assert not rules.should_notify(item(urgency=Urgency.NORMAL), NOON)
    rules.urgent_breaks_through = False
    assert not rules.should_notify(item(urgency=Urgency.URGENT), NOON)


def test_vip_senders_break_through_quiet_hours_matching_the_address_case_insensitively() -> None:
    rules = Rules(
        quiet_start=time(19, 0),
        quiet_end=time(8, 0),
        vip_senders=frozenset({"Boss@Example.ORG", "CEO <ceo@example.org>"}),
    )
    night = local(2025, 3, 14, 23)
    assert rules.should_notify(item(sender="The Boss <boss@example.org>"), night)
    assert rules.should_notify(item(sender="boss@example.org"), night)
    assert rules.should_notify(item(sender="ceo@EXAMPLE.org"), night)
    assert not rules.should_notify(item(sender="Eve <eve@example.org>"), night)
    assert not rules.should_notify(item(sender="boss@example.org.evil.com"), night)


def test_muted_source_is_silent_even_for_vip_and_urgent() -> None:
    rules = Rules(muted_sources=frozenset({"gateway"}), vip_senders=frozenset({"bob@x.org"}))
    chat = item(source="gateway", kind=Kind.CHAT, urgency=Urgency.URGENT)
    assert not rules.should_notify(chat, NOON)
    assert rules.should_notify(item(), NOON)  # other sources still notify


def test_the_users_own_message_never_notifies_even_unread_urgent_or_vip() -> None:
    """payload["own"]: the source knows it came from the user (their mail address, their chat id)."""
    rules = Rules(vip_senders=frozenset({"me@x.org"}))
    own = item(sender="Me <me@x.org>", urgency=Urgency.URGENT, payload={"own": True})
    assert not rules.should_notify(own, NOON)
    assert rules.should_notify(item(sender="Me <me@x.org>", payload={"own": False}), NOON)
