"""The manual account form ("Configure manually", Edit…): Sign-in is a password or the browser
(OAuth2) with a provider, and "Sign in…" runs that account's browser sign-in."""

from __future__ import annotations

import tomllib

from desktop.app import account_login
from desktop.config.oauth_providers import OAuthProviderSettings
from desktop.config.settings import MailAccount, Settings, to_toml
from desktop.sources.oauth import OAuthSetupError
from desktop.ui.settings_dialog import AccountDialog, SettingsDialog


def corp_settings() -> Settings:
    return Settings(
        oauth={
            "corp": OAuthProviderSettings(
                issuer="https://sso.contoso.com", client_id="tidings", scopes=["openid", "mail"]
            )
        }
    )


def visible(widget) -> bool:  # type: ignore[no-untyped-def]
    return not widget.isHidden()


def test_picking_oauth2_hides_the_password_and_offers_the_providers(qtbot, memory_keyring) -> None:  # type: ignore[no-untyped-def]
    settings = corp_settings()
    dialog = SettingsDialog(settings)
    qtbot.addWidget(dialog)
    form = dialog._account_dialog(None)
    qtbot.addWidget(form)
    assert form.auth.currentData() == "password"
    assert visible(form.password) and not visible(form.oauth) and not visible(form.sign_in_button)
    assert visible(form.test_button)
    form.name.setText("work")
    form.host.setText("imap.contoso.com")
    form.username.setText("li.lei@contoso.com")
    form.password.setText("typed-before-switching")

    form.auth.setCurrentIndex(form.auth.findData("oauth2"))
    assert not visible(form.password) and not visible(form.password_label)
    assert visible(form.oauth) and visible(form.sign_in_button) and not visible(form.test_button)
    # The company provider the settings declare comes first, then the presets.
    assert [form.oauth.itemText(i) for i in range(form.oauth.count())] == ["corp", "microsoft", "google"]
    assert form.oauth.currentText() == "corp" and form.ok_button.isEnabled()
    form.oauth.setCurrentText("")
    assert not form.ok_button.isEnabled()
    assert "provider" in form.problems_label.text()
    form.oauth.setCurrentText("corp")
    assert form.typed_password() == ""  # an OAuth2 account keeps a sign-in, not a password

    dialog.apply_account_dialog(form, None)
    dialog.accept()
    assert memory_keyring.data == {}  # nothing typed was stored
    saved = tomllib.loads(to_toml(dialog.result_settings()))
    assert saved["mail"][0]["auth"] == "oauth2" and saved["mail"][0]["oauth"] == "corp"


def test_an_oauth2_account_opens_with_its_provider(qtbot) -> None:  # type: ignore[no-untyped-def]
    account = MailAccount(
        name="work",
        host="outlook.office365.com",
        username="li.lei@contoso.com",
        auth="oauth2",
        oauth="microsoft",
    )
    form = AccountDialog(account, set(), None, settings=corp_settings())
    qtbot.addWidget(form)
    assert form.auth.currentData() == "oauth2" and form.oauth.currentText() == "microsoft"
    assert form.account() == account
    # Back to a password: the provider is kept in the file, but unused.
    form.auth.setCurrentIndex(form.auth.findData("password"))
    assert form.account().auth == "password" and form.account().oauth == "microsoft"


def test_sign_in_runs_the_browser_sign_in_of_the_account_in_the_form(qtbot, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    settings = corp_settings()
    form = AccountDialog(None, set(), None, settings=settings)
    qtbot.addWidget(form)
    form.name.setText("work")
    form.host.setText("imap.contoso.com")
    form.username.setText("li.lei@contoso.com")
    form.auth.setCurrentIndex(form.auth.findData("oauth2"))
    asked: list[tuple[str, str, str]] = []

    def signed_in(account, given, **kw):  # type: ignore[no-untyped-def]
        asked.append((account.name, account.oauth, account.username))
        assert given is settings

    monkeypatch.setattr(account_login, "browser_sign_in", signed_in)
    form.sign_in_button.click()
    qtbot.waitUntil(lambda: "Signed in" in form.sign_in_result.text(), timeout=5000)
    assert asked == [("work", "corp", "li.lei@contoso.com")]
    assert form.sign_in_button.isEnabled()

    def no_client_id(account, given, **kw):  # type: ignore[no-untyped-def]
        raise OAuthSetupError("Tidings needs your organisation's app registration", reason="no_client_id")

    monkeypatch.setattr(account_login, "browser_sign_in", no_client_id)
    form.sign_in_button.click()
    qtbot.waitUntil(lambda: "app registration" in form.sign_in_result.text(), timeout=5000)
    assert form.sign_in_button.isEnabled() and visible(form.sign_in_result)
