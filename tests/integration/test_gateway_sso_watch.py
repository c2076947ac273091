"""`tidings watch --json` with the gateway's one sign-in (``[gateway] sign_in = "sso"``), as a
real child process against the real gateway and the harness's identity provider: the gateway
being down is ``offline``; the gateway ending the sign-in is ``sign_in_again`` (never
``auth_failed``); a new sign-in brings it back ``online`` by itself."""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
import time
import webbrowser
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import keyring
import pytest

from desktop.app import gateway_login
from desktop.config.secrets import SERVICE
from desktop.config.settings import GatewaySettings, Settings, to_toml
from desktop.sources.gateway.sso import refresh_token_key
from harness.file_keyring import FileKeyring, environment
from harness.gateway import GatewayProcess, OidcOptions
from harness.idp import RESOURCE_GATEWAY_JWT, IdentityProvider
from harness.signin_browser import SignInBrowser

pytestmark = [pytest.mark.gateway]

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def file_keyring(tmp_path: Path) -> Iterator[FileKeyring]:
    """One keyring file shared by this test and the watch process."""
    previous = keyring.get_keyring()
    backend = FileKeyring(tmp_path / "keyring" / "keyring.json")
    keyring.set_keyring(backend)
    try:
        yield backend
    finally:
        keyring.set_keyring(previous)


class Watch:
    """`tidings watch --json` as a child process; its lines are read on a thread."""

    def __init__(self, config: Path, data_dir: Path, env: dict[str, str]) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "desktop.app.cli", "--config", str(config), "--data-dir", str(data_dir),
             "watch", "--json"],
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, **env, "PYTHONUNBUFFERED": "1"},
        )  # fmt: skip
        self.lines: queue.Queue[dict[str, Any]] = queue.Queue()
        self.seen: list[dict[str, Any]] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            if line.strip():
                self.lines.put(json.loads(line))

    def status(self, state: str, timeout: float = 60.0) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.5)
            except queue.Empty:
                if self.proc.poll() is not None:
                    break
                continue
            self.seen.append(line)
            if line.get("event") == "status" and line.get("source") == "gateway" and line["state"] == state:
                return line
        raise AssertionError(f"no gateway {state} status line; saw {self.seen}")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=5)


def test_watch_json_tells_the_gateway_down_from_sign_in_again(
    tmp_path: Path, file_keyring: FileKeyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    with (
        IdentityProvider(tmp_path / "idp") as idp,
        SignInBrowser(tmp_path / "browser") as browser,
        GatewayProcess(
            tmp_path / "gw.db", oidc=OidcOptions(idp.issuer, RESOURCE_GATEWAY_JWT, create_users=True)
        ) as gw,
    ):
        gw.start()
        settings = GatewaySettings(
            url=gw.url,
            sign_in="sso",
            issuer=idp.issuer,
            client_id=idp.client_id,
            audience=RESOURCE_GATEWAY_JWT,
            scopes=["openid", "offline_access", "gateway"],
        )

        def sign_in() -> None:
            monkeypatch.setenv("BROWSER", str(browser.browser_script("consent", "frank")))
            monkeypatch.delenv("DISPLAY", raising=False)
            monkeypatch.setattr(webbrowser, "_tryorder", None)  # BROWSER is read once per process
            said: list[str] = []
            code = gateway_login.run(
                Settings(gateway=settings), device=False, say=said.append, warn=said.append
            )
            assert code == 0, said

        sign_in()
        first = file_keyring.get_password(SERVICE, refresh_token_key(settings))
        assert first
        config = tmp_path / "settings.toml"
        config.write_text(to_toml(Settings(gateway=settings)), encoding="utf-8")
        watch = Watch(config, tmp_path / "data", environment(file_keyring.path))
        try:
            watch.status("online")
            gw.stop()  # an outage: retried, not a sign-in problem
            watch.status("offline")
            gw.start()
            watch.status("online")

            gw.revoke_sessions("frank")  # the operator ends frank's sessions
            again = watch.status("sign_in_again")
            assert again["message"].startswith("Sign in again")

            # A new sign-in (here `tidings gateway login` in another process, as the inbox's
            # Sign in… button would) is picked up by the waiting source by itself.
            sign_in()
            assert file_keyring.get_password(SERVICE, refresh_token_key(settings)) != first
            watch.status("online")
        finally:
            watch.stop()
        states = [line["state"] for line in watch.seen if line.get("source") == "gateway"]
        assert "auth_failed" not in states and "error" not in states, watch.seen
        assert first not in json.dumps(watch.seen)
