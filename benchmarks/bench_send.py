"""Send → server accepted on loopback: one reply through Dovecot's submission service.

    .venv/bin/python benchmarks/bench_send.py [--messages 50] [--security starttls|tls]

A real Dovecot (submission relaying to the aiosmtpd sink) and one user. Each sample
is a fresh ``submit()`` of a rendered reply, timed from the call until the server's
250 to DATA, as the outbox will do it: TCP connect, TLS, EHLO, AUTH PLAIN, MAIL,
RCPT, DATA. Dovecot relays to the sink before it answers, so the figure includes
that hop. Also printed: rendering the reply (compose + render) and the APPEND to
Sent. Target (issue 10): send → server accepted ≤ 200 ms. Nothing is asserted.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import argparse  # noqa: E402
import functools  # noqa: E402
import time  # noqa: E402

from benchmarks._common import pct, summary, verdict  # noqa: E402
from desktop.sources.smtp import (  # noqa: E402
    Identity,
    Original,
    Password,
    SentFolder,
    SmtpServer,
    render,
    reply_all,
    submit,
)
from harness.dovecot import Dovecot  # noqa: E402
from harness.smtp_sink import SmtpSink  # noqa: E402

TARGET_MS = 200.0
ORIGINAL = (
    "From: 张三 <zhang@example.cn>\r\nTo: Me <me@example.com>, team@example.com\r\n"
    "Subject: 回复: 第三季度预算\r\nDate: Mon, 23 Nov 2026 10:00:00 +0800\r\n"
    "Message-ID: <bench.parent@example.cn>\r\nReferences: <bench.root@example.cn>\r\n"
    "Content-Type: text/plain; charset=utf-8\r\n\r\n"
    + "请在周五前审批第三季度预算，附件是明细。\r\nThanks, and see the numbers below.\r\n"
    * 20
).encode()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=50)
    parser.add_argument("--security", choices=("starttls", "tls"), default="starttls")
    args = parser.parse_args()

    me = Identity("Me", "me@example.com")
    original = Original.from_bytes(ORIGINAL)
    with SmtpSink() as sink, Dovecot(smtp_relay_port=sink.port) as dovecot:
        dovecot.add_user("bench", "pw")
        port = dovecot.submission_port if args.security == "starttls" else dovecot.submissions_port
        server = SmtpServer("localhost", port, args.security, ca_file=dovecot.ca_file, timeout=10)
        credentials = Password("bench", "pw")
        sent = SentFolder(functools.partial(dovecot.client, "bench", True))
        submit(server, credentials, render(reply_all(original, me)))  # warm-up: auth process, TLS cache

        compose_ms: list[float] = []
        send_ms: list[float] = []
        append_ms: list[float] = []
        for _ in range(args.messages):
            t0 = time.perf_counter()
            out = render(reply_all(original, me))
            t1 = time.perf_counter()
            submit(server, credentials, out)
            t2 = time.perf_counter()
            sent.save(out)
            t3 = time.perf_counter()
            compose_ms.append((t1 - t0) * 1000)
            send_ms.append((t2 - t1) * 1000)
            append_ms.append((t3 - t2) * 1000)
        relayed = len(sink.messages)

    print(f"bench_send: {args.messages} replies over {args.security} to Dovecot submission on loopback")
    print(f"  reply size               {len(out.data):,} bytes, {relayed} relayed to the sink")
    print(f"  compose + render    ms   {summary(compose_ms)}")
    print(f"  send → accepted     ms   {summary(send_ms)}")
    print(f"  APPEND to Sent      ms   {summary(append_ms)}  (login, SEARCH, APPEND)")
    print(f"  target send → accepted p99 ≤ {TARGET_MS:.0f} ms: {verdict(pct(send_ms, 99), TARGET_MS)}")


if __name__ == "__main__":
    main()
