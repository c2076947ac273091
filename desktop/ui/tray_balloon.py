"""The last-resort notifier: the tray icon's balloon (``QSystemTrayIcon.showMessage``).

Qt code, so it lives here and is handed to ``pick_backend`` as the fallback for when
no native notification service answers.
"""

from __future__ import annotations

from PySide6.QtWidgets import QSystemTrayIcon

from desktop.notifications.backends import OPEN, Notice, NotificationActions, NotifierBackend, run_action


class TrayBalloonBackend(NotifierBackend):
    """No buttons, plain text; a click opens the last item (or burst) shown. A balloon
    cannot be taken back: Qt has no call for it, and it times out by itself."""

    name = "tray"

    def __init__(self, tray: QSystemTrayIcon, handler: NotificationActions) -> None:
        self._tray = tray
        self._handler = handler
        self._last_item = ""
        self._last_burst: tuple[str, ...] = ()
        tray.messageClicked.connect(self._on_clicked)

    def _on_clicked(self) -> None:
        if self._last_item:
            run_action(self._handler, OPEN, self._last_item, burst=self._last_burst)

    async def show(self, notice: Notice) -> bool:
        if not QSystemTrayIcon.isSystemTrayAvailable() or not self._tray.isVisible():
            return False
        icon = (
            QSystemTrayIcon.MessageIcon.Warning if notice.urgent else QSystemTrayIcon.MessageIcon.Information
        )
        self._last_item = notice.item_id
        self._last_burst = notice.summary_of
        self._tray.showMessage(notice.title, notice.body, icon, 10_000)
        return True
