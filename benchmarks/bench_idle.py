"""Idle footprint of the real tray app: two mail accounts, the gateway, 10,000 stored items.

    .venv/bin/python benchmarks/bench_idle.py                 # 60 s after a 5 s settle
    .venv/bin/python benchmarks/bench_idle.py --seconds 300 --items 10000
    .venv/bin/python benchmarks/bench_idle.py --accounts 1 --no-gateway   # the older setup
    .venv/bin/python benchmarks/bench_idle.py --bundle build/bundle/dist/tidings/tidings

Runs `python -m desktop.app.cli --config ... --data-dir ...` (or the bundle) as a subprocess
under a harness DesktopSession with trayer (Xvfb + D-Bus + dunst + trayer). The config has
--accounts Dovecot accounts (plaintext loopback; 20 mails waiting in each, imported quietly
by the first sync) and the reference gateway (a harness GatewayProcess, token by command);
the store file was pre-filled before the start with Store.add_items of --items synthetic
items in one call. As on a desktop with NetworkManager, a fake one
(harness/network_manager.py) is on a stand-in system bus (DBUS_SYSTEM_BUS_ADDRESS) unless
--no-network-manager. The window stays hidden (tray only), as after a normal start.

The package's bytecode is written first (compileall), as an installed wheel has it.
Once the tray icon is painted (X polled from outside), Dovecot has logged every account's
login and the gateway has accepted the websocket, it settles --settle s, then samples
/proc/PID once a second for --seconds: VmRSS and VmHWM (status), RssAnon/RssFile, and from
smaps_rollup Pss (shared pages split between the processes that map them), Private
(clean + dirty: what this process alone costs) and Shared; CPU% = delta(utime+stime) /
delta(wall) from /proc/PID/stat (all threads), voluntary context switches of all threads
(≈ wake-ups) and threads.
Targets (issue 9): <= 75 MB RSS, PSS reported; no CPU beyond keepalives.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import argparse  # noqa: E402
import compileall  # noqa: E402
import contextlib  # noqa: E402
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
    memory_breakdown,
    raw_mail,
    smaps_rollup_kb,
    status_kb,
    stop_process,
    store_passwords_in_keyring,
    tcp_peers,
    thread_count,
    verdict,
    write_settings,
)
from benchmarks._xtray import App, TrayWatcher  # noqa: E402
from benchmarks.bench_startup import BARE_TRAY  # noqa: E402

TARGET_RSS_MB = 75.0
PASSWORD = "pw"


def precompile() -> None:
    """Write the package's bytecode first, as an installed wheel has it. Without it (a
    checkout run with PYTHONDONTWRITEBYTECODE=1, as this machine's shells are) every start
    compiles desktop/ from source, and the compiler's leftovers cost ~0.7 MB at idle."""
    compileall.compile_dir(str(ROOT / "desktop"), quiet=1)


def memory_mb(pid: int) -> dict[str, float]:
    roll = smaps_rollup_kb(pid)
    return {
        "pss": roll.get("Pss", 0) / 1024,
        "private": (roll.get("Private_Clean", 0) + roll.get("Private_Dirty", 0)) / 1024,
        "shared": (roll.get("Shared_Clean", 0) + roll.get("Shared_Dirty", 0)) / 1024,
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--settle", type=float, default=5.0)
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--accounts", type=int, default=2, help="mail accounts (Dovecot users)")
    parser.add_argument("--no-gateway", action="store_true", help="no gateway in the settings")
    parser.add_argument("--no-network-manager", action="store_true",
                        help="no stand-in system bus with a fake NetworkManager (as on a desktop without it)")  # fmt: skip
    parser.add_argument("--breakdown", type=int, default=12, metavar="N",
                        help="print the N largest kinds of mapping at the end (0: none)")  # fmt: skip
    parser.add_argument("--bundle", type=Path, metavar="EXE", help="measure this bundled tidings executable")
    parser.add_argument("--keyring", action="store_true",
                        help="the accounts' passwords in the Secret Service (gnome-keyring), not commands")  # fmt: skip
    parser.add_argument("--env", action="append", default=[], metavar="NAME=VALUE",
                        help="extra environment for the app (e.g. MALLOC_ARENA_MAX=2), to compare")  # fmt: skip
    args = parser.parse_args()

    from harness.desktop_session import DesktopSession
    from harness.dovecot import Dovecot
    from harness.gateway import GatewayProcess
    from harness.network_manager import FakeNetworkManager

    tmp = Path(tempfile.mkdtemp(prefix="tidings-bench-idle-"))
    samples: list[dict[str, float]] = []
    info: dict[str, object] = {}
    gateway = None
    try:
        data = tmp / "data"
        data.mkdir()
        took = fill_store(data / "inbox.sqlite3", args.items)
        info["fill"] = took
        gateway = None if args.no_gateway else GatewayProcess(tmp / "gateway.sqlite3")
        network_manager = contextlib.nullcontext() if args.no_network_manager else FakeNetworkManager()
        keyring = "bench-keyring" if args.keyring else None
        with (
            DesktopSession(tray=True, keyring_password=keyring) as desk,
            Dovecot() as dovecot,
            network_manager as nm,
        ):
            users = [f"bench{n + 1}" for n in range(args.accounts)]
            for user in users:
                dovecot.add_user(user, PASSWORD)
                for n in range(20):
                    dovecot.append(user, raw_mail(f"Waiting mail {n}", n))
            config = tmp / "settings.toml"
            if gateway is not None:
                gateway.add_user("bench")
                token = gateway.issue_token("bench")
                gateway.start()
                write_settings(config, dovecot.imap_port, [(u, PASSWORD) for u in users], gateway.url, token)
            else:
                write_settings(config, dovecot.imap_port, [(u, PASSWORD) for u in users])
            if args.keyring:
                base = (
                    [str(args.bundle.resolve())] if args.bundle else [sys.executable, "-m", "desktop.app.cli"]
                )
                names = ["work" if n == 0 else f"work{n + 1}" for n in range(len(users))]
                store_passwords_in_keyring(config, base, desk.env, dict.fromkeys(names, PASSWORD))
            watcher = TrayWatcher(desk.display)
            extra_env = dict(e.split("=", 1) for e in args.env)
            if nm is not None:
                extra_env.setdefault("DBUS_SYSTEM_BUS_ADDRESS", nm.address)
            command = [str(args.bundle.resolve())] if args.bundle else None
            if command is None:
                precompile()
            app = App(config, data, {**desk.env, **extra_env}, tmp / "app.log", command)

            def connected() -> bool:
                mail = all(dovecot.login_successes(u) >= 1 for u in users)
                return mail and (gateway is None or gateway.port in tcp_peers(app.pid))

            try:
                deadline = time.monotonic() + 30
                shown = False
                while time.monotonic() < deadline and not shown:
                    shown = watcher.poll()[1]
                    time.sleep(0.02)
                while time.monotonic() < deadline and not connected():
                    time.sleep(0.05)
                info["tray_shown"] = shown
                info["logged_in"] = connected()
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
                        **memory_mb(pid),
                        "cpu": (ticks - prev_ticks) / CLK_TCK / (t - prev_t) * 100,
                        "rss": status_kb(pid, "VmRSS") / 1024,
                        "hwm": status_kb(pid, "VmHWM") / 1024,
                        "anon": status_kb(pid, "RssAnon") / 1024,
                        "file": status_kb(pid, "RssFile") / 1024,
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
                info["breakdown"] = memory_breakdown(pid) if args.breakdown else []
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
                info["bare_pss"] = memory_mb(bare.pid)["pss"]
                # The same mappings in the bare icon, to show what the app adds to each.
                info["bare_breakdown"] = {name: rss for name, rss, _pss in memory_breakdown(bare.pid)}
            finally:
                stop_process(bare)
    finally:
        if gateway is not None:
            gateway.stop()
        shutil.rmtree(tmp, ignore_errors=True)

    what = f"the bundle {args.bundle}" if args.bundle else "tray app"
    gw = "" if args.no_gateway else " and the gateway"
    gw += "" if args.no_network_manager else ", NetworkManager (a fake one on a stand-in system bus)"
    extra = ", passwords in the Secret Service" if args.keyring else ", passwords by command"
    extra += f", env {' '.join(args.env)}" if args.env else ""
    header(f"Idle {what}: {args.items:,} stored items, {args.accounts} IMAP account(s) in IDLE{gw}, "
           f"window hidden{extra}")  # fmt: skip
    print(f"machine: {machine_line()}")
    print(f"store pre-filled in {info.get('fill', 0):.1f} s; tray icon shown: {info.get('tray_shown')}; "
          f"every login seen (Dovecot, gateway): {info.get('logged_in')}; settle {args.settle:.0f} s; "
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
    row("  Private (clean + dirty)", "private", "MB")
    row("  Shared (clean + dirty)", "shared", "MB")
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
              f"(RssAnon {info['bare_anon']:.1f} MB, Pss {info['bare_pss']:.1f} MB)")  # fmt: skip
    breakdown = info.get("breakdown") or []
    if breakdown:
        bare_kb: dict[str, int] = info.get("bare_breakdown") or {}  # type: ignore[assignment]
        print(
            f"  where it is at the end (the {args.breakdown} largest, Rss / Pss / Rss over the bare icon, MB):"
        )
        for name, rss_kb, pss_kb in breakdown[: args.breakdown]:  # type: ignore[index]
            over = f"{(rss_kb - bare_kb.get(name, 0)) / 1024:+7.1f}" if bare_kb else ""
            print(f"    {rss_kb / 1024:7.1f} {pss_kb / 1024:7.1f} {over}  {name}")
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
