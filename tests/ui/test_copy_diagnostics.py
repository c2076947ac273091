"""Help → Copy diagnostics… and the tray's entry: the live report on the clipboard and in a
private file, with no secret in it."""

from __future__ import annotations

import logging
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtGui import QGuiApplication
from pytestqt.qtbot import QtBot

from desktop.app.facade import AppFacade
from desktop.app.runtime import Runtime
from desktop.config import logs
from desktop.core.events import ConnectionState, SourceStatus
from desktop.core.rules import Rules
from desktop.ui.bridge import Bridge
from desktop.ui.tray import TrayIcon
from desktop.ui.window import InboxWindow

PASSWORD = "Wind0w-test-pw-55"


@pytest.fixture
def log_file(tmp_path: Path) -> Iterator[Path]:
    """The app's log set up as the tray app does it, in this test's data folder."""
    path = logs.setup(verbose=True, log_dir=tmp_path / "logs")
    assert path is not None
    yield path
    root = logging.getLogger()
    for handler in [h for h in root.handlers if logs._is_ours(h)]:
        root.removeHandler(handler)
        handler.close()
    logs._current_file = None


@pytest.fixture
def live(runtime: Runtime, log_file: Path) -> Runtime:
    logs.register_secret(PASSWORD)
    logging.getLogger("desktop.sources.imap").warning("sign-in with %s refused", PASSWORD)
    runtime.pipeline.statuses["mail:work"] = SourceStatus(
        "mail:work", ConnectionState.AUTH_FAILED, "The server rejected the password"
    )
    return runtime


def check(text: str, tmp_path: Path) -> None:
    assert "## Versions" in text and "Qt (run time) 6." in text
    assert "from the tray app" in text
    assert "mail:work: auth_failed — The server rejected the password" in text
    assert "sign-in with [redacted] refused" in text  # the log's last lines
    assert PASSWORD not in text
    saved = tmp_path / "diagnostics.txt"
    assert saved.read_text(encoding="utf-8") == text
    assert stat.S_IMODE(os.stat(saved).st_mode) == 0o600


def test_help_menu_copies_the_live_report(
    qtbot: QtBot, facade: AppFacade, bridge: Bridge, live: Runtime, tmp_path: Path
) -> None:
    win = InboxWindow(facade, bridge)
    qtbot.addWidget(win)
    help_menu = next(a.menu() for a in win.menuBar().actions() if a.text() == "&Help")
    assert win.diagnostics_action in help_menu.actions()
    win.diagnostics_action.trigger()
    check(QGuiApplication.clipboard().text(), tmp_path)
    assert "saved to" in win.statusBar().currentMessage()


def test_the_tray_menu_copies_it_too(
    qtbot: QtBot, facade: AppFacade, bridge: Bridge, live: Runtime, tmp_path: Path
) -> None:
    tray = TrayIcon(facade, bridge, lambda: Rules())
    assert tray.diagnostics_action in tray.contextMenu().actions()
    tray.diagnostics_action.trigger()
    check(QGuiApplication.clipboard().text(), tmp_path)
