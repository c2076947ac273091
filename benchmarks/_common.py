"""Helpers shared by the Tidings benchmarks (not a benchmark itself).

Figures only: nothing here asserts a timing. Every child process a benchmark starts
is stopped by its PID; see each script's ``finally``.
"""

from __future__ import annotations

import contextlib
import math
import os
import random
import signal
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

CLK_TCK = os.sysconf("SC_CLK_TCK")


# -- statistics -------------------------------------------------------------------------


def pct(values: Sequence[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100): with 50 samples p99 is the maximum."""
    if not values:
        return math.nan
    s = sorted(values)
    k = max(1, math.ceil(p / 100 * len(s)))
    return s[min(k, len(s)) - 1]


def summary(values: Sequence[float]) -> str:
    if not values:
        return "no samples"
    return (
        f"n={len(values)}  min {min(values):7.2f}  p50 {pct(values, 50):7.2f}  "
        f"mean {statistics.fmean(values):7.2f}  p90 {pct(values, 90):7.2f}  "
        f"p99 {pct(values, 99):7.2f}  max {max(values):7.2f}"
    )


def verdict(value: float, target: float, lower_is_better: bool = True) -> str:
    if math.isnan(value):
        return "n/a"
    ok = value < target if lower_is_better else value > target
    return "meets target" if ok else "MISSES target"


def header(title: str) -> None:
    print()
    print(title)
    print("=" * len(title))


def machine_line() -> str:
    load = os.getloadavg()
    return f"{os.cpu_count()} CPUs, loadavg {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}, python {sys.version.split()[0]}"


# -- /proc -------------------------------------------------------------------------------


def cpu_ticks(pid: int) -> int:
    """utime + stime of the whole process (all threads), in clock ticks."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # fields 14 and 15 of stat(5)


def status_kb(pid: int, key: str) -> int:
    with open(f"/proc/{pid}/status", encoding="ascii") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return 0


def context_switches(pid: int) -> int:
    """Voluntary context switches summed over every thread: roughly, wake-ups."""
    total = 0
    with contextlib.suppress(FileNotFoundError):
        for tid in os.listdir(f"/proc/{pid}/task"):
            with contextlib.suppress(FileNotFoundError), open(f"/proc/{pid}/task/{tid}/status") as f:
                for line in f:
                    if line.startswith("voluntary_ctxt_switches:"):
                        total += int(line.split()[1])
    return total


def thread_count(pid: int) -> int:
    with contextlib.suppress(FileNotFoundError):
        return len(os.listdir(f"/proc/{pid}/task"))
    return 0


def smaps_rollup_kb(pid: int) -> dict[str, int]:
    """/proc/PID/smaps_rollup in kB: Rss, Pss, Private_* and Shared_* (clean and dirty)."""
    out: dict[str, int] = {}
    with contextlib.suppress(OSError), open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as f:
        for line in f:
            key, _, rest = line.partition(":")
            fields = rest.split()
            if len(fields) == 2 and fields[1] == "kB":
                out[key] = int(fields[0])
    return out


def memory_breakdown(pid: int) -> list[tuple[str, int, int]]:
    """(what, Rss kB, Pss kB) per kind of mapping, largest first: each file by name, [heap]
    (the main malloc arena), thread stacks (the mappings holding a thread's stack pointer),
    other malloc arenas (anonymous, 64 MiB-aligned) and other anonymous memory (Python's
    object arenas, large objects, Qt, SQLite's page cache...)."""
    totals: dict[str, list[int]] = {}
    current = ""
    size = 0
    # Each blocked thread's stack pointer (/proc/PID/task/TID/syscall: number, 6 args, sp,
    # pc) names the mapping that is its stack.
    stack_pointers = []
    with contextlib.suppress(OSError):
        for tid in os.listdir(f"/proc/{pid}/task"):
            with contextlib.suppress(OSError, ValueError), open(f"/proc/{pid}/task/{tid}/syscall") as f:
                fields = f.read().split()
                if len(fields) == 9:
                    stack_pointers.append(int(fields[7], 16))
    with open(f"/proc/{pid}/smaps", encoding="utf-8", errors="replace") as f:
        for line in f:
            head = line.split(None, 5)
            if "-" in head[0] and len(head) >= 5 and not head[0].endswith(":"):
                start, end = (int(x, 16) for x in head[0].split("-"))
                size = end - start
                name = head[5].strip() if len(head) == 6 else ""
                if not name:
                    if any(start <= sp < end for sp in stack_pointers):
                        name = "[thread stacks]"
                    elif start % (64 << 20) == 0 and size <= 64 << 20:
                        name = "[malloc arenas of threads]"
                    else:
                        name = "[other anonymous: Python objects, Qt, SQLite cache...]"
                current = name
                totals.setdefault(current, [0, 0])
            elif head[0] == "Rss:":
                totals[current][0] += int(head[1])
            elif head[0] == "Pss:":
                totals[current][1] += int(head[1])
    rows = [(name, rss, pss) for name, (rss, pss) in totals.items()]
    return sorted(rows, key=lambda r: -r[1])


def tcp_peers(pid: int) -> list[int]:
    """Remote ports of the process's established IPv4 TCP connections (its socket inodes
    matched with /proc/PID/net/tcp)."""
    inodes = set()
    with contextlib.suppress(OSError):
        for fd in os.listdir(f"/proc/{pid}/fd"):
            with contextlib.suppress(OSError):
                target = os.readlink(f"/proc/{pid}/fd/{fd}")
                if target.startswith("socket:["):
                    inodes.add(target[8:-1])
    ports = []
    with contextlib.suppress(OSError), open(f"/proc/{pid}/net/tcp", encoding="ascii") as f:
        next(f)
        for line in f:
            fields = line.split()
            if fields[3] == "01" and fields[9] in inodes:  # 01: ESTABLISHED
                ports.append(int(fields[2].rsplit(":", 1)[1], 16))
    return ports


def stop_process(proc: subprocess.Popen[bytes], timeout: float = 10.0) -> None:
    """SIGTERM by PID, then SIGKILL by PID."""
    if proc.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.kill(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=5)


class LoginProbe:
    """A TCP relay in front of an IMAP server that notes when (``time.perf_counter``) each
    LOGIN or AUTHENTICATE command arrives from a client: "launch -> first IMAP login" seen
    on the wire, without relying on the server's log timestamps (whole seconds in Dovecot's).
    Point the client at ``port``; every byte is passed on unchanged."""

    COMMANDS = (b" LOGIN ", b" AUTHENTICATE ")

    def __init__(self, target_port: int, host: str = "127.0.0.1") -> None:
        import socket
        import threading

        self.target = (host, target_port)
        self.logins: list[float] = []
        self._lock = threading.Lock()
        self._server = socket.create_server((host, 0))
        self.port: int = self._server.getsockname()[1]
        self._sockets: list[socket.socket] = []
        self._closed = False
        threading.Thread(target=self._accept, name="login-probe", daemon=True).start()

    def _accept(self) -> None:
        import socket
        import threading

        while not self._closed:
            try:
                client, _addr = self._server.accept()
            except OSError:
                return
            try:
                server = socket.create_connection(self.target, timeout=10)
            except OSError:
                client.close()
                continue
            server.settimeout(None)
            with self._lock:
                self._sockets += [client, server]
            threading.Thread(target=self._pump, args=(client, server, True), daemon=True).start()
            threading.Thread(target=self._pump, args=(server, client, False), daemon=True).start()

    def _pump(self, src: object, dst: object, from_client: bool) -> None:
        import socket

        assert isinstance(src, socket.socket) and isinstance(dst, socket.socket)
        tail = b""
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                if from_client:
                    window = (tail + data).upper()
                    if any(c in window for c in self.COMMANDS):
                        self.logins.append(time.perf_counter())
                    tail = data[-16:]
                dst.sendall(data)
        except OSError:
            pass
        finally:
            with contextlib.suppress(OSError):
                dst.shutdown(socket.SHUT_WR)

    def first_after(self, t0: float) -> float | None:
        """Seconds from ``t0`` to the first login command seen after it."""
        later = [t for t in self.logins if t >= t0]
        return min(later) - t0 if later else None

    def close(self) -> None:
        self._closed = True
        self._server.close()
        with self._lock:
            for sock in self._sockets:
                with contextlib.suppress(OSError):
                    sock.close()


# -- synthetic content ------------------------------------------------------------------

SENDERS = [
    "Ann Lee <ann@example.org>",
    "Bob Martin <bob@example.com>",
    "王伟 <wang.wei@example.cn>",
    "Lisa Chen <lisa@example.org>",
    "Omar Haddad <omar@example.net>",
    "Aiko Tanaka <aiko@example.jp>",
    "GitHub <noreply@github.com>",
    "Jira <jira@example.atlassian.net>",
    "张敏 <zhang.min@example.cn>",
    "Priya Nair <priya@example.in>",
]
EN_WORDS = [
    "meeting",
    "review",
    "release",
    "budget",
    "invoice",
    "contract",
    "draft",
    "update",
    "report",
    "quarterly",
    "planning",
    "roadmap",
    "design",
    "security",
    "incident",
    "deploy",
    "staging",
    "production",
    "customer",
    "feedback",
    "hiring",
    "offsite",
    "travel",
    "expense",
    "approval",
    "reminder",
    "agenda",
    "notes",
    "summary",
    "weekly",
    "status",
    "question",
    "proposal",
    "launch",
    "migration",
    "database",
    "outage",
    "postmortem",
    "benchmark",
    "latency",
    "dashboard",
]
# Words that appear in very few items: the "rare word" queries.
RARE_WORDS = ["zephyrine", "quokkalake", "marmalux"]
ZH_PHRASES = [
    "会议纪要", "报销单", "项目进度", "周报", "请假申请", "采购订单", "发布计划", "安全事件",
    "客户反馈", "午饭", "预算审批", "合同草案", "服务器", "数据库迁移", "团队建设", "季度总结",
]  # fmt: skip
ZH_RARE = ["麒麟", "琥珀湾"]  # 2-char and 3-char rare CJK words
JA_PHRASES = ["打ち合わせ", "資料の確認", "出張申請"]


def synthetic_text(rng: random.Random, n: int) -> tuple[str, str]:
    """(title, preview) with a mix of English, Chinese and a little Japanese."""
    roll = rng.random()
    if roll < 0.25:
        title = "".join(rng.sample(ZH_PHRASES, 2)) + f" 第{n % 97}期"
        preview = "，".join(rng.sample(ZH_PHRASES, 4)) + "。请查收附件并回复。"
    elif roll < 0.30:
        title = rng.choice(JA_PHRASES) + f" #{n}"
        preview = "よろしくお願いします。" + " ".join(rng.sample(EN_WORDS, 5))
    else:
        title = " ".join(w.capitalize() if i == 0 else w for i, w in enumerate(rng.sample(EN_WORDS, 4)))
        title += f" #{n}"
        preview = " ".join(rng.choice(EN_WORDS) for _ in range(30)) + "."
    # ~1 in 20,000 items carries each rare word
    if n % 20011 == 7:
        title += " " + RARE_WORDS[(n // 20011) % len(RARE_WORDS)]
    if n % 25013 == 11:
        preview += " " + ZH_RARE[(n // 25013) % len(ZH_RARE)]
    return title, preview


def synthetic_items(count: int, seed: int = 1, account: str = "archive", kinds: bool = True) -> list:
    """``count`` stored-looking items, newest last. Mostly mail; with ``kinds`` some
    chat (one row per conversation is listed), approvals, tasks and announcements.

    Mail ids use UIDVALIDITY 1, which no live Dovecot folder has (Dovecot uses a
    timestamp), so a running ImapSource never treats them as its own."""
    from desktop.core.item import Action, Item, Kind, Urgency

    rng = random.Random(seed)
    now = datetime.now(UTC)
    items = []
    for n in range(count):
        title, preview = synthetic_text(rng, n)
        sender = rng.choice(SENDERS)
        when = now - timedelta(seconds=(count - n) * 37 + rng.random())
        unread = rng.random() < 0.05
        kind = Kind.MAIL
        if kinds:
            r = rng.random()
            kind = (
                Kind.CHAT if r < 0.15 else Kind.APPROVAL if r < 0.18 else Kind.TASK if r < 0.20
                else Kind.ANNOUNCEMENT if r < 0.21 else Kind.MAIL
            )  # fmt: skip
        if kind is Kind.MAIL:
            items.append(
                Item(
                    id=f"mail:{account}:INBOX:1:{n + 1}",
                    source=f"mail:{account}",
                    kind=kind,
                    sender=sender,
                    title=title,
                    preview=preview,
                    time=when,
                    unread=unread,
                    actions=(Action.MARK_READ, Action.OPEN_EXTERNAL, Action.OPEN),
                    payload={
                        "account": account,
                        "folder": "INBOX",
                        "uidvalidity": 1,
                        "uid": n + 1,
                        "message_id": f"<{n}@bench.example>",
                        "to": "me@example.org",
                    },
                )
            )
        elif kind is Kind.CHAT:
            conv = f"c{rng.randrange(300)}"
            items.append(
                Item(
                    id=f"gw:msg:bench-{n}",
                    source="gateway",
                    kind=kind,
                    sender=sender.split("<")[0].strip(),
                    title=f"Conversation {conv}",
                    preview=preview[:200],
                    time=when,
                    unread=unread,
                    thread_key=f"chat:{conv}",
                    payload={
                        "conversation": {"id": conv, "title": f"Conversation {conv}", "kind": "group"},
                        "message": {"id": f"bench-{n}", "text": preview},
                    },
                )
            )
        else:
            prefix = {Kind.APPROVAL: "approval", Kind.TASK: "task", Kind.ANNOUNCEMENT: "announcement"}[kind]
            items.append(
                Item(
                    id=f"gw:{prefix}:bench-{n}",
                    source="gateway",
                    kind=kind,
                    sender=sender.split("<")[0].strip(),
                    title=title,
                    preview=preview[:200],
                    time=when,
                    unread=unread,
                    state="approved" if kind is Kind.APPROVAL else "",
                    urgency=Urgency.NORMAL,
                    payload={},
                )
            )
    return items


def fill_store(path: Path, count: int, seed: int = 1, kinds: bool = True) -> float:
    """Create the store file with ``count`` items in one ``Store.add_items`` call; seconds taken."""
    from desktop.store import Store

    items = synthetic_items(count, seed=seed, kinds=kinds)
    store = Store(path)
    try:
        t0 = time.perf_counter()
        store.add_items(items)
        took = time.perf_counter() - t0
        store._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        store.close()
    return took


def raw_mail(subject: str, n: int = 0, sender: str = "Ann Lee <ann@example.org>", body: str = "") -> bytes:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = "me@example.org"
    msg["Subject"] = subject
    msg["Date"] = format_datetime(datetime.now(UTC))
    msg["Message-ID"] = f"<bench-{n}-{time.time_ns()}@example.org>"
    msg.set_content(body or f"Hello, this is benchmark mail number {n}.\n\nRegards,\nAnn\n")
    return bytes(msg)


def write_settings(
    path: Path,
    dovecot_port: int,
    users: Sequence[tuple[str, str]],
    gateway_url: str = "",
    gateway_token: str = "",
) -> None:
    """A settings file with one plaintext-loopback Dovecot account per (user, password),
    named work, work2, ..., and the gateway when a URL is given; secrets come from
    commands, so no keyring is touched."""
    parts = []
    for n, (user, password) in enumerate(users):
        name = "work" if n == 0 else f"work{n + 1}"
        parts.append(
            f'[[mail]]\nname = "{name}"\nhost = "127.0.0.1"\nport = {dovecot_port}\n'
            f'security = "plain"\nusername = "{user}"\npassword_command = "printf %s {password}"\n'
        )
    if gateway_url:
        parts.append(f'[gateway]\nurl = "{gateway_url}"\ntoken_command = "printf %s {gateway_token}"\n')
    path.write_text("\n".join(parts), encoding="utf-8")


def store_passwords_in_keyring(
    config: Path, base: Sequence[str], env: dict[str, str], passwords: dict[str, str]
) -> None:
    """Drop the settings' password commands and store each account's password (by account
    name) the way a user does, with ``tidings account set-password`` (``base``: the command
    that runs tidings) into the session's Secret Service."""
    lines = config.read_text(encoding="utf-8").splitlines()
    config.write_text(
        "\n".join(x for x in lines if not x.startswith("password_command")) + "\n", encoding="utf-8"
    )
    for name, password in passwords.items():
        subprocess.run(
            [*base, "--config", str(config), "account", "set-password", name],
            input=password + "\n", text=True, cwd=ROOT, env={**os.environ, **env}, check=True,
            capture_output=True,
        )  # fmt: skip


def write_mail_settings(path: Path, dovecot_port: int, user: str, password: str, name: str = "work") -> None:
    """A settings file with one plaintext-loopback Dovecot account; the password comes
    from a command, so no keyring is touched."""
    path.write_text(
        f"""[[mail]]
name = "{name}"
host = "127.0.0.1"
port = {dovecot_port}
security = "plain"
username = "{user}"
password_command = "printf %s {password}"
""",
        encoding="utf-8",
    )
