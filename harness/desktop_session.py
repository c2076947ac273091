"""A throwaway desktop session: Xvfb, a session D-Bus, dunst, and optionally trayer and
gnome-keyring, for integration tests, the demo and benchmarks.

Every process is started in its own session, bounded by waits with deadlines, and
stopped by PID in reverse order. No pytest here: the demo and the benchmarks reuse it.

    with DesktopSession(tray=True) as session, session.environ():
        ...  # this process now talks to the session's X server and bus
        session.notifications()   # what dunst was asked to show
        session.click_default()   # a click on the newest bubble
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

_DUNSTRC = """\
[global]
    monitor = 0
    follow = none
    width = 360
    height = 200
    origin = top-right
    offset = 10x40
    notification_limit = {limit}
    indicate_hidden = yes
    markup = full
    format = "<b>%s</b>\\n%b"
    font = DejaVu Sans 9
    frame_width = 2
    frame_color = "#4a6fa5"
    history_length = 500
    show_indicators = yes
    always_run_script = true
    dmenu = {dmenu}
    mouse_left_click = do_action, close_current
    mouse_middle_click = close_current
    mouse_right_click = close_all
    # Never time out on their own: tests and screenshots look at them later.
    ignore_dbusclose = false

[urgency_low]
    background = "#222222"
    foreground = "#dddddd"
    timeout = 0

[urgency_normal]
    background = "#285577"
    foreground = "#ffffff"
    timeout = 0

[urgency_critical]
    background = "#900000"
    foreground = "#ffffff"
    frame_color = "#ff0000"
    timeout = 0

[log_every_notification]
    summary = "*"
    script = {logger}
"""

# Called by dunst for every notification it receives (always_run_script), with the
# details in DUNST_* variables; appends one JSON line so tests can see all of them,
# displayed, queued or closed (`dunstctl history` only knows closed ones).
_LOGGER = """\
#!{python}
import json, os
keys = ("ID", "APP_NAME", "SUMMARY", "BODY", "ICON_PATH", "URGENCY", "STACK_TAG", "TIMEOUT")
record = {{k.lower(): os.environ.get("DUNST_" + k, "") for k in keys}}
with open({log!r}, "a", encoding="utf-8") as f:
    f.write(json.dumps(record) + "\\n")
"""

# dunst pipes the context menu (one line per action: "#Approve (Title) [7,<action-key>]")
# to this "dmenu"; it records the lines and answers with the one named in the choice file.
_DMENU = """\
#!{python}
import os, sys
with open({pid_file!r}, "w") as f:
    f.write(str(os.getpid()))
lines = sys.stdin.buffer.read().decode("utf-8", "replace").splitlines()
with open({menu_log!r} + ".tmp", "w", encoding="utf-8") as f:
    f.write("\\n".join(lines) + "\\n")
os.replace({menu_log!r} + ".tmp", {menu_log!r})
try:
    with open({choice!r}, encoding="utf-8") as f:
        choice = f.read().strip()
    os.unlink({choice!r})
except FileNotFoundError:
    sys.exit(1)
for line in lines:
    if line.startswith("#" + choice + " ("):
        sys.stdout.buffer.write(line.encode("utf-8") + b"\\n")
        sys.exit(0)
sys.exit(1)
"""


class SessionError(RuntimeError):
    pass


def _wait_for(predicate: Callable[[], bool], timeout: float, what: str, interval: float = 0.02) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(interval)
    raise SessionError(f"timed out after {timeout:.0f} s waiting for {what}")


class DesktopSession:
    def __init__(
        self,
        tray: bool = False,
        keyring_password: str | None = None,
        notifications: bool = True,
        screen: str = "1280x800x24",
        max_bubbles: int = 0,
    ) -> None:
        """``keyring_password``: start gnome-keyring's Secret Service unlocked with it.
        ``notifications=False`` gives a bus without a notification daemon."""
        self.tray = tray
        self.keyring_password = keyring_password
        self.with_notifications = notifications
        self.screen = screen
        # 0: every bubble on screen (tests count them); the demo caps the stack so it
        # cannot grow over the tray icon in the bottom-right corner.
        self.max_bubbles = max_bubbles
        self.dir = Path(tempfile.mkdtemp(prefix="tidings-desktop-"))
        self.display = ""
        self.env: dict[str, str] = {}
        self._procs: list[tuple[str, subprocess.Popen[bytes]]] = []
        self._log_file = self.dir / "notifications.jsonl"
        self._menu_log = self.dir / "context-menu.txt"
        self._choice = self.dir / "dmenu-choice"
        self._dmenu_pid = self.dir / "dmenu.pid"

    # -- lifecycle ------------------------------------------------------------------

    def __enter__(self) -> DesktopSession:
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self) -> None:
        runtime = self.dir / "runtime"
        runtime.mkdir(mode=0o700)
        self._start_x()
        bus = self.dir / "bus"
        self.env = {
            "DISPLAY": self.display,
            "DBUS_SESSION_BUS_ADDRESS": f"unix:path={bus}",
            "XDG_RUNTIME_DIR": str(runtime),
        }
        self._spawn(
            "dbus-daemon",
            ["dbus-daemon", "--session", "--nofork", "--nopidfile", f"--address=unix:path={bus}"],
        )
        _wait_for(lambda: bus.exists() and self._bus_ok(), 10, "the session bus")
        if self.keyring_password is not None:
            self._start_keyring(self.keyring_password)
        if self.with_notifications:
            self._start_dunst()
        if self.tray:
            self._start_trayer()

    def _start_x(self) -> None:
        read_fd, write_fd = os.pipe()
        # -displayfd: Xvfb picks a free display number itself and writes it when ready.
        proc = subprocess.Popen(
            ["Xvfb", "-displayfd", str(write_fd), "-screen", "0", self.screen, "-nolisten", "tcp"],
            pass_fds=(write_fd,),
            stdout=subprocess.DEVNULL,
            stderr=open(self.dir / "xvfb.log", "wb"),  # noqa: SIM115 - lives as long as Xvfb
            start_new_session=True,
        )
        os.close(write_fd)
        self._procs.append(("Xvfb", proc))
        deadline = time.monotonic() + 10
        data = b""
        os.set_blocking(read_fd, False)
        try:
            while not data.endswith(b"\n"):
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise SessionError(f"Xvfb did not start; see {self.dir / 'xvfb.log'}")
                try:
                    chunk = os.read(read_fd, 16)
                except BlockingIOError:
                    time.sleep(0.02)
                    continue
                if not chunk:
                    raise SessionError("Xvfb closed its display pipe without a display number")
                data += chunk
        finally:
            os.close(read_fd)
        self.display = f":{int(data.strip())}"

    def _spawn(
        self, name: str, argv: list[str], stdin: bytes | None = None, extra_env: dict[str, str] | None = None
    ) -> subprocess.Popen[bytes]:
        env = {**os.environ, **self.env, **(extra_env or {})}
        log = open(self.dir / f"{name}.log", "wb")  # noqa: SIM115 - closed with the process
        proc = subprocess.Popen(
            argv,
            env=env,
            stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()  # the child holds its own descriptor
        if stdin is not None and proc.stdin is not None:
            proc.stdin.write(stdin)
            proc.stdin.close()
        self._procs.append((name, proc))
        return proc

    def _check_alive(self, name: str) -> None:
        for n, proc in self._procs:
            if n == name and proc.poll() is not None:
                log = (self.dir / f"{name}.log").read_text(errors="replace")[-2000:]
                raise SessionError(f"{name} exited with {proc.returncode}: {log}")

    def _bus_ok(self) -> bool:
        return self._dbus_call("ListNames") is not None

    def _dbus_call(self, method: str, *args: str) -> str | None:
        proc = subprocess.run(
            [
                "dbus-send",
                "--session",
                "--print-reply",
                "--dest=org.freedesktop.DBus",
                "/org/freedesktop/DBus",
                f"org.freedesktop.DBus.{method}",
                *args,
            ],
            env={**os.environ, **self.env},
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
        return proc.stdout if proc.returncode == 0 else None

    def has_owner(self, bus_name: str) -> bool:
        out = self._dbus_call("NameHasOwner", f"string:{bus_name}")
        return out is not None and "boolean true" in out

    def _start_dunst(self) -> None:
        logger = self.dir / "log-notification"
        logger.write_text(_LOGGER.format(python=sys.executable, log=str(self._log_file)))
        dmenu = self.dir / "dmenu"
        dmenu.write_text(
            _DMENU.format(
                python=sys.executable,
                menu_log=str(self._menu_log),
                choice=str(self._choice),
                pid_file=str(self._dmenu_pid),
            )
        )
        for script in (logger, dmenu):
            script.chmod(0o755)
        self._log_file.touch()
        rc = self.dir / "dunstrc"
        rc.write_text(_DUNSTRC.format(dmenu=str(dmenu), logger=str(logger), limit=self.max_bubbles))
        self._spawn("dunst", ["dunst", "-config", str(rc)])

        def ready() -> bool:
            self._check_alive("dunst")
            return self.has_owner("org.freedesktop.Notifications")

        _wait_for(ready, 10, "dunst to own org.freedesktop.Notifications")

    def _start_trayer(self) -> None:
        self._spawn(
            "trayer",
            [
                "trayer",
                "--edge",
                "bottom",
                "--align",
                "right",
                "--widthtype",
                "request",
                "--height",
                "32",
                "--SetDockType",
                "true",
                "--transparent",
                "false",
                "--tint",
                "0x555555",
            ],
        )

        def ready() -> bool:
            self._check_alive("trayer")
            # The XEmbed tray host owns the _NET_SYSTEM_TRAY_S0 selection once it is up.
            out = subprocess.run(
                ["xdotool", "search", "--classname", "trayer"],
                env={**os.environ, **self.env},
                capture_output=True,
                text=True,
                timeout=5,
                check=False,
            )
            return bool(out.stdout.strip())

        _wait_for(ready, 10, "trayer")

    def _start_keyring(self, password: str) -> None:
        home = self.dir / "keyring-home"
        (home / ".local" / "share").mkdir(parents=True)
        # Started unlocked before anything asks: an auto-activated daemon comes up
        # locked and every request fails with "Prompt dismissed".
        self._spawn(
            "gnome-keyring",
            ["gnome-keyring-daemon", "--foreground", "--unlock", "--components=secrets"],
            stdin=password.encode(),
            extra_env={"HOME": str(home), "XDG_DATA_HOME": str(home / ".local" / "share")},
        )

        def ready() -> bool:
            self._check_alive("gnome-keyring")
            return self.has_owner("org.freedesktop.secrets")

        _wait_for(ready, 10, "gnome-keyring to own org.freedesktop.secrets")

    def stop(self) -> None:
        """Stop every process by PID, newest first, then remove the folder."""
        while self._procs:
            _name, proc = self._procs.pop()
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                try:
                    proc.wait(timeout=3)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait(timeout=3)
        shutil.rmtree(self.dir, ignore_errors=True)

    @contextlib.contextmanager
    def environ(self) -> Iterator[None]:
        """Point this process at the session (DISPLAY, bus, ...) and restore afterwards.
        QT_QPA_PLATFORM is left alone: a QApplication that exists already keeps its platform;
        subprocesses that need the X server add QT_QPA_PLATFORM=xcb themselves."""
        saved = {k: os.environ.get(k) for k in self.env}
        os.environ.update(self.env)
        try:
            yield
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value

    # -- driving it like a user ---------------------------------------------------------

    def _ctl(self, *args: str, timeout: float = 10) -> str:
        proc = subprocess.run(
            ["dunstctl", *args],
            env={**os.environ, **self.env},
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if proc.returncode != 0:
            raise SessionError(f"dunstctl {' '.join(args)} failed: {proc.stderr.strip()}")
        return proc.stdout

    def notifications(self) -> list[dict[str, Any]]:
        """Every notification dunst received, oldest first: id, app_name, summary, body,
        icon_path, urgency ("LOW" | "NORMAL" | "CRITICAL"), ..."""
        out = []
        for line in self._log_file.read_text(encoding="utf-8").splitlines():
            if line.strip():
                record = json.loads(line)
                record["id"] = int(record["id"]) if record.get("id") else 0
                out.append(record)
        # the log script runs as one process per bubble: lines may land out of order
        return sorted(out, key=lambda r: r["id"])

    def wait_notifications(self, count: int, timeout: float = 5.0) -> list[dict[str, Any]]:
        _wait_for(lambda: len(self.notifications()) >= count, timeout, f"{count} notification(s)")
        return self.notifications()

    def history(self) -> list[dict[str, Any]]:
        """`dunstctl history`: closed notifications, newest first, as plain dicts."""
        data = json.loads(self._ctl("history"))
        return [{k: v.get("data") for k, v in n.items()} for n in data["data"][0]]

    def count(self, which: str = "displayed") -> int:
        return int(self._ctl("count", which).strip())

    def click_default(self) -> None:
        """The default action (a click on the body) of the newest displayed bubble."""
        self._ctl("action", "0")

    def _menu_closed(self) -> bool:
        try:
            pid = int(self._dmenu_pid.read_text())
        except (OSError, ValueError):
            return True  # no menu opened yet
        return not Path(f"/proc/{pid}").exists()

    def _context_menu(self, choice: str | None) -> list[str]:
        """Open dunst's context menu once; the action names it listed, in its order."""
        # dunst refuses a menu while the last one is open, and reaps our "dmenu" only
        # ~2 s after it exits: wait here, not after, so the last press costs nothing.
        _wait_for(self._menu_closed, 5, "the previous context menu to close")
        self._choice.unlink(missing_ok=True)
        self._menu_log.unlink(missing_ok=True)
        self._dmenu_pid.unlink(missing_ok=True)
        if choice is not None:
            self._choice.write_text(choice, encoding="utf-8")
        with contextlib.suppress(SessionError):
            self._ctl("context")
        _wait_for(self._menu_log.exists, 5, "dunst's context menu")
        names = []
        for line in self._menu_log.read_text(encoding="utf-8").splitlines():
            # "#Approve (Summary) [7,<key>]"; the default action (a click) has an empty title
            if line.startswith("#") and " (" in line and line.index(" (") > 1:
                names.append(line[1 : line.index(" (")])
        return names

    def actions(self) -> list[str]:
        """The button names of the displayed bubbles, as the context menu lists them."""
        return self._context_menu(None)

    def invoke_action(self, name: str) -> list[str]:
        """Press the button called ``name`` through dunst's context menu; returns the
        names the menu offered (so a test can check them without a second menu)."""
        names = self._context_menu(name)
        if name not in names:
            raise SessionError(f"no action {name!r} in the context menu: {names!r}")
        return names

    def close_all(self) -> None:
        self._ctl("close-all")

    def screenshot(self, path: Path | str) -> Path:
        path = Path(path)
        subprocess.run(
            ["import", "-display", self.display, "-window", "root", str(path)],
            env={**os.environ, **self.env},
            check=True,
            timeout=20,
            capture_output=True,
        )
        return path


def _demo(path: str) -> None:
    import asyncio

    from desktop_notifier import Button, DesktopNotifier, Urgency

    async def send() -> None:
        notifier = DesktopNotifier(app_name="Tidings demo")
        await notifier.send(
            "Hello", "from <b>Tidings</b>", urgency=Urgency.Critical, buttons=[Button("Approve")]
        )

    with DesktopSession(tray=True) as s, s.environ():
        asyncio.run(send())
        s.wait_notifications(1)
        time.sleep(0.5)
        print(s.notifications(), s.actions())
        print(s.screenshot(path))


if __name__ == "__main__":  # a quick look: python -m harness.desktop_session shot.png
    _demo(sys.argv[1] if len(sys.argv) > 1 else "desktop.png")
