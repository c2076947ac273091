"""Idle footprint of the real tray app: memory and CPU with 10,000 stored items.

    .venv/bin/python benchmarks/bench_idle.py                 # 60 s after a 5 s settle
    .venv/bin/python benchmarks/bench_idle.py --seconds 300 --items 10000

Runs `python -m desktop.app.cli --config ... --data-dir ...` as a subprocess under a harness
DesktopSession with trayer (Xvfb + D-Bus + dunst + trayer). The config has one Dovecot
account (plaintext loopback; 20 mails waiting, imported quietly by the first sync); the
store file was pre-filled before the start with Store.add_items of --items synthetic
items in one call. The window stays hidden (tray only), as after a normal start.

Once the tray icon is painted (X polled from outside) and Dovecot has logged the app's
login, it settles --settle s, then samples /proc/PID once a second for --seconds:
VmRSS and VmHWM (status), RssAnon/RssFile, Pss (smaps_rollup, shared Qt pages
split with other processes), CPU% = delta(utime+stime)/delta(wall) from /proc/PID/stat
(all threads), voluntary context switches of all threads (≈ wake-ups) and threads.
Targets (issue): < 80 MB RSS; no CPU beyond keepalives.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import argparse  # noqa: E402
import os  # noqa: E402
import shutil  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402

from benchmarks._common import (  # noqa: E402
    CLK_TCK,
    context_switches,
    cpu_ticks,
    fill_store,
    header,
    machine_line,
    raw_mail,
    status_kb,
    stop_process,
    thread_count,
    verdict,
    write_mail_settings,
)
from benchmarks._xtray import App, TrayWatcher  # noqa: E402
from benchmarks.bench_startup import BARE_TRAY  # noqa: E402

TARGET_RSS_MB = 80.0
USER, PASSWORD = "bench", "pw"


def pss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--settle", type=float, default=5.0)
    parser.add_argument("--items", type=int, default=10_000)
    args = parser.parse_args()

    from harness.desktop_session import DesktopSession
    from harness.dovecot import Dovecot

    tmp = Path(tempfile.mkdtemp(prefix="tidings-bench-idle-"))
    samples: list[dict[str, float]] = []
    info: dict[str, object] = {}
    try:
        data = tmp / "data"
        data.mkdir()
        took = fill_store(data / "inbox.sqlite3", args.items)
        info["fill"] = took
        with DesktopSession(tray=True) as desk, Dovecot() as dovecot:
            dovecot.add_user(USER, PASSWORD)
            for n in range(20):
                dovecot.append(USER, raw_mail(f"Waiting mail {n}", n))
            config = tmp / "settings.toml"
            write_mail_settings(config, dovecot.imap_port, USER, PASSWORD)
            logins_before = dovecot.login_successes(USER)
            watcher = TrayWatcher(desk.display)
            app = App(config, data, desk.env, tmp / "app.log")
            try:
                deadline = time.monotonic() + 30
                shown = False
                while time.monotonic() < deadline and not shown:
                    shown = watcher.poll()[1]
                    time.sleep(0.02)
                while time.monotonic() < deadline and dovecot.login_successes(USER) <= logins_before:
                    time.sleep(0.05)
                info["tray_shown"] = shown
                info["logged_in"] = dovecot.login_successes(USER) > logins_before
                watcher.close()  # our X client must not add work for the app's X connection
                time.sleep(args.settle)
                pid = app.pid
                prev_t, prev_ticks, prev_cs = time.monotonic(), cpu_ticks(pid), context_switches(pid)
                start_t, start_ticks, start_cs = prev_t, prev_ticks, prev_cs
                for _ in range(args.seconds):
                    time.sleep(max(0.0, prev_t + 1.0 - time.monotonic()))
                    if app.proc.poll() is not None:
                        info["died"] = app.proc.returncode
                        break
                    t, ticks, cs = time.monotonic(), cpu_ticks(pid), context_switches(pid)
                    samples.append({
                        "cpu": (ticks - prev_ticks) / CLK_TCK / (t - prev_t) * 100,
                        "rss": status_kb(pid, "VmRSS") / 1024,
                        "hwm": status_kb(pid, "VmHWM") / 1024,
                        "anon": status_kb(pid, "RssAnon") / 1024,
                        "file": status_kb(pid, "RssFile") / 1024,
                        "pss": pss_kb(pid) / 1024,
                        "cs": (cs - prev_cs) / (t - prev_t),
                        "threads": thread_count(pid),
                    })  # fmt: skip
                    prev_t, prev_ticks, prev_cs = t, ticks, cs
                info["total_cpu_pct"] = (
                    (prev_ticks - start_ticks) / CLK_TCK / max(prev_t - start_t, 1e-9) * 100
                )
                info["total_cpu_s"] = (prev_ticks - start_ticks) / CLK_TCK
                info["total_cs"] = prev_cs - start_cs
                info["window"] = prev_t - start_t
                info["errors"] = [line for _t, line in app.lines if " ERROR " in line or "Traceback" in line]
            finally:
                app.stop()
            # Reference: a bare PySide6 tray icon (QApplication + QSystemTrayIcon) in the same session.
            bare = subprocess.Popen([sys.executable, "-c", BARE_TRAY], env={**os.environ, **desk.env, "QT_QPA_PLATFORM": "xcb"},
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
            try:
                time.sleep(args.settle + 2)
                info["bare_rss"] = status_kb(bare.pid, "VmRSS") / 1024
                info["bare_anon"] = status_kb(bare.pid, "RssAnon") / 1024
            finally:
                stop_process(bare)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    header(f"Idle tray app: {args.items:,} stored items, one IMAP account in IDLE, window hidden")
    print(f"machine: {machine_line()}")
    print(f"store pre-filled in {info.get('fill', 0):.1f} s; tray icon shown: {info.get('tray_shown')}; "
          f"IMAP login seen by Dovecot: {info.get('logged_in')}; settle {args.settle:.0f} s; "
          f"sampled {len(samples)} x 1 s")  # fmt: skip
    if info.get("died") is not None:
        print(f"  THE APP EXITED with {info['died']}")
    for line in info.get("errors", []) or []:  # type: ignore[union-attr]
        print(f"  app log: {line}")
    if not samples:
        return 1

    def col(key: str) -> list[float]:
        return [s[key] for s in samples]

    def row(label: str, key: str, unit: str) -> None:
        v = col(key)
        print(
            f"  {label:34s} min {min(v):7.2f}  median {statistics.median(v):7.2f}  max {max(v):7.2f} {unit}"
        )

    print()
    row("VmRSS", "rss", "MB")
    row("VmHWM (peak RSS so far)", "hwm", "MB")
    row("  RssAnon (private heap)", "anon", "MB")
    row("  RssFile (mapped libraries)", "file", "MB")
    row("Pss (shared pages split)", "pss", "MB")
    row("CPU per 1 s sample", "cpu", "%")
    row("voluntary context switches", "cs", "/s")
    row("threads", "threads", "")
    cpu = col("cpu")
    busy = sum(1 for c in cpu if c > 0)
    print(f"  CPU over the whole {info['window']:.0f} s: {info['total_cpu_s']:.2f} s = {info['total_cpu_pct']:.3f} %; "
          f"samples with any tick: {busy}/{len(cpu)} (1 tick = {1000 / CLK_TCK:.0f} ms); "
          f"{info['total_cs']} wake-ups in total")  # fmt: skip
    print("  CPU % per second: " + " ".join(f"{c:.0f}" for c in cpu))
    if "bare_rss" in info:
        print(f"  reference: a bare PySide6 tray icon in the same session: VmRSS {info['bare_rss']:.1f} MB "
              f"(RssAnon {info['bare_anon']:.1f} MB)")  # fmt: skip
    rss, hwm = max(col("rss")), max(col("hwm"))
    print()
    print(f"  target: RSS < {TARGET_RSS_MB:.0f} MB -> max VmRSS {rss:.1f} MB: {verdict(rss, TARGET_RSS_MB)}; "
          f"VmHWM {hwm:.1f} MB: {verdict(hwm, TARGET_RSS_MB)}")  # fmt: skip
    print(
        "  target: no CPU beyond keepalives -> judge from the CPU and wake-up lines above "
        "(IMAP IDLE is refreshed every 10 min; the clock-jump timer ticks every 10 s)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
