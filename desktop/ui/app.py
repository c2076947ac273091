"""The `tidings` tray app: wires runtime, bridge, window, tray and notifications on one
qasync loop.

``build_app`` makes everything (testable on a loop the test owns); ``TidingsApp.run``
starts the sources and returns when the user quits; ``main`` is the blocking command.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import socket
import sys
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

import qasync
from PySide6.QtCore import (
    QCoreApplication,
    QLibraryInfo,
    QLocale,
    QObject,
    QSettings,
    QSocketNotifier,
    Qt,
    QTimer,
    QTranslator,
    Signal,
)
from PySide6.QtWidgets import QApplication, QSystemTrayIcon

from desktop import resources
from desktop.app.facade import ActionError, AppFacade, StoreError
from desktop.app.runtime import Runtime
from desktop.config import settings as settings_mod
from desktop.config.settings import ConfigError, Settings
from desktop.core import i18n
from desktop.core.events import ConnectionState
from desktop.notifications.backends import NotifierBackend, pick_backend
from desktop.notifications.dispatcher import NotificationDispatcher, rules_from_settings
from desktop.notifications.pending import PendingBackend
from desktop.ui import icons
from desktop.ui.bridge import Bridge
from desktop.ui.main_thread_gc import MainThreadCollector
from desktop.ui.tray import TrayIcon
from desktop.ui.tray_balloon import TrayBalloonBackend

if TYPE_CHECKING:
    from desktop.app.single_instance import SingleInstance
    from desktop.ui.window import InboxWindow

log = logging.getLogger(__name__)

APP_NAME = "Tidings"
CLOCK_CHECK_MS = 10_000
CLOCK_JUMP_S = 30.0  # a larger jump between wall and monotonic clocks means we slept
IO_THREADS = 10  # at most, as qasync's pool had: an OAuth sign-in may hold one for minutes


class NotificationHandler(QObject):
    """What notification clicks and buttons do (the NotificationActions protocol)."""

    #: an action failed; the message is for the user
    action_failed = Signal(str)

    def __init__(self, app: TidingsApp) -> None:
        super().__init__()
        self._app = app

    def open_item(self, item_id: str) -> None:
        self._app.show_item(item_id)

    def open_items(self, item_ids: Sequence[str]) -> None:
        self._app.show_burst(item_ids)

    def mark_read(self, item_id: str) -> None:
        self._do(lambda: self._app.facade.mark_read(item_id))

    def reply(self, item_id: str, text: str) -> None:
        self._do(lambda: self._app.facade.reply(item_id, text))

    def approve(self, item_id: str) -> None:
        self._do(lambda: self._app.facade.decide(item_id, approve=True))

    def complete(self, item_id: str) -> None:
        self._do(lambda: self._app.facade.complete(item_id))

    def sign_in(self, source_id: str) -> None:
        """“Sign in” on a “Sign in again” bubble: the inbox (its banner says so) and the
        browser sign-in."""
        self._app.show_window()
        self._app.window.sign_in(source_id)

    def _do(self, action: Any) -> None:
        try:
            action()
        except ActionError as exc:
            log.warning("notification action failed: %s", exc)
            self.action_failed.emit(str(exc))


class ClockJumpDetector(QObject):
    """Resume from sleep without OS hooks: the wall clock runs on while suspended, the
    monotonic clock does not (Linux), or the timer fires far too late (elsewhere)."""

    #: the machine probably slept; the argument is the jump in seconds
    jumped = Signal(float)

    def __init__(self, interval_ms: int = CLOCK_CHECK_MS, threshold: float = CLOCK_JUMP_S) -> None:
        super().__init__()
        self.threshold = threshold
        self._offset = time.time() - time.monotonic()
        self._last = time.monotonic()
        self._interval = interval_ms / 1000
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.check)
        self._timer.start()

    def check(self) -> None:
        mono = time.monotonic()
        offset = time.time() - mono
        jump = max(abs(offset - self._offset), mono - self._last - self._interval)
        self._offset, self._last = offset, mono
        if jump > self.threshold:
            log.info("clock jumped %.0f s (resume from sleep?): reconnecting", jump)
            self.jumped.emit(jump)


class TidingsApp(QObject):
    """Everything the tray app is made of, for the run loop and for tests."""

    #: the app has stopped its sources and can exit
    stopped = Signal()

    def __init__(
        self,
        settings: Settings,
        data_dir: Path,
        loop: asyncio.AbstractEventLoop,
        runtime: Runtime | None = None,
    ) -> None:
        super().__init__()
        self.settings = settings
        self.data_dir = data_dir
        self.loop = loop
        # The runtime stays reachable for tests and benchmarks; widgets get only the facade.
        # `tidings` passes one whose mail logins began before Qt was imported (issue 9).
        self.runtime = runtime or Runtime(settings, data_dir)
        self.facade = AppFacade(self.runtime)
        self.bridge = Bridge()
        self.facade.add_listener(self.bridge.listener())
        self.handler = NotificationHandler(self)
        # Notices wait here until start() has chosen the backend: the sources start first.
        self._pending_backend = PendingBackend(loop)
        self.dispatcher = NotificationDispatcher(
            self._pending_backend,
            rules_from_settings(settings.notifications),
            loop,
            enabled=settings.notifications.enabled,
            previews=settings.notifications.previews,
            focused_thread=self.focused_thread,
        )
        self.facade.add_listener(self.dispatcher)
        self._window: InboxWindow | None = None
        self.tray_available = QSystemTrayIcon.isSystemTrayAvailable()
        self.tray = TrayIcon(self.facade, self.bridge, lambda: self.dispatcher.rules, parent=self)
        self.tray.inbox_requested.connect(self.show_window)
        self.tray.window_toggle_requested.connect(self.toggle_window)
        self.tray.settings_requested.connect(self.open_settings)
        self.tray.quit_requested.connect(self.request_quit)
        self.tray.sign_in_requested.connect(self.handler.sign_in)
        self.handler.action_failed.connect(self._show_message)
        self.clock = ClockJumpDetector()
        self.clock.jumped.connect(self._reconnect)
        self.network: Any = None  # QNetworkInformation, where NetworkManager is not watched
        self._network_manager: Any = None  # its NetworkManagerWatch on Linux
        self._settings_dialog: Any = None
        self.welcome: Any = None  # the first-start window, while nothing is configured
        self._quit = asyncio.Event()
        self._stopping = False
        self._tasks: set[asyncio.Task[Any]] = set()

    @property
    def notifier(self) -> NotifierBackend:
        return self.dispatcher.backend

    # -- start and stop ------------------------------------------------------------------

    async def start(self) -> None:
        # The sources first: their logins need none of the tray, notification or window
        # machinery below (issue 9), and their first notices wait for the backend.
        self.facade.start(self.loop)
        if self.tray_available:
            self.tray.show()
        else:
            log.warning("no system tray: showing the inbox window instead")
            self.show_window()
            self._show_message("No system tray was found: close this window to keep Tidings running.")
        backend = await pick_backend(
            self.handler,
            TrayBalloonBackend(self.tray, self.handler) if self.tray_available else None,
            app_name=APP_NAME,
            icon_path=self._notification_icon(),
        )
        self.dispatcher.backend = backend
        self._pending_backend.choose(backend)
        log.info("notifications: %s", backend.name)
        if self.settings.nothing_to_watch:
            self.show_welcome()
        elif self.facade.saved_drafts():
            # Replies a crash or a quit left unsent open again, saying so (imported only then:
            # the compose window pulls in the detail views).
            from desktop.ui.compose import offer_saved_drafts

            offer_saved_drafts(self.facade)
        self.tray.refresh()
        self._watch_network()

    async def run(self) -> int:
        """Start, wait until the user quits (menu, SIGINT, SIGTERM), stop cleanly."""
        await self.start()
        await self._quit.wait()
        await self.stop()
        return 0

    def request_quit(self) -> None:
        self._quit.set()

    async def stop(self) -> None:
        if self._stopping:
            return
        self._stopping = True
        self.clock._timer.stop()
        if self._network_manager is not None:
            self._network_manager.stop()
        self.facade.remove_listener(self.dispatcher)
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.dispatcher.close(), 5)
        await self.facade.stop()
        self.tray.hide()
        if self._window is not None:
            self._window.hide()
        self.stopped.emit()

    def _notification_icon(self) -> Path | None:
        """A PNG of the app icon: notification services (and WinRT) may not render SVG.
        The shipped one; drawn into the data folder if an installation left it out."""
        shipped = icons.bitmap_path(128)
        if shipped is not None:
            return shipped
        folder = icons.icons_dir()
        svg = folder / f"{icons.APP_ICON}.svg" if folder else None
        png = self.data_dir / "tidings-notification.png"
        try:
            if icons.app_icon().pixmap(128, 128).save(str(png), "PNG"):
                return png
        except Exception:
            log.debug("cannot write %s", png, exc_info=True)
        return svg

    def _watch_network(self) -> None:
        if sys.platform.startswith("linux"):
            self._spawn(self._watch_network_manager())
        else:
            self._watch_qt_network()

    async def _watch_network_manager(self) -> None:
        from desktop.app.network_watch import NetworkManagerWatch

        watch = NetworkManagerWatch(self._network_back)
        if await watch.start():
            self._network_manager = watch
        else:
            self._watch_qt_network()

    def _network_back(self) -> None:
        log.info("network is back: reconnecting")
        self._reconnect()

    def _watch_qt_network(self) -> None:
        from PySide6.QtNetwork import QNetworkInformation

        # Backends are plugins (NetworkManager, Windows NLM, macOS SCNetwork); none may
        # load, e.g. with no system bus. The clock-jump timer still covers resume.
        if not QNetworkInformation.loadBackendByFeatures(QNetworkInformation.Feature.Reachability):
            log.info("no network-information backend: reconnecting on clock jumps only")
            return
        self.network = QNetworkInformation.instance()
        self.network.reachabilityChanged.connect(self._on_reachability)

    def _on_reachability(self, reachability: Any) -> None:
        from PySide6.QtNetwork import QNetworkInformation

        if reachability == QNetworkInformation.Reachability.Online:
            self._network_back()

    def _reconnect(self, *_: object) -> None:
        self.facade.reconnect()

    # -- window --------------------------------------------------------------------------

    @property
    def window(self) -> InboxWindow:
        """The inbox window, built the first time it is needed: a tray app that is never
        opened does not hold the window, its model and its detail views in memory."""
        if self._window is None:
            from desktop.ui.window import InboxWindow

            # Window geometry and splitter live beside the database, not in a global registry.
            ui_state = QSettings(str(self.data_dir / "window.ini"), QSettings.Format.IniFormat)
            self._window = InboxWindow(self.facade, self.bridge, ui_state=ui_state)
            self._window.settings_requested.connect(self.open_settings)
        return self._window

    def show_window(self) -> None:
        self.window.show()
        self.window.raise_()
        self.window.activateWindow()

    def toggle_window(self) -> None:
        if self.window.isVisible() and not self.window.isMinimized():
            self.window.hide()
        else:
            self.show_window()

    def show_item(self, item_id: str) -> None:
        self.show_window()
        self.window.show_item(item_id)

    def show_burst(self, item_ids: Sequence[str]) -> None:
        """A summary was clicked: the window lists exactly that burst."""
        self.show_window()
        self.window.show_items(item_ids)

    def focused_thread(self) -> str:
        """The conversation open in the window the user is looking at, else "": its new
        messages are seen (and read) there, so they get no bubble."""
        return self._window.focused_thread() if self._window is not None else ""

    def _show_message(self, text: str) -> None:
        bar = getattr(self.window, "statusBar", None)
        if callable(bar):
            bar().showMessage(text, 15_000)

    # -- settings --------------------------------------------------------------------------

    def show_welcome(self) -> None:
        """Nothing configured: a window that says what to do (not just a tray icon)."""
        from desktop.ui.welcome import WelcomeWindow

        if self.welcome is None:
            self.welcome = WelcomeWindow(
                tray=self.tray_available, allow_add_accounts=self.settings.general.allow_add_accounts
            )
            self.welcome.add_mail_requested.connect(self._welcome_add_mail)
            self.welcome.connect_company_requested.connect(lambda: self.open_settings("gateway"))
        self.welcome.show()
        self.welcome.raise_()
        self.welcome.activateWindow()

    def _welcome_add_mail(self) -> None:
        """The address-first “Add account” (name and address, the rest found), over the
        Settings dialog it adds to; “Configure manually” there opens the full form."""
        if not self.settings.general.allow_add_accounts:
            return  # the button is greyed: the organisation manages the accounts
        self.open_settings()
        if self._settings_dialog is not None:
            self._settings_dialog.find_account()

    def open_settings(self, source_id: str = "") -> None:
        """Open the settings, at the account or gateway that needs fixing when one is named."""
        from desktop.ui.settings_dialog import SettingsDialog

        if self._settings_dialog is not None:
            if source_id:
                self._settings_dialog.focus_source(source_id)
            self._settings_dialog.raise_()
            return
        dialog = SettingsDialog(self.settings, self.window)
        self._settings_dialog = dialog
        if source_id:
            dialog.focus_source(source_id)
        # open(), not exec(): a nested event loop inside a qasync task re-enters the task
        # runner ("Cannot enter into task ... while another task ... is being executed").
        dialog.finished.connect(self._settings_finished)
        dialog.open()

    def _settings_finished(self, result: int) -> None:
        dialog, self._settings_dialog = self._settings_dialog, None
        if dialog is None:
            return
        if result == int(dialog.DialogCode.Accepted):
            self._spawn(self.apply_settings(dialog.result_settings()))
        dialog.deleteLater()

    async def apply_settings(self, new: Settings) -> None:
        new.path = new.path or self.settings.path
        try:
            settings_mod.save(new)
        except ConfigError as exc:
            # Not QMessageBox.warning(): its nested event loop inside a qasync task
            # re-enters the task runner.
            # Imported here: PySide6 builds a class's Python type (with its enums) on first
            # use, and an idle tray app has no use for a message box (issue 9).
            from PySide6.QtWidgets import QMessageBox

            box = QMessageBox(QMessageBox.Icon.Warning, APP_NAME, str(exc), parent=self.window)
            box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            box.open()
            return
        self.settings = new
        await self.facade.apply_settings(new)
        self.dispatcher.apply_settings(new.notifications)
        # A source waiting after a rejected password or certificate retries now: the
        # dialog may have stored a new secret or CA file without changing its settings.
        for source_id, status in self.facade.statuses().items():
            if status.state in (
                ConnectionState.AUTH_FAILED,
                ConnectionState.SIGN_IN_AGAIN,
                ConnectionState.ERROR,
            ):
                self.facade.reconnect(source_id)
        self.tray.refresh()

    def _spawn(self, coro: Any) -> None:
        task = self.loop.create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)


def build_app(
    settings: Settings, data_dir: Path, loop: asyncio.AbstractEventLoop, runtime: Runtime | None = None
) -> TidingsApp:
    """Everything built, nothing started (but ``runtime``'s early mail sources, if given):
    ``await app.start()`` or ``await app.run()``."""
    return TidingsApp(settings, data_dir, loop, runtime)


def install_translations(app: QApplication, locale: QLocale | None = None) -> None:
    """Load Qt's and our translations for ``locale`` (default: the system's)."""
    # Text from Qt-free modules (notification buttons, summaries) goes through Qt too.
    i18n.install(QCoreApplication.translate)
    locale = locale or QLocale.system()
    ours = resources.folder(resources.TRANSLATIONS)
    qt_folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    for name, folder in (("qtbase", qt_folder), ("tidings", str(ours) if ours else "")):
        if not folder:
            log.warning("no translations folder in this installation: texts stay in English")
            continue
        translator = QTranslator(app)
        if translator.load(locale, name, "_", folder):
            app.installTranslator(translator)


class _SignalWaker(QObject):
    """Deliver SIGINT/SIGTERM while Qt's C++ loop is running: Python runs its signal
    handlers only between bytecodes, so the wakeup fd pokes a QSocketNotifier."""

    def __init__(self, on_signal: Any) -> None:
        super().__init__()
        self._read, self._write = socket.socketpair()
        self._read.setblocking(False)
        self._write.setblocking(False)
        self._old_fd = signal.set_wakeup_fd(self._write.fileno())
        self._notifier = QSocketNotifier(self._read.fileno(), QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._drain)
        self._old = {s: signal.signal(s, lambda *_: on_signal()) for s in (signal.SIGINT, signal.SIGTERM)}

    def _drain(self) -> None:
        with contextlib.suppress(OSError):
            self._read.recv(64)

    def close(self) -> None:
        for sig, handler in self._old.items():
            signal.signal(sig, handler)
        signal.set_wakeup_fd(self._old_fd)
        self._notifier.setEnabled(False)
        self._read.close()
        self._write.close()


def event_loop(app: QApplication) -> qasync.QEventLoop:
    """The asyncio loop on Qt's, with the standard thread pool for ``to_thread`` and DNS
    lookups: qasync's own starts 10 QThreads at its first use (the gateway's proxy check)
    and keeps them all; this one starts a thread only when no idle one is free (issue 9)."""
    loop = qasync.QEventLoop(app)
    loop.set_default_executor(ThreadPoolExecutor(max_workers=IO_THREADS, thread_name_prefix="tidings-io"))
    return loop


def main(
    settings: Settings,
    data_dir: Path,
    runtime: Runtime | ConfigError | StoreError,
    instance: SingleInstance,
) -> int:
    """The tray app, started by `tidings` (desktop/app/cli.py), which has already claimed
    ``instance`` (it releases it too) and made ``runtime``, whose mail logins are under way,
    or says why it could not."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    # The IMAP workers already run: Qt objects exist from now on, so from now on only
    # the main thread may collect cycles.
    collector = MainThreadCollector(app)
    app.setApplicationName("tidings")
    app.setApplicationDisplayName(APP_NAME)
    app.setDesktopFileName("tidings")
    app.setWindowIcon(icons.app_bitmaps())
    app.setQuitOnLastWindowClosed(False)  # closing the window leaves Tidings in the tray
    install_translations(app)
    loop = event_loop(app)
    asyncio.set_event_loop(loop)
    try:
        if isinstance(runtime, Exception):
            raise runtime
        tidings = build_app(settings, data_dir, loop, runtime)
    except (ConfigError, StoreError) as exc:
        log.error("cannot start: %s", exc)
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.critical(None, APP_NAME, f"Tidings cannot start.\n\n{exc}")
        collector.stop()
        return 1

    def show_for_another_launch() -> None:  # on the listening thread
        if not loop.is_closed():
            loop.call_soon_threadsafe(tidings.show_window)

    instance.set_handler(show_for_another_launch)
    waker = _SignalWaker(lambda: loop.call_soon_threadsafe(tidings.request_quit))
    try:
        with loop:
            return loop.run_until_complete(tidings.run())
    finally:
        waker.close()
        collector.stop()
