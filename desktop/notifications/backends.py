"""Where notices are shown: native notifications, or a fallback.

One interface, capability flags, and :func:`pick_backend` which tries the native
service first (``freedesktop`` on Linux and the BSDs, ``desktop_notifier_backend`` on
Windows and macOS) and falls back to the backend it is given (the tray balloon,
``desktop.ui.tray_balloon``: Qt code stays in the UI), logging why. No Qt here.
"""

from __future__ import annotations

import abc
import asyncio
import contextlib
import dataclasses
import logging
import sys
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


def native_backend(
    handler: NotificationActions, app_name: str, icon_path: Path | None, platform: str = sys.platform
) -> NotifierBackend:
    """This platform's native backend, not yet connected (its ``probe`` connects)."""
    if platform in ("win32", "darwin"):
        from desktop.notifications.desktop_notifier_backend import DesktopNotifierBackend

        return DesktopNotifierBackend(handler, app_name, icon_path)
    from desktop.notifications.freedesktop import FreedesktopBackend

    return FreedesktopBackend(handler, app_name, icon_path)


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
    native: Any = None
    try:
        native = native_backend(handler, app_name, icon_path)
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
