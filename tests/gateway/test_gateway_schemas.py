"""The documents in docs/protocol match the implementation: every name on the wire has a schema,
the AsyncAPI/OpenAPI documents list it, and real frames validate (gateway_helpers.Client checks
every frame any test receives)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from gateway_helpers import SCHEMAS, SEEN_FRAMES, approval_request, assert_valid, connect, validator

from gateway import protocol

DOCS = SCHEMAS.parent
SERVER_FRAME_SCHEMA = {
    "hello": "hello.json",
    "event": "event-frame.json",
    "result": "result.json",
    "error": "error.json",
}


def _load(name: str) -> dict[str, Any]:
    return yaml.safe_load((DOCS / name).read_text())


def _schema(name: str) -> dict[str, Any]:
    return json.loads((SCHEMAS / name).read_text())


def _refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return found + [r for v in node.values() for r in _refs(v)]
    if isinstance(node, list):
        return [r for v in node for r in _refs(v)]
    return []


def test_every_frame_and_event_type_has_a_schema_listed_in_asyncapi() -> None:
    doc = _load("asyncapi.yaml")
    messages = doc["components"]["messages"]
    channel = doc["channels"]["stream"]["messages"]
    for frame_type, schema_file in SERVER_FRAME_SCHEMA.items():
        assert (SCHEMAS / schema_file).is_file()
        assert messages[frame_type]["payload"]["$ref"] == f"./schemas/{schema_file}"
        assert frame_type in channel
    assert set(SERVER_FRAME_SCHEMA) == set(protocol.SERVER_FRAME_TYPES)
    for action in protocol.ACTION_TYPES:
        assert _schema(f"{action}.json")["properties"]["type"] == {"const": action}
        assert messages[action]["payload"]["$ref"] == f"./schemas/{action}.json"
        assert action in channel
    received = {r["$ref"].rsplit("/", 1)[1] for r in doc["operations"]["receiveFromGateway"]["messages"]}
    sent = {r["$ref"].rsplit("/", 1)[1] for r in doc["operations"]["sendToGateway"]["messages"]}
    assert received == set(protocol.SERVER_FRAME_TYPES)
    assert sent == set(protocol.ACTION_TYPES)
    assert {r["$ref"] for r in _schema("client-frame.json")["oneOf"]} == {
        f"{a}.json" for a in protocol.ACTION_TYPES
    }
    assert {r["$ref"] for r in _schema("server-frame.json")["oneOf"]} == set(SERVER_FRAME_SCHEMA.values())

    event = _schema("event.json")
    assert event["properties"]["type"]["enum"] == list(protocol.EVENT_TYPES)
    branches = {
        b["if"]["properties"]["type"]["const"]: b["then"]["properties"]["data"]["$ref"]
        for b in event["allOf"]
    }
    assert branches == {t: f"events/{t}.json" for t in protocol.EVENT_TYPES}
    for event_type in protocol.EVENT_TYPES:
        assert doc["components"]["schemas"][event_type]["$ref"] == f"./schemas/events/{event_type}.json"


def test_error_codes_match_the_implementation() -> None:
    error = _schema("error.json")["properties"]["error"]["allOf"][1]["properties"]["code"]["enum"]
    assert error == list(protocol.FRAME_ERROR_CODES)
    failed = _schema("result.json")["oneOf"][1]["properties"]["error"]["properties"]["code"]["enum"]
    assert failed == list(protocol.RESULT_ERROR_CODES)
    http = _schema("http-error.json")["properties"]["error"]["allOf"][1]["properties"]["code"]["enum"]
    assert set(http) == set(protocol.HTTP_ERRORS)
    responses = _load("openapi.yaml")["paths"]["/v1/events"]["post"]["responses"]
    for code, status in protocol.HTTP_ERRORS.items():
        assert code in responses[str(status)]["description"], (code, status)
    ingest_types = _schema("ingest-request.json")["properties"]["type"]["enum"]
    assert ingest_types == list(protocol.INGEST_EVENT_TYPES)


@pytest.mark.parametrize("doc", ["asyncapi.yaml", "openapi.yaml"])
def test_every_file_reference_in_the_documents_resolves(doc: str) -> None:
    files = [r for r in _refs(_load(doc)) if not r.startswith("#")]
    assert files, "the document references the schema files"
    for ref in files:
        assert (DOCS / ref).resolve().is_file(), ref
    for path in SCHEMAS.rglob("*.json"):  # and the schemas' own relative refs
        for ref in _refs(json.loads(path.read_text())):
            target = ref.split("#", 1)[0]
            if target:
                assert (path.parent / target).resolve().is_file(), f"{path.name}: {ref}"


def test_the_schemas_reject_what_they_should() -> None:
    # So a passing validation elsewhere means something.
    good_event = {
        "type": "event",
        "seq": 1,
        "event": {
            "id": "evt_1",
            "type": "item.read",
            "time": "2030-01-01T00:00:00Z",
            "data": {"item": "task:1"},
        },
    }
    assert_valid("server-frame.json", good_event)
    for bad in (
        {**good_event, "seq": 0},
        {k: v for k, v in good_event.items() if k != "seq"},
        {**good_event, "event": {**good_event["event"], "data": {"item": "mail:1"}}},
        {**good_event, "event": {**good_event["event"], "type": "chat.message"}},
        {"type": "result", "id": "a", "ok": True},
        {"type": "result", "id": "a", "ok": False, "error": {"code": "nope", "message": ""}},
        {"type": "error", "error": {"code": "invalid", "message": "result codes are not frame codes"}},
        {"type": "hello", "protocol": 2, "user": "a", "seq": 0},
    ):
        assert not validator("server-frame.json").is_valid(bad), bad


@pytest.mark.gateway
@pytest.mark.asyncio
async def test_real_frames_of_every_type_validate(make_gateway) -> None:
    SEEN_FRAMES.clear()
    gw = make_gateway()
    with gw.proc.admin() as admin:
        admin.add_integration_to("oa", "team")  # the chat.message below comes from its bot
    for body in (
        approval_request("A-1", ["alice"]),
        {
            "idempotency_key": "t",
            "type": "task.assigned",
            "recipients": ["alice"],
            "data": {
                "task": {
                    "id": "T-1",
                    "title": "Do it",
                    "text": "x",
                    "url": "https://pm/T-1",
                    "due": "2030-01-02T00:00:00+08:00",
                    "project": "P",
                }
            },
        },
        {
            "idempotency_key": "n",
            "type": "announcement",
            "recipients": "*",
            "data": {
                "announcement": {"id": "N-1", "title": "Hi", "text": "", "url": None, "urgency": "urgent"}
            },
        },
        {
            "idempotency_key": "c",
            "type": "chat.message",
            "recipients": ["alice", "bob"],
            "data": {  # from the integration's own bot identity, into a conversation it was added to
                "conversation": {"id": "team"},
                "message": {"id": "m-1", "text": "build green", "time": "2030-01-01T00:00:00Z"},
            },
        },
    ):
        assert_valid("ingest-request.json", body)
        assert gw.post(body).status_code == 202
    alice = await connect(gw, "alice")
    await alice.events(4)
    await alice.act({"type": "chat.send", "id": "1", "conversation": "ab", "text": "hi"})
    await alice.act({"type": "approval.decide", "id": "2", "approval": "A-1", "decision": "approve"})
    await alice.act({"type": "approval.decide", "id": "3", "approval": "A-1", "decision": "approve"})
    await alice.act({"type": "item.read", "id": "4", "item": "announcement:N-1"})
    await alice.act({"type": "task.complete", "id": "5", "task": "T-1"})
    await alice.send("{")
    await alice.next(lambda f: f["type"] == "error")
    await alice.events(4)  # chat.message, approval.resolved, item.read, task.completed
    await alice.close()

    wanted = set(protocol.SERVER_FRAME_TYPES) | {f"event:{t}" for t in protocol.EVENT_TYPES}
    assert wanted <= set(SEEN_FRAMES), wanted - set(SEEN_FRAMES)
    results = SEEN_FRAMES["result"]
    assert {r["ok"] for r in results} == {True, False}
    r = httpx.get(gw.proc.http_url + "/v1/health")
    assert_valid("health.json", r.json())


def test_schemas_are_valid_json_schema() -> None:
    from jsonschema import Draft202012Validator

    for path in Path(SCHEMAS).rglob("*.json"):
        Draft202012Validator.check_schema(json.loads(path.read_text()))
