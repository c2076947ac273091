"""What the libraries cost before any of Tidings' code runs: a bare PySide6 tray icon,
then the same icon after importing a growing set of the libraries the tray app uses.

    .venv/bin/python benchmarks/bench_floor.py            # --settle 3 (s after the icon shows)

Each step is a fresh process under a harness DesktopSession with trayer (Xvfb, D-Bus, dunst),
like bench_idle's bare icon: it imports the step's modules, shows a QSystemTrayIcon with a
standard icon and, --settle s later, reports its VmRSS. No connection is opened and no
Tidings module is imported, so the figures are a floor for bench_idle's (issue 9's target
is 75 MB for the whole app: two IMAP accounts, the gateway, 10,000 items).
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import argparse  # noqa: E402
import os  # noqa: E402
import subprocess  # noqa: E402

from benchmarks._common import header, machine_line  # noqa: E402

#: Each step adds these imports to the previous step's.
STEPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("bare PySide6 tray icon", ()),
    ("+ asyncio, qasync, ssl (the event loop, TLS)", ("asyncio", "qasync", "ssl")),
    ("+ sqlite3, imapclient (the store, mail)", ("sqlite3", "imapclient")),
    ("+ websockets' asyncio client (the gateway)", ("websockets.asyncio.client",)),
    (
        "+ jeepney's asyncio router (notifications, NetworkManager's state)",
        ("jeepney", "jeepney.io.asyncio", "jeepney.bus_messages"),
    ),
    (
        "+ platformdirs, logging.handlers, tomllib, argparse (paths, log file, settings, CLI)",
        ("platformdirs", "logging.handlers", "tomllib", "argparse"),
    ),
)

# The libraries first, then Qt: a module imported after PySide6 goes through its
# __feature__ import check, which keeps the module's source in linecache (the tray app
# installs desktop.ui.pyside_scan against that); imported first, each is measured alone.
PROBE = """
import importlib, sys
for name in sys.argv[2:]:
    importlib.import_module(name)
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QStyle, QSystemTrayIcon
app = QApplication(sys.argv[:1])
tray = QSystemTrayIcon(app.style().standardIcon(QStyle.StandardPixmap.SP_ComputerIcon))
tray.show()
def report():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS"):
            print(int(line.split()[1]) / 1024)
    app.quit()
QTimer.singleShot(int(float(sys.argv[1]) * 1000), report)
app.exec()
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--settle", type=float, default=3.0, help="seconds after the icon shows")
    args = parser.parse_args()
    from harness.desktop_session import DesktopSession

    header("Idle memory floor: a bare PySide6 tray icon plus the tray app's libraries, imported only")
    print(machine_line())
    modules: list[str] = []
    with DesktopSession(tray=True) as desk:
        env = {**os.environ, **desk.env, "QT_QPA_PLATFORM": "xcb"}
        for label, more in STEPS:
            modules += more
            done = subprocess.run(
                [sys.executable, "-c", PROBE, str(args.settle), *modules],
                capture_output=True,
                text=True,
                env=env,
                timeout=120,
                check=True,
            )
            print(f"  {float(done.stdout.split()[-1]):6.1f} MB  {label}")
    print("  (bench_idle.py measures the whole app; issue 9's target for it: <= 75 MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
