"""Helpers for the reference gateway's own tests: the real process with seed data, a websocket
client that validates every frame it receives against docs/protocol/schemas, signed HTTP, and
a callback receiver. (A module of its own, not conftest, so tests can import it by name.)"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import jsonschema
import pytest
import websockets
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from gateway.signing import signed_headers, verify
from harness.gateway import GatewayProcess

SCHEMAS = Path(__file__).resolve().parents[2] / "docs" / "protocol" / "schemas"
FAST_ARGS = [
    "--token-check-interval",
    "0.1",
    "--callback-backoff-base",
    "0.05",
    "--callback-backoff-cap",
    "0.3",
    "--callback-timeout",
    "2",
]


# ---------------------------------------------------------------- schemas


@cache
def _registry() -> Registry:
    registry: Registry = Registry()
    for path in SCHEMAS.rglob("*.json"):
        contents = json.loads(path.read_text())
        registry = registry.with_resource(
            path.as_uri(), Resource.from_contents(contents, default_specification=DRAFT202012)
        )
    return registry


@cache
def validator(name: str) -> jsonschema.Draft202012Validator:
    """Validator for schemas/<name> with relative $refs resolved inside the folder."""
    uri = (SCHEMAS / name).as_uri()
    return jsonschema.Draft202012Validator(
        {"$ref": uri}, registry=_registry(), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


def assert_valid(name: str, instance: Any) -> None:
    errors = sorted(validator(name).iter_errors(instance), key=lambda e: list(e.path))
    assert not errors, f"{name}: {instance!r}\n" + "\n".join(
        f"- {list(e.path)}: {e.message}" for e in errors[:5]
    )


# Every frame received in any test, by type, for the coverage check in test_schemas.
SEEN_FRAMES: dict[str, list[dict[str, Any]]] = {}


# ---------------------------------------------------------------- websocket client


class Client:
    """A desktop-like connection. Frames that arrive while waiting for something else are
    kept, so tests can ask for them in any order."""

    def __init__(self, ws: websockets.ClientConnection) -> None:
        self.ws = ws
        self.pending: list[dict[str, Any]] = []
        self.hello: dict[str, Any] = {}

    @classmethod
    async def connect(cls, gw: GatewayProcess, token: str, since: int | None = 0) -> Client:
        stream = f"{gw.url}/v1/stream"
        url = stream if since is None else f"{stream}?since={since}"
        ws = await websockets.connect(url, additional_headers={"Authorization": f"Bearer {token}"})
        client = cls(ws)
        client.hello = await client.next(lambda f: f["type"] == "hello")
        return client

    async def _recv(self, timeout: float) -> dict[str, Any]:
        text = await asyncio.wait_for(self.ws.recv(), timeout)
        assert isinstance(text, str), "the gateway sends text frames only"
        frame = json.loads(text)
        assert_valid("server-frame.json", frame)
        SEEN_FRAMES.setdefault(frame["type"], []).append(frame)
        if frame["type"] == "event":
            SEEN_FRAMES.setdefault("event:" + frame["event"]["type"], []).append(frame)
        return frame

    async def next(self, pred: Callable[[dict[str, Any]], bool], timeout: float = 5.0) -> dict[str, Any]:
        for i, frame in enumerate(self.pending):
            if pred(frame):
                return self.pending.pop(i)
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"no matching frame in {timeout}s; got {self.pending!r}")
            try:
                frame = await self._recv(remaining)
            except TimeoutError:
                continue
            if pred(frame):
                return frame
            self.pending.append(frame)

    async def event(
        self, event_type: str, pred: Callable[[dict[str, Any]], bool] = lambda e: True
    ) -> dict[str, Any]:
        return await self.next(
            lambda f: f["type"] == "event" and f["event"]["type"] == event_type and pred(f)
        )

    async def events(self, count: int, timeout: float = 5.0) -> list[dict[str, Any]]:
        return [await self.next(lambda f: f["type"] == "event", timeout) for _ in range(count)]

    async def send(self, frame: dict[str, Any] | str | bytes) -> None:
        await self.ws.send(frame if isinstance(frame, str | bytes) else json.dumps(frame))

    async def act(self, frame: dict[str, Any]) -> dict[str, Any]:
        await self.send(frame)
        return await self.next(lambda f: f["type"] == "result" and f["id"] == frame["id"])

    async def close_code(self, timeout: float = 5.0) -> int:
        """Wait until the server closes the connection; the close code it sent."""
        return (await self.closed(timeout)).code

    async def closed(self, timeout: float = 5.0) -> websockets.frames.Close:
        """Wait until the server closes the connection; its close frame."""
        deadline = time.monotonic() + timeout
        with pytest.raises(websockets.ConnectionClosed) as info:
            while time.monotonic() < deadline:
                frame = await self._recv(deadline - time.monotonic())
                self.pending.append(frame)
            raise AssertionError("still open")
        assert info.value.rcvd is not None, "closed without a close frame from the gateway"
        return info.value.rcvd

    async def close(self) -> None:
        await self.ws.close()


# ---------------------------------------------------------------- gateway with seed data


@dataclass
class Gateway:
    proc: GatewayProcess
    tokens: dict[str, str] = field(default_factory=dict)
    secrets: dict[str, str] = field(default_factory=dict)

    @property
    def ws_url(self) -> str:
        return f"{self.proc.url}/v1/stream"

    def post(
        self,
        body: dict[str, Any] | bytes,
        integration: str = "oa",
        *,
        secret: str | None = None,
        timestamp: int | None = None,
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        raw = body if isinstance(body, bytes) else json.dumps(body).encode()
        signed = signed_headers(integration, secret or self.secrets.get(integration, "x"), raw, timestamp)
        response = httpx.post(
            self.proc.http_url + "/v1/events", content=raw, headers=headers or signed, timeout=10
        )
        if response.status_code == 202:
            assert_valid("ingest-response.json", response.json())
        else:
            assert_valid("http-error.json", response.json())
        return response


def approval_request(approval_id: str, recipients: list[str], key: str | None = None) -> dict[str, Any]:
    body = {
        "idempotency_key": key or f"req-{approval_id}",
        "type": "approval.requested",
        "recipients": recipients,
        "data": {
            "approval": {
                "id": approval_id,
                "integration": "oa",
                "title": f"Expense {approval_id}",
                "requester": {"id": "dave", "name": "Dave"},
                "fields": [{"label": "Amount", "value": "120 EUR"}],
                "deadline": "2030-01-01T12:00:00Z",
                "urgency": "urgent",
                "url": f"https://oa.example/a/{approval_id}",
            }
        },
    }
    assert_valid("ingest-request.json", body)
    return body


def seeded_gateway(folder: Path, callback: str | None = None, extra_args: Sequence[str] = ()) -> Gateway:
    """The seed data of make_gateway in folder/gateway.db; the process is not started yet (for
    fixtures of a wider scope). extra_args go to `serve` after the test defaults."""
    proc = GatewayProcess(folder / "gateway.db", extra_args=[*FAST_ARGS, *extra_args], log_level="info")
    gw = Gateway(proc)
    with proc.admin() as admin:
        for name in ("alice", "bob", "carol"):
            admin.add_user(name, display_name=name.title())
            gw.tokens[name] = admin.issue_token(name).token
        gw.tokens["alice2"] = admin.issue_token("alice").token
        gw.secrets["oa"] = admin.add_integration("oa", callback=callback)
        admin.add_conversation("ab", title="Alice & Bob", members=["alice", "bob"])
        admin.add_conversation("team", title="Team", members=["alice", "bob", "carol"])
        admin.add_integration_to("oa", "team")
    return gw


@pytest.fixture
def make_gateway(tmp_path: Path) -> Iterator[Callable[..., Gateway]]:
    """make_gateway(callback=None, extra_args=()) -> a started gateway with users alice, bob, carol (tokens in
    .tokens, alice twice as "alice" and "alice2"), integration "oa" and conversations
    "ab" (direct alice+bob) and "team" (group of all three, which "oa" may post into)."""
    started: list[GatewayProcess] = []

    def make(callback: str | None = None, extra_args: Sequence[str] = ()) -> Gateway:
        gw = seeded_gateway(tmp_path, callback, extra_args)
        started.append(gw.proc)
        gw.proc.start()
        return gw

    yield make
    for proc in started:
        proc.stop()


async def connect(gw: Gateway, who: str, since: int | None = 0) -> Client:
    return await Client.connect(gw.proc, gw.tokens[who], since)


# ---------------------------------------------------------------- callback receiver


class CallbackReceiver:
    """A real HTTP endpoint for approval callbacks. `status` is what it answers; each request
    is recorded with whether its signature verified."""

    def __init__(self, secret_ref: Callable[[], str], port: int = 0) -> None:
        self.status = 200
        self.requests: list[tuple[int, bool, dict[str, Any]]] = []  # (status answered, signed ok, body)
        self._secret_ref = secret_ref
        self._port = port
        self._server: ThreadingHTTPServer | None = None
        self._lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._port}/callback"

    def start(self) -> CallbackReceiver:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                ok = verify(
                    receiver._secret_ref(),
                    self.headers.get("X-Tidings-Timestamp", ""),
                    body,
                    self.headers.get("X-Tidings-Signature", ""),
                )
                with receiver._lock:
                    status = receiver.status
                    receiver.requests.append((status, ok, json.loads(body)))
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", self._port), Handler)
        self._port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def delivered(self) -> list[dict[str, Any]]:
        with self._lock:
            return [body for status, _, body in self.requests if 200 <= status < 300]


async def wait_for(cond: Callable[[], Any], timeout: float = 10.0, what: str = "condition") -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = cond()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        await asyncio.sleep(0.05)
