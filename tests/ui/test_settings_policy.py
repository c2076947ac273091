"""The Settings dialog under an organisation's policy: preset accounts, enforced values
the user's file tried to change, "Add" withheld, previews, and a policy with mistakes."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from PySide6.QtWidgets import QLabel

from desktop.config import policy
from desktop.config.settings import Settings, load, to_toml
from desktop.ui.settings_dialog import SettingsDialog

POLICY = """
[enforced.notifications]
previews = "sender"

[enforced.general]
allow_add_accounts = false

[[enforced.mail]]
name = "work"
host = "imap.corp.example"
username = "{user}@corp.example"

[[defaults.mail]]
name = "work"
folders = ["INBOX", "Approvals"]
"""


@pytest.fixture(autouse=True)
def login(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("desktop.config.layers.login_name", lambda: "li.lei")


def settings_under(tmp_path: Path, policy_text: str, user_text: str = "") -> Settings:
    (tmp_path / "policy.toml").write_text(policy_text)
    (tmp_path / "settings.toml").write_text(user_text)
    return load(tmp_path / "settings.toml", policy.read(tmp_path / "policy.toml"))


def notes(widget: object) -> list[str]:
    return [w.text() for w in widget.findChildren(QLabel, "enforcedNote")]  # type: ignore[attr-defined]


def test_a_preset_account_cannot_be_removed_and_its_enforced_fields_are_greyed(
    qtbot, tmp_path: Path, memory_keyring
) -> None:
    s = settings_under(tmp_path, POLICY, "[[mail]]\nname = 'work'\nhost = 'mine.example'\n")
    dialog = SettingsDialog(s)
    qtbot.addWidget(dialog)
    assert not dialog.add_button.isEnabled() and dialog.add_button.toolTip() == "Set by your organisation"
    dialog.account_list.setCurrentRow(0)
    assert dialog.edit_button.isEnabled() and not dialog.remove_button.isEnabled()
    form = dialog._account_dialog(dialog._accounts[0])
    qtbot.addWidget(form)
    assert not form.name.isEnabled() and not form.host.isEnabled() and not form.username.isEnabled()
    assert form.host.text() == "imap.corp.example" and form.username.text() == "li.lei@corp.example"
    assert form.folders.isEnabled() and form.folders.text() == "INBOX, Approvals"
    # The user's file had another host: the note says it is ignored, not just "set".
    assert "Set by your organisation; your own value is ignored" in notes(form)
    assert notes(form).count("Set by your organisation") == 2  # name and user name
    form.folders.setText("INBOX")
    dialog.apply_account_dialog(form, dialog._accounts[0])
    dialog.accept()
    saved = tomllib.loads(to_toml(dialog.result_settings()))
    assert saved["mail"] == [{"name": "work", "folders": ["INBOX"]}]  # only the user's own change


def test_previews_are_a_setting_the_policy_can_enforce(qtbot, tmp_path: Path, memory_keyring) -> None:
    dialog = SettingsDialog(settings_under(tmp_path, ""))
    qtbot.addWidget(dialog)
    assert dialog.previews.isEnabled() and dialog.previews.currentData() == "full"
    dialog.previews.setCurrentIndex(dialog.previews.findData("hidden"))
    dialog.accept()
    result = dialog.result_settings()
    assert result.notifications.previews == "hidden"
    assert tomllib.loads(to_toml(result)) == {"notifications": {"previews": "hidden"}}

    enforced = SettingsDialog(settings_under(tmp_path, POLICY))
    qtbot.addWidget(enforced)
    assert not enforced.previews.isEnabled() and enforced.previews.currentData() == "sender"
    assert enforced.result_settings().notifications.previews == "sender"


def test_a_policy_with_mistakes_is_named_in_the_dialog(qtbot, tmp_path: Path, memory_keyring) -> None:
    s = settings_under(tmp_path, "[enforced.notifications]\npreviews = 'none'\nquiet_hours = '19:00-08:00'\n")
    dialog = SettingsDialog(s)
    qtbot.addWidget(dialog)
    assert not dialog.policy_label.isHidden()
    text = dialog.policy_label.text()
    assert "could not be used" in text and "policy.toml" in text and "previews must be one of" in text
    assert not dialog.quiet_hours.isEnabled()  # the rest of the policy still applies
    clean = SettingsDialog(settings_under(tmp_path, ""))
    qtbot.addWidget(clean)
    assert clean.policy_label.isHidden() and clean.add_button.isEnabled()


def test_an_enforced_autostart_is_shown_greyed(qtbot, tmp_path: Path, memory_keyring) -> None:
    dialog = SettingsDialog(settings_under(tmp_path, "[enforced.general]\nautostart = true\n"))
    qtbot.addWidget(dialog)
    assert dialog.autostart.isChecked() and not dialog.autostart.isEnabled()
    assert "Set by your organisation" in notes(dialog)
    free = SettingsDialog(settings_under(tmp_path, ""))
    qtbot.addWidget(free)
    assert free.autostart.isEnabled() and not free.autostart.isChecked()  # no login entry yet
    free.autostart.setChecked(True)
    free.accept()
    assert to_toml(free.result_settings()) == ""  # the entry is the state, not the file
