"""SQLite implementation of the gateway store (the embedded default: one process, one file).

Calls run on the event loop thread: each is a short indexed query on a local file, and running
them inline keeps "persist, then publish" free of interleaving. WAL lets the admin CLI write
while the server runs; busy_timeout covers the brief moments both write.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import secrets
import sqlite3
import time
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from gateway.storage.base import (
    Approval,
    Conversation,
    Delivery,
    GatewayStore,
    Integration,
    PendingCallback,
    SessionIdentity,
    StoreTx,
    Task,
    TokenInfo,
    User,
)
from gateway.storage.sealing import SecretBox, db_files, make_private, make_private_dir, private_umask

SCHEMA_VERSION = 5

# Version 1 as it shipped; later versions are migrations on top, so old files upgrade in place.
SCHEMA_V1 = """
CREATE TABLE IF NOT EXISTS users (
    name TEXT PRIMARY KEY,
    display_name TEXT NOT NULL,
    last_seq INTEGER NOT NULL DEFAULT 0,
    created_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS tokens (
    id TEXT PRIMARY KEY,
    user TEXT NOT NULL REFERENCES users(name),
    token_hash TEXT NOT NULL UNIQUE,
    created_at REAL NOT NULL,
    revoked_at REAL
);
CREATE TABLE IF NOT EXISTS integrations (
    name TEXT PRIMARY KEY,
    secret TEXT NOT NULL,
    callback_url TEXT,
    created_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS conversations (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('direct', 'group'))
);
CREATE TABLE IF NOT EXISTS conversation_members (
    conversation TEXT NOT NULL REFERENCES conversations(id),
    user TEXT NOT NULL REFERENCES users(name),
    PRIMARY KEY (conversation, user)
);
CREATE TABLE IF NOT EXISTS events (
    id TEXT PRIMARY KEY,
    body TEXT NOT NULL,
    created_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS user_events (
    user TEXT NOT NULL,
    seq INTEGER NOT NULL,
    event_id TEXT NOT NULL REFERENCES events(id),
    PRIMARY KEY (user, seq)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS actions (
    user TEXT NOT NULL,
    id TEXT NOT NULL,
    result TEXT NOT NULL,
    created_at REAL NOT NULL,
    PRIMARY KEY (user, id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS approvals (
    id TEXT PRIMARY KEY,
    integration TEXT NOT NULL,
    recipients TEXT NOT NULL,
    state TEXT NOT NULL,
    updated_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS ingest_keys (
    integration TEXT NOT NULL,
    key TEXT NOT NULL,
    response TEXT NOT NULL,
    created_at REAL NOT NULL,
    PRIMARY KEY (integration, key)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS seen_signatures (
    integration TEXT NOT NULL,
    signature TEXT NOT NULL,
    expires_at REAL NOT NULL,
    PRIMARY KEY (integration, signature)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS callbacks (
    delivery_id TEXT PRIMARY KEY,
    integration TEXT NOT NULL,
    body BLOB NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at REAL NOT NULL,
    created_at REAL NOT NULL,
    delivered_at REAL,
    last_error TEXT
);
CREATE INDEX IF NOT EXISTS callbacks_due ON callbacks(next_attempt_at) WHERE delivered_at IS NULL;
"""

# Version 2: integrations post chat as their own bot identity, only into conversations they
# were added to; their secrets are sealed with the key file beside the database.
_MIGRATE_V2 = """
ALTER TABLE integrations RENAME COLUMN secret TO sealed_secret;
ALTER TABLE integrations ADD COLUMN display_name TEXT NOT NULL DEFAULT '';
UPDATE integrations SET display_name = name WHERE display_name = '';
CREATE TABLE IF NOT EXISTS integration_conversations (
    integration TEXT NOT NULL REFERENCES integrations(name),
    conversation TEXT NOT NULL REFERENCES conversations(id),
    PRIMARY KEY (integration, conversation)
) WITHOUT ROWID;
"""

# Version 3: gateway sessions from a sign-in at the company's OpenID Connect provider live in
# the tokens table beside the CLI's tokens (kind 'session'), so authentication and the
# revocation watch cover both; a session expires unless renewed.
_MIGRATE_V3 = """
ALTER TABLE tokens ADD COLUMN kind TEXT NOT NULL DEFAULT 'cli';
ALTER TABLE tokens ADD COLUMN expires_at REAL;
ALTER TABLE tokens ADD COLUMN renewed_at REAL;
ALTER TABLE tokens ADD COLUMN subject TEXT;
CREATE INDEX IF NOT EXISTS tokens_user_kind ON tokens(user, kind);
"""

# Version 4: tasks are remembered like approvals (owner, assignees, state) so a desktop can
# complete one (task.complete) and the owner's callback hears of it. Tasks assigned before
# this version have no row: completing one is answered not_found.
_MIGRATE_V4 = """
CREATE TABLE IF NOT EXISTS tasks (
    id TEXT PRIMARY KEY,
    integration TEXT NOT NULL,
    recipients TEXT NOT NULL,
    state TEXT NOT NULL,
    updated_at REAL NOT NULL
);
"""

# Version 5: the ids an integration gives (approval, task, announcement, chat message) are its
# own; each gets the id clients see (its public id), so two integrations using the same id
# cannot merge, replace or resolve each other's items. Approvals and tasks already stored keep
# their id as public id (clients hold it). Announcements and messages of earlier versions were
# not recorded and are not backfilled: the events table does not say who posted them.
_MIGRATE_V5 = """
CREATE TABLE IF NOT EXISTS integration_ids (
    kind TEXT NOT NULL,
    integration TEXT NOT NULL,
    id TEXT NOT NULL,
    public_id TEXT NOT NULL,
    PRIMARY KEY (kind, integration, id),
    UNIQUE (kind, public_id)
);
INSERT OR IGNORE INTO integration_ids(kind, integration, id, public_id)
    SELECT 'approval', integration, id, id FROM approvals;
INSERT OR IGNORE INTO integration_ids(kind, integration, id, public_id)
    SELECT 'task', integration, id, id FROM tasks;
"""


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def open_database(path: Path | str) -> tuple[sqlite3.Connection, SecretBox]:
    """Open (creating or upgrading) the gateway database and the key its secrets are sealed with.

    The database, its WAL and shared-memory files and the key file are 0600, and a folder the
    gateway creates is 0700: they hold token hashes, sealed integration secrets and every
    user's messages."""
    path = Path(path)
    make_private_dir(path.parent)
    # Created under umask 077; SQLite gives the -wal and -shm files the database file's mode.
    with private_umask():
        # isolation_level=None: we issue BEGIN IMMEDIATE ourselves, so a transaction takes the
        # write lock up front instead of failing half-way when the CLI writes at the same moment.
        conn = sqlite3.connect(path, isolation_level=None, timeout=5.0)
        try:
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=FULL")  # an event is durable before it is sent
            conn.execute("PRAGMA foreign_keys=ON")
            # Deleted or rewritten rows are zeroed, not left in free space: the plaintext secrets
            # that version 1 stored do not linger in the file once sealed.
            conn.execute("PRAGMA secure_delete=ON")
            box = _migrate(conn, path)
        except BaseException:
            conn.close()
            raise
    make_private(*db_files(path))  # files an older gateway (or a restore) left readable
    return conn, box


def _migrate(conn: sqlite3.Connection, path: Path) -> SecretBox:
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise RuntimeError(f"{path}: schema version {version} is newer than this gateway ({SCHEMA_VERSION})")
    if version < 1:
        conn.executescript("BEGIN IMMEDIATE;" + SCHEMA_V1 + "PRAGMA user_version=1; COMMIT;")
    if version < 2:
        box = SecretBox.open(path, create=True)
        conn.execute("BEGIN IMMEDIATE")
        try:
            if conn.execute("PRAGMA user_version").fetchone()[0] < 2:  # not done meanwhile by the CLI
                for statement in _MIGRATE_V2.split(";"):
                    if statement.strip():
                        conn.execute(statement)
                plain = conn.execute("SELECT name, sealed_secret FROM integrations").fetchall()
                for name, secret in plain:
                    conn.execute(
                        "UPDATE integrations SET sealed_secret=? WHERE name=?", (box.seal(secret), name)
                    )
                conn.execute("PRAGMA user_version=2")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
    else:
        sealed = conn.execute("SELECT sealed_secret FROM integrations LIMIT 1").fetchone()
        box = SecretBox.open(path, create=sealed is None)
        if sealed is not None:
            box.unseal(sealed[0])  # a key of another database fails here, at start, not per request
    for number, script in ((3, _MIGRATE_V3), (4, _MIGRATE_V4), (5, _MIGRATE_V5)):
        if version < number:
            _migrate_to(conn, number, script)
    return box


def _migrate_to(conn: sqlite3.Connection, number: int, script: str) -> None:
    """Schema ``number`` in one transaction, unless the CLI got there meanwhile."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        if conn.execute("PRAGMA user_version").fetchone()[0] < number:
            for statement in script.split(";"):
                if statement.strip():
                    conn.execute(statement)
            conn.execute(f"PRAGMA user_version={number}")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


class _SqliteTx(StoreTx):
    def __init__(self, conn: sqlite3.Connection) -> None:
        self._c = conn

    async def action_result(self, user: str, action_id: str) -> dict[str, Any] | None:
        row = self._c.execute(
            "SELECT result FROM actions WHERE user=? AND id=?", (user, action_id)
        ).fetchone()
        return None if row is None else json.loads(row[0])

    async def save_action_result(self, user: str, action_id: str, frame: dict[str, Any]) -> None:
        self._c.execute(
            "INSERT INTO actions(user, id, result, created_at) VALUES (?,?,?,?)",
            (user, action_id, json.dumps(frame), time.time()),
        )

    async def users(self, names: Iterable[str]) -> dict[str, User]:
        found: dict[str, User] = {}
        for name in set(names):
            row = self._c.execute("SELECT name, display_name FROM users WHERE name=?", (name,)).fetchone()
            if row is not None:
                found[name] = User(row[0], row[1])
        return found

    async def all_user_names(self) -> list[str]:
        return [r[0] for r in self._c.execute("SELECT name FROM users ORDER BY name")]

    async def conversation(self, conversation_id: str) -> Conversation | None:
        row = self._c.execute(
            "SELECT id, title, kind FROM conversations WHERE id=?", (conversation_id,)
        ).fetchone()
        if row is None:
            return None
        members = tuple(
            r[0]
            for r in self._c.execute(
                "SELECT user FROM conversation_members WHERE conversation=? ORDER BY user", (conversation_id,)
            )
        )
        return Conversation(row[0], row[1], row[2], members)

    async def approval(self, approval_id: str) -> Approval | None:
        row = self._c.execute(
            "SELECT id, integration, recipients, state FROM approvals WHERE id=?", (approval_id,)
        ).fetchone()
        if row is None:
            return None
        return Approval(row[0], row[1], tuple(json.loads(row[2])), row[3])

    async def put_approval(self, approval: Approval) -> None:
        self._c.execute(
            "INSERT OR REPLACE INTO approvals(id, integration, recipients, state, updated_at) VALUES (?,?,?,?,?)",
            (
                approval.id,
                approval.integration,
                json.dumps(list(approval.recipients)),
                approval.state,
                time.time(),
            ),
        )

    async def task(self, task_id: str) -> Task | None:
        row = self._c.execute(
            "SELECT id, integration, recipients, state FROM tasks WHERE id=?", (task_id,)
        ).fetchone()
        if row is None:
            return None
        return Task(row[0], row[1], tuple(json.loads(row[2])), row[3])

    async def put_task(self, task: Task) -> None:
        self._c.execute(
            "INSERT OR REPLACE INTO tasks(id, integration, recipients, state, updated_at) VALUES (?,?,?,?,?)",
            (task.id, task.integration, json.dumps(list(task.recipients)), task.state, time.time()),
        )

    async def public_id(self, kind: str, integration: str, own_id: str) -> str | None:
        row = self._c.execute(
            "SELECT public_id FROM integration_ids WHERE kind=? AND integration=? AND id=?",
            (kind, integration, own_id),
        ).fetchone()
        return None if row is None else str(row[0])

    async def claim_public_id(self, kind: str, integration: str, own_id: str, public_id: str) -> bool:
        cur = self._c.execute(
            "INSERT OR IGNORE INTO integration_ids(kind, integration, id, public_id) VALUES (?,?,?,?)",
            (kind, integration, own_id, public_id),
        )
        return cur.rowcount == 1

    async def own_id(self, kind: str, public_id: str) -> tuple[str, str] | None:
        row = self._c.execute(
            "SELECT integration, id FROM integration_ids WHERE kind=? AND public_id=?", (kind, public_id)
        ).fetchone()
        return None if row is None else (str(row[0]), str(row[1]))

    async def integration_may_post(self, integration: str, conversation_id: str) -> bool:
        row = self._c.execute(
            "SELECT 1 FROM integration_conversations WHERE integration=? AND conversation=?",
            (integration, conversation_id),
        ).fetchone()
        return row is not None

    async def append_event(self, recipients: Iterable[str], event: dict[str, Any]) -> list[Delivery]:
        body = json.dumps(event)
        self._c.execute(
            "INSERT INTO events(id, body, created_at) VALUES (?,?,?)", (event["id"], body, time.time())
        )
        deliveries = []
        for user in dict.fromkeys(recipients):  # dedupe, keep order
            row = self._c.execute(
                "UPDATE users SET last_seq = last_seq + 1 WHERE name=? RETURNING last_seq", (user,)
            ).fetchone()
            if row is None:
                raise KeyError(f"unknown user {user!r}")
            self._c.execute(
                "INSERT INTO user_events(user, seq, event_id) VALUES (?,?,?)", (user, row[0], event["id"])
            )
            deliveries.append(Delivery(user, row[0], event, len(body)))
        return deliveries

    async def ingest_result(self, integration: str, key: str) -> dict[str, Any] | None:
        row = self._c.execute(
            "SELECT response FROM ingest_keys WHERE integration=? AND key=?", (integration, key)
        ).fetchone()
        return None if row is None else json.loads(row[0])

    async def save_ingest_result(self, integration: str, key: str, response: dict[str, Any]) -> None:
        self._c.execute(
            "INSERT INTO ingest_keys(integration, key, response, created_at) VALUES (?,?,?,?)",
            (integration, key, json.dumps(response), time.time()),
        )

    async def remember_signature(self, integration: str, signature: str, expires_at: float) -> bool:
        self._c.execute("DELETE FROM seen_signatures WHERE expires_at < ?", (time.time(),))
        cur = self._c.execute(
            "INSERT OR IGNORE INTO seen_signatures(integration, signature, expires_at) VALUES (?,?,?)",
            (integration, signature, expires_at),
        )
        return cur.rowcount == 1

    async def enqueue_callback(self, delivery_id: str, integration: str, body: bytes, due_at: float) -> None:
        self._c.execute(
            "INSERT INTO callbacks(delivery_id, integration, body, next_attempt_at, created_at) VALUES (?,?,?,?,?)",
            (delivery_id, integration, body, due_at, time.time()),
        )


class SqliteGatewayStore(GatewayStore):
    def __init__(self, path: Path | str) -> None:
        self._c, self._box = open_database(path)
        # Transactions never suspend with SQLite, but the lock keeps that true should a caller
        # await something real inside one.
        self._lock = asyncio.Lock()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[StoreTx]:
        async with self._lock:
            self._c.execute("BEGIN IMMEDIATE")
            try:
                yield _SqliteTx(self._c)
            except BaseException:
                self._c.execute("ROLLBACK")
                raise
            self._c.execute("COMMIT")

    async def authenticate(self, token: str) -> TokenInfo | None:
        row = self._c.execute(
            "SELECT t.id, u.name, u.display_name FROM tokens t JOIN users u ON u.name = t.user "
            "WHERE t.token_hash=? AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > ?)",
            (hash_token(token), time.time()),
        ).fetchone()
        return None if row is None else TokenInfo(row[0], row[1], row[2])

    async def revoked_among(self, token_ids: Iterable[str]) -> set[str]:
        ids = set(token_ids)
        if not ids:
            return set()
        marks = ",".join("?" * len(ids))
        active = {
            r[0]
            for r in self._c.execute(
                f"SELECT id FROM tokens WHERE id IN ({marks}) AND revoked_at IS NULL "
                "AND (expires_at IS NULL OR expires_at > ?)",
                (*ids, time.time()),
            )
        }
        return ids - active

    async def start_session(
        self, identity: SessionIdentity, token_hash: str, expires_at: float, *, create_user: bool
    ) -> str | None:
        async with self._lock:
            with _tx(self._c):
                now = time.time()
                if self._c.execute("SELECT 1 FROM users WHERE name=?", (identity.user,)).fetchone() is None:
                    if not create_user:
                        return None
                    self._c.execute(
                        "INSERT INTO users(name, display_name, created_at) VALUES (?,?,?)",
                        (identity.user, identity.display_name[:200], now),
                    )
                # Sessions that ended a day ago are of no use to anyone listing them.
                self._c.execute(
                    "DELETE FROM tokens WHERE kind='session' AND user=? AND "
                    "coalesce(revoked_at, expires_at) < ?",
                    (identity.user, now - 86400),
                )
                session_id = "ses_" + secrets.token_hex(8)
                self._c.execute(
                    "INSERT INTO tokens(id, user, token_hash, created_at, kind, expires_at, subject) "
                    "VALUES (?,?,?,?,'session',?,?)",
                    (session_id, identity.user, token_hash, now, expires_at, identity.subject),
                )
                return session_id

    async def renew_session(
        self, current_hash: str, user: str, token_hash: str, expires_at: float
    ) -> str | None:
        async with self._lock:
            with _tx(self._c):
                # An expired session may be renewed (a laptop that slept through its expiry);
                # a revoked one may not: the operator ended it.
                row = self._c.execute(
                    "SELECT id FROM tokens WHERE token_hash=? AND kind='session' AND user=? "
                    "AND revoked_at IS NULL",
                    (current_hash, user),
                ).fetchone()
                if row is None:
                    return None
                self._c.execute(
                    "UPDATE tokens SET token_hash=?, expires_at=?, renewed_at=? WHERE id=?",
                    (token_hash, expires_at, time.time(), row[0]),
                )
                return str(row[0])

    async def latest_seq(self, user: str) -> int:
        row = self._c.execute("SELECT last_seq FROM users WHERE name=?", (user,)).fetchone()
        return 0 if row is None else int(row[0])

    async def events_after(self, user: str, after_seq: int, limit: int) -> list[Delivery]:
        rows = self._c.execute(
            "SELECT ue.seq, e.body FROM user_events ue JOIN events e ON e.id = ue.event_id "
            "WHERE ue.user=? AND ue.seq > ? ORDER BY ue.seq LIMIT ?",
            (user, after_seq, limit),
        ).fetchall()
        return [Delivery(user, r[0], json.loads(r[1]), len(r[1])) for r in rows]

    async def event_id_at(self, user: str, seq: int) -> str | None:
        row = self._c.execute(
            "SELECT event_id FROM user_events WHERE user=? AND seq=?", (user, seq)
        ).fetchone()
        return None if row is None else str(row[0])

    async def integration(self, name: str) -> Integration | None:
        row = self._c.execute(
            "SELECT name, sealed_secret, callback_url, display_name FROM integrations WHERE name=?", (name,)
        ).fetchone()
        if row is None:
            return None
        return Integration(row[0], self._box.unseal(row[1]), row[2], row[3] or row[0])

    async def due_callbacks(self, now: float, limit: int) -> list[PendingCallback]:
        rows = self._c.execute(
            "SELECT delivery_id, integration, body, attempts FROM callbacks "
            "WHERE delivered_at IS NULL AND next_attempt_at <= ? ORDER BY next_attempt_at LIMIT ?",
            (now, limit),
        ).fetchall()
        return [PendingCallback(r[0], r[1], bytes(r[2]), r[3]) for r in rows]

    async def next_callback_due(self) -> float | None:
        row = self._c.execute(
            "SELECT MIN(next_attempt_at) FROM callbacks WHERE delivered_at IS NULL"
        ).fetchone()
        return None if row[0] is None else float(row[0])

    async def callback_delivered(self, delivery_id: str, now: float) -> None:
        self._c.execute(
            "UPDATE callbacks SET delivered_at=?, attempts=attempts+1, last_error=NULL WHERE delivery_id=?",
            (now, delivery_id),
        )

    async def callback_failed(self, delivery_id: str, error: str, next_attempt_at: float) -> None:
        self._c.execute(
            "UPDATE callbacks SET attempts=attempts+1, last_error=?, next_attempt_at=? WHERE delivery_id=?",
            (error[:500], next_attempt_at, delivery_id),
        )

    async def close(self) -> None:
        self._c.close()


class _tx:
    """BEGIN IMMEDIATE ... COMMIT (ROLLBACK on an exception) outside transaction()."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._c = conn

    def __enter__(self) -> None:
        self._c.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type: type[BaseException] | None, *rest: object) -> None:
        self._c.execute("ROLLBACK" if exc_type else "COMMIT")
