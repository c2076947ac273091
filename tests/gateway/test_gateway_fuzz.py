"""Property-based fuzzing (Hypothesis) of the real gateway process: POST /v1/events headers and
bodies, websocket frames, and the stream's upgrade parameters.

One gateway process serves the whole module. Every answer must be a documented one (no 5xx, a
schema-valid body or frame, exactly one answer per frame, the sender's connection up), and
after each run the gateway answers, its memory has not grown without bound, and a user who
was connected all along (and received whatever the fuzzed requests fanned out to them, each
frame checked against the schemas) still gets a sentinel event.
"""

from __future__ import annotations

import contextlib
import copy
import json
import time
import urllib.parse
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import websockets
from gateway_helpers import Gateway, assert_valid, seeded_gateway
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from websockets.sync.client import ClientConnection
from websockets.sync.client import connect as ws_connect

from gateway.signing import signature

pytestmark = pytest.mark.gateway

EXAMPLES = 200
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,  # no example files in the repository; failures print their reproduction
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
HTTP_STATUSES = {202, 401, 403, 409, 413, 422}
# Peak memory may grow this much over one fuzz run (buffers, caches, the events it stored);
# buffering one 1 MiB body per request, or a 200 MB one, would be far beyond it.
MAX_GROWTH_MIB = 64


# ---------------------------------------------------------------- a synchronous client


class SyncClient:
    """Like gateway_helpers.Client, for Hypothesis' synchronous tests: every frame it receives
    is checked against docs/protocol/schemas."""

    def __init__(self, gw: Gateway, who: str, since: int = 0) -> None:
        self._stack = contextlib.ExitStack()
        self.ws: ClientConnection = self._stack.enter_context(
            ws_connect(
                f"{gw.ws_url}?since={since}",
                additional_headers={"Authorization": f"Bearer {gw.tokens[who]}"},
                max_queue=None,  # keep reading while the test is busy elsewhere
                max_size=None,
            )
        )
        self.pending: list[dict[str, Any]] = []
        self.hello = self.next(lambda f: f["type"] == "hello")

    def next(self, pred: Callable[[dict[str, Any]], bool], timeout: float = 20.0) -> dict[str, Any]:
        for i, frame in enumerate(self.pending):
            if pred(frame):
                return self.pending.pop(i)
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"no matching frame in {timeout}s")
            text = self.ws.recv(timeout=remaining)
            assert isinstance(text, str), "the gateway sends text frames only"
            frame = json.loads(text)
            assert_valid("server-frame.json", frame)
            if pred(frame):
                return frame
            self.pending.append(frame)

    def until(self, pred: Callable[[dict[str, Any]], bool], timeout: float = 20.0) -> list[dict[str, Any]]:
        """Every frame up to and including the first that matches."""
        seen, self.pending = self.pending, []
        for i, frame in enumerate(seen):
            if pred(frame):
                self.pending = seen[i + 1 :]
                return seen[: i + 1]
        while not seen or not pred(seen[-1]):
            seen.append(self.next(lambda f: True, timeout))
        return seen

    def send(self, frame: str | bytes) -> None:
        self.ws.send(frame)

    def close(self) -> None:
        self._stack.close()


@pytest.fixture(scope="module")
def gw(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Gateway]:
    gateway = seeded_gateway(tmp_path_factory.mktemp("fuzz"))
    gateway.proc.start()
    yield gateway
    gateway.proc.stop()


def _vm_mib(gw: Gateway, field: str) -> float:
    for line in Path(f"/proc/{gw.proc.pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    raise AssertionError(field)


def _healthy_after(gw: Gateway, watcher: SyncClient, peak_before: float) -> None:
    """The gateway answers, its peak memory is bounded, and the watcher is still connected and
    gets a sentinel posted now (after draining what the fuzz run sent it)."""
    assert gw.proc.running
    assert httpx.get(gw.proc.http_url + "/v1/health", timeout=10).json() == {"ok": True, "protocol": 1}
    grown = _vm_mib(gw, "VmHWM") - peak_before
    assert grown < MAX_GROWTH_MIB, f"peak memory grew by {grown:.0f} MiB"
    sentinel = f"sentinel-{uuid.uuid4().hex}"
    response = gw.post(
        {
            "idempotency_key": sentinel,
            "type": "announcement",
            "recipients": ["carol"],
            "data": {"announcement": {"id": sentinel, "title": "sentinel"}},
        }
    )
    assert response.status_code == 202
    watcher.next(
        lambda f: f["type"] == "event" and f["event"]["data"].get("announcement", {}).get("id") == sentinel,
        timeout=60,
    )
    assert "Traceback" not in gw.proc.log_text(), gw.proc.log_tail()


# ---------------------------------------------------------------- strategies

SPECIAL_TEXT = [
    "",
    " ",
    "\ud800",  # lone surrogates: escaped by json.dumps, raw (CESU-8) bytes with surrogatepass
    "a\udc00b",
    "\ud83d",
    "\ud83d\ude00",  # a valid pair, as two escapes
    "x" * 40_000,
    "alice",
    "carol",
    "*",
    "team",
    "ab",
    "A-1",
    "task:1",
    "chat:team",
    "mail:1",
    "2030-01-01T00:00:00Z",
    "2030-02-30T00:00:00Z",
    "\x00",
    "中文",
]
texts = st.one_of(st.text(max_size=30), st.sampled_from(SPECIAL_TEXT))
leaves = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**80), max_value=2**80),
    st.floats(allow_nan=False, allow_infinity=False),
    texts,
)
json_values = st.recursive(
    leaves,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(texts, inner, max_size=3),
    max_leaves=8,
)


def _ingest_templates() -> list[dict[str, Any]]:
    def body(event_type: str, data: dict[str, Any], recipients: Any = ("alice", "carol")) -> dict[str, Any]:
        recipients = recipients if isinstance(recipients, str) else list(recipients)
        return {"idempotency_key": "k", "type": event_type, "recipients": recipients, "data": data}

    person = {"id": "dave", "name": "Dave"}
    return [
        body("announcement", {"announcement": {"id": "N-1", "title": "t", "text": "", "url": None}}, "*"),
        body("task.assigned", {"task": {"id": "T-1", "title": "t", "due": "2030-01-01T00:00:00Z"}}),
        body(
            "approval.requested",
            {
                "approval": {
                    "id": "A-1",
                    "title": "t",
                    "requester": person,
                    "fields": [{"label": "a", "value": "b"}],
                }
            },
        ),
        body("approval.resolved", {"approval": {"id": "A-1"}, "state": "approved", "by": person}),
        body("chat.message", {"conversation": {"id": "team"}, "message": {"id": "m", "text": "hi"}}),
    ]


def _action_templates() -> list[dict[str, Any]]:
    return [
        {"type": "chat.send", "id": "c", "conversation": "team", "text": "hi"},
        {"type": "approval.decide", "id": "d", "approval": "A-1", "decision": "approve", "comment": "ok"},
        {"type": "item.read", "id": "r", "item": "task:1"},
    ]


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield (*prefix, key)
            yield from _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield (*prefix, i)
            yield from _paths(value, (*prefix, i))


def mostly(usual: st.SearchStrategy[Any], other: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """usual nine times in ten, so most cases get past the first checks to the deeper ones."""
    return st.integers(0, 9).flatmap(lambda n: other if n == 0 else usual)


@st.composite
def near_valid(draw: st.DrawFn, templates: list[dict[str, Any]]) -> Any:
    """A valid document with up to three fields replaced by anything, or removed."""
    doc = copy.deepcopy(draw(st.sampled_from(templates)))
    doc["id" if "id" in doc else "idempotency_key"] = draw(mostly(st.sampled_from(["k1", "k2", "k3"]), texts))
    for _ in range(draw(st.integers(0, 3))):
        path = draw(st.sampled_from(list(_paths(doc))))
        parent = doc
        for key in path[:-1]:
            parent = parent[key]
        if draw(st.integers(0, 4)) == 0:
            del parent[path[-1]]
        else:
            parent[path[-1]] = draw(json_values)
    return doc


def _encode(doc: Any, raw_surrogates: bool) -> bytes:
    if raw_surrogates:  # lone surrogates as bytes (not UTF-8), everything else as UTF-8
        return json.dumps(doc, ensure_ascii=False).encode("utf-8", "surrogatepass")
    return json.dumps(doc).encode()


@st.composite
def bodies(draw: st.DrawFn, templates: list[dict[str, Any]]) -> bytes:
    kind = draw(st.sampled_from(["near_valid", "near_valid", "near_valid", "json", "deep", "bytes"]))
    if kind == "near_valid":
        return _encode(draw(near_valid(templates)), draw(st.booleans()))
    if kind == "json":
        return _encode(draw(json_values), draw(st.booleans()))
    if kind == "deep":
        opener = draw(st.sampled_from(["[", '{"a":', '{"data":[', "[{}, "]))
        depth = draw(st.integers(20, 5000))
        return (opener * depth + draw(st.sampled_from(["", "1", "]" * depth]))).encode()
    return draw(st.binary(max_size=200))


header_text = st.text(
    st.characters(min_codepoint=0x21, max_codepoint=0xFF, exclude_characters="\x7f"), max_size=40
)


@st.composite
def http_requests(draw: st.DrawFn, secret: str) -> tuple[dict[str, bytes], bytes]:
    body = draw(bodies(_ingest_templates()))
    now = int(time.time())
    integration = draw(mostly(st.just("oa"), st.sampled_from(["crm", ""]) | header_text))
    timestamp = draw(
        mostly(
            st.just(str(now)),
            st.sampled_from([str(now - 3600), "1" + "0" * 400, "-1", "1e9", ""])
            | st.integers(min_value=-(10**20), max_value=10**20).map(str)
            | header_text,
        )
    )
    sig = draw(mostly(st.just("good"), st.sampled_from(["other", "junk"])))
    if sig == "good":
        signed = signature(secret, timestamp, body)
    elif sig == "other":
        signed = signature("not-the-secret", timestamp, body)
    else:
        signed = draw(header_text)
    headers = {
        "X-Tidings-Integration": integration,
        "X-Tidings-Timestamp": timestamp,
        "X-Tidings-Signature": signed,
        "Content-Type": draw(st.sampled_from(["application/json", "text/plain", ""])),
    }
    return {k: v.encode("latin-1") for k, v in headers.items() if v}, body


class Frame:
    """A websocket frame to send, shown shortened when Hypothesis reports it."""

    def __init__(self, data: str | bytes) -> None:
        self.data = data

    def __repr__(self) -> str:
        shown = self.data if len(self.data) <= 300 else self.data[:300]
        return f"Frame({shown!r}{'' if shown is self.data else f' ... {len(self.data)} in all'})"


@st.composite
def ws_frames(draw: st.DrawFn) -> Frame:
    return Frame(draw(_ws_payloads()))


@st.composite
def _ws_payloads(draw: st.DrawFn) -> str | bytes:
    kind = draw(
        st.sampled_from(["near_valid", "near_valid", "near_valid", "json", "deep", "text", "bytes", "big"])
    )
    if kind == "near_valid":
        frame = draw(near_valid(_action_templates()))
        if draw(st.integers(0, 5)) == 0 and isinstance(frame, dict):
            frame["type"] = draw(texts)
        return json.dumps(frame)
    if kind == "json":
        return json.dumps(draw(json_values))
    if kind == "deep":
        opener = draw(st.sampled_from(["[", '{"a":', '{"type":"chat.send","id":"x","text":[']))
        return opener * draw(st.integers(20, 20_000))
    if kind == "text":
        return draw(st.text(max_size=100))
    if kind == "bytes":
        return draw(st.binary(max_size=100))
    return json.dumps({"type": "chat.send", "id": "big", "conversation": "team", "text": "x" * 70_000})


# ---------------------------------------------------------------- the fuzzers


def test_fuzz_http_ingest_headers_and_bodies(gw: Gateway) -> None:
    watcher = SyncClient(gw, "carol", since=-1)
    peak_before = _vm_mib(gw, "VmHWM")
    statuses: Counter[int] = Counter()
    url = gw.proc.http_url + "/v1/events"

    # A new connection per request: on a kept-alive one each answer waited ~40 ms for a
    # delayed ACK (Nagle on the server's separate header and body writes).
    with httpx.Client(timeout=30, limits=httpx.Limits(max_keepalive_connections=0)) as client:

        @FUZZ
        @given(request=http_requests(gw.secrets["oa"]))
        def one(request: tuple[dict[str, bytes], bytes]) -> None:
            headers, body = request
            response = client.post(url, content=body, headers=headers)
            statuses[response.status_code] += 1
            assert response.status_code in HTTP_STATUSES, (response.status_code, response.text[:500])
            schema = "ingest-response.json" if response.status_code == 202 else "http-error.json"
            assert_valid(schema, response.json())

        one()

    print(
        f"\nHTTP fuzz: {sum(statuses.values())} requests, answers by status {dict(sorted(statuses.items()))}"
    )
    assert statuses[202] > 0 and statuses[422] > 0, "the fuzzer reaches both acceptance and validation"
    _healthy_after(gw, watcher, peak_before)
    watcher.close()


def test_fuzz_websocket_frames(gw: Gateway) -> None:
    # An approval for alice and carol, so approval.decide frames can succeed too.
    gw.post(
        {
            "idempotency_key": "fuzz-A-1",
            "type": "approval.requested",
            "recipients": ["alice", "carol"],
            "data": {"approval": {"id": "A-1", "title": "t", "requester": {"id": "d", "name": "D"}}},
        }
    )
    watcher = SyncClient(gw, "carol", since=-1)
    sender = SyncClient(gw, "alice", since=-1)
    peak_before = _vm_mib(gw, "VmHWM")
    answers: Counter[str] = Counter()

    def probe() -> list[dict[str, Any]]:
        """Frames up to the answer of a fresh probe (not included).

        The gateway answers a connection's frames one by one, in order (gateway/ws.py), so
        the probe's answer follows the fuzzed frame's. An unknown type with an id is answered
        with a result at once; an item.read would cost a durable write (~50 ms) per probe."""
        probe_id = f"probe-{uuid.uuid4().hex}"
        sender.send(json.dumps({"type": "fuzz.probe", "id": probe_id}))
        answer = sender.until(lambda f: f.get("id") == probe_id)
        assert answer[-1]["type"] == "result" and answer[-1]["error"]["code"] == "unknown_type"
        return answer[:-1]

    @FUZZ
    @given(frame=ws_frames())
    def one(frame: Frame) -> None:
        probe()  # whatever an earlier (failed) example left unread
        sender.send(frame.data)
        # The frames before the probe's result answer the fuzzed frame.
        replies = [f for f in probe() if f["type"] in ("error", "result")]
        assert len(replies) == 1, replies
        reply = replies[0]
        answers[f"{reply['type']}:{reply['error']['code'] if 'error' in reply else 'ok'}"] += 1

    one()

    print(f"\nwebsocket fuzz: {sum(answers.values())} frames, answers {dict(sorted(answers.items()))}")
    assert answers["result:ok"] > 0 and answers["result:invalid"] > 0
    # The sender's own connection is still up and served.
    last = {"type": "item.read", "id": f"last-{uuid.uuid4().hex}", "item": "task:1"}
    sender.send(json.dumps(last))
    assert sender.next(lambda f: f.get("id") == last["id"])["ok"] is True
    _healthy_after(gw, watcher, peak_before)
    sender.close()
    watcher.close()


query_text = st.one_of(
    st.sampled_from(["0", "-1", "5", "-2", "abc", "", "1" * 30, "9" * 5000, "1e3", " 3", "٣"]),
    st.text(max_size=30),
)


@st.composite
def upgrades(draw: st.DrawFn, token: str) -> tuple[str, dict[str, str]]:
    params = {}
    for name in ("since", "at"):
        if draw(st.booleans()):
            params[name] = draw(query_text)
    query = urllib.parse.urlencode(params, encoding="utf-8", errors="surrogatepass")
    auth = draw(
        mostly(st.just(f"Bearer {token}"), st.sampled_from(["Bearer nope", "Basic x", ""]) | header_text)
    )
    return query, ({"Authorization": auth} if auth else {})


def test_fuzz_stream_upgrade_parameters(gw: Gateway) -> None:
    watcher = SyncClient(gw, "carol", since=-1)
    peak_before = _vm_mib(gw, "VmHWM")
    outcomes: Counter[str] = Counter()

    @FUZZ
    @given(upgrade=upgrades(gw.tokens["bob"]))
    def one(upgrade: tuple[str, dict[str, str]]) -> None:
        query, headers = upgrade
        try:
            connection = ws_connect(f"{gw.ws_url}?{query}", additional_headers=headers, max_size=None)
        except websockets.InvalidStatus as refused:
            # Refused before the upgrade: a request line over the websocket layer's 8 KiB (414).
            assert refused.response.status_code in (414, 431), refused
            outcomes[f"http {refused.response.status_code}"] += 1
            return
        with connection as ws:
            try:
                first = json.loads(ws.recv(timeout=20))
            except websockets.ConnectionClosed as closed:
                assert closed.rcvd is not None, "closed without a close frame"
                assert closed.rcvd.code in (4400, 4401), closed.rcvd
                outcomes[str(closed.rcvd.code)] += 1
                return
            assert_valid("server-frame.json", first)
            assert first["type"] == "hello", first
            outcomes["hello"] += 1

    one()

    print(f"\nupgrade fuzz: {sum(outcomes.values())} connections, outcomes {dict(sorted(outcomes.items()))}")
    assert outcomes["hello"] > 0 and outcomes["4401"] > 0
    _healthy_after(gw, watcher, peak_before)
    watcher.close()
