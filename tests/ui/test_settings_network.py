"""The Settings dialog's Network page: the [network] options, the proxy password to the
keyring, and a proxy the organisation enforces."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from PySide6.QtWidgets import QLabel

from desktop.config import policy, secrets
from desktop.config.settings import NetworkSettings, Settings, load, to_toml
from desktop.ui.settings_dialog import SettingsDialog


@pytest.fixture(autouse=True)
def login(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("desktop.config.layers.login_name", lambda: "li.lei")


def test_the_network_page_edits_the_settings_and_stores_the_proxy_password(qtbot, memory_keyring) -> None:
    dialog = SettingsDialog(Settings(network=NetworkSettings(no_proxy=["intranet.example"])))
    qtbot.addWidget(dialog)
    assert dialog.network_proxy.text() == "system"
    assert dialog.network_no_proxy.toPlainText() == "intranet.example"
    dialog.network_proxy.setText("http://proxy.corp.example:3128")
    dialog.network_no_proxy.setPlainText("intranet.example\n10.0.0.0/8\n")
    dialog.network_proxy_user.setText("li")
    dialog.network_proxy_password.setText("proxy-pw-9")
    dialog.accept()
    assert dialog.result() == int(dialog.DialogCode.Accepted)
    assert dialog.result_settings().network == NetworkSettings(
        "http://proxy.corp.example:3128", ["intranet.example", "10.0.0.0/8"], "li"
    )
    assert secrets.get_secret(secrets.PROXY_KEY) == "proxy-pw-9"
    saved = tomllib.loads(to_toml(dialog.result_settings()))
    assert "proxy-pw-9" not in to_toml(dialog.result_settings())
    assert saved["network"]["proxy_username"] == "li"

    # Opened again: the password is not shown, only that one is stored.
    again = SettingsDialog(dialog.result_settings())
    qtbot.addWidget(again)
    assert again.network_proxy_password.text() == ""
    assert "stored" in again.network_proxy_password.placeholderText()


def test_a_proxy_setting_of_the_wrong_shape_blocks_ok(qtbot, memory_keyring) -> None:
    dialog = SettingsDialog(Settings())
    qtbot.addWidget(dialog)
    dialog.network_proxy.setText("ftp://proxy:21")
    assert any("Proxy must be system, none" in p for p in dialog.problems())
    dialog.network_proxy.setText("socks5://proxy.corp.example:1080")
    assert dialog.problems() == []


def test_an_enforced_proxy_is_greyed_out(qtbot, tmp_path: Path, memory_keyring) -> None:
    (tmp_path / "policy.toml").write_text(
        '[enforced.network]\nproxy = "pac+https://wpad.corp.example/p.pac"\n'
    )
    (tmp_path / "settings.toml").write_text('[network]\nproxy = "none"\n')
    settings = load(tmp_path / "settings.toml", policy.read(tmp_path / "policy.toml"))
    assert settings.network.proxy == "pac+https://wpad.corp.example/p.pac"
    dialog = SettingsDialog(settings)
    qtbot.addWidget(dialog)
    assert not dialog.network_proxy.isEnabled()
    assert dialog.network_proxy_user.isEnabled()
    notes = [w.text() for w in dialog.findChildren(QLabel, "enforcedNote")]
    assert "Set by your organisation; your own value is ignored" in notes
    assert "proxy" not in tomllib.loads(to_toml(dialog.result_settings())).get("network", {})
