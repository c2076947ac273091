"""Where notices are shown: native notifications (desktop-notifier), or a fallback.

One interface, capability flags, and :func:`pick_backend` which tries the native
service first and falls back to the backend it is given (the tray balloon,
``desktop.ui.tray_balloon``: Qt code stays in the UI), logging why. No Qt here.
"""

from __future__ import annotations

import abc
import asyncio
import contextlib
import contextvars
import dataclasses
import functools
import logging
import platform
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

log = logging.getLogger(__name__)

# Button action keys a notice may carry, and what each one calls on the handler.
OPEN = "open"
MARK_READ = "mark_read"
REPLY = "reply"
APPROVE = "approve"
REJECT = "reject"  # never decided from a bubble: opens the window for a comment + confirmation
COMPLETE = "complete"  # a task
SIGN_IN = "sign_in"  # an account's "Sign in again": the item id is the source id ("mail:work")

#: The desktop entry (packaging/linux/tidings.desktop without ".desktop"): GNOME and KDE
#: group notifications by it and list Tidings in their own notification settings.
DESKTOP_ENTRY = "tidings"


class NotificationActions(Protocol):
    """What a click or a button in a notification can do (implemented by the app)."""

    def open_item(self, item_id: str) -> None: ...
    def open_items(self, item_ids: Sequence[str]) -> None: ...  # a burst's summary
    def mark_read(self, item_id: str) -> None: ...
    def reply(self, item_id: str, text: str) -> None: ...
    def approve(self, item_id: str) -> None: ...
    def complete(self, item_id: str) -> None: ...
    def sign_in(self, source_id: str) -> None: ...  # the browser sign-in for that account


@dataclasses.dataclass(frozen=True, slots=True)
class Button:
    action: str  # one of the keys above
    title: str


@dataclasses.dataclass(frozen=True, slots=True)
class Notice:
    """A bubble to show, in plain text; backends escape it for their platform."""

    item_id: str  # the item a click opens (for a summary: the newest one)
    title: str
    body: str
    urgent: bool = False
    buttons: tuple[Button, ...] = ()
    reply_field: bool = False  # chat: a reply text field where the platform has one
    thread: str = ""
    summary_of: tuple[str, ...] = ()  # ids covered by a summary notice
    #: freedesktop category ("email.arrived", "im.received", "x-tidings.approval", ...)
    category: str = ""
    #: names the bubble for ``withdraw``: the item id, or "burst:<n>" for a summary
    key: str = ""

    def __post_init__(self) -> None:
        if not self.key:
            object.__setattr__(self, "key", self.item_id)


def run_action(
    handler: NotificationActions, action: str, item_id: str, text: str = "", burst: Sequence[str] = ()
) -> None:
    """One place mapping a button to the handler, shared by every backend; a click on a
    summary (``burst``: the ids it covers) opens exactly that burst."""
    try:
        if action == OPEN and burst:
            handler.open_items(burst)
        elif action == MARK_READ:
            handler.mark_read(item_id)
        elif action == APPROVE:
            handler.approve(item_id)
        elif action == COMPLETE:
            handler.complete(item_id)
        elif action == SIGN_IN:
            handler.sign_in(item_id)
        elif action == REPLY and text:
            handler.reply(item_id, text)
        else:  # OPEN, REJECT, and REPLY without a reply field: the window at the item
            handler.open_item(item_id)
    except Exception:
        log.exception("notification action %s on %s failed", action, item_id)


class NotifierBackend(abc.ABC):
    name: str = "none"
    supports_buttons: bool = False
    supports_reply: bool = False
    supports_withdraw: bool = False

    @abc.abstractmethod
    async def show(self, notice: Notice) -> bool:
        """Show ``notice``; False when it could not be delivered."""

    async def withdraw(self, key: str) -> None:  # noqa: B027 - optional capability
        """Take back the bubble ``key`` (a notice's key) if it is still shown and the platform can."""

    async def close(self) -> None:  # noqa: B027 - optional
        """Release the connection to the notification service."""


class NullBackend(NotifierBackend):
    """Used when notifications are switched off or nothing can show them."""

    name = "none"

    async def show(self, notice: Notice) -> bool:
        return False


#: Hints for the Notify call being made in this task (see ``_with_hints``).
_EXTRA_HINTS: contextvars.ContextVar[dict[str, str] | None] = contextvars.ContextVar(
    "tidings_hints", default=None
)
#: The Notify call's answer (the daemon's notification id) for the ``show`` of this task.
_SENT_IDS: contextvars.ContextVar[list[int] | None] = contextvars.ContextVar("tidings_sent", default=None)


def _with_hints(interface: Any) -> None:
    """Make ``interface.call_notify`` add the hints in ``_EXTRA_HINTS``.

    desktop-notifier 6.2 sends only the urgency, sound, image and reply hints and has no
    way to add others, so its D-Bus proxy's Notify call is wrapped, once per proxy (it
    makes a new one after reconnecting). The hints are read from a context variable set
    by ``show`` in the same task, so concurrent sends cannot take each other's."""
    if interface is None or getattr(interface, "_tidings_hints", False):
        return
    original = interface.call_notify

    async def call_notify(*args: Any, **kwargs: Any) -> Any:
        extra = _EXTRA_HINTS.get()
        if extra and len(args) >= 7 and isinstance(args[6], dict):
            hints = args[6]
            if any(type(v).__name__ == "Variant" for v in hints.values()):  # a{sv}, per the spec
                from dbus_fast import Variant

                added: dict[str, Any] = {k: Variant("s", v) for k, v in extra.items()}
            else:  # a{ss}: an old server (desktop-notifier converts for those too)
                added = dict(extra)
            args = (*args[:6], {**hints, **added}, *args[7:])
        result = await original(*args, **kwargs)
        sent = _SENT_IDS.get()
        if sent is not None and isinstance(result, int):
            sent.append(result)
        return result

    interface.call_notify = call_notify
    interface._tidings_hints = True


def _markup_escape(text: str) -> str:
    # freedesktop bodies may be markup (dunst, GNOME, KDE render <b>, <a>, &amp;): a
    # mail's "<script>" or "a & b" must be shown as text, never interpreted.
    # What html.escape(text, quote=False) does, without the html module, whose HTML5
    # entity table would stay resident (0.35 MB) for the life of the tray app (issue 9).
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class DesktopNotifierBackend(NotifierBackend):
    """Native notifications via desktop-notifier: freedesktop D-Bus (dbus-fast) on Linux,
    WinRT toasts on Windows, UNUserNotificationCenter on macOS (from an app bundle)."""

    name = "desktop-notifier"

    def __init__(self, handler: NotificationActions, app_name: str, icon_path: Path | None) -> None:
        from desktop_notifier import DesktopNotifier, Icon

        self._handler = handler
        icon = Icon(path=icon_path.resolve()) if icon_path and icon_path.exists() else None
        self._notifier = DesktopNotifier(app_name=app_name, app_icon=icon)
        self._is_dbus = platform.system() == "Linux"
        self._shown: dict[str, str] = {}  # notice key -> notification identifier
        # notice key -> the daemon's id (D-Bus): desktop-notifier forgets a bubble once a
        # button or click was used, but the daemon may keep it up (dunst does), and a
        # bubble acted on must still be closed.
        self._dbus_ids: dict[str, int] = {}

    async def probe(self) -> None:
        """Raise if no notification service can be reached (no bus, no daemon)."""
        from desktop_notifier import Capability

        backend_class = type(self._notifier._backend).__name__
        if backend_class == "DummyNotificationCenter":
            # desktop-notifier's stand-in on macOS outside an app bundle and old Windows
            raise RuntimeError("no native notification service on this platform")
        caps = await self._notifier.get_capabilities()
        self.supports_buttons = Capability.BUTTONS in caps
        self.supports_reply = Capability.REPLY_FIELD in caps
        self.supports_withdraw = True
        log.info(
            "native notifications via %s (buttons: %s, reply field: %s)",
            backend_class,
            self.supports_buttons,
            self.supports_reply,
        )

    def _text(self, text: str) -> str:
        return _markup_escape(text) if self._is_dbus else text

    async def show(self, notice: Notice) -> bool:
        from desktop_notifier import Button as DnButton
        from desktop_notifier import Notification, ReplyField, Urgency

        handler, item_id, burst = self._handler, notice.item_id, notice.summary_of
        buttons = []
        if self.supports_buttons:
            for b in notice.buttons:
                if b.action == REPLY and notice.reply_field and self.supports_reply:
                    continue  # the reply field replaces the button
                buttons.append(
                    DnButton(
                        title=b.title, on_pressed=functools.partial(run_action, handler, b.action, item_id)
                    )
                )
        reply = None
        if notice.reply_field and self.supports_reply:
            reply = ReplyField(
                title="Reply",
                button_title="Send",
                on_replied=lambda text: run_action(handler, REPLY, item_id, text),
            )
        notification = Notification(
            # The summary is plain text by the freedesktop spec (dunst escapes it itself:
            # escaping here showed "&lt;" literally); only the body is markup.
            title=notice.title,
            message=self._text(notice.body),
            urgency=Urgency.Critical if notice.urgent else Urgency.Normal,
            buttons=tuple(buttons),
            reply_field=reply,
            on_clicked=lambda: run_action(handler, OPEN, item_id, burst=burst),
            thread=notice.thread or None,
        )
        hints = {"desktop-entry": DESKTOP_ENTRY}
        if notice.category:
            hints["category"] = notice.category
        token = _EXTRA_HINTS.set(hints)
        sent: list[int] = []
        sent_token = _SENT_IDS.set(sent)
        try:
            if self._is_dbus:
                # The proxy exists once the capabilities were asked for (probe).
                _with_hints(getattr(self._notifier._backend, "interface", None))
            identifier = await self._notifier.send_notification(notification)
        finally:
            _EXTRA_HINTS.reset(token)
            _SENT_IDS.reset(sent_token)
        # send_notification logs and swallows failures (daemon gone); its cache says
        # whether the service took it.
        if identifier not in await self._notifier.get_current_notifications():
            return False
        self._shown[notice.key] = identifier
        if sent:
            self._dbus_ids[notice.key] = sent[-1]
        if len(self._shown) > 1000:  # bubbles the dispatcher no longer tracks
            oldest = next(iter(self._shown))
            self._shown.pop(oldest)
            self._dbus_ids.pop(oldest, None)
        return True

    async def withdraw(self, key: str) -> None:
        identifier = self._shown.pop(key, None)
        platform_id = self._dbus_ids.pop(key, None)
        if identifier is None:
            return
        try:
            await self._notifier.clear(identifier)
            return
        except KeyError:
            pass  # desktop-notifier forgot it: a button or a click was used, or it was closed
        except Exception as exc:
            log.debug("withdrawing the notification %s failed: %s", key, exc)
            return
        interface: Any = getattr(self._notifier._backend, "interface", None)
        if platform_id is None or interface is None:
            return
        try:
            # CloseNotification on an id already closed is an error the spec allows: ignore it.
            await interface.call_close_notification(platform_id)
        except Exception as exc:
            log.debug("closing the notification %s failed: %s", key, exc)

    async def close(self) -> None:
        bus: Any = getattr(self._notifier._backend, "bus", None)
        if bus is not None:
            bus.disconnect()


class FallbackBackend(NotifierBackend):
    """The first backend, and the next one for any notice the first could not deliver
    (the notification daemon quit after start-up)."""

    def __init__(self, first: NotifierBackend, then: NotifierBackend) -> None:
        self.first, self.then = first, then
        self.name = f"{first.name} (fallback: {then.name})"
        self.supports_buttons = first.supports_buttons
        self.supports_reply = first.supports_reply
        self.supports_withdraw = first.supports_withdraw

    async def show(self, notice: Notice) -> bool:
        if await self.first.show(notice):
            return True
        log.warning("%s could not show a notification; using %s", self.first.name, self.then.name)
        return await self.then.show(notice)

    async def withdraw(self, key: str) -> None:
        await self.first.withdraw(key)

    async def close(self) -> None:
        await self.first.close()
        await self.then.close()


async def pick_backend(
    handler: NotificationActions,
    fallback: NotifierBackend | None = None,
    app_name: str = "Tidings",
    icon_path: Path | None = None,
    timeout: float = 5.0,
) -> NotifierBackend:
    """Native notifications if a service answers, else ``fallback`` (the tray balloon), else nothing.

    Behind native notifications the fallback also takes any notice the service refuses later.
    """
    fallback = fallback if fallback is not None else NullBackend()
    native: DesktopNotifierBackend | None = None
    try:
        native = DesktopNotifierBackend(handler, app_name, icon_path)
        await asyncio.wait_for(native.probe(), timeout)
    except Exception as exc:
        if native is not None:
            with contextlib.suppress(Exception):
                await native.close()
        log.warning(
            "native notifications unavailable (%s: %s); using %s",
            type(exc).__name__,
            exc or "no answer",
            fallback.name,
        )
        return fallback
    return FallbackBackend(native, fallback)
