"""The tray icon: unread count, connection health, and the menu (open, pause, settings, quit)."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from datetime import datetime, timedelta

from PySide6.QtCore import QCoreApplication, QObject, QPointF, QRectF, QTimer, Signal
from PySide6.QtGui import QAction, QActionGroup, QColor, QIcon, QPainter, QPainterPath, QPixmap
from PySide6.QtWidgets import QMenu, QSystemTrayIcon

from desktop.app.facade import AppFacade
from desktop.core.events import ConnectionState, SourceStatus
from desktop.core.i18n import QT_TRANSLATE_NOOP
from desktop.core.item import utc_now
from desktop.core.rules import Rules
from desktop.ui import icons, outline_text
from desktop.ui.bridge import Bridge
from desktop.ui.status_text import status_message

UNHEALTHY = frozenset(
    {
        ConnectionState.OFFLINE,
        ConnectionState.AUTH_FAILED,
        ConnectionState.SIGN_IN_AGAIN,
        ConnectionState.ERROR,
    }
)
ICON_SIZES = (16, 22, 24, 32, 48, 64)
REFRESH_MS = 150  # a burst of 10k items repaints once, not 10k times

# Translated where shown (context "Status", with the sources' messages: status_text.py).
_STATE_WORDS = {
    ConnectionState.CONNECTING: QT_TRANSLATE_NOOP("Status", "connecting…"),
    ConnectionState.ONLINE: QT_TRANSLATE_NOOP("Status", "online"),
    ConnectionState.OFFLINE: QT_TRANSLATE_NOOP("Status", "offline"),
    ConnectionState.AUTH_FAILED: QT_TRANSLATE_NOOP("Status", "sign-in failed"),
    ConnectionState.SIGN_IN_AGAIN: QT_TRANSLATE_NOOP("Status", "sign in again"),
    ConnectionState.ERROR: QT_TRANSLATE_NOOP("Status", "error"),
    ConnectionState.DISABLED: QT_TRANSLATE_NOOP("Status", "disabled"),
}


def _state_word(state: ConnectionState) -> str:
    word = _STATE_WORDS.get(state)
    return QCoreApplication.translate("Status", word) if word else str(state)


def badge_text(count: int) -> str:
    if count <= 0:
        return ""
    return "99+" if count > 99 else str(count)


def paint_icon(base: QIcon, count: int, warning: bool, size: int) -> QPixmap:
    """The tray glyph with a red unread badge (top right) and an amber warning mark
    (bottom left) while a connection is down.

    The badge's characters are stored outlines (``outline_text``), not a font: an idle
    tray app then never loads Qt's font database (issue 9)."""
    pix = QPixmap(size, size)
    pix.fill(QColor(0, 0, 0, 0))
    p = QPainter(pix)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    base.paint(p, 0, 0, size, size)
    text = badge_text(count)
    if text:
        em = max(7.0, size * (0.42 if len(text) < 3 else 0.34))
        h = size * 0.52
        w = max(h, outline_text.advance(text, em) + size * 0.16)
        rect = QRectF(size - w, 0, w, h)
        pill = QPainterPath()
        pill.addRoundedRect(rect, h / 2, h / 2)
        p.fillPath(pill, QColor("#D93025"))
        outline_text.fill(p, text, em, rect, QColor("#FFFFFF"))
    if warning:
        s = size * 0.5
        path = QPainterPath(QPointF(s / 2, size - s))
        path.lineTo(QPointF(s, size))
        path.lineTo(QPointF(0, size))
        path.closeSubpath()
        p.setPen(QColor("#5A3B00"))
        p.setBrush(QColor("#F9AB00"))
        p.drawPath(path)
        em = max(6.0, s * 0.62)
        outline_text.fill(p, "!", em, QRectF(0, size - s * 0.85, s, s * 0.85), QColor("#000000"))
    p.end()
    return pix


def source_label(source_id: str, display_name: str = "") -> str:
    if display_name:
        return display_name
    if source_id == "store":
        return "inbox database"
    return source_id.split(":", 1)[-1]


class TrayIcon(QSystemTrayIcon):
    #: the user asked for the inbox window (menu "Open inbox")
    inbox_requested = Signal()
    #: left click: show the window if hidden, hide it if shown
    window_toggle_requested = Signal()
    settings_requested = Signal()
    quit_requested = Signal()
    #: "Sign in again…" for a source whose sign-in ended ("mail:work", "gateway")
    sign_in_requested = Signal(str)
    #: the pause state changed from the menu (paused_until or None)
    pause_changed = Signal(object)

    def __init__(
        self,
        app: AppFacade,
        bridge: Bridge,
        rules: Callable[[], Rules],
        parent: QObject | None = None,
        now: Callable[[], datetime] = utc_now,
    ) -> None:
        super().__init__(parent)
        self._app = app
        self._rules = rules
        self._now = now
        self._base = icons.app_bitmaps()
        self._painted: tuple[int, bool] | None = None
        self.unread_count = 0
        self.warning = False

        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(REFRESH_MS)
        self._refresh_timer.timeout.connect(self.refresh)
        for signal in (bridge.items_added, bridge.items_changed, bridge.items_removed, bridge.status_changed):
            signal.connect(self.schedule_refresh)

        self._build_menu()
        self.activated.connect(self._on_activated)
        self.refresh()

    # -- menu ----------------------------------------------------------------------------

    def _build_menu(self) -> None:
        menu = QMenu()
        self._menu = menu  # QSystemTrayIcon does not own its context menu
        self.open_action = menu.addAction(self.tr("Open inbox"))
        self.open_action.triggered.connect(self.inbox_requested)
        # In the menu only while a source waits for a new browser sign-in (SIGN_IN_AGAIN);
        # refresh() names the source and puts it in or takes it out.
        self.sign_in_action = QAction(menu)
        self.sign_in_action.triggered.connect(lambda: self.sign_in_requested.emit(self._sign_in_source))
        self.sign_in_action.setVisible(False)
        self._sign_in_source = ""
        self.pause_menu = menu.addMenu(self.tr("Pause notifications"))
        self.pause_status = self.pause_menu.addAction("")
        self.pause_status.setEnabled(False)
        self.pause_menu.addSeparator()
        group = QActionGroup(self.pause_menu)
        group.setExclusive(True)
        self.pause_hour_action = self._pause_action(group, self.tr("For 1 hour"), self.pause_for_hour)
        self.pause_tomorrow_action = self._pause_action(
            group, self.tr("Until tomorrow"), self.pause_until_tomorrow
        )
        self.pause_menu.addSeparator()
        self.resume_action = self.pause_menu.addAction(self.tr("Resume"))
        self.resume_action.triggered.connect(self.resume)
        self.pause_menu.aboutToShow.connect(self.update_pause_menu)
        menu.addSeparator()
        self.settings_action = menu.addAction(self.tr("Settings…"))
        self.settings_action.triggered.connect(self.settings_requested)
        self.diagnostics_action = menu.addAction(self.tr("Copy diagnostics…"))
        self.diagnostics_action.triggered.connect(self.copy_diagnostics)
        menu.addSeparator()
        self.quit_action = menu.addAction(self.tr("Quit"))
        self.quit_action.triggered.connect(self.quit_requested)
        self.setContextMenu(menu)
        self.update_pause_menu()

    def copy_diagnostics(self) -> None:
        self.showMessage(
            self.tr("Diagnostics"), copy_diagnostics(self._app), QSystemTrayIcon.MessageIcon.Information
        )

    def _pause_action(self, group: QActionGroup, text: str, slot: Callable[[], None]) -> QAction:
        action = self.pause_menu.addAction(text)
        action.setCheckable(True)
        group.addAction(action)
        action.triggered.connect(slot)
        return action

    def pause_for_hour(self) -> None:
        self._rules().pause_for(timedelta(hours=1), self._now())
        self._pause_changed()
        self.pause_hour_action.setChecked(True)

    def pause_until_tomorrow(self) -> None:
        self._rules().pause_until_tomorrow(self._now())
        self._pause_changed()
        self.pause_tomorrow_action.setChecked(True)

    def resume(self) -> None:
        self._rules().resume()
        self._pause_changed()

    def _pause_changed(self) -> None:
        self.update_pause_menu()
        self.refresh()
        self.pause_changed.emit(self._rules().paused_until)

    def paused_until(self) -> datetime | None:
        until = self._rules().paused_until
        if until is not None and until <= self._now():
            return None
        return until

    def update_pause_menu(self) -> None:
        until = self.paused_until()
        if until is None:
            self.pause_status.setText(self.tr("Notifications are on"))
            # An exclusive group cannot be unchecked directly: switch it off while clearing.
            group = self.pause_hour_action.actionGroup()
            group.setExclusive(False)
            self.pause_hour_action.setChecked(False)
            self.pause_tomorrow_action.setChecked(False)
            group.setExclusive(True)
        else:
            self.pause_status.setText(self.tr("Paused until %s") % _when(until, self._now()))
        self.resume_action.setEnabled(until is not None)

    # -- state -----------------------------------------------------------------------------

    def schedule_refresh(self, *_: object) -> None:
        if not self._refresh_timer.isActive():
            self._refresh_timer.start()

    def refresh(self) -> None:
        # a failing store reports itself through its status; keep the last count
        with contextlib.suppress(Exception):
            self.unread_count = self._app.inbox.unread_count()
        statuses = self._app.statuses()
        self.warning = any(s.state in UNHEALTHY for s in statuses.values())
        self._offer_sign_in(statuses)
        if self._painted != (self.unread_count, self.warning):
            self._painted = (self.unread_count, self.warning)
            icon = QIcon()
            for size in ICON_SIZES:
                icon.addPixmap(paint_icon(self._base, self.unread_count, self.warning, size))
            self.setIcon(icon)
        self.setToolTip(self.tooltip_text())

    def _offer_sign_in(self, statuses: dict[str, SourceStatus]) -> None:
        waiting = sorted(s for s, status in statuses.items() if status.state is ConnectionState.SIGN_IN_AGAIN)
        self._sign_in_source = waiting[0] if waiting else ""
        self.sign_in_action.setVisible(bool(waiting))
        listed = self.sign_in_action in self._menu.actions()
        if waiting and not listed:
            self._menu.insertAction(self.pause_menu.menuAction(), self.sign_in_action)
        elif listed and not waiting:
            self._menu.removeAction(self.sign_in_action)
        if waiting:
            name = source_label(waiting[0], self._app.source_names().get(waiting[0], ""))
            self.sign_in_action.setText(self.tr("Sign in again: {0}…").format(name))

    def tooltip_text(self) -> str:
        lines = [self.tr("Tidings — %n unread", "", self.unread_count)]
        names = self._app.source_names()
        statuses: dict[str, SourceStatus | None] = dict.fromkeys(names)
        statuses.update(self._app.statuses())
        for source_id, status in statuses.items():
            name = source_label(source_id, names.get(source_id, ""))
            if status is None:
                lines.append(f"{name} — {_state_word(ConnectionState.CONNECTING)}")
                continue
            line = f"{name} — {_state_word(status.state)}"
            if status.message and status.state is not ConnectionState.ONLINE:
                line += f": {status_message(status.message)}"
            lines.append(line)
        until = self.paused_until()
        if until is not None:
            lines.append(self.tr("Notifications paused until %s") % _when(until, self._now()))
        return "\n".join(lines)

    def _on_activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason == QSystemTrayIcon.ActivationReason.Trigger:
            self.window_toggle_requested.emit()


def _when(until: datetime, now: datetime) -> str:
    local, today = until.astimezone(), now.astimezone()
    if local.date() == today.date():
        return local.strftime("%H:%M")
    if local.date() == (today + timedelta(days=1)).date():
        return "tomorrow " + local.strftime("%H:%M")
    return local.strftime("%a %H:%M")


def copy_diagnostics(app: AppFacade) -> str:
    """Put the diagnostics report on the clipboard and save it beside the log; the
    sentence to show the user (tray menu and Help menu share it)."""
    from PySide6.QtCore import qVersion
    from PySide6.QtGui import QGuiApplication

    from desktop.app import diagnostics

    text = diagnostics.from_app(app, {"Qt (run time)": qVersion()})
    QGuiApplication.clipboard().setText(text)
    path = diagnostics.save_beside_log(text)
    if path is None:
        return QCoreApplication.translate("Tray", "Diagnostics copied to the clipboard.")
    return QCoreApplication.translate("Tray", "Diagnostics copied to the clipboard and saved to {0}.").format(
        str(path)
    )
