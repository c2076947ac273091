"""Native notifications on Windows and macOS through desktop-notifier: WinRT toasts, and
UNUserNotificationCenter from an app bundle. No Qt.

Linux uses ``desktop.notifications.freedesktop`` instead (issue 9: desktop-notifier's
D-Bus transport, dbus-fast, kept 5 MB resident). The tests drive this backend through
desktop-notifier's D-Bus backend and dunst, the one service of its kind that runs on this
project's Linux machines; toasts and the macOS notification center are untested here.
"""

from __future__ import annotations

import functools
import logging
from pathlib import Path

from desktop.core.i18n import translate
from desktop.notifications.backends import (
    OPEN,
    REPLY,
    Notice,
    NotificationActions,
    NotifierBackend,
    run_action,
)

log = logging.getLogger(__name__)


class DesktopNotifierBackend(NotifierBackend):
    name = "desktop-notifier"

    def __init__(self, handler: NotificationActions, app_name: str, icon_path: Path | None) -> None:
        from desktop_notifier import DesktopNotifier, Icon

        self._handler = handler
        icon = Icon(path=icon_path.resolve()) if icon_path and icon_path.exists() else None
        self._notifier = DesktopNotifier(app_name=app_name, app_icon=icon)
        self._shown: dict[str, str] = {}  # notice key -> notification identifier

    async def probe(self) -> None:
        """Raise if no notification service can be reached."""
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
                title=translate("Notifications", "Reply"),
                button_title=translate("Notifications", "Send"),
                on_replied=lambda text: run_action(handler, REPLY, item_id, text),
            )
        notification = Notification(
            title=notice.title,
            message=notice.body,
            urgency=Urgency.Critical if notice.urgent else Urgency.Normal,
            buttons=tuple(buttons),
            reply_field=reply,
            on_clicked=lambda: run_action(handler, OPEN, item_id, burst=burst),
            thread=notice.thread or None,
        )
        identifier = await self._notifier.send_notification(notification)
        # send_notification logs and swallows failures; its cache says whether the
        # service took it.
        if identifier not in await self._notifier.get_current_notifications():
            return False
        self._shown[notice.key] = identifier
        if len(self._shown) > 1000:  # bubbles the dispatcher no longer tracks
            self._shown.pop(next(iter(self._shown)))
        return True

    async def withdraw(self, key: str) -> None:
        identifier = self._shown.pop(key, None)
        if identifier is None:
            return
        try:
            await self._notifier.clear(identifier)
        except KeyError:
            pass  # already gone: a button or a click was used, or it was closed
        except Exception as exc:
            log.debug("withdrawing the notification %s failed: %s", key, exc)

    async def close(self) -> None:
        # Its D-Bus backend (the tests') holds a bus connection; toasts hold nothing.
        bus = getattr(self._notifier._backend, "bus", None)
        if bus is not None:
            bus.disconnect()
