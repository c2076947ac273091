"""The admin CLI against a database file (no server needed)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from gateway.admin import GatewayAdmin

ROOT = Path(__file__).resolve().parents[2]


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "gateway", *args], capture_output=True, text=True, cwd=ROOT, timeout=30
    )


def test_admin_commands_round_trip(tmp_path: Path) -> None:
    db = str(tmp_path / "gw.db")
    assert _cli("user", "add", "alice", "--display-name", "Alice Liu", "--db", db).returncode == 0
    assert _cli("user", "add", "bob", "--db", db).returncode == 0
    dup = _cli("user", "add", "bob", "--db", db)
    assert dup.returncode == 1 and "exists" in dup.stderr

    issued = _cli("token", "issue", "alice", "--db", db)
    assert issued.returncode == 0
    token = issued.stdout.strip()
    assert token.startswith("tgw_") and "\n" not in token
    secret = _cli("integration", "add", "oa", "--callback", "http://127.0.0.1:9/cb", "--db", db)
    assert secret.returncode == 0 and secret.stdout.strip().startswith("whsec_")
    conv = _cli("conversation", "add", "ab", "--title", "A & B", "--members", "alice,bob", "--db", db)
    assert conv.returncode == 0 and "(direct)" in conv.stdout
    assert (
        _cli("conversation", "add", "x", "--title", "X", "--members", "alice,ghost", "--db", db).returncode
        == 1
    )

    raw = b"".join(p.read_bytes() for p in tmp_path.glob("gw.db*"))  # with the WAL
    assert token.encode() not in raw, "only a hash of the token is stored"
    revoked = _cli("token", "revoke", token, "--db", db)
    assert revoked.returncode == 0 and "tok_" in revoked.stdout
    with GatewayAdmin(db) as admin:
        assert admin.users() == [("alice", "Alice Liu"), ("bob", "bob")]
    assert _cli("token", "revoke", "tok_nope", "--db", db).returncode == 1
