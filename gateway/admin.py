"""Administration of the embedded (SQLite) gateway: users, tokens, integrations, conversations.

The CLI is a thin shell over this; demos and tests call it directly, also while a server runs
on the same database file (WAL):

    from gateway.admin import GatewayAdmin
    with GatewayAdmin("/tmp/gw.db") as admin:
        admin.add_user("alice", display_name="Alice Liu")
        token = admin.issue_token("alice").token
        secret = admin.add_integration("oa", callback="http://127.0.0.1:9000/cb")
        admin.add_conversation("team", title="Team", members=["alice", "bob"])
        admin.add_integration_to("oa", "team")  # the OA bot may now post chat into "team"
        admin.remove_integration_from("oa", "team")  # ... and now no longer
"""

from __future__ import annotations

import json
import re
import secrets
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

from gateway.storage.sqlite import hash_token, open_database

_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,127}$")


class AdminError(Exception):
    """A refused admin operation; the message is meant for the operator."""


@dataclass(frozen=True, slots=True)
class IssuedToken:
    id: str
    user: str
    token: str  # shown once; only its hash is stored


@dataclass(frozen=True, slots=True)
class SessionState:
    """A gateway session from a sign-in at the company's provider (never its token)."""

    id: str
    user: str
    subject: str
    created_at: float
    renewed_at: float | None
    expires_at: float


@dataclass(frozen=True, slots=True)
class CallbackState:
    delivery_id: str
    integration: str
    attempts: int
    delivered: bool
    last_error: str | None
    body: dict[str, Any]


class GatewayAdmin:
    def __init__(self, db_path: Path | str) -> None:
        self._c, self._box = open_database(db_path)

    def __enter__(self) -> GatewayAdmin:
        return self

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        self._c.close()

    def _write(self, sql: str, params: tuple[Any, ...]) -> sqlite3.Cursor:
        try:
            with _tx(self._c):
                return self._c.execute(sql, params)
        except sqlite3.IntegrityError as exc:
            raise AdminError(str(exc)) from exc

    def add_user(self, name: str, display_name: str | None = None) -> None:
        if not _NAME_RE.match(name):
            raise AdminError(f"bad user name {name!r} (letters, digits, . _ @ -)")
        if self._c.execute("SELECT 1 FROM users WHERE name=?", (name,)).fetchone():
            raise AdminError(f"user {name!r} exists")
        self._write(
            "INSERT INTO users(name, display_name, created_at) VALUES (?,?,?)",
            (name, display_name or name, time.time()),
        )

    def users(self) -> list[tuple[str, str]]:
        return [(r[0], r[1]) for r in self._c.execute("SELECT name, display_name FROM users ORDER BY name")]

    def issue_token(self, user: str) -> IssuedToken:
        if not self._c.execute("SELECT 1 FROM users WHERE name=?", (user,)).fetchone():
            raise AdminError(f"no user {user!r}")
        token_id = "tok_" + secrets.token_hex(6)
        token = "tgw_" + secrets.token_urlsafe(32)
        self._write(
            "INSERT INTO tokens(id, user, token_hash, created_at) VALUES (?,?,?,?)",
            (token_id, user, hash_token(token), time.time()),
        )
        return IssuedToken(token_id, user, token)

    def revoke_token(self, token_or_id: str) -> str:
        """Revoke by token id (tok_...) or by the token itself; returns the token id.
        A connected client using it is closed with 4401 within the server's check interval."""
        row = self._c.execute(
            "SELECT id FROM tokens WHERE id=? OR token_hash=?", (token_or_id, hash_token(token_or_id))
        ).fetchone()
        if row is None:
            raise AdminError("no such token")
        self._write("UPDATE tokens SET revoked_at=? WHERE id=? AND revoked_at IS NULL", (time.time(), row[0]))
        return str(row[0])

    def sessions(self, user: str) -> list[SessionState]:
        """The user's sessions that are neither revoked nor expired, oldest first."""
        if not self._c.execute("SELECT 1 FROM users WHERE name=?", (user,)).fetchone():
            raise AdminError(f"no user {user!r}")
        rows = self._c.execute(
            "SELECT id, user, coalesce(subject, ''), created_at, renewed_at, expires_at FROM tokens "
            "WHERE user=? AND kind='session' AND revoked_at IS NULL AND expires_at > ? ORDER BY created_at",
            (user, time.time()),
        )
        return [SessionState(*row) for row in rows]

    def revoke_sessions(self, user: str) -> int:
        """End every session of the user (not the CLI's tokens, which bots use); returns how many.
        Their connections close with 4401 within the server's check interval, and none of them
        can be renewed: the desktop has to sign in again."""
        if not self._c.execute("SELECT 1 FROM users WHERE name=?", (user,)).fetchone():
            raise AdminError(f"no user {user!r}")
        cur = self._write(
            "UPDATE tokens SET revoked_at=? WHERE user=? AND kind='session' AND revoked_at IS NULL",
            (time.time(), user),
        )
        return cur.rowcount

    def add_integration(self, name: str, callback: str | None = None, display_name: str | None = None) -> str:
        """Register a third-party system; returns its signing secret (shown once).

        Its chat messages show display_name (default: name), marked as a bot; a name that a
        user goes by is refused, so a bot cannot pass for a person."""
        if not _NAME_RE.match(name):
            raise AdminError(f"bad integration name {name!r}")
        if callback is not None and not re.match(r"^https?://", callback):
            raise AdminError("callback must be an http(s) URL")
        if self._c.execute("SELECT 1 FROM integrations WHERE name=?", (name,)).fetchone():
            raise AdminError(f"integration {name!r} exists")
        shown = (display_name or name).strip()
        if not shown or len(shown) > 200:
            raise AdminError("the display name needs 1-200 characters")
        taken = self._c.execute(
            "SELECT name FROM users WHERE lower(name)=lower(?) OR lower(display_name)=lower(?)",
            (shown, shown),
        ).fetchone()
        if taken:
            raise AdminError(f"{shown!r} is what user {taken[0]!r} is called; pick another display name")
        secret = "whsec_" + secrets.token_urlsafe(32)
        self._write(
            "INSERT INTO integrations(name, sealed_secret, callback_url, display_name, created_at) "
            "VALUES (?,?,?,?,?)",
            (name, self._box.seal(secret), callback, shown, time.time()),
        )
        return secret

    def add_integration_to(self, integration: str, conversation_id: str) -> None:
        """Let the integration post chat messages (as its bot identity) into a group conversation."""
        if not self._c.execute("SELECT 1 FROM integrations WHERE name=?", (integration,)).fetchone():
            raise AdminError(f"no integration {integration!r}")
        row = self._c.execute("SELECT kind FROM conversations WHERE id=?", (conversation_id,)).fetchone()
        if row is None:
            raise AdminError(f"no conversation {conversation_id!r}")
        if row[0] != "group":
            # A direct chat is between two people; a third voice there would be taken for one.
            raise AdminError(f"{conversation_id!r} is a direct conversation; add integrations to groups")
        self._write(
            "INSERT OR IGNORE INTO integration_conversations(integration, conversation) VALUES (?,?)",
            (integration, conversation_id),
        )

    def remove_integration_from(self, integration: str, conversation_id: str) -> None:
        """Take back add_integration_to: from now on the integration's chat messages into the
        conversation are refused (403 forbidden), also by a server running on this database.
        What it posted there before stays."""
        if not self._c.execute("SELECT 1 FROM integrations WHERE name=?", (integration,)).fetchone():
            raise AdminError(f"no integration {integration!r}")
        cur = self._write(
            "DELETE FROM integration_conversations WHERE integration=? AND conversation=?",
            (integration, conversation_id),
        )
        if cur.rowcount == 0:
            raise AdminError(f"integration {integration!r} was not added to conversation {conversation_id!r}")

    def integration_conversations(self, integration: str) -> list[str]:
        return [
            r[0]
            for r in self._c.execute(
                "SELECT conversation FROM integration_conversations WHERE integration=? ORDER BY conversation",
                (integration,),
            )
        ]

    def add_conversation(
        self, conversation_id: str, title: str, members: list[str], kind: str | None = None
    ) -> str:
        """Create a conversation; kind defaults to direct for two members, group otherwise."""
        members = list(dict.fromkeys(members))
        if not conversation_id or not title:
            raise AdminError("conversation id and title are required")
        if len(members) < 2:
            raise AdminError("a conversation needs at least two members")
        kind = kind or ("direct" if len(members) == 2 else "group")
        if kind not in ("direct", "group") or (kind == "direct" and len(members) != 2):
            raise AdminError("kind is direct (exactly two members) or group")
        known = {r[0] for r in self._c.execute("SELECT name FROM users")}
        missing = [m for m in members if m not in known]
        if missing:
            raise AdminError(f"unknown users: {', '.join(missing)}")
        try:
            with _tx(self._c):
                self._c.execute(
                    "INSERT INTO conversations(id, title, kind) VALUES (?,?,?)",
                    (conversation_id, title, kind),
                )
                self._c.executemany(
                    "INSERT INTO conversation_members(conversation, user) VALUES (?,?)",
                    [(conversation_id, m) for m in members],
                )
        except sqlite3.IntegrityError as exc:
            raise AdminError(f"conversation {conversation_id!r} exists") from exc
        return kind

    def callbacks(self) -> list[CallbackState]:
        """The callback queue (delivered and pending), oldest first."""
        return [
            CallbackState(r[0], r[1], r[2], r[3] is not None, r[4], json.loads(r[5]))
            for r in self._c.execute(
                "SELECT delivery_id, integration, attempts, delivered_at, last_error, body FROM callbacks "
                "ORDER BY created_at"
            )
        ]


class _tx:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self._c = conn

    def __enter__(self) -> None:
        self._c.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type: type[BaseException] | None, *rest: object) -> None:
        self._c.execute("ROLLBACK" if exc_type else "COMMIT")
