"""What the gateway keeps on disk is private (issue 7, item 7): the database, its WAL and SHM
and the key file 0600 in a 0700 folder, and integration secrets sealed with that key, so the
database (or a backup of it) alone does not give them away."""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from gateway.signing import signed_headers
from gateway.storage.sqlite import SCHEMA_V1
from harness.gateway import GatewayError, GatewayProcess

pytestmark = [pytest.mark.gateway]

ROOT = Path(__file__).resolve().parents[2]


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _files(db: Path) -> dict[str, Path]:
    return {s: db.with_name(db.name + s) for s in ("", "-wal", "-shm", ".key")}


def _start(proc: GatewayProcess) -> None:
    old = os.umask(0o022)  # the usual umask: without care, files would come out 0644
    try:
        proc.start()
    finally:
        os.umask(old)


def _announce(proc: GatewayProcess, integration: str, secret: str) -> httpx.Response:
    body = (
        b'{"idempotency_key":"k1","type":"announcement","recipients":"*",'
        b'"data":{"announcement":{"id":"a1","title":"hi"}}}'
    )
    return httpx.post(
        f"{proc.http_url}/v1/events",
        content=body,
        headers=signed_headers(integration, secret, body),
        timeout=10,
    )


def test_the_gateway_creates_its_folder_0700_and_its_files_0600(tmp_path: Path) -> None:
    db = tmp_path / "fresh" / "data" / "gateway.db"
    # The server process creates everything (its log goes elsewhere, so the harness does not
    # create the folder first).
    proc = GatewayProcess(db, prepare=False, log_path=tmp_path / "gateway.log")
    _start(proc)
    try:
        files = _files(db)
        for suffix, path in files.items():
            assert path.exists(), f"{path.name} (WAL mode keeps -wal and -shm while the server runs)"
            assert _mode(path) == 0o600, (suffix, oct(_mode(path)))
        assert _mode(db.parent) == 0o700

        # An integration added with the CLI while the server runs: its secret is sealed.
        added = subprocess.run(
            [sys.executable, "-m", "gateway", "integration", "add", "oa", "--db", str(db)],
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=30,
        )
        assert added.returncode == 0, added.stderr
        secret = added.stdout.strip()
        with proc.admin() as admin:
            admin.add_user("alice")
        response = _announce(proc, "oa", secret)
        assert response.status_code == 202, response.text  # the server opens the sealed secret
        raw = b"".join(files[s].read_bytes() for s in ("", "-wal"))
        assert secret.encode() not in raw
        assert all(_mode(path) == 0o600 for path in files.values())
    finally:
        assert proc.stop() == 0
    raw = db.read_bytes()  # checkpointed into the main file on a clean stop
    assert secret.encode() not in raw and secret[6:].encode() not in raw


def test_files_of_an_older_gateway_are_narrowed_and_its_secrets_sealed(tmp_path: Path) -> None:
    # A version-1 database as the previous gateway left it: plaintext secret, 0644 files.
    db = tmp_path / "gateway.db"
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.executescript("BEGIN;" + SCHEMA_V1 + "PRAGMA user_version=1; COMMIT;")
    secret = "whsec_" + "plaintext-from-version-1-" + "x" * 20
    conn.execute(
        "INSERT INTO integrations(name, secret, callback_url, created_at) VALUES ('oa', ?, NULL, 0)",
        (secret,),
    )
    conn.execute("INSERT INTO users(name, display_name, created_at) VALUES ('alice', 'Alice', 0)")
    conn.commit()
    conn.close()
    db.chmod(0o644)
    db.parent.chmod(0o755)

    proc = GatewayProcess(db, prepare=False)
    _start(proc)
    try:
        for suffix, path in _files(db).items():
            assert _mode(path) == 0o600, (suffix, oct(_mode(path)))
        assert _mode(db.parent) == 0o755, "a folder the gateway did not create is left alone"
        assert _announce(proc, "oa", secret).status_code == 202  # the same secret still signs
    finally:
        assert proc.stop() == 0
    assert secret.encode() not in db.read_bytes()

    # The database without its key (a backup restored alone) does not start with a new key.
    _files(db)[".key"].rename(tmp_path / "elsewhere.key")
    with pytest.raises(GatewayError, match="key"):
        proc.start(timeout=15)
    assert not _files(db)[".key"].exists()
