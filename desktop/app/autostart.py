"""Start Tidings in the tray at login: XDG autostart on Linux, the Run key on
Windows, a LaunchAgent on macOS. The state is the entry itself, so it stays
true when the user removes it with the desktop's own tools."""

from __future__ import annotations

import contextlib
import os
import plistlib
import shlex
import shutil
import sys
from pathlib import Path

APP_ID = "tidings"
MAC_LABEL = "org.tidings.desktop"
WINDOWS_RUN_KEY = r"Software\Microsoft\Windows\CurrentVersion\Run"


class AutostartError(Exception):
    """The login entry could not be written; the message says why."""


def command() -> list[str]:
    """How to start this installation of Tidings."""
    if getattr(sys, "frozen", False):
        # the PyInstaller bundle: its executable is Tidings (`-m` means nothing to it),
        # and on Windows and macOS it is not on PATH
        return [sys.executable]
    exe = shutil.which("tidings")
    if exe:
        return [exe]
    return [sys.executable, "-m", "desktop.app.cli"]


def _xdg_entry() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "autostart" / f"{APP_ID}.desktop"


def _mac_agent() -> Path:
    return Path.home() / "Library" / "LaunchAgents" / f"{MAC_LABEL}.plist"


def _xdg_text(cmd: list[str]) -> str:
    # Exec quoting per the Desktop Entry spec is close enough to POSIX shell
    # quoting for paths, which is all we put there.
    return (
        "[Desktop Entry]\n"
        "Type=Application\n"
        "Name=Tidings\n"
        "Name[zh_CN]=消息通\n"
        "Comment=Start Tidings in the tray when you log in\n"
        "Comment[zh_CN]=登录时在托盘中启动消息通\n"
        f"Exec={shlex.join(cmd)}\n"
        "Icon=tidings\n"
        "Terminal=false\n"
        "X-GNOME-Autostart-enabled=true\n"
        "X-GNOME-Autostart-Delay=5\n"
        "NoDisplay=true\n"
    )


def is_enabled(platform: str = sys.platform) -> bool:
    if platform.startswith("win"):
        import winreg  # type: ignore[import-not-found]

        try:
            with winreg.OpenKey(winreg.HKEY_CURRENT_USER, WINDOWS_RUN_KEY) as key:
                winreg.QueryValueEx(key, "Tidings")
            return True
        except OSError:
            return False
    if platform == "darwin":
        return _mac_agent().exists()
    return _xdg_entry().exists()


def set_enabled(enabled: bool, platform: str = sys.platform) -> None:
    try:
        if platform.startswith("win"):
            _set_windows(enabled)
        elif platform == "darwin":
            path = _mac_agent()
            if enabled:
                path.parent.mkdir(parents=True, exist_ok=True)
                agent = {"Label": MAC_LABEL, "ProgramArguments": command(), "RunAtLoad": True}
                path.write_bytes(plistlib.dumps(agent))
            else:
                path.unlink(missing_ok=True)
        else:
            path = _xdg_entry()
            if enabled:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(_xdg_text(command()), encoding="utf-8")
            else:
                path.unlink(missing_ok=True)
    except OSError as exc:
        raise AutostartError(f"Could not change the login entry: {exc.strerror or exc}") from exc


def _set_windows(enabled: bool) -> None:
    import subprocess
    import winreg  # type: ignore[import-not-found]

    with winreg.OpenKey(winreg.HKEY_CURRENT_USER, WINDOWS_RUN_KEY, 0, winreg.KEY_SET_VALUE) as key:
        if enabled:
            winreg.SetValueEx(key, "Tidings", 0, winreg.REG_SZ, subprocess.list2cmdline(command()))
        else:
            with contextlib.suppress(FileNotFoundError):
                winreg.DeleteValue(key, "Tidings")
