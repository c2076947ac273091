"""The login entry is written where each desktop looks for it, and removed again."""

from __future__ import annotations

import configparser
import plistlib
import shlex
from pathlib import Path

import pytest

from desktop.app import autostart


def test_xdg_entry_round_trip(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    assert not autostart.is_enabled("linux")
    autostart.set_enabled(True, "linux")
    entry = tmp_path / "autostart" / "tidings.desktop"
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(entry, encoding="utf-8")
    section = parser["Desktop Entry"]
    assert section["Type"] == "Application"
    assert shlex.split(section["Exec"]) == autostart.command()
    assert autostart.is_enabled("linux")
    autostart.set_enabled(False, "linux")
    assert not entry.exists() and not autostart.is_enabled("linux")
    autostart.set_enabled(False, "linux")  # idempotent


def test_mac_launch_agent(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    autostart.set_enabled(True, "darwin")
    agent = plistlib.loads((tmp_path / "Library/LaunchAgents/org.tidings.desktop.plist").read_bytes())
    assert agent["RunAtLoad"] is True and agent["ProgramArguments"] == autostart.command()
    assert autostart.is_enabled("darwin")
    autostart.set_enabled(False, "darwin")
    assert not autostart.is_enabled("darwin")


def test_unwritable_config_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(blocker))
    with pytest.raises(autostart.AutostartError, match="Could not change the login entry"):
        autostart.set_enabled(True, "linux")
