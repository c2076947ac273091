"""HTTP CONNECT against a scripted proxy on loopback: the bytes a server sends right after
the proxy's reply reach the caller (IMAP and SMTP greet first), the request carries Basic
credentials, and a bad answer gets its error. Real proxies: tests/integration/test_proxies.py."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import socket
import threading
from collections.abc import Iterator

import pytest

from desktop.sources.net.errors import ProxyAuthError, ProxyError, ProxyTargetError
from desktop.sources.net.proxy import Proxy
from desktop.sources.net.tunnel import open_socket, open_socket_async

GREETING = b"* OK [CAPABILITY IMAP4rev1 STARTTLS] ready\r\n"


class ScriptedProxy:
    """Accepts connections, records each CONNECT request, answers with ``chunks`` (sent
    one ``sendall`` each, so a reply and a greeting can share one segment); with no
    chunks it hangs up."""

    def __init__(self, *chunks: bytes) -> None:
        self.chunks = chunks
        self.requests: list[bytes] = []
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.server.accept()
            except OSError:
                return
            with conn:
                request = b""
                while b"\r\n\r\n" not in request:
                    data = conn.recv(4096)
                    if not data:
                        break
                    request += data
                self.requests.append(request)
                if not self.chunks:
                    continue  # hang up without a word
                for chunk in self.chunks:
                    conn.sendall(chunk)
                conn.recv(1)  # hold the tunnel open until the client closes it

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.server.shutdown(socket.SHUT_RDWR)  # wakes accept(); close() alone does not
        self.server.close()
        self.thread.join(5)


@pytest.fixture
def scripted() -> Iterator[list[ScriptedProxy]]:
    made: list[ScriptedProxy] = []
    yield made
    for proxy in made:
        proxy.close()


def _proxy(
    scripted: list[ScriptedProxy], *chunks: bytes, user: str = "tuser", password: str = "tpass"
) -> Proxy:
    server = ScriptedProxy(*chunks)
    scripted.append(server)
    return Proxy("http", "127.0.0.1", server.port, user, password)


def test_the_greeting_in_the_same_segment_as_the_reply_is_kept(scripted: list[ScriptedProxy]) -> None:
    proxy = _proxy(scripted, b"HTTP/1.1 200 Connection established\r\n\r\n" + GREETING)
    with open_socket(proxy, "mail.example.com", 143, timeout=10) as sock:
        assert sock.makefile("rb").readline() == GREETING
    request = scripted[0].requests[0].decode()
    assert request.startswith("CONNECT mail.example.com:143 HTTP/1.1\r\n")
    assert f"Proxy-Authorization: Basic {base64.b64encode(b'tuser:tpass').decode()}\r\n" in request


def test_a_reply_in_pieces_and_ipv6_targets(scripted: list[ScriptedProxy]) -> None:
    proxy = _proxy(scripted, b"HTTP/1.0 200 OK\r\n", b"Via: x\r\n", b"\r\n", GREETING, user="", password="")
    with open_socket(proxy, "::1", 993, timeout=10) as sock:
        assert sock.makefile("rb").readline() == GREETING
    request = scripted[0].requests[0].decode()
    assert request.startswith("CONNECT [::1]:993 HTTP/1.1\r\n") and "Proxy-Authorization" not in request


def test_the_async_tunnel_keeps_the_greeting_too(scripted: list[ScriptedProxy]) -> None:
    proxy = _proxy(scripted, b"HTTP/1.1 200 Connection established\r\n\r\n" + GREETING)

    async def run() -> bytes:
        sock = await open_socket_async(proxy, "mail.example.com", 143, timeout=10)
        reader, writer = await asyncio.open_connection(sock=sock)
        line = await reader.readline()
        writer.close()
        return line

    assert asyncio.run(run()) == GREETING


@pytest.mark.parametrize(
    ("answer", "kind", "words"),
    [
        (
            b"HTTP/1.1 407 Proxy Authentication Required\r\n\r\n",
            ProxyAuthError,
            "refused the user name or password",
        ),
        (
            b"HTTP/1.0 401 Unauthorized\r\nWWW-Authenticate: Basic\r\n\r\n",
            ProxyAuthError,
            "HTTP 401 Unauthorized",
        ),
        (b"HTTP/1.1 502 Bad Gateway\r\n\r\n", ProxyTargetError, "could not reach mail.example.com:993"),
        (b"SSH-2.0-OpenSSH\r\n\r\n", ProxyError, "did not answer like an HTTP proxy"),
        (b"", ProxyError, "closed the connection without answering"),
    ],
)
def test_bad_answers(
    scripted: list[ScriptedProxy], answer: bytes, kind: type[ProxyError], words: str
) -> None:
    proxy = _proxy(scripted, answer) if answer else _proxy(scripted)
    with pytest.raises(kind, match=words) as caught:
        open_socket(proxy, "mail.example.com", 993, timeout=10)
    assert "tpass" not in str(caught.value)
