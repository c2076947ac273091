"""Who may interrupt the user: pause / do-not-disturb, VIP senders, muted sources."""

from __future__ import annotations

import dataclasses
from datetime import datetime, time, timedelta

from desktop.core.item import Item, Urgency, sender_address


@dataclasses.dataclass(slots=True)
class Rules:
    paused_until: datetime | None = None
    # Daily quiet hours in local time, e.g. 19:00-08:00; None when off.
    quiet_start: time | None = None
    quiet_end: time | None = None
    vip_senders: frozenset[str] = frozenset()
    muted_sources: frozenset[str] = frozenset()
    urgent_breaks_through: bool = True

    def __post_init__(self) -> None:
        # Settings may say "Ann@Example.org" or "Ann <ann@example.org>"; match on the address.
        self.vip_senders = frozenset(sender_address(s) for s in self.vip_senders if s.strip())

    def pause_for(self, duration: timedelta, now: datetime) -> None:
        self.paused_until = now + duration

    def pause_until_tomorrow(self, now: datetime, morning: time = time(8, 0)) -> None:
        """Until the next ``morning``: tomorrow's, or today's when paused after midnight."""
        local = now.astimezone()
        day = local.date() if local.time() < morning else (local + timedelta(days=1)).date()
        # A naive local time made aware by astimezone() gets that day's UTC offset; reusing
        # ``local.tzinfo`` (a fixed offset) would be an hour off across a DST change.
        self.paused_until = datetime.combine(day, morning).astimezone()

    def resume(self) -> None:
        self.paused_until = None

    def is_paused(self, now: datetime) -> bool:
        if self.paused_until is not None and now < self.paused_until:
            return True
        return self._in_quiet_hours(now)

    def _in_quiet_hours(self, now: datetime) -> bool:
        if self.quiet_start is None or self.quiet_end is None:
            return False
        t = now.astimezone().time()
        if self.quiet_start <= self.quiet_end:
            return self.quiet_start <= t < self.quiet_end
        return t >= self.quiet_start or t < self.quiet_end  # spans midnight

    def should_notify(self, item: Item, now: datetime) -> bool:
        if item.source in self.muted_sources:
            return False
        if not item.unread:
            return False
        if item.payload.get("own") is True:
            return False  # the user's own message (mail from their address): nothing new to them
        if not self.is_paused(now):
            return True
        if self.urgent_breaks_through and item.urgency >= Urgency.URGENT:
            return True
        return sender_address(item.sender) in self.vip_senders
