"""The tray icon: badge, health mark, tooltip, pause menu; and a real tray host under Xvfb."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtGui import QColor, QIcon, QImage, QPixmap
from pytestqt.qtbot import QtBot

from desktop.app.facade import AppFacade
from desktop.app.runtime import Runtime
from desktop.core.events import ConnectionState, SourceStatus
from desktop.core.item import Item
from desktop.core.rules import Rules
from desktop.ui.bridge import Bridge
from desktop.ui.tray import TrayIcon, badge_text, paint_icon
from harness.desktop_session import DesktopSession

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2025, 3, 14, 11, 0, tzinfo=UTC)


@pytest.fixture
def rules() -> Rules:
    return Rules()


@pytest.fixture
def tray(facade: AppFacade, bridge: Bridge, rules: Rules, qtbot: QtBot) -> TrayIcon:
    t = TrayIcon(facade, bridge, lambda: rules, now=lambda: NOW)
    return t


@pytest.mark.parametrize(
    ("count", "text"), [(0, ""), (1, "1"), (42, "42"), (99, "99"), (100, "99+"), (12345, "99+")]
)
def test_badge_text(count: int, text: str) -> None:
    assert badge_text(count) == text


def _is_red(c: QColor) -> bool:
    return c.red() > 180 and c.green() < 90 and c.blue() < 90 and c.alpha() > 200


def _is_amber(c: QColor) -> bool:
    return c.red() > 200 and 130 < c.green() < 200 and c.blue() < 60


def test_badge_and_warning_are_painted(qtbot: QtBot) -> None:
    base = QIcon(QPixmap(1, 1))  # a blank base: whatever is painted is ours
    plain = paint_icon(base, 0, False, 64).toImage()
    badged = paint_icon(base, 7, False, 64).toImage()
    warned = paint_icon(base, 0, True, 64).toImage()
    badge_px, warning_px = (54, 4), (4, 62)
    assert not _is_red(plain.pixelColor(*badge_px)) and not _is_amber(plain.pixelColor(*warning_px))
    assert _is_red(badged.pixelColor(*badge_px))
    assert _is_amber(warned.pixelColor(16, 60)) and not _is_red(warned.pixelColor(*badge_px))


def _white_columns(image: QImage, top: int, bottom: int) -> list[int]:
    return [
        x
        for x in range(image.width())
        if any(image.pixelColor(x, y).lightness() > 200 for y in range(top, bottom))
    ]


@pytest.mark.parametrize("size", [16, 22, 32, 64])
def test_the_badge_shows_each_digit_centred_in_the_pill(size: int, qtbot: QtBot) -> None:
    # The count is drawn from stored outlines (no font): white glyph pixels inside the red
    # pill, centred across it, and more of them for "188" than for "1".
    base = QIcon(QPixmap(1, 1))
    h = round(size * 0.52)
    one = paint_icon(base, 1, False, size).toImage()
    many = paint_icon(base, 188, False, size).toImage()
    columns_one, columns_many = _white_columns(one, 0, h), _white_columns(many, 0, h)
    assert columns_one and len(columns_many) > len(columns_one)
    pill = [x for x in range(size) if _is_red(one.pixelColor(x, h // 2))]
    pill_centre = (min(pill) + max(pill)) / 2
    assert abs((min(columns_one) + max(columns_one)) / 2 - pill_centre) <= 1.5


def test_every_character_of_the_badge_has_an_outline() -> None:
    from desktop.ui.outline_text import CHARACTERS

    texts = {badge_text(n) for n in range(0, 1000)} | {"!"}
    assert set("".join(texts)) <= CHARACTERS


def test_count_follows_the_store_and_bursts_repaint_once(
    tray: TrayIcon, runtime: Runtime, bridge: Bridge, fill: Callable[[int], list[Item]], qtbot: QtBot
) -> None:
    fill(30)  # every third item is unread
    assert runtime.store.unread_count() == 10
    refreshes: list[int] = []
    tray._refresh_timer.timeout.connect(lambda: refreshes.append(1))
    for _ in range(2_000):
        bridge.items_added.emit([], False)
    qtbot.waitUntil(lambda: tray.unread_count == 10, timeout=2000)
    # Nothing is left pending: a second repaint could only come from a new change.
    assert refreshes == [1] and not tray._refresh_timer.isActive()
    assert tray.toolTip().startswith("Tidings — 10 unread")


def test_tooltip_lists_every_source_and_the_warning_mark_follows_health(
    tray: TrayIcon, runtime: Runtime, qtbot: QtBot
) -> None:
    runtime.pipeline.handle(SourceStatus("mail:work", ConnectionState.ONLINE))
    runtime.pipeline.handle(SourceStatus("gateway", ConnectionState.OFFLINE, "connection refused, retrying"))
    qtbot.waitUntil(lambda: tray.warning, timeout=2000)
    lines = tray.toolTip().splitlines()
    assert "mail:work — online" in lines
    assert "gateway — offline: connection refused, retrying" in lines
    runtime.pipeline.handle(SourceStatus("gateway", ConnectionState.ONLINE))
    qtbot.waitUntil(lambda: not tray.warning, timeout=2000)
    assert "gateway — online" in tray.toolTip().splitlines()
    runtime.pipeline.handle(SourceStatus("mail:work", ConnectionState.AUTH_FAILED, "wrong password"))
    qtbot.waitUntil(lambda: tray.warning, timeout=2000)
    assert "mail:work — sign-in failed: wrong password" in tray.toolTip().splitlines()


def test_pause_menu_for_an_hour_until_tomorrow_and_resume(tray: TrayIcon, rules: Rules, qtbot: QtBot) -> None:
    assert tray.pause_status.text() == "Notifications are on"
    assert not tray.resume_action.isEnabled()
    with qtbot.waitSignal(tray.pause_changed) as blocker:
        tray.pause_hour_action.trigger()
    assert rules.paused_until == NOW + timedelta(hours=1) == blocker.args[0]
    assert tray.pause_hour_action.isChecked() and tray.resume_action.isEnabled()
    local = (NOW + timedelta(hours=1)).astimezone().strftime("%H:%M")
    assert tray.pause_status.text() == f"Paused until {local}"
    assert f"Notifications paused until {local}" in tray.toolTip()

    tray.pause_tomorrow_action.trigger()
    assert tray.pause_tomorrow_action.isChecked() and not tray.pause_hour_action.isChecked()
    assert rules.paused_until is not None and rules.paused_until > NOW + timedelta(hours=1)
    assert rules.paused_until.astimezone().hour == 8

    tray.resume_action.trigger()
    assert rules.paused_until is None
    assert not tray.pause_hour_action.isChecked() and not tray.pause_tomorrow_action.isChecked()
    assert tray.pause_status.text() == "Notifications are on"


def test_menu_entries_and_left_click_emit_their_signals(tray: TrayIcon, qtbot: QtBot) -> None:
    texts = [a.text() for a in tray.contextMenu().actions() if not a.isSeparator()]
    assert texts == ["Open inbox", "Pause notifications", "Settings…", "Copy diagnostics…", "Quit"]
    with qtbot.waitSignal(tray.inbox_requested, timeout=500):
        tray.open_action.trigger()
    with qtbot.waitSignal(tray.settings_requested, timeout=500):
        tray.settings_action.trigger()
    with qtbot.waitSignal(tray.quit_requested, timeout=500):
        tray.quit_action.trigger()
    with qtbot.waitSignal(tray.window_toggle_requested, timeout=500):
        tray.activated.emit(TrayIcon.ActivationReason.Trigger)
    with qtbot.assertNotEmitted(tray.window_toggle_requested):
        tray.activated.emit(TrayIcon.ActivationReason.Context)


_REAL_TRAY = textwrap.dedent(
    """
    import json, sys, tempfile
    from pathlib import Path
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QSystemTrayIcon
    from desktop.app.facade import AppFacade
    from desktop.app.runtime import Runtime
    from desktop.config.settings import Settings
    from desktop.core.rules import Rules
    from desktop.ui.bridge import Bridge
    from desktop.ui.tray import TrayIcon

    app = QApplication([])
    runtime = Runtime(Settings(), Path(tempfile.mkdtemp()))
    tray = TrayIcon(AppFacade(runtime), Bridge(), lambda: Rules())
    available = QSystemTrayIcon.isSystemTrayAvailable()
    tray.show()
    def report():
        g = tray.geometry()
        if g.width() == 0 and report.tries < 100:
            report.tries += 1
            QTimer.singleShot(30, report)
            return
        print(json.dumps({"available": available, "visible": tray.isVisible(),
                          "x": g.center().x(), "y": g.center().y(), "w": g.width()}), flush=True)
    report.tries = 0
    tray.activated.connect(lambda reason: (print(json.dumps({"activated": int(reason.value)}), flush=True), app.quit()))
    QTimer.singleShot(0, report)
    QTimer.singleShot(8000, app.quit)
    app.exec()
    """
)


def _wait_until(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


@pytest.mark.desktop
@pytest.mark.usefixtures("qapp")  # QImage reads the screenshots
def test_real_tray_host_shows_the_icon_and_a_click_reaches_it(tmp_path: Path) -> None:
    with DesktopSession(tray=True) as desk:
        env = {**os.environ, **desk.env, "QT_QPA_PLATFORM": "xcb"}
        proc = subprocess.Popen(
            [sys.executable, "-c", _REAL_TRAY],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            assert proc.stdout is not None
            first = json.loads(proc.stdout.readline() or "{}")
            assert first.get("available") is True and first.get("visible") is True, first
            assert first["w"] > 0
            # QSystemTrayIcon.geometry() is relative to the embedder right after docking, and
            # trayer's panel window is not findable by class: it sits at the bottom-right
            # corner (--edge bottom --align right --height 32), one icon wide.
            width, height = (int(v) for v in desk.screen.split("x")[:2])
            x, y = width - 12, height - 16
            shot = tmp_path / "tray.png"

            def icon_painted() -> bool:
                # The panel is tinted 0x555555; the icon's pixels are not.
                return QImage(str(desk.screenshot(shot))).pixelColor(x, y) != QColor(0x55, 0x55, 0x55)

            _wait_until(icon_painted, 10, "the icon painted in the panel")
            subprocess.run(
                ["xdotool", "mousemove", str(x), str(y), "click", "1"], env=env, check=True, timeout=10
            )
            second = json.loads(proc.stdout.readline() or "{}")
            assert second == {"activated": int(TrayIcon.ActivationReason.Trigger.value)}
            assert proc.wait(timeout=10) == 0
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait(timeout=5)
