"""Integrations post chat as themselves (issue 7, item 6): a bot identity that cannot pass for a
user, only into group conversations they were added to, only to members."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from gateway_helpers import assert_valid, connect

from gateway.admin import AdminError

pytestmark = [pytest.mark.gateway]

ROOT = Path(__file__).resolve().parents[2]


def _chat(key: str, conversation: dict, message: dict, recipients: list[str] | str = "*") -> dict:
    body = {
        "idempotency_key": key,
        "type": "chat.message",
        "recipients": recipients,
        "data": {"conversation": conversation, "message": message},
    }
    assert_valid("ingest-request.json", body)
    return body


def _sentinel(n: int) -> dict:
    return {
        "idempotency_key": f"sentinel-{n}",
        "type": "announcement",
        "recipients": "*",
        "data": {"announcement": {"id": f"s{n}", "title": "sentinel"}},
    }


@pytest.mark.asyncio
async def test_an_integration_posts_as_its_own_bot_identity(make_gateway) -> None:
    gw = make_gateway()
    with gw.proc.admin() as admin:
        gw.secrets["ci"] = admin.add_integration("ci", display_name="Build Bot")
        admin.add_integration_to("ci", "team")
    clients = {who: await connect(gw, who) for who in ("alice", "bob", "carol")}

    # A title or kind in the body does not rename the conversation.
    body = _chat(
        "b1", {"id": "team", "title": "From the CEO", "kind": "direct"}, {"id": "c-1", "text": "green"}
    )
    response = gw.post(body, "ci")
    assert response.status_code == 202, response.text
    for client in clients.values():
        data = (await client.event("chat.message"))["event"]["data"]
        assert data["conversation"] == {"id": "team", "title": "Team", "kind": "group"}
        assert data["message"]["sender"] == {"id": "integration:ci", "name": "Build Bot", "bot": True}
        assert data["message"]["id"] == "c-1" and data["message"]["text"] == "green"
    # Users' own messages carry no bot mark.
    result = await clients["alice"].act(
        {"type": "chat.send", "id": "u1", "conversation": "team", "text": "thanks"}
    )
    assert result["data"]["message"]["sender"] == {"id": "alice", "name": "Alice"}
    for client in clients.values():
        await client.close()


@pytest.mark.asyncio
async def test_forged_senders_and_foreign_conversations_are_refused(make_gateway) -> None:
    gw = make_gateway()
    with gw.proc.admin() as admin:
        admin.add_conversation("pair", title="Pair", members=["alice", "bob"], kind="group")
    alice = await connect(gw, "alice")
    refused = [
        # naming any sender, a user's above all
        _chat(
            "f1",
            {"id": "team"},
            {"id": "m1", "text": "wire the money", "sender": {"id": "bob", "name": "Bob"}},
        ),
        _chat(
            "f2", {"id": "team"}, {"id": "m2", "text": "hi", "sender": {"id": "integration:oa", "name": "oa"}}
        ),
        # conversations "oa" was not added to, or that do not exist
        _chat("f3", {"id": "ab"}, {"id": "m3", "text": "hi"}),
        _chat("f4", {"id": "pair"}, {"id": "m4", "text": "hi"}),
        _chat("f5", {"id": "nowhere"}, {"id": "m5", "text": "hi"}),
    ]
    for body in refused:
        response = gw.post(body)
        assert response.status_code == 403, (body["idempotency_key"], response.text)
        assert response.json()["error"]["code"] == "forbidden"
    assert (
        "sender"
        in gw.post(_chat("f6", {"id": "team"}, refused[0]["data"]["message"])).json()["error"]["message"]
    )

    # Recipients must be members: carol is not in "pair", even once oa may post there.
    with gw.proc.admin() as admin:
        admin.add_integration_to("oa", "pair")
    response = gw.post(_chat("f7", {"id": "pair"}, {"id": "m7", "text": "hi"}, ["alice", "carol"]))
    assert response.status_code == 403 and "carol" in response.json()["error"]["message"]
    # Refusals created nothing: the next event alice gets is the sentinel posted after them.
    assert gw.post(_sentinel(1)).status_code == 202
    first = await alice.next(lambda f: f["type"] == "event")
    assert first["event"]["type"] == "announcement", first
    # And a proper post to members of "pair" goes through.
    assert gw.post(_chat("ok", {"id": "pair"}, {"id": "m8", "text": "hi"}, ["alice"])).status_code == 202
    assert (await alice.event("chat.message"))["event"]["data"]["message"]["sender"]["bot"] is True
    await alice.close()


def test_admin_keeps_bots_apart_from_people(tmp_path: Path) -> None:
    from gateway.admin import GatewayAdmin

    db = tmp_path / "gw.db"
    with GatewayAdmin(db) as admin:
        admin.add_user("alice", display_name="Alice Liu")
        admin.add_user("bob")
        admin.add_conversation("ab", title="A & B", members=["alice", "bob"])
        admin.add_integration("oa")
        for display in ("Alice Liu", "alice liu", "bob"):
            with pytest.raises(AdminError, match="user"):
                admin.add_integration("bot", display_name=display)
        with pytest.raises(AdminError, match="direct"):
            admin.add_integration_to("oa", "ab")  # a third voice in a two-person chat
        with pytest.raises(AdminError, match="no conversation"):
            admin.add_integration_to("oa", "nope")
        with pytest.raises(AdminError, match="no integration"):
            admin.add_integration_to("ghost", "ab")

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "gateway", *args, "--db", str(db)],
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=30,
        )

    assert (
        cli(
            "conversation", "add", "team", "--title", "Team", "--members", "alice,bob", "--kind", "group"
        ).returncode
        == 0
    )
    added = cli("integration", "add", "ci", "--display-name", "CI")
    assert added.returncode == 0 and added.stdout.strip().startswith("whsec_")
    assert cli("integration", "add-to", "ci", "team").returncode == 0
    refused = cli("integration", "add-to", "ci", "ab")
    assert refused.returncode == 1 and "direct" in refused.stderr
    with GatewayAdmin(db) as admin:
        assert admin.integration_conversations("ci") == ["team"]


@pytest.mark.asyncio
async def test_removed_from_a_conversation_its_posts_there_are_refused(make_gateway) -> None:
    gw = make_gateway()
    alice = await connect(gw, "alice")
    assert gw.post(_chat("r1", {"id": "team"}, {"id": "m1", "text": "before"})).status_code == 202
    assert (await alice.event("chat.message"))["event"]["data"]["message"]["text"] == "before"

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "gateway", *args, "--db", str(gw.proc.db_path)],
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=30,
        )

    assert "remove-from" in cli("integration", "--help").stdout
    # Taken back with the CLI while the gateway runs on the same database.
    removed = cli("integration", "remove-from", "oa", "team")
    assert removed.returncode == 0, removed.stderr
    assert "no longer" in removed.stdout
    after = gw.post(_chat("r2", {"id": "team"}, {"id": "m2", "text": "after"}))
    assert after.status_code == 403, after.text
    assert after.json()["error"]["code"] == "forbidden"
    assert "was not added to conversation 'team'" in after.json()["error"]["message"]
    # Nothing reached alice: the next event she gets is the sentinel posted after the refusal.
    assert gw.post(_sentinel(1)).status_code == 202
    first = await alice.next(lambda f: f["type"] == "event")
    assert first["event"]["type"] == "announcement", first
    # Removing again, or an integration that does not exist: a clear error, exit status 1.
    again = cli("integration", "remove-from", "oa", "team")
    assert again.returncode == 1 and "was not added" in again.stderr
    ghost = cli("integration", "remove-from", "ghost", "team")
    assert ghost.returncode == 1 and "no integration" in ghost.stderr
    # add-to gives it back.
    assert cli("integration", "add-to", "oa", "team").returncode == 0
    assert gw.post(_chat("r3", {"id": "team"}, {"id": "m3", "text": "back"})).status_code == 202
    assert (await alice.event("chat.message"))["event"]["data"]["message"]["text"] == "back"
    await alice.close()
