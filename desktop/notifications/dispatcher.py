"""From new items to bubbles: rules, coalescing, withdrawal. A pipeline listener; no Qt.

The first few items of a burst are shown at once (a single new mail must not wait
for a timer); the rest are held and shown as one summary when the coalescing
window closes, scheduled with ``loop.call_at`` on the loop's own clock.
"""

from __future__ import annotations

import asyncio
import collections
import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime

from desktop.config.options import parse_quiet_hours
from desktop.config.settings import PREVIEW_CHOICES, NotificationSettings
from desktop.core.coalesce import Coalescer, Single, Summary
from desktop.core.events import SourceStatus
from desktop.core.i18n import QT_TRANSLATE_NOOP, translate
from desktop.core.item import Item, Kind, Urgency, sender_name, utc_now
from desktop.core.rules import Rules
from desktop.core.text import one_line
from desktop.notifications.backends import (
    APPROVE,
    MARK_READ,
    REJECT,
    REPLY,
    Button,
    Notice,
    NotifierBackend,
)

log = logging.getLogger(__name__)

PREVIEW_CHARS = 200
FULL, SENDER, HIDDEN = PREVIEW_CHOICES  # notifications.previews

#: freedesktop notification categories, so desktops can group and tune them; the spec
#: has none for approvals, tasks or announcements, hence the x-vendor ones.
CATEGORIES = {
    Kind.MAIL: "email.arrived",
    Kind.CHAT: "im.received",
    Kind.APPROVAL: "x-tidings.approval",
    Kind.TASK: "x-tidings.task",
    Kind.ANNOUNCEMENT: "x-tidings.announcement",
}
SUMMARY_CATEGORY = "x-tidings.summary"  # a burst of several kinds

_KIND_WORDS = {
    Kind.MAIL: (QT_TRANSLATE_NOOP("Notifications", "{0} mail"),) * 2,
    Kind.CHAT: (QT_TRANSLATE_NOOP("Notifications", "{0} chat"),) * 2,
    Kind.APPROVAL: (
        QT_TRANSLATE_NOOP("Notifications", "{0} approval"),
        QT_TRANSLATE_NOOP("Notifications", "{0} approvals"),
    ),
    Kind.TASK: (
        QT_TRANSLATE_NOOP("Notifications", "{0} task"),
        QT_TRANSLATE_NOOP("Notifications", "{0} tasks"),
    ),
    Kind.ANNOUNCEMENT: (
        QT_TRANSLATE_NOOP("Notifications", "{0} announcement"),
        QT_TRANSLATE_NOOP("Notifications", "{0} announcements"),
    ),
}


def rules_from_settings(settings: NotificationSettings, previous: Rules | None = None) -> Rules:
    """Rules for the settings; a running pause (from the tray menu) is kept."""
    try:
        quiet = parse_quiet_hours(settings.quiet_hours)
    except ValueError as exc:
        log.warning("ignoring quiet hours: %s", exc)
        quiet = None
    return Rules(
        paused_until=previous.paused_until if previous else None,
        quiet_start=quiet[0] if quiet else None,
        quiet_end=quiet[1] if quiet else None,
        vip_senders=frozenset(settings.vip_senders),
        muted_sources=frozenset(settings.muted_sources),
        urgent_breaks_through=settings.urgent_breaks_through,
    )


def item_notice(item: Item, previews: str = FULL) -> Notice:
    """The bubble for one item; ``previews`` (notifications.previews) says how much of it
    may be on screen: everything, sender and subject only, or only that something came."""
    who = one_line(sender_name(item.sender), 80)
    title = one_line(item.title, 120)
    # A direct chat is titled with the other person's name: say it once.
    summary = (
        f"{who} — {title}"
        if who and title and who != title
        else (who or title or translate("Notifications", "New item"))
    )
    body = one_line(item.preview, PREVIEW_CHARS)
    if previews == HIDDEN:
        summary, body = translate("Notifications", "New message"), ""
    elif previews != FULL:
        body = ""
    buttons: tuple[Button, ...]
    if item.kind is Kind.CHAT:
        buttons = (
            Button(REPLY, translate("Notifications", "Reply")),
            Button(MARK_READ, translate("Notifications", "Mark read")),
        )
    elif item.kind is Kind.APPROVAL:
        buttons = (
            Button(APPROVE, translate("Notifications", "Approve")),
            Button(REJECT, translate("Notifications", "Reject…")),
        )
    else:
        buttons = (Button(MARK_READ, translate("Notifications", "Mark read")),)
    return Notice(
        item_id=item.id,
        title=summary,
        body=body,
        urgent=item.urgency >= Urgency.URGENT,
        buttons=buttons,
        reply_field=item.kind is Kind.CHAT,
        thread=item.thread_key,
        category=CATEGORIES.get(item.kind, SUMMARY_CATEGORY),
    )


def summary_notice(items: Sequence[Item], previews: str = FULL) -> Notice:
    """One bubble for a burst; with previews hidden it names no sender."""
    counts = collections.Counter(i.kind for i in items)
    parts = [
        translate("Notifications", _KIND_WORDS[kind][0 if n == 1 else 1]).format(n)
        for kind, n in sorted(counts.items(), key=lambda kv: (-kv[1], list(Kind).index(kv[0])))
    ]
    newest = max(items, key=lambda i: i.time)
    senders = list(
        dict.fromkeys(sender_name(i.sender) for i in sorted(items, key=lambda i: i.time, reverse=True))
    )
    names = ", ".join(senders[:3])
    if len(senders) > 3:
        body = translate("Notifications", "From {0} and {1} more").format(names, len(senders) - 3)
    else:
        body = translate("Notifications", "From {0}").format(names)
    kinds = set(counts)
    return Notice(
        item_id=newest.id,
        title=translate("Notifications", "{0} new items: {1}").format(len(items), ", ".join(parts)),
        body="" if previews == HIDDEN else one_line(body, PREVIEW_CHARS),
        urgent=any(i.urgency >= Urgency.URGENT for i in items),
        summary_of=tuple(i.id for i in items),
        category=CATEGORIES.get(kinds.pop(), SUMMARY_CATEGORY) if len(kinds) == 1 else SUMMARY_CATEGORY,
    )


class NotificationDispatcher:
    """Pipeline listener: decides what to show and hands it to the backend."""

    def __init__(
        self,
        backend: NotifierBackend,
        rules: Rules,
        loop: asyncio.AbstractEventLoop,
        enabled: bool = True,
        coalescer: Coalescer | None = None,
        now: Callable[[], datetime] = utc_now,
        previews: str = FULL,
    ) -> None:
        self.backend = backend
        self.rules = rules
        self.enabled = enabled
        self.previews = previews  # applied here, so every backend gets the same text
        self._loop = loop
        self._coalescer = coalescer or Coalescer()
        self._now = now
        self._timer: asyncio.Handle | None = None
        self._timer_due = 0.0  # qasync's call_at returns a plain Handle, without when()
        # One worker delivers in order: bubbles appear in arrival order, and a withdrawal
        # never overtakes the show it takes back.
        self._queue: collections.deque[Callable[[], Awaitable[object]]] = collections.deque()
        self._worker: asyncio.Task[None] | None = None
        self._shown: set[str] = set()  # item ids with a bubble that may still be up
        self._gone: set[str] = set()  # held items read or removed before the summary
        self.shown_count = 0  # notices handed to the backend (tests, diagnostics)

    def apply_settings(self, settings: NotificationSettings) -> None:
        self.rules = rules_from_settings(settings, self.rules)
        self.enabled = settings.enabled
        self.previews = settings.previews

    # -- pipeline Listener -----------------------------------------------------------

    def items_added(self, items: Sequence[Item], quiet: bool = False) -> None:
        if quiet or not self.enabled:
            return
        now = self._now()
        wanted = [i for i in items if self.rules.should_notify(i, now)]
        if not wanted:
            return
        self._show(self._coalescer.offer(wanted, self._loop.time()))
        self._schedule_flush()

    def items_changed(self, items: Sequence[Item]) -> None:
        self._take_back([i.id for i in items if not i.unread])

    def items_removed(self, item_ids: Sequence[str]) -> None:
        self._take_back(item_ids)

    def status_changed(self, status: SourceStatus) -> None:
        pass

    # -- internals ----------------------------------------------------------------------

    def _take_back(self, item_ids: Sequence[str]) -> None:
        for item_id in item_ids:
            self._gone.add(item_id)
            if item_id in self._shown:
                self._shown.discard(item_id)
                if self.backend.supports_withdraw:
                    self._enqueue(lambda i=item_id: self.backend.withdraw(i))
        if self._coalescer.deadline() is None:
            self._gone.clear()  # nothing held: nothing to filter at the next flush

    def _show(self, notices: Sequence[Single | Summary]) -> None:
        for n in notices:
            if isinstance(n, Single):
                if n.item.id in self._gone:
                    continue
                notice = item_notice(n.item, self.previews)
                self._shown.add(n.item.id)
            else:
                items = [i for i in n.items if i.id not in self._gone]
                if not items:
                    continue
                notice = (
                    item_notice(items[0], self.previews)
                    if len(items) == 1
                    else summary_notice(items, self.previews)
                )
                if len(items) == 1:
                    self._shown.add(items[0].id)
            self.shown_count += 1
            self._enqueue(lambda n=notice: self._deliver(n))

    async def _deliver(self, notice: Notice) -> None:
        if not await self.backend.show(notice):
            log.warning("notification for %s was not shown", notice.item_id)

    def _enqueue(self, job: Callable[[], Awaitable[object]]) -> None:
        self._queue.append(job)
        if self._worker is None or self._worker.done():
            self._worker = self._loop.create_task(self._work())

    async def _work(self) -> None:
        while self._queue:
            job = self._queue.popleft()
            try:
                await job()
            except Exception:
                log.exception("notification backend failed")

    def _schedule_flush(self) -> None:
        due = self._coalescer.deadline()
        if due is None:
            return
        if self._timer is not None:
            if self._timer_due <= due:
                return
            self._timer.cancel()
        self._timer = self._loop.call_at(due, self._flush)
        self._timer_due = due

    def _flush(self) -> None:
        self._timer = None
        self._show(self._coalescer.flush(self._loop.time()))
        if self._coalescer.deadline() is None:
            self._gone.clear()
        self._schedule_flush()

    async def drain(self) -> None:
        """Wait for notices being delivered (tests, shutdown)."""
        while self._worker is not None and not self._worker.done():
            await asyncio.shield(self._worker)

    async def close(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        await self.drain()
        await self.backend.close()
