"""Saving the Settings dialog keeps the user's file: every option, also those the dialog has no
field for ([gateway] sign-in, [oauth.NAME] tables), and never a value the policy enforces."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from desktop.config import policy
from desktop.config.settings import load, save
from desktop.ui.settings_dialog import SettingsDialog


def full_file(ca: Path) -> str:
    """A user's file that sets every option to something other than its default."""
    return f"""
[[mail]]
name = "work"
host = "outlook.office365.com"
username = "li.lei@contoso.com"
auth = "oauth2"
oauth = "microsoft"
security = "starttls"
port = 1143
ca_file = "{ca}"
folders = ["INBOX", "Approvals"]
password_command = "pass show mail/work"
webmail_url = "https://outlook.office.com/mail/search?q={{message_id}}"
sender_name = "Li Lei"
address = "lei.li@contoso.com"
smtp_host = "smtp.office365.com"
smtp_security = "tls"
smtp_port = 465
sent_folder = "Sent Items"
archive_folder = "Archive"
trash_folder = "Deleted Items"

[[mail]]
name = "home"
host = "imap.example.org"
username = "lei"

[gateway]
url = "wss://gateway.contoso.com"
token_command = "cat ~/.tidings-token"
ca_file = "{ca}"
sign_in = "sso"
oauth = "corp"
issuer = "https://sso.contoso.com/realms/staff"
client_id = "tidings-gateway"
audience = "urn:contoso:gateway"
scopes = ["openid", "offline_access", "gateway"]

[notifications]
enabled = false
quiet_hours = "19:00-08:00"
vip_senders = ["boss@contoso.com", "Wang Wei"]
muted_sources = ["mail:home"]
urgent_breaks_through = false
previews = "sender"

[general]
allow_add_accounts = false
enter_sends = false

[network]
proxy = "http://proxy.contoso.com:3128"
no_proxy = ["intranet.contoso.com", "10.0.0.0/8"]
proxy_username = "li.lei"
pac_ca_file = "{ca}"

[oauth.microsoft]
client_id = "00000000-0000-0000-0000-000000000000"
tenant = "contoso.com"

[oauth.google]
client_id = "1234-abc.apps.googleusercontent.com"
client_secret = "GOCSPX-not-secret"

[oauth.corp]
issuer = "https://sso.contoso.com/realms/staff"
client_id = "tidings"
scopes = ["openid", "offline_access", "mail"]
resource = "urn:contoso:imap"
"""


def save_through_the_dialog(qtbot, path: Path, policy_path: Path | None = None) -> SettingsDialog:  # type: ignore[no-untyped-def]
    layers = policy.read(policy_path) if policy_path is not None else ()
    settings = load(path, layers)
    dialog = SettingsDialog(settings)
    qtbot.addWidget(dialog)
    assert dialog.buttons.button(dialog.buttons.StandardButton.Ok).isEnabled(), dialog.error_label.text()
    dialog.accept()
    assert dialog.result() == SettingsDialog.DialogCode.Accepted
    save(dialog.result_settings(), path)
    return dialog


def test_a_full_settings_file_round_trips_through_the_dialog_unchanged(
    qtbot, tmp_path: Path, memory_keyring, private_config_home
) -> None:
    ca = tmp_path / "ca.pem"
    ca.write_text("-----BEGIN CERTIFICATE-----\n")
    path = tmp_path / "settings.toml"
    path.write_text(full_file(ca), encoding="utf-8")
    before = tomllib.loads(path.read_text(encoding="utf-8"))
    # Sanity: the file really sets every option the dialog knows of, [oauth.*] and all.
    assert {"gateway", "notifications", "general", "network", "oauth"} <= before.keys()

    save_through_the_dialog(qtbot, path)
    assert tomllib.loads(path.read_text(encoding="utf-8")) == before
    # And again from what was saved: nothing drifts.
    save_through_the_dialog(qtbot, path)
    assert tomllib.loads(path.read_text(encoding="utf-8")) == before


@pytest.fixture(autouse=True)
def login(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("desktop.config.layers.login_name", lambda: "li.lei")


def test_enforced_values_never_reach_the_users_file(
    qtbot, tmp_path: Path, memory_keyring, private_config_home
) -> None:
    ca = tmp_path / "ca.pem"
    ca.write_text("-----BEGIN CERTIFICATE-----\n")
    path = tmp_path / "settings.toml"
    path.write_text(full_file(ca), encoding="utf-8")
    before = tomllib.loads(path.read_text(encoding="utf-8"))
    rules = tmp_path / "policy.toml"
    rules.write_text(
        "[enforced.gateway]\nsign_in = 'sso'\naudience = 'urn:corp:enforced'\n"
        "[enforced.notifications]\npreviews = 'hidden'\n"
        "[enforced.network]\nproxy = 'http://enforced-proxy:8080'\n"
        "[enforced.oauth.corp]\nclient_id = 'enforced-client'\n",
        encoding="utf-8",
    )
    dialog = save_through_the_dialog(qtbot, path, rules)
    assert dialog.result_settings().network.proxy == "http://enforced-proxy:8080"  # in force...
    text = path.read_text(encoding="utf-8")
    for enforced in ("urn:corp:enforced", "hidden", "enforced-proxy", "enforced-client"):
        assert enforced not in text  # ...but the policy's, not the user's
    after = tomllib.loads(text)
    # Everything the policy does not enforce is the user's file as it was.
    expected = tomllib.loads(full_file(ca))
    del expected["gateway"]["audience"], expected["notifications"]["previews"]
    del expected["network"]["proxy"], expected["oauth"]["corp"]["client_id"]
    # sign_in = "sso" equals the enforced value: the user's file need not say it any more.
    del expected["gateway"]["sign_in"]
    assert after == expected
    assert before != after
