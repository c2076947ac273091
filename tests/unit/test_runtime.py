"""Applying new settings restarts exactly the sources whose settings changed."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from desktop.app import runtime as runtime_mod
from desktop.app.runtime import Runtime
from desktop.config.settings import GatewaySettings, MailAccount, Settings
from desktop.sources.base import Emit


class Fake:
    def __init__(self, source_id: str, log: list[str]) -> None:
        self.id, self.display_name, self._log = source_id, source_id, log

    def start(self, emit: Emit) -> None:
        self._log.append(f"start {self.id}")

    async def stop(self) -> None:
        self._log.append(f"stop {self.id}")

    def reconnect_now(self) -> None: ...
    def outbox_changed(self) -> None: ...


@pytest.fixture
def log(monkeypatch: pytest.MonkeyPatch, memory_keyring: object) -> list[str]:
    events: list[str] = []
    monkeypatch.setattr(runtime_mod, "make_mail_source", lambda a, store: Fake(a.source_id, events))
    monkeypatch.setattr(runtime_mod, "make_gateway_source", lambda s, store: Fake("gateway", events))
    return events


def acct(name: str, host: str = "imap.example.com") -> MailAccount:
    return MailAccount(name=name, host=host, username="u")


def test_only_changed_sources_restart(tmp_path: Path, log: list[str]) -> None:
    gw = GatewaySettings(url="wss://gw.example.com")
    rt = Runtime(Settings(mail=[acct("a"), acct("b")], gateway=gw), tmp_path)

    async def main() -> None:
        rt.start(asyncio.get_running_loop())
        assert log == ["start mail:a", "start mail:b", "start gateway"]
        log.clear()
        # b edited, c added, a unchanged, gateway unchanged
        await rt.apply_settings(Settings(mail=[acct("a"), acct("b", "other"), acct("c")], gateway=gw))
        assert log == ["stop mail:b", "start mail:b", "start mail:c"]
        log.clear()
        # a removed: stopped and forgotten; gateway switched off
        await rt.apply_settings(Settings(mail=[acct("b", "other"), acct("c")]))
        assert log == ["stop mail:a", "stop gateway"]
        assert set(rt.sources) == {"mail:b", "mail:c"}
        await rt.stop()

    asyncio.run(main())
