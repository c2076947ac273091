"""From new items to bubbles: rules, coalescing, withdrawal. A pipeline listener; no Qt.

The first few items of a burst are shown at once (a single new mail must not wait
for a timer); the rest are held and shown as one summary once the burst is quiet
(``desktop.core.coalesce``), scheduled with ``loop.call_at`` on the loop's own clock.
The summary replaces the burst's earlier bubbles. A bubble is taken back once every
item it tells of was read or acted on (here, on another device, or from its buttons);
nothing is shown for the conversation the user has open in front of them.
"""

from __future__ import annotations

import asyncio
import collections
import functools
import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime

from desktop.config.options import parse_quiet_hours
from desktop.config.settings import PREVIEW_CHOICES, NotificationSettings
from desktop.core.coalesce import Coalescer, Single, Summary
from desktop.core.events import ConnectionState, SourceStatus
from desktop.core.i18n import translate
from desktop.core.item import Item, Kind, Urgency, sender_name, utc_now
from desktop.core.rules import Rules
from desktop.core.text import one_line
from desktop.notifications.backends import (
    APPROVE,
    COMPLETE,
    MARK_READ,
    REJECT,
    REPLY,
    SIGN_IN,
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
SIGN_IN_CATEGORY = "x-tidings.sign-in"


def sign_in_notice(status: SourceStatus) -> Notice:
    """“Sign in again” for an account whose sign-in the provider ended, with a button."""
    name = status.source.removeprefix("mail:")
    return Notice(
        item_id=status.source,
        title=translate("Notifications", "Sign in again: {0}").format(one_line(name, 80)),
        body=one_line(status.message, PREVIEW_CHARS),
        buttons=(Button(SIGN_IN, translate("Notifications", "Sign in")),),
        category=SIGN_IN_CATEGORY,
        key=f"sign-in:{status.source}",
    )


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
    elif item.kind is Kind.TASK:
        buttons = (
            Button(COMPLETE, translate("Notifications", "Complete")),
            Button(MARK_READ, translate("Notifications", "Mark read")),
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
        key=item.id,
    )


def _new_count(kind: Kind | None, n: int) -> str:
    """ "12 new mails"; ``None`` for a burst of several kinds."""
    if kind is Kind.MAIL:
        return translate("Notifications", "%n new mail(s)", None, n)
    if kind is Kind.CHAT:
        return translate("Notifications", "%n new chat message(s)", None, n)
    if kind is Kind.APPROVAL:
        return translate("Notifications", "%n new approval request(s)", None, n)
    if kind is Kind.TASK:
        return translate("Notifications", "%n new task(s)", None, n)
    if kind is Kind.ANNOUNCEMENT:
        return translate("Notifications", "%n new announcement(s)", None, n)
    return translate("Notifications", "%n new item(s)", None, n)


def _count(kind: Kind, n: int) -> str:
    """One part of a mixed burst's breakdown: "3 chat messages"."""
    if kind is Kind.MAIL:
        return translate("Notifications", "%n mail(s)", None, n)
    if kind is Kind.CHAT:
        return translate("Notifications", "%n chat message(s)", None, n)
    if kind is Kind.APPROVAL:
        return translate("Notifications", "%n approval request(s)", None, n)
    if kind is Kind.TASK:
        return translate("Notifications", "%n task(s)", None, n)
    return translate("Notifications", "%n announcement(s)", None, n)


def _from_senders(what: str, senders: Sequence[str]) -> str:
    """ "12 new mails from Newsletter, GitLab and 3 more"."""
    if len(senders) == 1:
        return translate("Notifications", "{0} from {1}").format(what, *senders)
    if len(senders) == 2:
        return translate("Notifications", "{0} from {1} and {2}").format(what, *senders)
    if len(senders) == 3:
        return translate("Notifications", "{0} from {1}, {2} and {3}").format(what, *senders)
    more = len(senders) - 2
    return translate("Notifications", "{0} from {1}, {2} and %n more", None, more).format(what, *senders[:2])


def summary_notice(items: Sequence[Item], previews: str = FULL, key: str = "") -> Notice:
    """One bubble for a burst: "12 new mails from Newsletter, GitLab and 3 more"; a burst
    of several kinds says what it holds in the body. With previews hidden it names no sender."""
    counts = collections.Counter(i.kind for i in items)
    # Newest first; on equal times (servers stamp whole seconds) the later arrival first.
    order = sorted(range(len(items)), key=lambda n: (items[n].time, n), reverse=True)
    newest_first = [items[n] for n in order]
    kinds = sorted(counts, key=lambda k: (-counts[k], list(Kind).index(k)))
    what = _new_count(kinds[0] if len(kinds) == 1 else None, len(items))
    senders = [s for s in dict.fromkeys(one_line(sender_name(i.sender), 40) for i in newest_first) if s]
    title = what if previews == HIDDEN or not senders else _from_senders(what, senders)
    if len(kinds) > 1:
        body = translate("Notifications", ", ", "list separator").join(_count(k, counts[k]) for k in kinds)
    elif previews == HIDDEN:
        body = ""
    else:
        body = translate("Notifications", "Latest: {0}").format(one_line(newest_first[0].title, 120))
    return Notice(
        item_id=newest_first[0].id,
        title=title,
        body=one_line(body, PREVIEW_CHARS),
        urgent=any(i.urgency >= Urgency.URGENT for i in items),
        summary_of=tuple(i.id for i in items),
        category=CATEGORIES.get(kinds[0], SUMMARY_CATEGORY) if len(kinds) == 1 else SUMMARY_CATEGORY,
        key=key,
    )


def acted_on(item: Item) -> bool:
    """Read, or decided / completed (here, on another device, or from its bubble): its
    notification has nothing left to say."""
    if not item.unread or item.payload.get("pending_decision"):
        return True
    return item.kind in (Kind.APPROVAL, Kind.TASK) and item.state not in ("", "pending")


class NotificationDispatcher:
    """Pipeline listener: decides what to show and hands it to the backend; takes a
    bubble back once everything it tells of was read or acted on, anywhere."""

    MAX_BUBBLES = 500  # bubbles remembered for taking back; older ones the daemon has let go

    def __init__(
        self,
        backend: NotifierBackend,
        rules: Rules,
        loop: asyncio.AbstractEventLoop,
        enabled: bool = True,
        coalescer: Coalescer | None = None,
        now: Callable[[], datetime] = utc_now,
        previews: str = FULL,
        focused_thread: Callable[[], str] | None = None,
    ) -> None:
        self.backend = backend
        self.rules = rules
        self.enabled = enabled
        self.previews = previews  # applied here, so every backend gets the same text
        #: the conversation the user has open and in front (the window says): no bubbles for it
        self.focused_thread: Callable[[], str] = focused_thread or str
        self._loop = loop
        self._coalescer = coalescer or Coalescer()
        self._now = now
        self._timer: asyncio.Handle | None = None
        self._timer_due = 0.0  # qasync's call_at returns a plain Handle, without when()
        # One worker delivers in order: bubbles appear in arrival order, and a withdrawal
        # never overtakes the show it takes back.
        self._queue: collections.deque[Callable[[], Awaitable[object]]] = collections.deque()
        self._worker: asyncio.Task[None] | None = None
        self._bubbles: dict[str, set[str]] = {}  # bubble key -> ids on it not yet read
        self._covering: dict[str, str] = {}  # item id -> the key of the bubble telling of it
        self._burst_count = 0
        self._sign_ins: set[str] = set()  # keys of "Sign in again" notices up
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
        focused = self.focused_thread()
        wanted = [
            i
            for i in items
            if i.unread
            and not (focused and i.kind is Kind.CHAT and i.thread_key == focused)
            and self.rules.should_notify(i, now)
        ]
        if not wanted:
            return
        self._show(self._coalescer.offer(wanted, self._loop.time()))
        self._schedule_flush()

    def items_changed(self, items: Sequence[Item]) -> None:
        self._take_back([i.id for i in items if acted_on(i)])

    def items_removed(self, item_ids: Sequence[str]) -> None:
        self._take_back(item_ids)

    def status_changed(self, status: SourceStatus) -> None:
        # Once per "Sign in again", taken back when the account is back; other states are
        # the tray's and the banner's to show.
        key = f"sign-in:{status.source}"
        if status.state is ConnectionState.SIGN_IN_AGAIN:
            if key not in self._sign_ins and self.enabled:
                self._sign_ins.add(key)
                self._enqueue(functools.partial(self._deliver, sign_in_notice(status)))
        elif key in self._sign_ins:
            self._sign_ins.discard(key)
            if self.backend.supports_withdraw:
                self._enqueue(lambda: self.backend.withdraw(key))

    # -- internals ----------------------------------------------------------------------

    def _take_back(self, item_ids: Sequence[str]) -> None:
        self._coalescer.discard(item_ids)
        for item_id in item_ids:
            key = self._covering.pop(item_id, None)
            if key is None:
                continue
            left = self._bubbles.get(key)
            if left is not None:
                left.discard(item_id)
                if not left:  # a summary stays while any of its items is unread
                    self._withdraw(key)

    def _withdraw(self, key: str) -> None:
        for item_id in self._bubbles.pop(key, ()):
            if self._covering.get(item_id) == key:
                del self._covering[item_id]
        if self.backend.supports_withdraw:
            self._enqueue(lambda: self.backend.withdraw(key))

    def _show(self, notices: Sequence[Single | Summary]) -> None:
        for n in notices:
            items = [n.item] if isinstance(n, Single) else list(n.items)
            if len(items) == 1:
                if items[0].id in self._covering:
                    continue  # what is left of a summary is the bubble it already has
                notice = item_notice(items[0], self.previews)
            else:
                self._burst_count += 1
                notice = summary_notice(items, self.previews, key=f"burst:{self._burst_count}")
            # A summary replaces the bubbles of its items shown before it in the burst.
            for old in dict.fromkeys(self._covering[i.id] for i in items if i.id in self._covering):
                self._withdraw(old)
            self._bubbles[notice.key] = {i.id for i in items}
            self._covering.update((i.id, notice.key) for i in items)
            while len(self._bubbles) > self.MAX_BUBBLES:
                self._forget(next(iter(self._bubbles)))
            self.shown_count += 1
            self._enqueue(functools.partial(self._deliver, notice))

    def _forget(self, key: str) -> None:
        for item_id in self._bubbles.pop(key, ()):
            if self._covering.get(item_id) == key:
                del self._covering[item_id]

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
            if self._timer_due == due:
                return
            self._timer.cancel()  # a burst that goes on moves its summary later
        self._timer = self._loop.call_at(due, self._flush)
        self._timer_due = due

    def _flush(self) -> None:
        self._timer = None
        self._show(self._coalescer.flush(self._loop.time()))
        self._schedule_flush()

    def pending(self) -> bool:
        """Whether a burst is being held for its summary (tests, benchmarks)."""
        return self._coalescer.deadline() is not None

    async def drain(self) -> None:
        """Wait for notices being delivered (tests, shutdown)."""
        while self._worker is not None and not self._worker.done():
            await asyncio.shield(self._worker)

    async def close(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        try:
            await self.drain()
        finally:
            # Also when the caller gives up on the drain (the app's stop waits 5 s; a show
            # may wait 10 s for a hung service): the connection must not outlive the loop.
            await self.backend.close()
