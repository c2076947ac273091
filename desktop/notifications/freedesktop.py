"""Native notifications on Linux and the BSDs: the freedesktop.org notification service
(org.freedesktop.Notifications: dunst, GNOME Shell, KDE Plasma, xfce4-notifyd, mako) on
the session bus, through :mod:`desktop.notifications.bus`. No Qt.

The protocol is small and stable (notification spec 1.2): ``Notify`` returns the
service's id for a bubble, ``CloseNotification`` takes it back, and the service signals
``ActionInvoked`` (a button, or "default": a click on the bubble), ``NotificationReplied``
(KDE's inline reply) and ``NotificationClosed``.
"""

from __future__ import annotations

import asyncio
import collections
import dataclasses
import logging
from pathlib import Path
from typing import Any

from jeepney import DBusAddress, HeaderFields, Message
from jeepney.bus_messages import MatchRule

from desktop.core.i18n import translate
from desktop.core.text import replace_lone_surrogates
from desktop.notifications.backends import (
    DESKTOP_ENTRY,
    OPEN,
    REPLY,
    Notice,
    NotificationActions,
    NotifierBackend,
    run_action,
)
from desktop.notifications.bus import BusConnection, BusError

log = logging.getLogger(__name__)

SERVICE = DBusAddress(
    "/org/freedesktop/Notifications",
    bus_name="org.freedesktop.Notifications",
    interface="org.freedesktop.Notifications",
)
NOTIFY_SIGNATURE = "susssasa{sv}i"
DEFAULT_ACTION = "default"  # the spec's key for a click on the bubble itself
INLINE_REPLY = "inline-reply"  # KDE's: a reply field, answered by NotificationReplied
URGENCY_NORMAL, URGENCY_CRITICAL = 1, 2
# Bubbles remembered for their actions; the oldest are forgotten beyond this.
TRACKED = 1000
# A Notify the service does not answer in this time counts as not shown (the fallback
# takes the notice) instead of holding every later one back.
CALL_TIMEOUT = 10.0


def _markup_escape(text: str) -> str:
    # freedesktop bodies may be markup (dunst, GNOME, KDE render <b>, <a>, &amp;): a
    # mail's "<script>" or "a & b" must be shown as text, never interpreted.
    # What html.escape(text, quote=False) does, without the html module, whose HTML5
    # entity table would stay resident (0.35 MB) for the life of the tray app (issue 9).
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def wire_text(text: str) -> str:
    """``text`` as a D-Bus string may carry it: valid UTF-8 without NUL. A NUL would make
    the message invalid and the bus would drop the whole connection."""
    return str(replace_lone_surrogates(text)).replace("\0", "\ufffd")


@dataclasses.dataclass(slots=True)
class _Shown:
    """What one bubble on screen stands for, by the service's id."""

    key: str
    item_id: str
    burst: tuple[str, ...]
    actions: frozenset[str]
    acted: bool = False


class FreedesktopBackend(NotifierBackend):
    name = "freedesktop"

    def __init__(self, handler: NotificationActions, app_name: str, icon_path: Path | None) -> None:
        self._handler = handler
        self._app_name = app_name
        self._icon = icon_path.resolve().as_uri() if icon_path and icon_path.exists() else ""
        self._bus: BusConnection | None = None
        self._connecting = asyncio.Lock()
        self._markup = False
        self._clickable = True
        self._string_hints = False  # an old service that declares hints as a{ss}
        # The service's unique bus name, from its replies: only its signals count.
        self._server = ""
        self._by_id: collections.OrderedDict[int, _Shown] = collections.OrderedDict()
        self._ids: dict[str, int] = {}  # notice key -> the service's id

    # -- the connection ------------------------------------------------------------------

    async def probe(self) -> None:
        """Connect and read the service's capabilities; raises without a bus or a service."""
        bus = await self._connection()
        # A call, not GetNameOwner: the bus starts a service that is only activatable.
        reply = await bus.request(SERVICE, "GetCapabilities", timeout=CALL_TIMEOUT)
        caps = set(BusConnection.unwrap(reply)[0])
        self._server = BusConnection.sender(reply)
        info = await bus.call(SERVICE, "GetServerInformation", timeout=CALL_TIMEOUT)
        self.supports_buttons = "actions" in caps
        self.supports_reply = INLINE_REPLY in caps
        self.supports_withdraw = True
        self._markup = "body-markup" in caps
        # xfce4-notifyd shows a "default" action as a button instead of taking clicks.
        self._clickable = info[0] != "Xfce Notify Daemon"
        log.info(
            "native notifications via %s %s (buttons: %s, reply field: %s)",
            wire_text(str(info[0]))[:80],
            wire_text(str(info[2]))[:40],
            self.supports_buttons,
            self.supports_reply,
        )

    async def _connection(self) -> BusConnection:
        """The open connection, or a new one (after the bus or the service went away)."""
        async with self._connecting:
            if self._bus is not None and not self._bus.closed:
                return self._bus
            if self._bus is not None:
                log.info("the session bus connection closed; connecting again")
                self._bus.close()
                self._bus = None
                self._forget_all()
            bus = await BusConnection.open("SESSION")
            try:
                local = MatchRule(type="signal", interface=SERVICE.interface, path=SERVICE.object_path)
                on_bus = MatchRule(
                    type="signal",
                    sender=SERVICE.bus_name,
                    interface=SERVICE.interface,
                    path=SERVICE.object_path,
                )
                await bus.subscribe(on_bus, local, self._on_signal)
            except BaseException:
                bus.close()
                raise
            self._bus = bus
            return bus

    # -- showing and taking back ---------------------------------------------------------

    def _actions(self, notice: Notice) -> list[str]:
        """The Notify call's action list: key, label, key, label..."""
        actions: list[str] = [DEFAULT_ACTION, ""] if self._clickable else []
        if self.supports_buttons:
            for button in notice.buttons:
                if button.action == REPLY and notice.reply_field and self.supports_reply:
                    continue  # the reply field replaces the button
                actions += [button.action, wire_text(button.title)]
            if notice.reply_field and self.supports_reply:
                actions += [INLINE_REPLY, translate("Notifications", "Reply")]
        return actions

    def _hints(self, notice: Notice) -> dict[str, tuple[str, Any]]:
        hints: dict[str, tuple[str, Any]] = {
            "urgency": ("y", URGENCY_CRITICAL if notice.urgent else URGENCY_NORMAL),
            "desktop-entry": ("s", DESKTOP_ENTRY),
        }
        if notice.category:
            hints["category"] = ("s", wire_text(notice.category))
        if notice.reply_field and self.supports_reply:
            hints["x-kde-reply-submit-button-text"] = ("s", translate("Notifications", "Send"))
        return hints

    async def show(self, notice: Notice) -> bool:
        body = wire_text(notice.body)
        actions = self._actions(notice)
        hints = self._hints(notice)
        try:
            bus = await self._connection()
            # The summary is plain text by the spec (dunst escapes it itself: escaping
            # here showed "&lt;" literally); only the body may be markup.
            args = [self._app_name, 0, self._icon, wire_text(notice.title)]
            args += [_markup_escape(body) if self._markup else body, actions]
            notification_id = await self._notify(bus, args, hints)
        except Exception as exc:
            # No bus (OSError, KeyError: no address), an error reply (BusError), no answer
            # (TimeoutError), the bus gone mid-call (jeepney's RouterClosed), an answer
            # that is not an id: the fallback takes this notice, the next one reconnects.
            log.warning(
                "the notification service did not take a notification (%s: %s)", type(exc).__name__, exc
            )
            return False
        self._remember(notification_id, notice, actions)
        return True

    async def _notify(self, bus: BusConnection, args: list[Any], hints: dict[str, tuple[str, Any]]) -> int:
        """Notify; the service's id for the bubble."""
        reply = None
        if not self._string_hints:
            reply = await bus.request(SERVICE, "Notify", NOTIFY_SIGNATURE, (*args, hints, -1), CALL_TIMEOUT)
            try:
                BusConnection.unwrap(reply)
            except BusError as exc:
                if exc.name != "org.freedesktop.DBus.Error.InvalidArgs":
                    raise
                # Some old services declare hints as a{ss}; ask once, then stay with it.
                log.info("the notification service refused a{sv} hints; sending them as strings")
                self._string_hints = True
                reply = None
        if reply is None:
            strings = {name: str(value) for name, (_type, value) in hints.items()}
            reply = await bus.request(SERVICE, "Notify", "susssasa{ss}i", (*args, strings, -1), CALL_TIMEOUT)
        notification_id = int(BusConnection.unwrap(reply)[0])
        server = BusConnection.sender(reply)
        if server != self._server:
            # The service was restarted (or replaced): the old one's bubbles are gone with it,
            # and only the new one's signals count from now on.
            log.info("the notification service changed (%s -> %s)", self._server, server)
            self._forget_all()
            self._server = server
        return notification_id

    def _remember(self, notification_id: int, notice: Notice, actions: list[str]) -> None:
        replaced = self._ids.pop(notice.key, None)
        if replaced is not None:
            self._by_id.pop(replaced, None)
        self._by_id[notification_id] = _Shown(
            notice.key, notice.item_id, notice.summary_of, frozenset(actions[0::2])
        )
        self._ids[notice.key] = notification_id
        while len(self._by_id) > TRACKED:  # bubbles the dispatcher no longer tracks
            _old_id, old = self._by_id.popitem(last=False)
            self._ids.pop(old.key, None)

    async def withdraw(self, key: str) -> None:
        notification_id = self._ids.pop(key, None)
        if notification_id is None:
            return
        self._by_id.pop(notification_id, None)
        bus = self._bus
        if bus is None or bus.closed:
            return
        try:
            # Closing an id already closed is an error the spec allows: ignore it.
            await bus.call(SERVICE, "CloseNotification", "u", (notification_id,), CALL_TIMEOUT)
        except Exception as exc:
            log.debug("closing the notification %s failed: %s", key, exc)

    def _forget_all(self) -> None:
        self._by_id.clear()
        self._ids.clear()

    async def close(self) -> None:
        if self._bus is not None:
            self._bus.close()
            self._bus = None
        self._forget_all()

    # -- what the service tells --------------------------------------------------------------

    def _on_signal(self, message: Message) -> None:
        if BusConnection.sender(message) != self._server:
            return  # another service replaced it; its ids are not ours
        member = str(message.header.fields.get(HeaderFields.member, ""))
        body = message.body
        if member == "NotificationClosed" and len(body) == 2:
            shown = self._by_id.pop(body[0], None)
            if shown is not None and self._ids.get(shown.key) == body[0]:
                del self._ids[shown.key]
        elif member == "ActionInvoked" and len(body) == 2:
            self._act(body[0], str(body[1]), "")
        elif member == "NotificationReplied" and len(body) == 2:
            self._act(body[0], INLINE_REPLY, str(body[1]))

    def _act(self, notification_id: int, action: str, text: str) -> None:
        shown = self._by_id.get(notification_id)
        # One action per bubble (a double click must not approve twice). The id stays
        # known until the service closes the bubble: dunst keeps it up after an action,
        # and the dispatcher must still be able to take it back.
        if shown is None or shown.acted:
            return
        if action not in shown.actions:
            return  # a key this bubble never offered
        shown.acted = True
        if action == DEFAULT_ACTION:
            run_action(self._handler, OPEN, shown.item_id, burst=shown.burst)
        elif action == INLINE_REPLY:
            run_action(self._handler, REPLY, shown.item_id, text)
        else:
            run_action(self._handler, action, shown.item_id)
