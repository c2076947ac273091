"""The real reference gateway as a child process, for tests, the demo and benchmarks.

    gw = GatewayProcess(tmp_path / "gw.db").start()
    gw.add_user("alice", "Alice Liu")
    token = gw.issue_token("alice")
    secret = gw.add_integration("oa")
    gw.post_event("oa", secret, "announcement", {"announcement": {...}}, recipients=["alice"])
    gw.kill(); gw.start()        # same DB file, same port: clients resume
    gw.stop()                    # SIGTERM, then SIGKILL; by PID; returns the exit code
    gw.log_text()                # the child's stdout+stderr, kept in a file next to the DB

Sign-in with the harness's OpenID Connect provider (``harness.idp``):

    gw = GatewayProcess(db, oidc=OidcOptions(idp.issuer, RESOURCE_GATEWAY_JWT, create_users=True))
    answer = gw.exchange(provider_token)          # POST /v1/sessions (httpx.Response)
    gw.sessions("alice"); gw.revoke_sessions("alice")

Users, tokens, integrations and conversations are written with
``gateway.admin.GatewayAdmin`` straight into the database file (WAL; safe while
the server runs, and also while it is down). Third-party events go through the
real HTTP API (``POST /v1/events``), signed like an OA system would sign them.
No pytest import: plain Python, usable from scripts.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

import httpx

from gateway.admin import GatewayAdmin, SessionState
from gateway.signing import signed_headers
from harness.child import ChildProcess, http_ok
from harness.net import free_port

REPO = Path(__file__).resolve().parent.parent


class GatewayError(RuntimeError):
    """The gateway process did not start, or refused a harness request."""


@dataclass(frozen=True)
class OidcOptions:
    """``serve --oidc-...``: trust this issuer's tokens for this audience."""

    issuer: str
    audience: str
    user_claim: str = "sub"
    create_users: bool = False
    session_ttl: int | None = None  # seconds; None: the gateway's default (1 h)
    max_token_age: int | None = None  # seconds; None: the gateway's default (300 s)

    def args(self) -> list[str]:
        out = ["--oidc-issuer", self.issuer, "--oidc-audience", self.audience]
        out += ["--oidc-user-claim", self.user_claim]
        if self.create_users:
            out.append("--oidc-create-users")
        if self.session_ttl is not None:
            out += ["--session-ttl", str(self.session_ttl)]
        if self.max_token_age is not None:
            out += ["--oidc-max-token-age", str(self.max_token_age)]
        return out


class GatewayProcess(ChildProcess):
    what = "the gateway"
    error = GatewayError

    def __init__(
        self,
        db_path: Path | str,
        *,
        host: str = "127.0.0.1",
        port: int | None = None,
        extra_args: Sequence[str] = (),
        log_path: Path | str | None = None,
        log_level: str | None = None,
        start_timeout: float = 20.0,
        python: str = sys.executable,
        prepare: bool = True,
        oidc: OidcOptions | None = None,
    ) -> None:
        self.db_path = Path(db_path)
        self.host = host
        self.port = port or free_port(host)
        self.extra_args = list(extra_args)
        self.oidc = oidc
        self.log_path = Path(log_path) if log_path else self.db_path.with_suffix(".log")
        self.log_level = log_level  # --log-level; None: the CLI's default
        self.start_timeout = start_timeout
        self.python = python
        if prepare:  # create the schema now, so admin helpers work before the first start
            GatewayAdmin(self.db_path).close()

    # -- addresses ------------------------------------------------------------------

    @property
    def url(self) -> str:
        """What the desktop's GatewaySettings.url takes."""
        return f"ws://{self.host}:{self.port}"

    @property
    def http_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    # -- process --------------------------------------------------------------------

    def start(self, timeout: float | None = None) -> GatewayProcess:
        """Start ``python -m gateway serve`` (the CLI) and return once /v1/health answers
        (within ``timeout`` s, by default the ``start_timeout`` given to the constructor)."""
        if self.running:
            return self
        if timeout is None:
            timeout = self.start_timeout
        cmd = [
            self.python,
            "-m",
            "gateway",  # gateway/__main__.py runs gateway.cli.main
            "serve",
            "--db",
            str(self.db_path),
            "--host",
            self.host,
            "--port",
            str(self.port),
            *(["--log-level", self.log_level] if self.log_level else []),
            *(self.oidc.args() if self.oidc is not None else []),
            *self.extra_args,
        ]
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH", "")) if p)
        self._launch(
            cmd,
            cwd=REPO,
            env=env,
            ready=lambda: http_ok(f"{self.http_url}/v1/health"),
            timeout=timeout,
            not_ready=f"the gateway did not listen on {self.http_url} within {timeout} s",
            on_timeout=self.kill,
        )
        return self

    def kill(self) -> int | None:
        """SIGKILL: a crash, nothing flushed or said goodbye. Returns the exit code."""
        return self._signal(signal.SIGKILL, 5.0)

    def restart(self, *, hard: bool = False) -> None:
        """Stop (or kill) and start again on the same DB file and port."""
        if hard:
            self.kill()
        else:
            self.stop()
        self.start()

    def __enter__(self) -> GatewayProcess:
        return self.start()

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self.stop()

    # -- administration (straight into the database) ----------------------------------

    @contextlib.contextmanager
    def admin(self) -> Iterator[GatewayAdmin]:
        with GatewayAdmin(self.db_path) as admin:
            yield admin

    def add_user(self, name: str, display_name: str | None = None) -> None:
        with self.admin() as a:
            a.add_user(name, display_name)

    def issue_token(self, user: str) -> str:
        with self.admin() as a:
            return a.issue_token(user).token

    def revoke_token(self, token_or_id: str) -> None:
        with self.admin() as a:
            a.revoke_token(token_or_id)

    def add_integration(self, name: str, callback: str | None = None, display_name: str | None = None) -> str:
        """Register a third-party system; returns its signing secret."""
        with self.admin() as a:
            return a.add_integration(name, callback, display_name)

    def add_integration_to(self, integration: str, conversation_id: str) -> None:
        """Let the integration post chat messages (as its bot identity) into the conversation."""
        with self.admin() as a:
            a.add_integration_to(integration, conversation_id)

    def add_conversation(
        self, conversation_id: str, title: str, members: list[str], kind: str | None = None
    ) -> str:
        with self.admin() as a:
            return a.add_conversation(conversation_id, title, members, kind)

    def sessions(self, user: str) -> list[SessionState]:
        """The user's live sessions (what ``tidings-gateway session list USER`` prints)."""
        with self.admin() as a:
            return a.sessions(user)

    def revoke_sessions(self, user: str) -> int:
        """``tidings-gateway session revoke USER``, run as the operator would: the real CLI."""
        env = {**os.environ, "PYTHONPATH": str(REPO)}
        done = subprocess.run(
            [self.python, "-m", "gateway", "session", "revoke", user, "--db", str(self.db_path)],
            cwd=REPO, env=env, capture_output=True, text=True, timeout=60, check=False,
        )  # fmt: skip
        if done.returncode != 0:
            raise GatewayError(f"session revoke failed: {done.stderr.strip()}")
        return int(done.stdout.split()[1])

    # -- sign-in with the company's provider ----------------------------------------------

    def exchange(
        self, provider_token: str, session_token: str | None = None, *, timeout: float = 15.0
    ) -> httpx.Response:
        """POST /v1/sessions: a new session, or with ``session_token`` a renewal of that one."""
        headers = {"Authorization": f"Bearer {session_token}"} if session_token else {}
        return httpx.post(
            f"{self.http_url}/v1/sessions",
            json={"provider_token": provider_token},
            headers=headers,
            timeout=timeout,
        )

    # -- third-party events over HTTP --------------------------------------------------

    def post_event(
        self,
        integration: str,
        secret: str,
        event_type: str,
        data: dict[str, Any],
        recipients: Sequence[str] | str,
        *,
        idempotency_key: str | None = None,
        timeout: float = 10.0,
    ) -> dict[str, Any]:
        """POST one signed event to /v1/events; returns the JSON answer, raises GatewayError if refused."""
        body = json.dumps(
            {
                "type": event_type,
                "idempotency_key": idempotency_key or uuid.uuid4().hex,
                "recipients": recipients if isinstance(recipients, str) else list(recipients),
                "data": data,
            }
        ).encode()
        response = httpx.post(
            f"{self.http_url}/v1/events",
            content=body,
            headers=signed_headers(integration, secret, body),
            timeout=timeout,
        )
        if response.status_code >= 300:
            raise GatewayError(f"POST /v1/events answered {response.status_code}: {response.text}")
        return dict(response.json())

    def post_chat_message(
        self,
        integration: str,
        secret: str,
        conversation_id: str,
        message_id: str,
        text: str,
        recipients: Sequence[str] | str = "*",
        **kwargs: Any,
    ) -> dict[str, Any]:
        """A chat message from the integration's bot identity (it must have been added to the
        conversation with add_integration_to); "*" is every member of the conversation."""
        data = {"conversation": {"id": conversation_id}, "message": {"id": message_id, "text": text}}
        return self.post_event(integration, secret, "chat.message", data, recipients, **kwargs)

    def say(self, user: str, conversation_id: str, text: str, *, timeout: float = 10.0) -> dict[str, Any]:
        """A chat message from a user, sent as the desktop sends it (chat.send on the websocket,
        with a token issued for this); returns the message ({"id", "sender", "text", "time"})."""
        from websockets.sync.client import connect

        token = self.issue_token(user)
        action_id = uuid.uuid4().hex
        headers = {"Authorization": f"Bearer {token}"}
        with connect(
            f"{self.url}/v1/stream?since=-1", additional_headers=headers, open_timeout=timeout
        ) as ws:
            frame = {"type": "chat.send", "id": action_id, "conversation": conversation_id, "text": text}
            ws.send(json.dumps(frame))
            deadline = time.monotonic() + timeout
            while True:
                answer = json.loads(ws.recv(timeout=max(0.0, deadline - time.monotonic())))
                if answer.get("type") == "result" and answer.get("id") == action_id:
                    break
        if not answer.get("ok"):
            raise GatewayError(f"chat.send refused: {answer.get('error')}")
        return dict(answer["data"]["message"])


def events_in_db(db_path: Path | str, event_type: str | None = None) -> list[dict[str, Any]]:
    """Every distinct event stored by the gateway (for checks on the gateway side).

    Reads the gateway's own tables; see gateway/storage/sqlite.py for the schema.
    """
    db = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        rows = db.execute("SELECT body FROM events").fetchall()
    finally:
        db.close()
    events = [json.loads(r[0]) for r in rows]
    return [e for e in events if event_type is None or e.get("type") == event_type]


def backup_db(db_path: Path | str, to: Path | str) -> None:
    """SQLite's online backup API, as an operator's backup job would take it while the
    gateway runs."""
    source, target = sqlite3.connect(db_path), sqlite3.connect(to)
    try:
        source.backup(target)
    finally:
        source.close()
        target.close()


def restore_db(backup: Path | str, db_path: Path | str) -> None:
    """Put a backup in place of the (stopped) gateway's database; its WAL and shared
    memory files go, or SQLite would replay the lost writes onto the old copy."""
    db = Path(db_path)
    for stale in (db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")):
        stale.unlink(missing_ok=True)
    shutil.copyfile(backup, db)
