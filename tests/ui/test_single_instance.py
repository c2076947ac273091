"""A second Tidings on the same data folder hands over to the first and exits."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from desktop.ui.single_instance import SingleInstance

ROOT = Path(__file__).resolve().parents[2]


def test_second_claim_asks_the_first_to_show_itself(qtbot, tmp_path: Path) -> None:
    first = SingleInstance(tmp_path / "data")
    assert first.claim()
    try:
        with qtbot.waitSignal(first.activation_requested, timeout=5000):
            assert not SingleInstance(tmp_path / "data").claim()
        other = SingleInstance(tmp_path / "other-data")  # another profile may run beside it
        assert other.claim()
        other.release()
    finally:
        first.release()
    again = SingleInstance(tmp_path / "data")
    assert again.claim()  # released: the next launch runs
    again.release()


def _launch(config: Path, data: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "desktop.app.cli", "--config", str(config), "--data-dir", str(data)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen", "DBUS_SESSION_BUS_ADDRESS": "disabled:"},
    )


def test_launching_the_app_twice_keeps_one_running(tmp_path: Path) -> None:
    config, data = tmp_path / "settings.toml", tmp_path / "data"
    first = _launch(config, data)
    try:
        deadline = time.monotonic() + 20
        while not (data / "tidings.lock").exists():
            assert first.poll() is None, first.communicate()[1]
            assert time.monotonic() < deadline, "the first instance did not start"
            time.sleep(0.05)
        second = _launch(config, data)
        _, err = second.communicate(timeout=30)
        assert second.returncode == 0
        assert "already running" in err
        assert first.poll() is None  # the first one is still there
    finally:
        first.send_signal(signal.SIGTERM)
        try:
            first.wait(timeout=15)
        except subprocess.TimeoutExpired:
            first.kill()
            pytest.fail("the first instance did not stop on SIGTERM")
    assert first.returncode == 0
