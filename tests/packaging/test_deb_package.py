"""The Linux package's whole life: built, installed with apt, started to a tray icon and a
native notification, removed again.

packaging/build.py builds the PyInstaller bundle (cached in build/bundle by a hash of its
inputs, so only the first run after a change pays for it) and the .deb. The installed
/usr/bin/tidings runs from /opt/tidings, with no access to this checkout, under Xvfb with
a session D-Bus, dunst and trayer (harness/desktop_session.py), against a real Dovecot.
A screenshot of the screen is kept in build/screenshots/deb-tray.png.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from benchmarks._common import raw_mail, stop_process, write_mail_settings
from benchmarks._xtray import TrayWatcher
from harness.desktop_session import DesktopSession
from harness.dovecot import Dovecot

ROOT = Path(__file__).resolve().parents[2]
OPT = Path("/opt/tidings")
COMMAND = Path("/usr/bin/tidings")
SCREENSHOT = ROOT / "build" / "screenshots" / "deb-tray.png"
HICOLOR_SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)
USER, PASSWORD = "debtest", "pw"

pytestmark = [
    pytest.mark.packaging,
    pytest.mark.desktop,
    pytest.mark.dovecot,
    # the first build of the bundle takes 1-2 minutes on this machine's two cores
    pytest.mark.timeout(900),
    pytest.mark.skipif(
        sys.platform != "linux" or os.geteuid() != 0 or shutil.which("apt-get") is None,
        reason="installs a .deb with apt: Debian or Ubuntu, as root",
    ),
]


def _until(condition: Callable[[], bool], what: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


def _apt(*args: str) -> subprocess.CompletedProcess[str]:
    # Another apt or dpkg on the machine holds the lock for a while: wait for it.
    return subprocess.run(
        ["apt-get", "-o", "DPkg::Lock::Timeout=120", "-y", "-q", *args],
        env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _installed() -> bool:
    out = subprocess.run(["dpkg-query", "-W", "-f=${Status}", "tidings"], capture_output=True, text=True)
    return "install ok installed" in out.stdout


@pytest.fixture(scope="module")
def deb() -> Path:
    proc = subprocess.run(
        [sys.executable, str(ROOT / "packaging" / "build.py")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=840,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    path = Path(proc.stdout.strip().splitlines()[-1])
    assert path.suffix == ".deb" and path.is_file()
    return path


@pytest.fixture(scope="module")
def installed(deb: Path) -> Iterator[Path]:
    """Installed once for the module; the last test removes it (and checks what is left)."""
    if _installed():  # left behind by an interrupted run
        _apt("remove", "tidings")
    proc = _apt("install", "--no-install-recommends", str(deb))
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    try:
        yield deb
    finally:
        if _installed():
            _apt("remove", "tidings")


def _items(data_dir: Path) -> int:
    db = data_dir / "inbox.sqlite3"
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1) as conn:
            return int(conn.execute("SELECT count(*) FROM items").fetchone()[0])
    except sqlite3.Error:
        return 0  # not created yet


def test_deb_files_and_metadata(installed: Path) -> None:
    info = subprocess.run(["dpkg-deb", "-f", str(installed)], capture_output=True, text=True, check=True)
    assert "libxcb-cursor0" in info.stdout and "libc6 (>=" in info.stdout
    assert COMMAND.resolve() == OPT / "tidings"
    version = subprocess.run([str(COMMAND), "--version"], capture_output=True, text=True, timeout=60, cwd="/")
    assert version.returncode == 0 and version.stdout.startswith("tidings "), version.stderr
    entry = Path("/usr/share/applications/tidings.desktop").read_text(encoding="utf-8")
    assert "Exec=tidings" in entry and "Icon=tidings" in entry
    for size in HICOLOR_SIZES:
        png = Path(f"/usr/share/icons/hicolor/{size}x{size}/apps/tidings.png")
        assert png.read_bytes().startswith(b"\x89PNG"), png
    assert Path("/usr/share/icons/hicolor/scalable/apps/tidings.svg").is_file()
    metainfo = Path("/usr/share/metainfo/org.tidings.Tidings.metainfo.xml")
    if shutil.which("appstreamcli"):
        check = subprocess.run(
            ["appstreamcli", "validate", "--no-net", str(metainfo)],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert check.returncode == 0, check.stdout + check.stderr
    assert "MIT" in Path("/usr/share/doc/tidings/copyright").read_text(encoding="utf-8")
    # the bundle carries its own resources; notifications go through jeepney (in the
    # bundle's archive), and the other platforms' desktop-notifier stays out
    internal = OPT / "_internal"
    assert (internal / "desktop" / "resources" / "translations" / "tidings_zh_CN.qm").is_file()
    assert (internal / "desktop" / "resources" / "icons" / "tray.svg").is_file()
    assert not (internal / "desktop_notifier").exists() and not (internal / "dbus_fast").exists()
    # the reference gateway and the test tools stay out of the desktop bundle
    assert not (internal / "starlette").exists() and not (internal / "gateway").exists()


def test_installed_app_shows_tray_icon_and_native_notification_then_removes_cleanly(
    installed: Path, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    config = tmp_path / "settings.toml"
    log_path = tmp_path / "tidings.stderr"
    with DesktopSession(tray=True) as desk, Dovecot() as dovecot:
        dovecot.add_user(USER, PASSWORD)
        dovecot.append(USER, raw_mail("Already there before Tidings"))
        write_mail_settings(config, dovecot.imap_port, USER, PASSWORD)
        # Nothing of this checkout: no PYTHONPATH, started from an empty folder.
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "QT_"))}
        env.update(desk.env, QT_QPA_PLATFORM="xcb", HOME=str(tmp_path), LANG="C.UTF-8")
        with open(log_path, "wb") as log:
            proc = subprocess.Popen(
                [str(COMMAND), "--config", str(config), "--data-dir", str(data)],
                cwd=tmp_path,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        watcher = TrayWatcher(desk.display)
        try:

            def painted() -> bool:
                assert proc.poll() is None, log_path.read_text(errors="replace")[-3000:]
                return watcher.poll()[1]

            _until(painted, "the tray icon, embedded in trayer and painted", 90)
            _until(
                lambda: "native notifications via" in log_path.read_text(errors="replace"),
                "the notification backend to reach dunst",
                30,
            )
            _until(lambda: _items(data) == 1, "the quiet first sync of the account", 60)
            assert desk.notifications() == []  # mail that was there before is never announced
            dovecot.append(USER, raw_mail("Installed from the deb", body="Hello from Dovecot"))

            def bubble() -> bool:
                return any("Installed from the deb" in n["summary"] + n["body"] for n in desk.notifications())

            _until(bubble, "dunst to show the new mail", 60)
            notice = next(
                n for n in desk.notifications() if "Installed from the deb" in n["summary"] + n["body"]
            )
            assert notice["app_name"] == "Tidings"
            SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
            subprocess.run(
                ["import", "-window", "root", str(SCREENSHOT)],
                env={**os.environ, **desk.env},
                timeout=30,
                check=True,
            )
        finally:
            watcher.close()
            stop_process(proc)
        assert proc.returncode == 0, log_path.read_text(errors="replace")[-3000:]
        log_text = log_path.read_text(errors="replace")
        assert "Traceback" not in log_text, log_text[-3000:]
        assert "no translations folder" not in log_text


def test_remove_leaves_nothing_behind(installed: Path) -> None:
    assert OPT.is_dir() and COMMAND.exists()
    proc = _apt("remove", "tidings")
    assert proc.returncode == 0, proc.stderr
    assert not _installed()
    assert not OPT.exists()
    assert not COMMAND.exists() and not COMMAND.is_symlink()
    assert not Path("/usr/share/applications/tidings.desktop").exists()
    assert not Path("/usr/share/metainfo/org.tidings.Tidings.metainfo.xml").exists()
