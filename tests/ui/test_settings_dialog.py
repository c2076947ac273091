"""SettingsDialog: accounts, validation, secrets to the keyring only, connection test."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtWidgets import QLabel

from desktop.config import secrets
from desktop.config.layers import policy_layers
from desktop.config.settings import GatewaySettings, MailAccount, Settings, load, option, to_toml
from desktop.ui.settings_dialog import AccountDialog, SettingsDialog


def fill_form(dialog: AccountDialog, **values: str) -> None:
    defaults = {"name": "Work", "host": "imap.example.com", "username": "li.lei", "password": "s3cret-pw"}
    defaults.update(values)
    for field, value in defaults.items():
        getattr(dialog, field).setText(value)


def test_add_account_password_goes_to_keyring_only(qtbot, memory_keyring):
    dialog = SettingsDialog(Settings(), connection_tester=lambda a, p: (True, "ok"))
    qtbot.addWidget(dialog)
    form = dialog._account_dialog(None)
    qtbot.addWidget(form)
    assert not form.ok_button.isEnabled()  # empty form
    fill_form(form)
    assert form.ok_button.isEnabled()
    dialog.apply_account_dialog(form, None)
    assert dialog.account_list.count() == 1
    dialog.accept()
    result = dialog.result_settings()
    assert [a.name for a in result.mail] == ["Work"]
    assert result.mail[0].host == "imap.example.com"
    assert memory_keyring.data == {("tidings", "mail:Work"): "s3cret-pw"}
    assert "s3cret-pw" not in repr(result)
    assert "s3cret-pw" not in to_toml(result)


def test_invalid_input_disables_ok(qtbot, tmp_path):
    form = AccountDialog(None, {"Taken"}, None)
    qtbot.addWidget(form)
    fill_form(form)
    assert form.ok_button.isEnabled()
    form.host.setText("   ")
    assert not form.ok_button.isEnabled()
    assert "Server must not be empty." in form.problems_label.text()
    form.host.setText("imap.example.com")
    form.name.setText("Taken")
    assert not form.ok_button.isEnabled()
    form.name.setText("Work")
    form.ca_file.setText(str(tmp_path / "missing.pem"))
    assert not form.ok_button.isEnabled()
    form.ca_file.setText("")
    form.folders.setText(" , ")
    assert not form.ok_button.isEnabled()
    form.folders.setText("INBOX, Projects")
    form.webmail.setText("https://mail.example.com/")
    assert not form.ok_button.isEnabled()  # no {message_id}
    form.webmail.setText("https://mail.example.com/?id={message_id}")
    assert form.ok_button.isEnabled()
    assert form.account().folders == ["INBOX", "Projects"]


def test_plain_security_warns_and_command_disables_password(qtbot):
    form = AccountDialog(None, set(), None)
    qtbot.addWidget(form)
    form.show()
    assert not form.plain_warning.isVisible()
    form.security.setCurrentIndex(form.security.findData("plain"))
    assert form.plain_warning.isVisible()
    assert "143" in form.port.specialValueText()
    form.password.setText("typed")
    form.password_command.setText("pass show mail")
    assert not form.password.isEnabled()
    assert form.typed_password() == ""


def test_edit_and_remove_keep_other_settings(qtbot, memory_keyring):
    settings = Settings(
        mail=[MailAccount("work", "imap.a.com", "u1"), MailAccount("home", "imap.b.com", "u2")],
        gateway=GatewaySettings(url="wss://gw.example.com"),
    )
    memory_keyring.data[("tidings", "mail:work")] = "old-pw"
    dialog = SettingsDialog(settings)
    qtbot.addWidget(dialog)
    dialog.account_list.setCurrentRow(0)
    form = dialog._account_dialog(dialog._accounts[0])
    qtbot.addWidget(form)
    assert form.name.text() == "work"
    assert "Unchanged" in form.password.placeholderText()
    form.name.setText("office")  # renamed: its stored password moves with it
    dialog.apply_account_dialog(form, dialog._accounts[0])
    dialog.account_list.setCurrentRow(1)
    dialog.remove_account()
    dialog.accept()
    result = dialog.result_settings()
    assert [a.name for a in result.mail] == ["office"]
    assert result.gateway.url == "wss://gw.example.com"
    assert memory_keyring.data[("tidings", "mail:office")] == "old-pw"
    assert settings.mail[0].name == "work"  # the caller's settings were not touched


def test_gateway_token_and_notifications(qtbot, memory_keyring):
    dialog = SettingsDialog(Settings())
    qtbot.addWidget(dialog)
    ok = dialog.buttons.button(dialog.buttons.StandardButton.Ok)
    dialog.gateway_url.setText("https://not-a-websocket")
    assert not ok.isEnabled()
    dialog.gateway_url.setText("wss://gateway.example.com")
    dialog.gateway_token.setText("tok-123")
    dialog.quiet_hours.setText("25:00-08:00")
    assert not ok.isEnabled()
    dialog.quiet_hours.setText("19:00 - 08:00")
    assert ok.isEnabled()
    dialog.vip_senders.setPlainText("boss@example.com\n\n 王总 \n")
    dialog.urgent_breaks.setChecked(False)
    dialog.accept()
    result = dialog.result_settings()
    assert result.gateway.url == "wss://gateway.example.com"
    assert result.notifications.quiet_hours == "19:00-08:00"
    assert result.notifications.vip_senders == ["boss@example.com", "王总"]
    assert result.notifications.urgent_breaks_through is False
    assert memory_keyring.data[("tidings", secrets.GATEWAY_KEY)] == "tok-123"
    assert "tok-123" not in to_toml(result)


def test_connection_test_runs_in_a_worker_and_shows_result(qtbot):
    seen = []

    def tester(account, password):
        seen.append((account.host, password, threading.current_thread() is threading.main_thread()))
        return True, "Connected: 3 folders, IDLE supported"

    form = AccountDialog(None, set(), tester)
    qtbot.addWidget(form)
    fill_form(form)
    form.test_button.click()
    qtbot.waitUntil(lambda: "Connected" in form.test_result.text())
    assert form.test_result.text() == "✔ Connected: 3 folders, IDLE supported"
    assert seen == [("imap.example.com", "s3cret-pw", False)]
    assert form.test_button.isEnabled()


def test_connection_test_failure_is_shown(qtbot):
    form = AccountDialog(None, set(), lambda a, p: (False, "The server rejected the user name or password"))
    qtbot.addWidget(form)
    fill_form(form)
    form.test_button.click()
    qtbot.waitUntil(lambda: "rejected" in form.test_result.text())
    assert form.test_result.text().startswith("✘ ")
    assert "#D64545" in form.test_result.styleSheet()


def test_connection_test_with_stored_password(qtbot, memory_keyring):
    memory_keyring.data[("tidings", "mail:work")] = "from-keyring"
    got = []
    account = MailAccount("work", "imap.a.com", "u1")
    form = AccountDialog(account, set(), lambda a, p: (got.append(p) or True, "ok"), has_stored_password=True)
    qtbot.addWidget(form)
    form.test_button.click()
    qtbot.waitUntil(lambda: bool(got))
    assert got == ["from-keyring"]


def test_focus_source_selects_the_account(qtbot):
    settings = Settings(mail=[MailAccount("a", "h", "u"), MailAccount("b", "h", "u")])
    dialog = SettingsDialog(settings)
    qtbot.addWidget(dialog)
    dialog.focus_source("mail:b")
    assert dialog.account_list.currentRow() == 1
    dialog.focus_source("gateway")
    assert dialog.tabs.currentIndex() == 1


def test_add_button_opens_a_window_modal_form(qtbot, memory_keyring):
    dialog = SettingsDialog(Settings())
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.add_button.click()  # returns at once: no nested event loop
    # “Add…” asks for the address first (add_account.py); “Configure manually” is this form.
    finder = dialog.account_form
    assert finder.isVisible() and finder.windowTitle() == "Add mail account"
    finder.manual_button.click()
    form = dialog.account_form
    assert form is not finder and form.isVisible()
    fill_form(form, name="个人邮箱")
    form.ok_button.click()
    assert [a.name for a in dialog._accounts] == ["个人邮箱"]
    assert "个人邮箱" in dialog.account_list.item(0).text()
    dialog.edit_button.click()
    assert dialog.account_form.name.text() == "个人邮箱"
    dialog.account_form.reject()


def test_autostart_toggle_writes_and_removes_the_login_entry(qtbot, memory_keyring, private_config_home):
    entry = private_config_home / "autostart" / "tidings.desktop"
    dialog = SettingsDialog(Settings())
    qtbot.addWidget(dialog)
    assert not dialog.autostart.isChecked()
    dialog.autostart.setChecked(True)
    dialog.accept()
    assert entry.is_file() and "Exec=" in entry.read_text()
    again = SettingsDialog(Settings())
    qtbot.addWidget(again)
    assert again.autostart.isChecked()
    again.autostart.setChecked(False)
    again.accept()
    assert not entry.exists()


def test_autostart_failure_is_shown_and_keeps_the_dialog_open(qtbot, memory_keyring, private_config_home):
    private_config_home.parent.mkdir(parents=True, exist_ok=True)
    private_config_home.write_text("a file where the folder should be")
    dialog = SettingsDialog(Settings())
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.autostart.setChecked(True)
    dialog.accept()
    assert dialog.isVisible() and dialog.result() != SettingsDialog.DialogCode.Accepted
    assert "login entry" in dialog.error_label.text()


# -- the same checks as the settings file, from the same table ------------------------------------


@pytest.mark.parametrize(
    ("field", "bad", "good", "message"),
    [
        (
            "gateway_url",
            "https://gw.example.com",
            "wss://gw.example.com",
            "Gateway URL must start with wss://",
        ),
        ("gateway_url", "wss://", "ws://127.0.0.1:8765", "Gateway URL must start with wss://"),
        ("quiet_hours", "25:00-08:00", "22:00 - 07:00", "Quiet hours must look like 19:00-08:00"),
        ("quiet_hours", "7pm-8am", "", "Quiet hours must look like 19:00-08:00"),
        (
            "gateway_ca",
            "/nonexistent/ca.pem",
            "",
            "CA file names a file that does not exist: /nonexistent/ca.pem",
        ),
    ],
)
def test_settings_dialog_checks_each_value(qtbot, field, bad, good, message):
    dialog = SettingsDialog(Settings())
    qtbot.addWidget(dialog)
    ok = dialog.buttons.button(dialog.buttons.StandardButton.Ok)
    getattr(dialog, field).setText(bad)
    assert not ok.isEnabled()
    assert message in dialog.error_label.text()
    getattr(dialog, field).setText(good)
    assert ok.isEnabled() and dialog.error_label.text() == ""


def test_settings_dialog_accepts_an_existing_gateway_ca_file(qtbot, tmp_path):
    ca = tmp_path / "corp-ca.pem"
    ca.write_text("-----BEGIN CERTIFICATE-----\n")
    dialog = SettingsDialog(Settings())
    qtbot.addWidget(dialog)
    dialog.gateway_ca.setText(str(ca))
    assert dialog.problems() == []
    assert dialog.result_settings().gateway.ca_file == str(ca)


@pytest.mark.parametrize(
    ("field", "bad", "message"),
    [
        ("name", "a/b", "Name must be 1-64 letters"),
        ("host", " ", "Server must not be empty."),
        ("username", "", "User name must not be empty."),
        ("folders", " , ", "Folders must name at least one folder"),
        ("webmail", "https://mail.example.com/", "Webmail URL needs {message_id} where the message goes."),
        ("ca_file", "/nonexistent/ca.pem", "CA file names a file that does not exist"),
    ],
)
def test_account_form_checks_each_value(qtbot, field, bad, message):
    form = AccountDialog(None, set(), None)
    qtbot.addWidget(form)
    fill_form(form)
    assert form.ok_button.isEnabled()
    getattr(form, field).setText(bad)
    assert not form.ok_button.isEnabled()
    assert message in form.problems_label.text()


def test_labels_and_tooltips_come_from_the_table(qtbot):
    dialog = SettingsDialog(Settings())
    qtbot.addWidget(dialog)
    assert dialog.gateway_url.toolTip() == option("gateway.url").description
    assert dialog.quiet_hours.toolTip() == option("notifications.quiet_hours").description
    assert dialog.urgent_breaks.text() == option("notifications.urgent_breaks_through").title
    form = AccountDialog(None, set(), None)
    qtbot.addWidget(form)
    assert form.security.toolTip() == option("mail.security").description


def test_enforced_options_are_greyed_out_and_kept(qtbot, tmp_path, memory_keyring):
    policy = tmp_path / "policy.toml"
    policy.write_text(
        "[enforced.gateway]\nurl = 'wss://gw.corp.example'\n"
        "[enforced.mail]\nsecurity = 'starttls'\n"
        "[defaults.mail]\nhost = 'imap.corp.example'\n"
        "[enforced.notifications]\nenabled = true\n"
    )
    settings = load(tmp_path / "settings.toml", policy_layers(policy))
    dialog = SettingsDialog(settings)
    qtbot.addWidget(dialog)
    assert not dialog.gateway_url.isEnabled() and dialog.gateway_url.text() == "wss://gw.corp.example"
    assert not dialog.notify_enabled.isEnabled()
    assert dialog.gateway_token_command.isEnabled() and dialog.quiet_hours.isEnabled()
    notes = [w.text() for w in dialog.findChildren(QLabel, "enforcedNote")]
    assert notes == ["Set by your organisation"] * 2
    form = dialog._account_dialog(None)  # a new account starts from the organisation's values
    qtbot.addWidget(form)
    assert not form.security.isEnabled() and form.security.currentData() == "starttls"
    assert form.host.isEnabled() and form.host.text() == "imap.corp.example"
    fill_form(form, host="imap.corp.example")
    dialog.apply_account_dialog(form, None)
    dialog.accept()
    result = dialog.result_settings()
    assert result.gateway.url == "wss://gw.corp.example" and result.is_enforced("gateway.url")
    assert result.mail[0].security == "starttls"
    saved = to_toml(result)
    assert "gw.corp.example" not in saved and "starttls" not in saved  # the policy's, not the user's
    assert 'host = "imap.corp.example"' in saved  # required: an account always names its server
