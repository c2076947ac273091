"""First start: the welcome window, settings forms that claim nothing untrue, and a plain
word when there is no system keyring."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import keyring
import keyring.backends.fail
import pytest
from PySide6.QtCore import QCoreApplication, QLocale, QTranslator
from PySide6.QtWidgets import QLabel

from desktop.config import secrets
from desktop.config.settings import GatewaySettings, GeneralSettings, MailAccount, Settings
from desktop.core import i18n
from desktop.core.events import ConnectionState, SourceStatus
from desktop.notifications.backends import NullBackend
from desktop.ui import app as app_module
from desktop.ui.add_account import AddAccountDialog
from desktop.ui.app import build_app, install_translations
from desktop.ui.settings_dialog import AccountDialog, SettingsDialog
from desktop.ui.status_text import state_text, status_message
from desktop.ui.welcome import WelcomeWindow


@pytest.fixture
def no_keyring() -> Iterator[None]:
    """No Secret Service: keyring's own "fail" backend, as on a desktop without one."""
    previous = keyring.get_keyring()
    keyring.set_keyring(keyring.backends.fail.Keyring())
    try:
        yield
    finally:
        keyring.set_keyring(previous)


@pytest.fixture
def started(qapp, tmp_path: Path, monkeypatch, memory_keyring):
    async def null_backend(*_args, **_kwargs):
        return NullBackend()

    monkeypatch.setattr(app_module, "pick_backend", null_backend)
    monkeypatch.setattr(app_module.TidingsApp, "_watch_network", lambda self: None)
    loop = asyncio.new_event_loop()
    apps = []

    def start(settings: Settings):
        tidings = build_app(settings, tmp_path / "data", loop)
        apps.append(tidings)
        loop.run_until_complete(tidings.start())
        return tidings

    yield start
    for tidings in apps:
        loop.run_until_complete(tidings.stop())
        if tidings.welcome is not None:
            tidings.welcome.close()
        tidings.deleteLater()
    loop.close()


def test_nothing_configured_opens_the_welcome_window(qtbot, started):
    tidings = started(Settings())
    assert tidings.welcome is not None
    qtbot.waitExposed(tidings.welcome)
    assert tidings.welcome.isVisible()


def test_configured_starts_quietly(started):
    settings = Settings(mail=[MailAccount(name="work", host="imap.invalid", username="me")])
    assert not settings.nothing_to_watch
    assert not Settings(gateway=GatewaySettings(url="wss://gw.example.com")).nothing_to_watch
    tidings = started(settings)
    assert tidings.welcome is None


def test_add_a_mail_account_asks_for_the_address_first_then_offers_the_form(qtbot, started):
    tidings = started(Settings())
    tidings.welcome.add_mail_button.click()
    dialog = tidings._settings_dialog
    assert isinstance(dialog, SettingsDialog)
    assert dialog.tabs.currentIndex() == 0
    # Like Settings → Add…: name and address first, the rest is looked up.
    finder = dialog.account_form
    assert isinstance(finder, AddAccountDialog) and finder.isVisible()
    assert finder.pages.currentIndex() == finder.PAGE_ADDRESS
    assert not finder.next_button.isEnabled() and finder.status.text() == ""
    finder.name.setText("Work")
    finder.address.setText("li.lei@example.com")
    assert finder.next_button.isEnabled()
    # "Configure manually" opens the full form with what was typed.
    finder.manual_button.click()
    form = dialog.account_form
    assert isinstance(form, AccountDialog) and form.isVisible()
    assert form.name.text() == "Work" and form.username.text() == "li.lei@example.com"
    # No server yet: OK waits for a complete account.
    assert not form.ok_button.isEnabled()
    assert dialog.error_label.isHidden()
    # Nothing is stored for a new account, and the field does not say there is.
    assert "Unchanged" not in form.password.placeholderText()
    form.host.setText(" ")
    assert "Server must not be empty." in form.problems_label.text()
    form.reject()
    dialog.reject()


def test_where_the_organisation_manages_accounts_the_welcome_says_so(qtbot, started):
    managed = Settings(
        general=GeneralSettings(allow_add_accounts=False), enforced={"general.allow_add_accounts": False}
    )
    tidings = started(managed)
    welcome = tidings.welcome
    assert not welcome.add_mail_button.isEnabled()
    assert not welcome.managed_note.isHidden() and "organisation" in welcome.managed_note.text()
    assert welcome.company_button.isEnabled()
    tidings._welcome_add_mail()  # even if asked: no dialog to add one
    assert tidings._settings_dialog is None
    free = WelcomeWindow()
    qtbot.addWidget(free)
    assert free.add_mail_button.isEnabled() and free.managed_note.isHidden()


def test_connect_to_your_company_opens_the_gateway_page(qtbot, started):
    tidings = started(Settings())
    tidings.welcome.company_button.click()
    dialog = tidings._settings_dialog
    assert dialog.tabs.currentIndex() == 1
    assert "Unchanged" not in dialog.gateway_token.placeholderText()  # nothing is stored
    assert dialog.error_label.isHidden()
    dialog.reject()


def test_password_fields_say_stored_only_when_it_is(qtbot, memory_keyring):
    settings = Settings(mail=[MailAccount(name="work", host="imap.example.com", username="me")])
    dialog = SettingsDialog(settings)
    qtbot.addWidget(dialog)
    form = dialog._account_dialog(dialog._accounts[0])
    qtbot.addWidget(form)
    assert "Unchanged" not in form.password.placeholderText()  # in the settings, not in the keyring
    memory_keyring.data[("tidings", "mail:work")] = "pw"
    form = dialog._account_dialog(dialog._accounts[0])
    qtbot.addWidget(form)
    assert "Unchanged" in form.password.placeholderText()


@pytest.mark.usefixtures("no_keyring")
def test_without_a_keyring_the_form_says_so_and_offers_the_command(qtbot):
    dialog = SettingsDialog(Settings(gateway=GatewaySettings(url="wss://gw.example.com")))
    qtbot.addWidget(dialog)
    assert "No system keyring" in dialog.gateway_token.placeholderText()
    form = dialog._account_dialog(None)
    qtbot.addWidget(form)
    assert not form.keyring_note.isHidden()
    assert "password command" in form.keyring_note.text()
    assert "No system keyring" in form.password.placeholderText()


@pytest.mark.usefixtures("no_keyring")
def test_without_a_keyring_saving_a_password_says_what_to_do(qtbot):
    dialog = SettingsDialog(Settings())
    qtbot.addWidget(dialog)
    dialog.gateway_url.setText("wss://gw.example.com")
    dialog.gateway_token.setText("tok")
    dialog.accept()
    assert dialog.isVisible() or dialog.result() != SettingsDialog.DialogCode.Accepted
    text = dialog.error_label.text()
    assert "no system keyring" in text and "command" in text
    assert "Prompt dismissed" not in text and "backend" not in text


@pytest.mark.usefixtures("no_keyring")
def test_the_sources_status_without_a_keyring_is_plain():
    with pytest.raises(secrets.KeyringUnavailable) as caught:
        secrets.get_secret(secrets.mail_key("work"))
    assert str(caught.value) == secrets.NO_KEYRING_MESSAGE
    assert "password command" in str(caught.value)
    assert secrets.stored_state("mail:work") == "no-keyring"


def test_status_texts_are_translated(qapp):
    message = "Cannot get the password: " + secrets.NO_KEYRING_MESSAGE
    assert status_message(message) == message  # English without a translator
    try:
        install_translations(qapp, QLocale("zh_CN"))
        assert state_text(ConnectionState.OFFLINE) != "offline, retrying"
        translated = status_message(message)
        assert translated != message and "keyring" not in translated.split("GNOME")[0]
        retry = status_message("imap.example.com did not answer in time.; retrying in 5 s")
        assert "imap.example.com" in retry and "5" in retry and "retrying" not in retry
        assert status_message("something new from a server") == "something new from a server"
    finally:
        for translator in qapp.findChildren(QTranslator):
            QCoreApplication.removeTranslator(translator)
        i18n.install(None)


def test_welcome_window_has_both_ways_in(qtbot):
    welcome = WelcomeWindow()
    qtbot.addWidget(welcome)
    seen: list[str] = []
    welcome.add_mail_requested.connect(lambda: seen.append("mail"))
    welcome.connect_company_requested.connect(lambda: seen.append("company"))
    welcome.show()
    welcome.add_mail_button.click()
    welcome.show()
    welcome.company_button.click()
    assert seen == ["mail", "company"]


def test_banner_shows_translated_status(qtbot, facade, bridge, qapp):
    from desktop.ui.window import ConnectionBanner

    banner = ConnectionBanner()
    qtbot.addWidget(banner)
    banner.update_status(
        SourceStatus(
            "mail:work", ConnectionState.ERROR, "Cannot get the password: " + secrets.NO_KEYRING_MESSAGE
        )
    )
    assert "stopped" in banner.label.text() and "password command" in banner.label.text()


def test_without_a_tray_the_welcome_does_not_promise_one(qtbot):
    with_tray, without = WelcomeWindow(), WelcomeWindow(tray=False)
    for w in (with_tray, without):
        qtbot.addWidget(w)
    hint = "keeps running in the tray"
    shown = lambda w: [lb for lb in w.findChildren(QLabel) if hint in lb.text() and not lb.isHidden()]  # noqa: E731
    assert shown(with_tray) and not shown(without)
