"""Hostile input against the real gateway process (issue 7 items 1, 2, 3, 5): lone surrogates,
bodies and headers that used to give 500s, bodies read before anything was checked, and deep
nesting. Every refusal is a documented 4xx or error frame, and every stream stays up."""

from __future__ import annotations

import json
import select
import socket
import time
from pathlib import Path

import httpx
import pytest
from gateway_helpers import Gateway, assert_valid, connect

from gateway.signing import signature, signed_headers
from gateway.storage.sqlite import SqliteGatewayStore

pytestmark = [pytest.mark.gateway, pytest.mark.asyncio]


def _announcement(key: str, title: str = "Office closed", recipients: object = "*") -> dict:
    return {
        "idempotency_key": key,
        "type": "announcement",
        "recipients": recipients,
        "data": {"announcement": {"id": key, "title": title}},
    }


def _error(response: httpx.Response) -> tuple[int, str]:
    return response.status_code, response.json()["error"]["code"]


def _post_raw(gw: Gateway, body: bytes, headers: dict[str, str]) -> httpx.Response:
    response = httpx.post(gw.proc.http_url + "/v1/events", content=body, headers=headers, timeout=10)
    assert_valid(
        "http-error.json" if response.status_code >= 300 else "ingest-response.json", response.json()
    )
    return response


async def test_lone_surrogates_are_refused_and_every_stream_lives(make_gateway) -> None:
    """Item 1: text that is not valid Unicode is refused by field; nothing unsendable is stored."""
    gw = make_gateway()
    alice, bob = await connect(gw, "alice"), await connect(gw, "bob")

    result = await alice.act({"type": "chat.send", "id": "s1", "conversation": "ab", "text": "hi \ud83d"})
    assert (result["ok"], result["error"]["code"]) == (False, "invalid")
    assert result["error"]["message"].startswith("text:")

    r = gw.post(_announcement("n1", title="Notice \udc00"))  # json.dumps escapes it: "\udc00"
    assert _error(r) == (422, "invalid")
    assert "data.announcement.title" in r.json()["error"]["message"]
    # The same surrogate as raw bytes (CESU-8), which is not UTF-8 at all.
    raw = json.dumps(_announcement("n2", title="Notice X")).encode().replace(b"X", b"\xed\xb0\x80")
    assert _error(gw.post(raw)) == (422, "invalid")
    # A valid surrogate pair written as escapes is one character (U+1F600) and is fine.
    assert gw.post(_announcement("n3", title="Party \ud83d\ude00")).status_code == 202

    # Both streams are alive: the next message reaches both, right after the one accepted notice.
    ok = await alice.act({"type": "chat.send", "id": "s2", "conversation": "ab", "text": "still here"})
    assert ok["ok"] is True
    for client in (alice, bob):
        notice = await client.event("announcement")
        assert notice["event"]["data"]["announcement"]["title"] == "Party \U0001f600"
        message = await client.event("chat.message")
        assert message["event"]["data"]["message"]["text"] == "still here"
        assert message["seq"] == notice["seq"] + 1, "nothing else was stored in between"
        await client.close()


async def test_an_unsendable_event_already_stored_is_repaired_not_fatal(make_gateway) -> None:
    """Item 1, existing databases: an event stored with a lone surrogate (by a gateway from before
    the checks) reaches its recipient with U+FFFD, and the stream goes on."""
    gw = make_gateway()
    store = SqliteGatewayStore(gw.proc.db_path)  # a second writer, as the admin CLI is (WAL)
    try:
        async with store.transaction() as tx:
            await tx.append_event(
                ["bob"],
                {
                    "id": "evt_poisoned",
                    "type": "announcement",
                    "time": "2030-01-01T00:00:00.000Z",
                    "data": {
                        "announcement": {
                            "id": "old-1",
                            "title": "broken \ud83d title",
                            "text": "pair \ud83d\ude00 kept",
                            "url": None,
                            "urgency": "normal",
                        }
                    },
                },
            )
    finally:
        await store.close()

    for attempt in range(2):  # and again on resume, which is where a stream used to wedge for good
        bob = await connect(gw, "bob", since=0)
        frame = await bob.event("announcement")
        assert frame["event"]["id"] == "evt_poisoned"
        assert frame["event"]["data"]["announcement"]["title"] == "broken \ufffd title"
        assert frame["event"]["data"]["announcement"]["text"] == "pair \U0001f600 kept"
        assert gw.post(_announcement(f"after-{attempt}", recipients=["bob"])).status_code == 202
        await bob.event(
            "announcement", lambda f, n=attempt: f["event"]["data"]["announcement"]["id"] == f"after-{n}"
        )
        await bob.close()
    assert "held invalid Unicode" in gw.proc.log_text()


async def test_malformed_ingest_requests_get_documented_4xx_never_500(make_gateway) -> None:
    """Item 2: each request that used to answer 500."""
    gw = make_gateway()
    secret = gw.secrets["oa"]
    cases: list[tuple[str, bytes, dict[str, str] | None, tuple[int, str]]] = [
        (
            "surrogate in idempotency_key",
            json.dumps(_announcement("k\ud800")).encode(),
            None,
            (422, "invalid"),
        ),
        (
            "surrogate in recipients",
            json.dumps(_announcement("k1", recipients=["\udc00"])).encode(),
            None,
            (422, "invalid"),
        ),
        ("deep arrays", b"[" * 100_000, None, (422, "invalid")),
        ("deep objects", b'{"a":' * 50_000, None, (422, "invalid")),
        ("NaN", b'{"idempotency_key": NaN}', None, (422, "invalid")),
        ("a 5000-digit number", b'{"idempotency_key": ' + b"1" * 5000 + b"}", None, (422, "invalid")),
    ]
    body = json.dumps(_announcement("k2")).encode()
    huge_ts = "1" + "0" * 400  # needs only the integration's name
    cases.append(
        (
            "a 401-digit timestamp",
            body,
            {
                "X-Tidings-Integration": "oa",
                "X-Tidings-Timestamp": huge_ts,
                "X-Tidings-Signature": signature(secret, huge_ts, body),
            },
            (401, "stale_timestamp"),
        )
    )
    cases.append(
        (
            "a float timestamp",
            body,
            {"X-Tidings-Integration": "oa", "X-Tidings-Timestamp": "1e9"},
            (401, "stale_timestamp"),
        )
    )
    latin: dict = {
        **signed_headers("oa", secret, body),
        "X-Tidings-Signature": "sha256=\xe9".encode("latin-1"),
    }
    cases.append(("a non-ASCII signature", body, latin, (401, "bad_signature")))

    for what, raw, headers, expected in cases:
        r = _post_raw(gw, raw, headers or signed_headers("oa", secret, raw))
        assert _error(r) == expected, (what, r.text[:300])
    assert (
        "nested deeper than 32 levels"
        in _post_raw(gw, b"[" * 100, signed_headers("oa", secret, b"[" * 100)).text
    )

    # Still healthy, and nothing was created by any of them.
    assert gw.post(_announcement("fine", recipients=["carol"])).status_code == 202
    carol = await connect(gw, "carol")
    assert carol.hello["seq"] == 1
    await carol.close()
    assert "Traceback" not in gw.proc.log_text()


def _vm_kib(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise AssertionError(f"no {field} for {pid}")


def _request_head(gw: Gateway, headers: dict[str, str], chunked: bool = True) -> bytes:
    lines = [
        "POST /v1/events HTTP/1.1",
        f"Host: {gw.proc.host}:{gw.proc.port}",
        "Content-Type: application/json",
        "Transfer-Encoding: chunked" if chunked else "Content-Length: 209715200",
        *(f"{k}: {v}" for k, v in headers.items()),
    ]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def _status_of(sock: socket.socket, timeout: float = 10.0) -> int:
    sock.settimeout(timeout)
    head = b""
    while b"\r\n" not in head:
        chunk = sock.recv(4096)
        assert chunk, f"closed without a response: {head!r}"
        head += chunk
    return int(head.split(b" ", 2)[1])


async def test_the_body_is_read_only_after_the_headers_pass_and_never_beyond_the_limit(make_gateway) -> None:
    """Item 3: unknown integrations and stale timestamps are answered before any body is read; a
    200 MB chunked body with good headers is cut off at the limit, without buffering it."""
    gw = make_gateway()
    now = str(int(time.time()))
    for headers, expected in (
        ({"X-Tidings-Integration": "crm", "X-Tidings-Timestamp": now}, 401),
        ({"X-Tidings-Integration": "oa", "X-Tidings-Timestamp": str(int(now) - 3600)}, 401),
    ):
        for chunked in (True, False):
            # Only the head is sent; the answer comes without waiting for the 200 MB announced.
            with socket.create_connection((gw.proc.host, gw.proc.port)) as sock:
                sock.sendall(_request_head(gw, headers, chunked))
                assert _status_of(sock) == expected

    pid = gw.proc.pid
    assert pid is not None
    peak_before = _vm_kib(pid, "VmHWM")
    chunk = b"x" * 65536
    frame = f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n"
    sent, status = 0, None
    with socket.create_connection((gw.proc.host, gw.proc.port)) as sock:
        sock.sendall(_request_head(gw, {"X-Tidings-Integration": "oa", "X-Tidings-Timestamp": now}))
        try:
            while sent < 200 * 1024 * 1024:
                readable, _, _ = select.select([sock], [], [], 0)
                if readable:
                    break
                sock.sendall(frame)
                sent += len(chunk)
            status = _status_of(sock)
        except (BrokenPipeError, ConnectionResetError):
            status = None  # the gateway hung up after answering; the answer may be lost with it
    assert status in (413, None), status
    assert sent < 200 * 1024 * 1024, "the gateway read the whole body"
    grown_mib = (_vm_kib(pid, "VmHWM") - peak_before) / 1024
    assert grown_mib < 32, f"peak memory grew by {grown_mib:.0f} MiB"

    # A body over the limit with a valid signature is refused the same way; the gateway still serves.
    big = json.dumps(
        _announcement("big", title="x" * 900, recipients=["bob"]) | {"pad": "y" * 1_100_000}
    ).encode()
    assert _error(gw.post(big)) == (413, "too_large")
    assert gw.post(_announcement("small", recipients=["bob"])).status_code == 202


async def test_deep_nesting_and_unsendable_ids_get_error_frames_and_the_connection_stays(
    make_gateway,
) -> None:
    """Item 5: frames that used to drop the sender's own connection (1006)."""
    gw = make_gateway()
    alice, bob = await connect(gw, "alice"), await connect(gw, "bob")
    cases = [
        ("[" * 1500, "error", "bad_json"),
        ('{"a":' * 1500, "error", "bad_json"),
        ("[" * 20_000 + "]" * 20_000, "error", "bad_json"),
        ('{"type": "chat.send", "id": "\\ud800", "conversation": "ab", "text": "x"}', "error", "bad_frame"),
        ('{"type": "no.such", "id": "\\udfff"}', "error", "unknown_type"),
        (
            '{"type": "chat.send", "id": "ok-id", "conversation": "a\\udc00b", "text": "x"}',
            "result",
            "invalid",
        ),
        ('{"type": "item.read", "id": "n1", "item": "task:1", "x": NaN}', "error", "bad_json"),
    ]
    for raw, kind, code in cases:
        await alice.send(raw)
        frame = await alice.next(lambda f: f["type"] in ("error", "result"))
        assert (frame["type"], frame["error"]["code"]) == (kind, code), raw[:60]

    result = await alice.act(
        {"type": "chat.send", "id": "fine", "conversation": "ab", "text": "after all that"}
    )
    assert result["ok"] is True
    for client in (alice, bob):
        message = await client.event("chat.message")
        assert message["event"]["data"]["message"]["text"] == "after all that"
        await client.close()


async def test_a_text_frame_that_is_not_utf8_closes_only_that_connection_1007(make_gateway) -> None:
    """Item 1, raw bytes on the websocket: a protocol error for the websocket layer (RFC 6455
    section 8.1), which closes that one connection with 1007; everyone else carries on."""
    gw = make_gateway()
    alice, bob = await connect(gw, "alice"), await connect(gw, "bob")
    await alice.ws.send(b'{"type":"chat.send","id":"x","conversation":"ab","text":"\xed\xa0\x80"}', text=True)
    assert await alice.close_code() == 1007
    assert gw.post(_announcement("later", recipients=["bob"])).status_code == 202
    await bob.event("announcement", lambda f: f["event"]["data"]["announcement"]["id"] == "later")
    again = await connect(gw, "alice")  # and alice can come back
    result = await again.act({"type": "chat.send", "id": "y", "conversation": "ab", "text": "back"})
    assert result["ok"] is True
    for client in (bob, again):
        await client.close()
    # A client's error, not the gateway's: no ERROR with a traceback for each such frame.
    assert "Traceback" not in gw.proc.log_text(), gw.proc.log_tail()


async def test_an_upgrade_request_too_large_to_parse_is_answered(make_gateway) -> None:
    """The websocket layer refuses a request line over 8 KiB (414) or header fields too large
    (431) with an answer, not a connection left hanging, and the gateway stops cleanly after."""
    gw = make_gateway()
    cases = (
        (b"GET /v1/stream?since=" + b"9" * 9000 + b" HTTP/1.1\r\n", 414),
        (b"GET /v1/stream HTTP/1.1\r\nX-Big: " + b"a" * 9000 + b"\r\n", 431),
    )
    for start, status in cases:
        with socket.create_connection((gw.proc.host, gw.proc.port), timeout=10) as sock:
            sock.sendall(
                start + b"Host: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
            )
            assert sock.recv(100).startswith(f"HTTP/1.1 {status} ".encode())
    gw.proc.stop()
    assert "Traceback" not in gw.proc.log_text(), gw.proc.log_tail()
