"""The soak: `tidings watch --json` behind two cutting proxies while mail and gateway events arrive.

A real Dovecot and the real gateway process; Tidings reaches each through its own
:class:`~harness.cutting_proxy.CuttingProxy`, which cuts every open connection at random
intervals. Mail is APPENDed straight to Dovecot and events POSTed straight to the gateway
at a steady rate (not through the proxies), each with a unique title. What counts is what
the user would see: the ``new`` lines `tidings watch --json` prints. Used by
``benchmarks/bench_soak.py`` (about 1,000 cuts) and ``tests/integration/test_soak_short.py``
(about 50). No pytest import; every process is stopped by its PID.
"""

from __future__ import annotations

import collections
import contextlib
import dataclasses
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from desktop.config.settings import GatewaySettings, MailAccount, Settings, to_toml
from harness.cutting_proxy import CuttingProxy
from harness.dovecot import Dovecot
from harness.gateway import GatewayProcess

REPO = Path(__file__).resolve().parent.parent
USER = "soak"
PASSWORD = "pw"


@dataclasses.dataclass(slots=True)
class SoakResult:
    mails_sent: int
    events_sent: int
    lost_mails: list[str]
    lost_events: list[str]
    duplicated: dict[str, int]  # title → how many times it was printed as new
    catch_up_s: float | None  # see Soak.run; None if some item never came
    imap_cuts: int
    gateway_cuts: int
    imap_connections: int
    gateway_connections: int
    statuses: dict[str, collections.Counter[str]]  # source → state → how often printed
    duration_s: float

    @property
    def lost(self) -> int:
        return len(self.lost_mails) + len(self.lost_events)

    def report(self) -> str:
        catch_up = "never (items lost)" if self.catch_up_s is None else f"{self.catch_up_s:.2f} s"
        lines = [
            f"duration            {self.duration_s:.0f} s",
            f"cuts                IMAP {self.imap_cuts}, gateway {self.gateway_cuts} "
            f"(total {self.imap_cuts + self.gateway_cuts})",
            f"connections         IMAP {self.imap_connections}, gateway {self.gateway_connections}",
            f"sent                {self.mails_sent} mails, {self.events_sent} gateway events",
            f"lost                {self.lost} (mails {len(self.lost_mails)}, events {len(self.lost_events)})",
            f"duplicated          {sum(n - 1 for n in self.duplicated.values())}",
            f"catch-up after the last cut  {catch_up}",
        ]
        for source, counts in sorted(self.statuses.items()):
            lines.append(
                f"status lines {source:<8} " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
            )
        if self.lost_mails or self.lost_events:
            lines.append(f"first lost: {(self.lost_mails + self.lost_events)[:5]}")
        return "\n".join(lines)


class _WatchOutput:
    """`tidings watch --json` stdout, read on a thread; every line kept with its arrival time."""

    def __init__(self, proc: subprocess.Popen[str]) -> None:
        assert proc.stdout is not None
        self._stdout = proc.stdout
        self.lines: list[tuple[float, dict[str, Any]]] = []
        self.first_new: dict[str, float] = {}  # title → when first printed as new
        self.new_counts: collections.Counter[str] = collections.Counter()
        self._changed = threading.Condition()
        self._thread = threading.Thread(target=self._read, name="watch-stdout", daemon=True)
        self._thread.start()

    def _read(self) -> None:
        for raw in self._stdout:
            try:
                obj = json.loads(raw)
            except ValueError:
                continue
            now = time.monotonic()
            with self._changed:
                self.lines.append((now, obj))
                if obj.get("event") == "new":
                    title = str(obj.get("title", ""))
                    self.new_counts[title] += 1
                    self.first_new.setdefault(title, now)
                self._changed.notify_all()

    def wait_for(self, pred: Callable[[], bool], timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        with self._changed:
            while not pred():
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._changed.wait(min(left, 0.5))
        return True

    def last_status(self) -> dict[str, str]:
        with self._changed:
            return {
                str(obj.get("source")): f"{obj.get('state')} {obj.get('message', '')}".strip()
                for _, obj in self.lines
                if obj.get("event") == "status"
            }

    def online(self, source: str) -> bool:
        for _, obj in reversed(self.lines):
            if obj.get("event") == "status" and obj.get("source") == source:
                return bool(obj.get("state") == "online")
        return False


class _Sender(threading.Thread):
    """Calls ``send(n)`` every ``interval`` s (steady, not drifting) until stopped; records titles."""

    def __init__(self, name: str, interval: float, send: Callable[[int], str]) -> None:
        super().__init__(name=name, daemon=True)
        self.interval = interval
        self._send = send
        self.sent: list[str] = []
        self.sent_at: dict[str, float] = {}  # title → time.monotonic() when the server took it
        self.failures = 0
        self._stop_event = threading.Event()

    def run(self) -> None:
        n = 0
        next_at = time.monotonic()
        while not self._stop_event.is_set():
            try:
                title = self._send(n)
                self.sent.append(title)
                self.sent_at[title] = time.monotonic()
                n += 1
            except Exception:
                self.failures += 1  # the server side is not under test: try again next tick
            next_at += self.interval
            self._stop_event.wait(max(0.0, next_at - time.monotonic()))

    def stop(self) -> None:
        self._stop_event.set()
        self.join(30)


def _mail(title: str) -> bytes:
    msg = EmailMessage()
    msg["From"] = "Soak Sender <soak@example.org>"
    msg["To"] = "me@example.org"
    msg["Subject"] = title
    msg.set_content(f"{title}: one of a steady stream")
    return msg.as_bytes()


class Soak:
    def __init__(
        self,
        workdir: Path,
        *,
        cuts: int = 1000,
        seed: int = 1,
        min_cut_s: float = 0.2,
        max_cut_s: float = 2.0,
        mail_interval: float = 0.5,
        event_interval: float = 0.5,
        catch_up_timeout: float = 180.0,
        tail_s: float = 3.0,
        reconnect_base_s: float | None = None,
        log: Callable[[str], None] = lambda _: None,
    ) -> None:
        self.workdir = workdir
        self.cuts = cuts
        self.seed = seed
        self.min_cut_s, self.max_cut_s = min_cut_s, max_cut_s
        self.mail_interval = mail_interval
        self.event_interval = event_interval
        self.catch_up_timeout = catch_up_timeout
        self.tail_s = tail_s
        # None: the production reconnect delays (the benchmark); else the sources' first delay
        # (harness/quick_watch.py), so a short soak does not spend its time waiting to reconnect.
        self.reconnect_base_s = reconnect_base_s
        self.log = log

    def run(self) -> SoakResult:
        """Cut, send, then cut both links at once and send ``tail_s`` longer.

        Catch-up time: the longest wait for an item counted from the later of its sending
        and that last cut, i.e. how long after the last cut the backlog and the new items
        took to be printed.
        """
        self.workdir.mkdir(parents=True, exist_ok=True)
        started = time.monotonic()
        with contextlib.ExitStack() as stack:
            dovecot = stack.enter_context(Dovecot())
            dovecot.add_user(USER, PASSWORD)
            gateway = GatewayProcess(self.workdir / "gateway.db")
            stack.callback(gateway.stop)
            gateway.start()
            gateway.add_user(USER, "Soak User")
            token = gateway.issue_token(USER)
            secret = gateway.add_integration("feeds")
            imap_proxy = stack.enter_context(CuttingProxy("127.0.0.1", dovecot.imap_port, seed=self.seed))
            gw_proxy = stack.enter_context(CuttingProxy("127.0.0.1", gateway.port, seed=self.seed + 1))
            proc = self._start_watch(imap_proxy.port, gw_proxy.port, token)
            stack.callback(self._stop_watch, proc)
            out = _WatchOutput(proc)
            mail_source, gw_source = "mail:soak", "gateway"
            if not out.wait_for(lambda: out.online(mail_source) and out.online(gw_source), 60):
                raise RuntimeError(f"tidings watch did not come online: {out.lines[-5:]}")

            def send_mail(n: int) -> str:
                title = f"soak mail {n}"
                dovecot.append(USER, _mail(title))
                return title

            def send_event(n: int) -> str:
                title = f"soak event {n}"
                data = {"announcement": {"id": f"soak-{n}", "title": title}}
                gateway.post_event("feeds", secret, "announcement", data, recipients=[USER])
                return title

            mails = _Sender("soak-mail", self.mail_interval, send_mail)
            events = _Sender("soak-events", self.event_interval, send_event)
            mails.start()
            events.start()
            stack.callback(mails.stop)
            stack.callback(events.stop)
            # Half the cuts on each link, each on its own seeded schedule; the last one cuts
            # both links at once.
            imap_proxy.cut_randomly(self.min_cut_s, self.max_cut_s, max_cuts=max(0, self.cuts // 2 - 1))
            gw_proxy.cut_randomly(
                self.min_cut_s, self.max_cut_s, max_cuts=max(0, self.cuts - self.cuts // 2 - 1)
            )
            # A cut counts only if it closed a connection: a client that stopped connecting
            # (the old "wrong password" after a cut in LOGIN) would make the cuts run forever.
            deadline = time.monotonic() + self.cuts * self.max_cut_s + 60
            for proxy, name in ((imap_proxy, "IMAP"), (gw_proxy, "gateway")):
                while not proxy.wait_cutting_done(10):
                    self.log(
                        f"{name}: {proxy.stats.cuts} cuts, printed {len(out.first_new)} of "
                        f"{len(mails.sent) + len(events.sent)}; last status {out.last_status()}"
                    )
                    if time.monotonic() > deadline:
                        self.log(f"{name}: out of time, stopping the cuts: the client reconnects too seldom")
                        proxy.stop_cutting()
            for proxy in (imap_proxy, gw_proxy):
                proxy.wait_open(1, 30)  # reconnected after its last random cut
            imap_proxy.cut_all()
            gw_proxy.cut_all()
            # Keep sending a little: what is sent after the last cut arrives only once the
            # sources have reconnected, so the catch-up time measures the recovery.
            time.sleep(self.tail_s)
            mails.stop()
            events.stop()
            last_cut = max(imap_proxy.stats.last_cut, gw_proxy.stats.last_cut)
            sent = mails.sent + events.sent
            out.wait_for(lambda: all(t in out.first_new for t in sent), self.catch_up_timeout)
            time.sleep(1.0)  # let a duplicate printed right after the last item show up
            with out._changed:
                lost_mails = [t for t in mails.sent if t not in out.first_new]
                lost_events = [t for t in events.sent if t not in out.first_new]
                duplicated = {t: n for t, n in out.new_counts.items() if n > 1}
                # Each item counts from the later of its sending and the last cut: the
                # backlog from the cut, what was sent after it from its own sending.
                sent_at = mails.sent_at | events.sent_at
                catch_up = None
                if not lost_mails and not lost_events and sent:
                    catch_up = max(out.first_new[t] - max(sent_at[t], last_cut) for t in sent)
                statuses: dict[str, collections.Counter[str]] = {}
                for _, obj in out.lines:
                    if obj.get("event") == "status":
                        statuses.setdefault(str(obj.get("source")), collections.Counter())[
                            str(obj.get("state"))
                        ] += 1
            return SoakResult(
                mails_sent=len(mails.sent),
                events_sent=len(events.sent),
                lost_mails=lost_mails,
                lost_events=lost_events,
                duplicated=duplicated,
                catch_up_s=catch_up,
                imap_cuts=imap_proxy.stats.cuts,
                gateway_cuts=gw_proxy.stats.cuts,
                imap_connections=imap_proxy.stats.connections,
                gateway_connections=gw_proxy.stats.connections,
                statuses=statuses,
                duration_s=time.monotonic() - started,
            )

    def _start_watch(self, imap_port: int, gateway_port: int, token: str) -> subprocess.Popen[str]:
        settings = Settings(
            mail=[
                MailAccount(
                    name="soak",
                    host="127.0.0.1",
                    username=USER,
                    security="plain",
                    port=imap_port,
                    password_command=f"printf {PASSWORD}",
                )
            ],
            gateway=GatewaySettings(url=f"ws://127.0.0.1:{gateway_port}", token_command=f"printf %s {token}"),
        )
        config = self.workdir / "settings.toml"
        config.write_text(to_toml(settings), encoding="utf-8")
        stderr = (self.workdir / "watch.log").open("w")
        env = {**os.environ, "PYTHONUNBUFFERED": "1", "NO_PROXY": "127.0.0.1"}
        command = [sys.executable, "-m", "desktop.app.cli"]
        if self.reconnect_base_s is not None:
            command = [sys.executable, "-m", "harness.quick_watch", str(self.reconnect_base_s)]
        try:
            return subprocess.Popen(
                [*command, "--config", str(config), "--data-dir", str(self.workdir / "data"), "watch", "--json"],
                cwd=REPO, stdout=subprocess.PIPE, stderr=stderr, text=True, env=env,
            )  # fmt: skip
        finally:
            stderr.close()

    @staticmethod
    def _stop_watch(proc: subprocess.Popen[str]) -> None:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(5)
