"""Frames no reference gateway sends, from a scripted one: lone surrogates, nesting deeper than
Python's recursion. The source keeps its session, stores what it can and loses nothing after."""

from __future__ import annotations

import json
from pathlib import Path

from test_gateway_resume import FakeGateway, Recorder, notice, scenario, wait_for

from desktop.core.text import may_hold_surrogates, replace_lone_surrogates
from desktop.sources.gateway import GatewaySource
from desktop.store import Store


async def send_raw(fake: FakeGateway, text: str) -> None:
    for ws in list(fake._open):
        await ws.send(text)


def test_lone_surrogates_become_replacement_characters_and_deep_nesting_is_ignored(tmp_path: Path) -> None:
    async def body(fake: FakeGateway, source: GatewaySource, store: Store, rec: Recorder) -> None:
        await wait_for(lambda: rec.online, "online")
        hostile = notice("e\udc801", "n\ud800")
        hostile["data"]["announcement"]["title"] = "Fire \udfff drill"
        hostile["data"]["announcement"]["text"] = "at \udc80 3\x00"
        await fake.publish(hostile)  # json.dumps writes them as "\udc80" escapes
        depth = 100_000
        await send_raw(fake, '{"type": "event", "seq": 2, "event": ' + "[" * depth + "]" * depth + "}")
        await fake.publish(notice("e3", "n3"))  # the sentinel after both
        await wait_for(lambda: ("gw:announcement:n3", False) in rec.added, "the sentinel")

        assert [i for i, _ in rec.added] == ["gw:announcement:n\ufffd", "gw:announcement:n3"]
        item = store.get_item("gw:announcement:n\ufffd")
        assert item is not None and item.title == "Fire \ufffd drill"
        assert rec.online, "the session carries on"

    scenario(tmp_path, body)


def test_surrogate_checks() -> None:
    raw = json.dumps({"a\udc80": ["x\ud83d\ude00", "\ud800y"]})  # a valid pair and two lone halves
    assert may_hold_surrogates(raw) and may_hold_surrogates(raw.encode())
    assert replace_lone_surrogates(json.loads(raw)) == {"a\ufffd": ["x\U0001f600", "\ufffdy"]}
    assert not may_hold_surrogates(json.dumps({"a": "plain \u00e9 \u4e2d"}))
