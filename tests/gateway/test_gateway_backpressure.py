"""A client that sends but never reads cannot make the gateway buffer without bound (issue 7,
item 4): its pending output is capped and the connection closed, while others carry on.

Both ways of closing are reached on purpose: 4408 when the close frame can still be written
(the bound passed while the transport buffer is small), and a cut at the transport when it
cannot (the transport stopped writing because the client stopped reading)."""

from __future__ import annotations

import base64
import json
import os
import socket
import struct
import time
from pathlib import Path

import pytest
from gateway_helpers import Gateway, connect, wait_for

pytestmark = [pytest.mark.gateway, pytest.mark.asyncio]


def _status_kb(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise AssertionError(f"no {field} in /proc/{pid}/status")


def _client_frame(text: str) -> bytes:
    """One masked text frame, as RFC 6455 requires of a client."""
    payload = text.encode()
    mask = os.urandom(4)
    n = len(payload)
    if n < 126:
        header = struct.pack("!BB", 0x81, 0x80 | n)
    elif n < 1 << 16:
        header = struct.pack("!BBH", 0x81, 0x80 | 126, n)
    else:
        header = struct.pack("!BBQ", 0x81, 0x80 | 127, n)
    return header + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload))


def _raw_connect(gw: Gateway, token: str) -> socket.socket:
    """A websocket that never reads after the handshake, with a small receive buffer."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # before connect: sets the window
    sock.settimeout(10)
    sock.connect((gw.proc.host, gw.proc.port))
    key = base64.b64encode(os.urandom(16)).decode()
    sock.sendall(
        (
            f"GET /v1/stream?since=-1 HTTP/1.1\r\nHost: {gw.proc.host}:{gw.proc.port}\r\n"
            f"Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
            f"Sec-WebSocket-Version: 13\r\nAuthorization: Bearer {token}\r\n\r\n"
        ).encode()
    )
    head = b""
    while b"\r\n\r\n" not in head:
        chunk = sock.recv(1)
        assert chunk, "closed during the handshake"
        head += chunk
    assert head.startswith(b"HTTP/1.1 101"), head
    return sock


def _server_frames(data: bytes) -> list[tuple[int, bytes]]:
    """The complete (opcode, payload) frames at the start of data (a server's are unmasked); an
    incomplete last frame is left out."""
    frames: list[tuple[int, bytes]] = []
    i = 0
    while i + 2 <= len(data):
        opcode, n, j = data[i] & 0x0F, data[i + 1] & 0x7F, i + 2
        if n >= 126:
            width = 2 if n == 126 else 8
            if j + width > len(data):
                break
            n = int.from_bytes(data[j : j + width], "big")
            j += width
        if j + n > len(data):
            break
        frames.append((opcode, data[j : j + n]))
        i = j + n
    return frames


def _read_to_the_end(sock: socket.socket, timeout: float = 30.0) -> tuple[list[tuple[int, bytes]], str]:
    """Everything the gateway still sends, until its close frame ("close"), or until the
    connection ends without one ("eof" or "reset")."""
    data = b""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            chunk = sock.recv(65536)
        except ConnectionResetError:
            return _server_frames(data), "reset"
        except TimeoutError:
            continue
        if not chunk:
            return _server_frames(data), "eof"
        data += chunk
        frames = _server_frames(data)
        if frames and frames[-1][0] == 0x8:
            return frames, "close"
    raise AssertionError("the connection is still open")


def _drain_until_closed(sock: socket.socket, timeout: float = 30.0) -> tuple[bytes, str]:
    """Read what is left until the gateway's close: ("eof" after a close frame and FIN, or
    "reset" when it was cut at the transport level)."""
    tail = b""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            chunk = sock.recv(65536)
        except ConnectionResetError:
            return tail, "reset"
        except TimeoutError:
            continue
        if not chunk:
            return tail, "eof"
        tail = (tail + chunk)[-64:]
    raise AssertionError("the connection is still open")


async def test_a_client_that_never_reads_is_closed_and_gateway_memory_stays_bounded(make_gateway) -> None:
    gw = make_gateway()
    pid = gw.proc.pid
    assert pid is not None
    bob = await connect(gw, "bob")
    sock = _raw_connect(gw, gw.tokens["alice"])

    # One action whose stored result is ~32 KB ...
    big = {"type": "chat.send", "id": "big", "conversation": "ab", "text": "x" * 32_000}
    sock.sendall(_client_frame(json.dumps(big)))
    assert len((await bob.event("chat.message"))["event"]["data"]["message"]["text"]) == 32_000
    baseline_kb = _status_kb(pid, "VmRSS")

    # ... asked for again and again: 5,000 answers would be ~160 MB if the gateway kept them all.
    repeat = _client_frame(json.dumps({"type": "chat.send", "id": "big", "conversation": "ab", "text": "x"}))
    sent = 0
    try:
        for _ in range(50):
            sock.sendall(repeat * 100)
            sent += 100
    except (BrokenPipeError, ConnectionResetError, TimeoutError):
        pass  # cut off while still sending: what we want
    await wait_for(
        lambda: "closing the connection of alice" in gw.proc.log_text(),
        30,
        "the gateway to close alice's connection",
    )
    grown_mb = (_status_kb(pid, "VmHWM") - baseline_kb) / 1024
    assert grown_mb < 40, f"the gateway grew by {grown_mb:.0f} MB for one client that does not read"
    log = gw.proc.log_text()
    assert "output pending" in log

    tail, how = _drain_until_closed(sock)
    sock.close()
    if how == "eof":
        # The close frame could be written: it is the last frame, 4408.
        close_at = tail.rfind(b"\x88")
        assert close_at >= 0, tail
        length = tail[close_at + 1]
        assert struct.unpack("!H", tail[close_at + 2 : close_at + 4])[0] == 4408, tail
        assert length >= 2
    else:
        assert "aborting the connection of alice" in log

    # Bob's connection is untouched and still gets what happens next.
    sentinel = {
        "idempotency_key": "after",
        "type": "announcement",
        "recipients": ["bob"],
        "data": {"announcement": {"id": "after", "title": "still here"}},
    }
    assert gw.post(sentinel).status_code == 202
    assert (await bob.event("announcement"))["event"]["data"]["announcement"]["id"] == "after"
    await bob.close()
    print(f"sent {sent} repeats; gateway grew {grown_mb:.1f} MB; closed by {how}")


async def test_past_the_bound_while_the_close_frame_can_be_written_it_is_4408(make_gateway) -> None:
    # A bound below one large message: chat.send queues the message (to the sender's own
    # devices too) and its result in one go, before the writer runs, so the bound is passed
    # with the transport's buffer empty and nothing stopping a close frame.
    gw = make_gateway(extra_args=["--max-pending-output", "40000"])
    bob = await connect(gw, "bob")
    alice = await connect(gw, "alice")
    await alice.send({"type": "chat.send", "id": "big", "conversation": "ab", "text": "x" * 32_000})
    assert await alice.close_code() == 4408
    log = gw.proc.log_text()
    assert "closing the connection of alice" in log
    assert "aborting" not in log
    # Nothing is lost: bob has the message, and alice gets it by replay when she resumes.
    assert len((await bob.event("chat.message"))["event"]["data"]["message"]["text"]) == 32_000
    again = await connect(gw, "alice", since=0)
    assert len((await again.event("chat.message"))["event"]["data"]["message"]["text"]) == 32_000
    for client in (again, bob):
        await client.close()


async def test_past_the_bound_when_the_transport_stopped_writing_the_connection_is_cut(
    make_gateway,
) -> None:
    # Events reach the connection one HTTP request at a time, so its writer takes each before
    # the next arrives and nothing piles up in its queue, until the kernel's buffers and then
    # the transport's are full and the transport stops writing; only then does the queue grow
    # past the bound, with a close frame that could never get through.
    gw = make_gateway(extra_args=["--max-pending-output", "100000"])
    sock = _raw_connect(gw, gw.tokens["alice"])
    text = "y" * 10_000
    posted = 0
    while "closing the connection of alice" not in gw.proc.log_text():
        assert posted < 2000, "20 MB posted and the connection of alice is still open"
        body = {
            "idempotency_key": f"n{posted}",
            "type": "announcement",
            "recipients": ["alice"],
            "data": {"announcement": {"id": f"n{posted}", "title": "news", "text": text}},
        }
        assert gw.post(body).status_code == 202
        posted += 1
    assert "aborting the connection of alice" in gw.proc.log_text()
    frames, how = _read_to_the_end(sock)
    sock.close()
    assert how in ("eof", "reset")
    assert frames and frames[0][0] == 0x1, "the hello and events came through first"
    assert 0x8 not in [opcode for opcode, _ in frames], "no close frame: it could not be written"
    print(f"cut after {posted} events of 10 kB; {len(frames)} frames reached the client")
