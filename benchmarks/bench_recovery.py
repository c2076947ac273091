"""Recovery after a server outage: Dovecot down, mail delivered meanwhile, Dovecot back.

    .venv/bin/python benchmarks/bench_recovery.py                   # both fronts, 3 runs, 20 s down
    .venv/bin/python benchmarks/bench_recovery.py --front tray --runs 5 --down 10

Prints, per run, the time from Dovecot greeting again to the mail delivered during the
outage being shown: by `tidings watch --json` (a subprocess, its "new" line) and by the
tray app (TidingsApp on a qasync loop, offscreen, in this process: the bridge's
items_added signal, which feeds the inbox model and the tray count). Target: <= 5 s for
both (issue 7, item 14). Nothing asserts a timing; every server is stopped by PID.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import argparse  # noqa: E402
import asyncio  # noqa: E402
import json  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from email.message import EmailMessage  # noqa: E402
from typing import Any  # noqa: E402

from benchmarks._common import header, machine_line, summary  # noqa: E402
from desktop.config.settings import MailAccount, Settings, to_toml  # noqa: E402
from harness.dovecot import Dovecot  # noqa: E402

USER = "rec"


def mail(title: str) -> bytes:
    msg = EmailMessage()
    msg["From"] = "Ann <ann@example.org>"
    msg["To"] = "me@example.org"
    msg["Subject"] = title
    msg.set_content("delivered while the server was down")
    return msg.as_bytes()


def settings_for(dovecot: Dovecot) -> Settings:
    account = MailAccount(
        name="work",
        host="127.0.0.1",
        username=USER,
        security="plain",
        port=dovecot.imap_port,
        password_command="printf pw",
    )
    return Settings(mail=[account])


def outage(dovecot: Dovecot, down: float, title: str) -> float:
    """Stop Dovecot, deliver ``title`` into the maildir, start it again; returns when it greets."""
    dovecot.stop()
    time.sleep(down / 2)
    dovecot.deliver_to_maildir(USER, mail(title))
    time.sleep(down / 2)
    dovecot.start()
    return time.monotonic()


def run_watch(dovecot: Dovecot, workdir: Path, down: float, title: str) -> float | None:
    config = workdir / "settings.toml"
    config.write_text(to_toml(settings_for(dovecot)), encoding="utf-8")
    proc = subprocess.Popen(
        [sys.executable, "-m", "desktop.app.cli", "--config", str(config), "--data-dir",
         str(workdir / "watch-data"), "watch", "--json"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )  # fmt: skip
    seen: dict[str, float] = {}
    cond = threading.Condition()

    def read() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            obj = json.loads(line)
            key = "online" if obj.get("event") == "status" and obj.get("state") == "online" else ""
            key = str(obj.get("title")) if obj.get("event") == "new" else key
            with cond:
                seen.setdefault(key, time.monotonic())
                cond.notify_all()

    threading.Thread(target=read, daemon=True).start()
    try:
        with cond:
            if not cond.wait_for(lambda: "online" in seen, 30):
                raise RuntimeError("tidings watch did not come online")
        back = outage(dovecot, down, title)
        with cond:
            cond.wait_for(lambda: title in seen, 120)
        return seen[title] - back if title in seen else None
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


def run_tray(dovecot: Dovecot, workdir: Path, down: float, title: str) -> float | None:
    import qasync
    from PySide6.QtWidgets import QApplication

    from desktop.core.events import ConnectionState
    from desktop.ui.app import build_app

    qapp = QApplication.instance() or QApplication([])
    loop = qasync.QEventLoop(qapp)
    asyncio.set_event_loop(loop)
    app = build_app(settings_for(dovecot), workdir / "tray-data", loop)
    seen: dict[str, float] = {}

    def added(items: Any, quiet: bool) -> None:
        for item in items:
            seen.setdefault(item.title, time.monotonic())

    app.bridge.items_added.connect(added)

    async def until(cond: Callable[[], bool], timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while not cond():
            if time.monotonic() > deadline:
                return False
            await asyncio.sleep(0.01)
        return True

    async def scenario() -> float | None:
        await app.start()
        status = app.runtime.pipeline.statuses
        if not await until(
            lambda: getattr(status.get("mail:work"), "state", None) is ConnectionState.ONLINE, 30
        ):
            raise RuntimeError("the tray app did not come online")
        back = await asyncio.to_thread(outage, dovecot, down, title)
        await until(lambda: title in seen, 120)
        return seen[title] - back if title in seen else None

    try:
        return loop.run_until_complete(scenario())
    finally:
        loop.run_until_complete(app.stop())
        app.deleteLater()
        loop.close()
        asyncio.set_event_loop(None)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--front", choices=["watch", "tray", "both"], default="both")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--down", type=float, default=20.0, help="seconds Dovecot stays down")
    args = parser.parse_args()
    fronts = ["watch", "tray"] if args.front == "both" else [args.front]
    header(f"Recovery after {args.down:.0f} s of Dovecot down, {args.runs} runs per front")
    print(machine_line())
    results: dict[str, list[float]] = {f: [] for f in fronts}
    for run in range(args.runs):
        for front in fronts:
            with tempfile.TemporaryDirectory(prefix="tidings-recovery-") as tmp, Dovecot() as dovecot:
                dovecot.add_user(USER, "pw")
                title = f"{front} run {run}"
                fn = run_watch if front == "watch" else run_tray
                took = fn(dovecot, Path(tmp), args.down, title)
                shown = "never (120 s)" if took is None else f"{took:.2f} s"
                print(f"  run {run} {front:<5}: Dovecot back → mail shown {shown}", flush=True)
                if took is not None:
                    results[front].append(took)
    for front, values in results.items():
        print(f"{front:<5} {summary(values)}  (target <= 5 s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
