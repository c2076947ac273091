"""gateway/validate.py without a process: the shipped schemas are the documented ones, parsing is
bounded, and the messages name the field. (The real process is exercised in
test_gateway_hostile_input.py and test_gateway_fuzz.py.)"""

from __future__ import annotations

import runpy
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from gateway_helpers import assert_valid

from gateway import validate as v

REPO = Path(__file__).resolve().parents[2]


def test_the_shipped_schemas_are_the_documented_ones() -> None:
    generator = runpy.run_path(str(REPO / "scripts" / "generate_gateway_schemas.py"))
    current = (REPO / "gateway" / "protocol_schemas.py").read_text(encoding="utf-8")
    assert current == generator["render"](), (
        "docs/protocol/schemas changed: run .venv/bin/python scripts/generate_gateway_schemas.py"
    )


@pytest.mark.parametrize(
    "text",
    ["[" * 33, '{"a":' * 33 + "1" + "}" * 33, "[" * 100_000, "NaN", "-Infinity", "1" * 5000, "{", b"\xff"],
)
def test_parse_json_refuses_without_raising_anything_else(text: str | bytes) -> None:
    with pytest.raises(v.BadJson):
        v.parse_json(text)


def test_parse_json_takes_the_depth_it_allows_and_brackets_inside_strings() -> None:
    assert v.parse_json("[" * 32 + "]" * 32) is not None
    assert v.parse_json('{"t": "' + "[" * 1000 + '"}') == {"t": "[" * 1000}
    assert v.parse_json(b'"\\ud83d\\ude00"') == "\U0001f600"  # a pair of escapes is one character


def _ingest(data: dict[str, Any], event_type: str = "announcement") -> dict[str, Any]:
    return {"idempotency_key": "k", "type": event_type, "recipients": ["alice"], "data": data}


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ([], "body: expected an object"),
        (_ingest({"announcement": {"id": "N"}}), "data.announcement.title: required"),
        (_ingest({"announcement": {"id": "N", "title": "  "}}), "data.announcement.title: must not be empty"),
        (_ingest({"announcement": {"id": "N", "title": "t", "urgency": "high"}}), "one of normal, urgent"),
        (
            _ingest({"announcement": {"id": "N", "title": "t\ud800"}}),
            "data.announcement.title: not valid Unicode",
        ),
        (
            _ingest({"task": {"id": "T", "title": "t", "due": "2030-02-30T00:00:00Z"}}, "task.assigned"),
            "RFC 3339",
        ),
        (
            _ingest({"task": {"id": "T", "title": "t", "due": "2030-01-01T00:00:00"}}, "task.assigned"),
            "RFC 3339",
        ),
        ({**_ingest({}), "recipients": []}, 'recipients: a non-empty list of user names, or "*"'),
        ({**_ingest({}), "idempotency_key": "x" * 201}, "idempotency_key: longer than 200 characters"),
    ],
)
def test_ingest_refusals_name_the_field(body: Any, message: str) -> None:
    with pytest.raises(v.Invalid) as refused:
        v.check_ingest(body, "oa")
    assert message in str(refused.value)
    assert len(str(refused.value)) < 300, "the message never echoes the value"


def test_ingest_fills_the_documented_defaults() -> None:
    body = _ingest(
        {"approval": {"id": "A", "title": "t", "requester": {"id": "d", "name": "D"}}}, "approval.requested"
    )
    v.check_ingest(body, "oa")
    assert body["data"]["approval"] == {
        "id": "A",
        "title": "t",
        "requester": {"id": "d", "name": "D"},
        "integration": "oa",
        "fields": [],
        "deadline": None,
        "urgency": "normal",
        "url": None,
    }
    # What is delivered is what the wire schema describes.
    event = {
        "id": "evt_1",
        "type": "approval.requested",
        "time": "2030-01-01T00:00:00Z",
        "data": body["data"],
    }
    assert_valid("event.json", event)


def test_actions_are_checked_against_their_schema() -> None:
    frame = {"type": "approval.decide", "id": "1", "approval": "A", "decision": "approve"}
    v.check_action(frame)
    assert frame["comment"] == ""
    with pytest.raises(v.Invalid, match=r"^item: must match"):
        v.check_action({"type": "item.read", "id": "1", "item": "mail:1"})
    with pytest.raises(v.Invalid, match=r"^text: longer than 32000 characters$"):
        v.check_action({"type": "chat.send", "id": "1", "conversation": "c", "text": "x" * 32_001})


def test_an_installed_gateway_finds_its_schemas(tmp_path: Path) -> None:
    """The gateway package alone (as pip installs it, without docs/) validates frames."""
    package = tmp_path / "site" / "gateway"
    shutil.copytree(REPO / "gateway", package, ignore=shutil.ignore_patterns("__pycache__"))
    script = (
        "import gateway.validate as v; "
        "v.check_action({'type': 'chat.send', 'id': '1', 'conversation': 'c', 'text': 'hi'}); "
        "print(v.__file__)"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=tmp_path,
        env={"PYTHONPATH": str(package.parent), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.strip().startswith(str(package.parent))
