"""Fan-out benchmark of the reference gateway: N idle websocket clients, announcements to "*".

    .venv/bin/python benchmarks/bench_gateway_fanout.py                    # N = 1000 and 5000
    .venv/bin/python benchmarks/bench_gateway_fanout.py --clients 1000 5000 --rounds 8

For each N it starts one real gateway (harness.gateway.GatewayProcess, temp SQLite DB,
127.0.0.1 only) with N users, one token each (GatewayAdmin) and one integration, then:

- connects N websocket clients (`websockets` asyncio client, `since=-1`, the desktop source's
  connect settings: ping 20 s, permessage-deflate as negotiated by default) spread over
  --procs client processes, and reports the connect time;
- with everyone connected and idle, compares the gateway's VmRSS with its VmRSS at 0 clients
  (after a warm-up announcement) -> memory per connection, and samples its idle CPU;
- posts --rounds signed announcements (POST /v1/events, recipients "*"), spaced --interval s
  apart; each client stamps time.time() when the frame arrives; the post time is taken just
  before the HTTP request -> per round: the 202 time, p50/p99 and the LAST client's latency,
  plus the gateway's CPU seconds (/proc/PID/stat utime+stime) for the round.

Users: N distinct users with one device each (one token, one socket). That is the realistic
shape for an announcement and the worst case for the gateway's store: "*" assigns a per-user
seq, i.e. one UPDATE + one INSERT per user, inside one transaction. (N/k users with k devices
would cut the store work k-fold while keeping the socket fan-out the same.)

Everything is bounded: connect/open timeouts, a deadline per phase and per round; client
processes and the gateway are stopped by PID in `finally`, also on error or Ctrl-C.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import multiprocessing as mp
import os
import resource
import shutil
import signal
import statistics
import sys
import tempfile
import time
import traceback
from multiprocessing.connection import Connection, wait
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

CLK_TCK = os.sysconf("SC_CLK_TCK")
INTEGRATION = "bench"


# ----------------------------------------------------------------------------- helpers


def raise_nofile(needed: int) -> tuple[int, int]:
    """Raise RLIMIT_NOFILE's soft limit to at least `needed` (and the hard one if allowed)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft >= needed:
        return soft, hard
    if hard != resource.RLIM_INFINITY and hard < needed:
        try:  # only root can raise the hard limit
            resource.setrlimit(resource.RLIMIT_NOFILE, (needed, needed))
            return needed, needed
        except (ValueError, OSError):
            needed = hard
    resource.setrlimit(resource.RLIMIT_NOFILE, (needed, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)


def rss_kib(pid: int) -> int:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("no VmRSS")


def cpu_s(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    # after the comm field: state=0 ... utime=11, stime=12 (fields 14 and 15 of proc(5))
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def pct(values: list[float], p: float) -> float:
    """Nearest-rank percentile."""
    if not values:
        return math.nan
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, math.ceil(p / 100 * len(ordered)) - 1))
    return ordered[k]


def ms(x: float) -> str:
    return "   n/a" if math.isnan(x) else f"{x * 1000:6.0f}"


# ----------------------------------------------------------------------------- client process


def client_process(ctl: Connection, tokens: list[str], cfg: dict) -> None:
    """Holds len(tokens) websocket clients; driven by commands over `ctl`."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C and stops us
    raise_nofile(len(tokens) + 256)
    try:
        asyncio.run(_client_main(ctl, tokens, cfg))
    except Exception:
        with contextlib.suppress(OSError):
            ctl.send(("crashed", traceback.format_exc()))
        raise


async def _client_main(ctl: Connection, tokens: list[str], cfg: dict) -> None:
    from websockets.asyncio.client import connect

    loop = asyncio.get_running_loop()
    n = len(tokens)
    arrivals: dict[str, list[float]] = {}  # announcement id -> arrival time per client (nan)
    counts: dict[str, int] = {}
    round_done: dict[str, asyncio.Event] = {}
    sockets: list = [None] * n
    readers: list[asyncio.Task] = []
    connected = 0
    closed: dict[str, int] = {}  # close code/reason -> clients closed unexpectedly
    stopping = False

    def round_state(rid: str) -> None:
        if rid not in arrivals:
            arrivals[rid] = [math.nan] * n
            counts[rid] = 0
            round_done[rid] = asyncio.Event()

    async def reader(i: int, ws) -> None:
        try:
            async for msg in ws:
                t = time.time()
                frame = json.loads(msg)
                if frame.get("type") != "event":
                    continue
                event = frame["event"]
                if event.get("type") != "announcement":
                    continue
                rid = event["data"]["announcement"]["id"]
                round_state(rid)
                if math.isnan(arrivals[rid][i]):
                    arrivals[rid][i] = t
                    counts[rid] += 1
                    if counts[rid] >= connected:
                        round_done[rid].set()
        except Exception as exc:  # a dropped connection is a result, not a crash
            key = f"{type(exc).__name__}: {exc}"[:120]
            closed[key] = closed.get(key, 0) + 1
            return
        if not stopping:
            key = f"closed by server: {ws.close_code} {ws.close_reason}"
            closed[key] = closed.get(key, 0) + 1

    async def connect_all(url: str) -> dict:
        nonlocal connected
        sem = asyncio.Semaphore(cfg["concurrency"])
        durations: list[float] = []
        errors: dict[str, int] = {}

        async def one(i: int) -> None:
            nonlocal connected
            async with sem:
                t0 = time.monotonic()
                try:
                    ws = await connect(
                        url,
                        additional_headers={"Authorization": f"Bearer {tokens[i]}"},
                        open_timeout=cfg["open_timeout"],
                        ping_interval=20.0,
                        ping_timeout=20.0,
                        close_timeout=2.0,
                        max_size=16 * 1024 * 1024,
                        compression=cfg["compression"],
                        user_agent_header="tidings-bench",
                    )
                    hello = json.loads(await asyncio.wait_for(ws.recv(), cfg["open_timeout"]))
                    if hello.get("type") != "hello":
                        raise RuntimeError(f"first frame {hello!r}")
                except Exception as exc:
                    key = f"{type(exc).__name__}: {exc}"[:160]
                    errors[key] = errors.get(key, 0) + 1
                    return
                durations.append(time.monotonic() - t0)
                sockets[i] = ws
                connected += 1
                readers.append(asyncio.create_task(reader(i, ws)))

        start = time.time()
        await asyncio.gather(*(one(i) for i in range(n)))
        return {
            "start": start,
            "end": time.time(),
            "connected": connected,
            "errors": errors,
            "durations": durations,
        }

    async def collect(rid: str, timeout: float) -> dict:
        round_state(rid)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(round_done[rid].wait(), timeout)
        return {"arrivals": arrivals[rid], "got": counts[rid], "connected": connected, "closed": dict(closed)}

    async def close_all() -> None:
        nonlocal stopping
        stopping = True
        live = [ws for ws in sockets if ws is not None]
        sem = asyncio.Semaphore(500)

        async def close(ws) -> None:
            async with sem:
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(ws.close(), 3)

        await asyncio.wait_for(asyncio.gather(*(close(ws) for ws in live)), 60)
        for t in readers:
            t.cancel()

    while True:
        try:
            cmd = await loop.run_in_executor(None, ctl.recv)
        except (EOFError, OSError):  # the parent is gone
            cmd = ("close",)
        match cmd:
            case ("connect", url):
                ctl.send(("connected", await connect_all(url)))
            case ("collect", rid, timeout):
                ctl.send(("round", await collect(rid, timeout)))
            case ("status",):
                ctl.send(("status", {"connected": connected, "closed": dict(closed)}))
            case ("close",):
                try:
                    await close_all()
                finally:
                    with contextlib.suppress(OSError):
                        ctl.send(("closed", None))
                return


# ----------------------------------------------------------------------------- driver


class Clients:
    """The client processes, each with a command pipe."""

    def __init__(self, tokens: list[str], procs: int, cfg: dict) -> None:
        ctx = mp.get_context("spawn")  # the parent has threads (gateway output pump)
        self.procs: list[mp.Process] = []
        self.pipes: list[Connection] = []
        for k in range(procs):
            part = tokens[k::procs]
            parent_end, child_end = ctx.Pipe()
            p = ctx.Process(
                target=client_process, args=(child_end, part, cfg), name=f"bench-clients-{k}", daemon=True
            )
            p.start()
            child_end.close()
            self.procs.append(p)
            self.pipes.append(parent_end)

    def request(self, cmd: tuple, timeout: float) -> list:
        for pipe in self.pipes:
            pipe.send(cmd)
        return self._replies(timeout)

    def _replies(self, timeout: float) -> list:
        deadline = time.monotonic() + timeout
        replies: dict[int, object] = {}
        while len(replies) < len(self.pipes):
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"client processes did not answer within {timeout:.0f}s")
            for pipe in wait([p for k, p in enumerate(self.pipes) if k not in replies], left):
                k = self.pipes.index(pipe)
                try:
                    kind, payload = pipe.recv()
                except EOFError:
                    raise RuntimeError(f"client process {k} died (exit {self.procs[k].exitcode})") from None
                if kind == "crashed":
                    raise RuntimeError(f"client process {k} crashed:\n{payload}")
                replies[k] = payload
        return [replies[k] for k in range(len(self.pipes))]

    def stop(self) -> None:
        for pipe in self.pipes:
            with contextlib.suppress(OSError):
                pipe.send(("close",))
        deadline = time.monotonic() + 30
        for p in self.procs:
            p.join(max(0.1, deadline - time.monotonic()))
        for p in self.procs:
            if p.is_alive() and p.pid:
                os.kill(p.pid, signal.SIGTERM)
                p.join(3)
            if p.is_alive() and p.pid:
                os.kill(p.pid, signal.SIGKILL)
                p.join(3)
        for pipe in self.pipes:
            pipe.close()


def post_announcement(http, base_url: str, secret: str, rid: str, round_no: int) -> tuple[float, float, int]:
    from gateway.signing import signed_headers

    body = json.dumps(
        {
            "idempotency_key": rid,
            "type": "announcement",
            "recipients": "*",
            "data": {
                "announcement": {
                    "id": rid,
                    "title": f"Benchmark announcement {round_no}",
                    "text": "The office closes at 15:00 on Friday for the summer party. " * 3,
                    "url": "https://intranet.example/news/summer-party",
                    "urgency": "normal",
                }
            },
        }
    ).encode()
    headers = signed_headers(INTEGRATION, secret, body)
    t_post = time.time()
    resp = http.post(f"{base_url}/v1/events", content=body, headers=headers)
    t_resp = time.time()
    if resp.status_code != 202:
        raise RuntimeError(f"POST /v1/events -> {resp.status_code} {resp.text[:300]}")
    return t_post, t_resp, resp.status_code


def run_one(n: int, args: argparse.Namespace) -> dict:
    import httpx

    from gateway.admin import GatewayAdmin
    from harness.gateway import GatewayProcess

    procs = max(1, min(args.procs, n))
    out: dict = {"n": n, "procs": procs}
    workdir = Path(tempfile.mkdtemp(prefix="tidings-bench-fanout-"))
    gw: GatewayProcess | None = None
    clients: Clients | None = None
    try:
        # -- setup: N users, one token (= one device) each, one integration
        t0 = time.monotonic()
        db = workdir / "gw.db"
        tokens: list[str] = []
        with GatewayAdmin(db) as admin:
            for i in range(n):
                name = f"user{i:05d}"
                admin.add_user(name, display_name=f"User {i}")
                tokens.append(admin.issue_token(name).token)
            secret = admin.add_integration(INTEGRATION)
        out["setup_s"] = time.monotonic() - t0

        # The gateway inherits our RLIMIT_NOFILE (raised in main()).
        gw = GatewayProcess(db, log_level="warning", start_timeout=30)
        gw.start()
        assert gw.pid is not None
        pid = gw.pid
        print(f"[N={n}] gateway pid {pid} at {gw.http_url}", flush=True)
        clients = Clients(
            tokens,
            procs,
            {
                "concurrency": args.connect_concurrency,
                "open_timeout": args.open_timeout,
                "compression": None if args.compression == "none" else "deflate",
            },
        )

        with httpx.Client(timeout=args.round_timeout) as http:
            # Warm-up with 0 clients: imports, SQLite page cache for N users, first HTTP request.
            post_announcement(http, gw.http_url, secret, f"bench-{n}-warmup", 0)
            time.sleep(1.0)
            out["rss0_kib"] = rss_kib(pid)

            # -- connect N clients
            c_connect = cpu_s(pid)
            t_cmd = time.time()
            replies = clients.request(("connect", gw.url + "/v1/stream?since=-1"), args.connect_deadline)
            connected = sum(r["connected"] for r in replies)
            errors: dict[str, int] = {}
            for r in replies:
                for k, v in r["errors"].items():
                    errors[k] = errors.get(k, 0) + v
            durations = [d for r in replies for d in r["durations"]]
            out["connected"] = connected
            out["connect_errors"] = errors
            out["connect_s"] = max(r["end"] for r in replies) - t_cmd
            out["connect_cpu_s"] = cpu_s(pid) - c_connect
            out["connect_p50_ms"] = pct(durations, 50) * 1000
            out["connect_p99_ms"] = pct(durations, 99) * 1000
            if connected == 0:
                raise RuntimeError(f"no client connected: {errors}")

            # -- idle: memory per connection and idle CPU
            time.sleep(args.settle)
            c0, w0 = cpu_s(pid), time.monotonic()
            time.sleep(args.idle_window)
            out["idle_cpu_pct"] = 100 * (cpu_s(pid) - c0) / (time.monotonic() - w0)
            out["rssN_kib"] = rss_kib(pid)
            out["kib_per_conn"] = (out["rssN_kib"] - out["rss0_kib"]) / connected

            # -- fan-out rounds
            rounds = []
            cpu_start = cpu_s(pid)
            for r in range(1, args.rounds + 1):
                rid = f"bench-{n}-{r}"
                c_before = cpu_s(pid)
                t_post, t_resp, _ = post_announcement(http, gw.http_url, secret, rid, r)
                res = clients.request(("collect", rid, args.round_timeout), args.round_timeout + 30)
                c_after = cpu_s(pid)
                lat = [t - t_post for x in res for t in x["arrivals"] if not math.isnan(t)]
                got = sum(x["got"] for x in res)
                closed: dict[str, int] = {}
                for x in res:
                    for k, v in x["closed"].items():
                        closed[k] = closed.get(k, 0) + v
                rounds.append(
                    {
                        "round": r,
                        "accept_ms": (t_resp - t_post) * 1000,
                        "p50": pct(lat, 50),
                        "p99": pct(lat, 99),
                        "last": max(lat) if lat else math.nan,
                        "cpu_s": c_after - c_before,
                        "got": got,
                        "closed": closed,
                    }
                )
                if r < args.rounds:
                    time.sleep(args.interval)
            out["fanout_cpu_s"] = cpu_s(pid) - cpu_start
            out["rounds"] = rounds
            out["rss_after_kib"] = rss_kib(pid)
    finally:
        if clients is not None:
            clients.stop()
        if gw is not None:
            code = gw.stop()
            out["gateway_exit"] = code
            out["gateway_log_tail"] = [
                line
                for line in gw.log_text().splitlines()[-200:]
                if "WARNING" in line or "ERROR" in line or "Traceback" in line
            ][-10:]
        shutil.rmtree(workdir, ignore_errors=True)
    return out


def report(o: dict, args: argparse.Namespace) -> None:
    n = o["n"]
    print(
        f"\n=== N = {n} clients: {n} users x 1 device, {o['procs']} client processes, "
        f"compression={args.compression}, connect concurrency {args.connect_concurrency}/process"
    )
    print(f"setup (users+tokens via GatewayAdmin): {o['setup_s']:.1f} s")
    errs = "" if not o["connect_errors"] else f"  errors: {o['connect_errors']}"
    print(
        f"connect: {o['connected']}/{n} in {o['connect_s']:.2f} s ({o['connected'] / o['connect_s']:.0f}/s), "
        f"per connect+hello p50 {o['connect_p50_ms']:.0f} ms p99 {o['connect_p99_ms']:.0f} ms, "
        f"gateway CPU {o['connect_cpu_s']:.2f} s ({1000 * o['connect_cpu_s'] / max(1, o['connected']):.2f} ms/connection){errs}"
    )
    print(
        f"gateway RSS: 0 clients {o['rss0_kib'] / 1024:.1f} MiB, {o['connected']} idle "
        f"{o['rssN_kib'] / 1024:.1f} MiB -> {o['kib_per_conn']:.1f} KiB/connection "
        f"(after fan-out {o['rss_after_kib'] / 1024:.1f} MiB)"
    )
    print(f"gateway idle CPU with {o['connected']} connected: {o['idle_cpu_pct']:.1f}% of one core")
    print("round   202 after   p50 ms   p99 ms  last ms   gw CPU s  received")
    for r in o["rounds"]:
        closed = f"  closed: {r['closed']}" if r["closed"] else ""
        print(
            f"{r['round']:5d}   {r['accept_ms']:6.0f} ms   {ms(r['p50'])}   {ms(r['p99'])}   {ms(r['last'])}"
            f"     {r['cpu_s']:6.2f}  {r['got']}/{o['connected']}{closed}"
        )
    rs = o["rounds"]
    med = lambda key: statistics.median(x[key] for x in rs)  # noqa: E731
    deliveries = sum(r["got"] for r in rs)
    print(
        f"median over {len(rs)} rounds: 202 after {med('accept_ms'):.0f} ms, p50 {med('p50') * 1000:.0f} ms, "
        f"p99 {med('p99') * 1000:.0f} ms, last {med('last') * 1000:.0f} ms (worst last "
        f"{max(r['last'] for r in rs) * 1000:.0f} ms)"
    )
    print(
        f"gateway CPU during fan-out: {o['fanout_cpu_s']:.2f} s for {deliveries} deliveries "
        f"({1e6 * o['fanout_cpu_s'] / max(1, deliveries):.0f} us/delivery, {o['fanout_cpu_s'] / len(rs):.2f} s/round)"
    )
    if o.get("gateway_log_tail"):
        print("gateway warnings/errors:", *o["gateway_log_tail"], sep="\n  ")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--clients", type=int, nargs="+", default=[1000, 5000], help="N values (default: 1000 5000)"
    )
    parser.add_argument("--rounds", type=int, default=6, help="announcements per N (default: 6)")
    parser.add_argument("--interval", type=float, default=1.0, help="seconds between rounds (default: 1)")
    parser.add_argument("--procs", type=int, default=2, help="client processes (default: 2, one per core)")
    parser.add_argument(
        "--connect-concurrency", type=int, default=200, help="connects in flight per client process"
    )
    parser.add_argument(
        "--compression",
        choices=["deflate", "none"],
        default="deflate",
        help="client offer; deflate is the websockets default the desktop uses",
    )
    parser.add_argument("--open-timeout", type=float, default=30.0, help="per connect+hello (s)")
    parser.add_argument("--connect-deadline", type=float, default=180.0, help="whole connect phase (s)")
    parser.add_argument("--round-timeout", type=float, default=60.0, help="wait for a round's deliveries (s)")
    parser.add_argument("--settle", type=float, default=2.0, help="idle time before measuring RSS (s)")
    parser.add_argument("--idle-window", type=float, default=3.0, help="idle CPU sampling window (s)")
    args = parser.parse_args(argv)

    soft, _ = raise_nofile(max(args.clients) + 1024)  # inherited by the gateway subprocess
    if soft < max(args.clients) + 256:
        print(f"warning: RLIMIT_NOFILE is {soft}; the gateway may run out of descriptors", file=sys.stderr)
    print(
        f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, RLIMIT_NOFILE {soft}, "
        f"gateway on 127.0.0.1 (uvicorn ws=websockets, SQLite synchronous=FULL in {tempfile.gettempdir()})"
    )
    results = []
    for n in args.clients:
        o = run_one(n, args)
        report(o, args)
        results.append(o)
    print("\nsummary")
    print("      N  connect s  KiB/conn  idle CPU%  202 ms  p50 ms  p99 ms  last ms  CPU s/round")
    for o in results:
        rs = o["rounds"]
        med = lambda key, rs=rs: statistics.median(x[key] for x in rs)  # noqa: E731
        print(
            f"{o['n']:7d}  {o['connect_s']:9.2f}  {o['kib_per_conn']:8.1f}  {o['idle_cpu_pct']:9.1f}  "
            f"{med('accept_ms'):6.0f}  {med('p50') * 1000:6.0f}  {med('p99') * 1000:6.0f}  "
            f"{med('last') * 1000:7.0f}  {o['fanout_cpu_s'] / len(rs):11.2f}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
