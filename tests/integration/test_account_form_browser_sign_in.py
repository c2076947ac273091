"""The manual account form's "Sign in…" for real: the harness's OpenID Connect provider, headless
Chromium through BROWSER, and the provider's refresh token in the keyring afterwards."""

from __future__ import annotations

import os

# Before any Qt import: the form needs no real display.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import webbrowser
from pathlib import Path

import pytest

from desktop.config.oauth_providers import OAuthProviderSettings
from desktop.config.secrets import SERVICE, oauth_key
from desktop.config.settings import Settings
from desktop.sources.oauth.accounts import sign_ins
from desktop.ui.settings_dialog import AccountDialog
from harness.idp import RESOURCE_IMAP, IdentityProvider
from harness.signin_browser import SignInBrowser


def test_the_forms_sign_in_stores_the_accounts_sign_in(
    qtbot, tmp_path: Path, memory_keyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    sign_ins.clear()
    with IdentityProvider(tmp_path / "idp") as idp, SignInBrowser(tmp_path / "browser") as browser:
        monkeypatch.setenv("BROWSER", str(browser.browser_script("consent", "grace")))
        monkeypatch.delenv("DISPLAY", raising=False)
        monkeypatch.setattr(webbrowser, "_tryorder", None)  # BROWSER is read once per process
        settings = Settings(
            oauth={
                "corp": OAuthProviderSettings(
                    issuer=idp.issuer,
                    client_id=idp.client_id,
                    scopes=["openid", "offline_access", "mail"],
                    resource=RESOURCE_IMAP,
                )
            }
        )
        form = AccountDialog(None, set(), None, settings=settings)
        qtbot.addWidget(form)
        form.name.setText("work")
        form.host.setText("127.0.0.1")
        form.username.setText("grace")
        form.auth.setCurrentIndex(form.auth.findData("oauth2"))
        assert form.oauth.currentText() == "corp"
        form.sign_in_button.click()
        qtbot.waitUntil(lambda: form.sign_in_result.text().startswith(("✔", "✘")), timeout=60_000)
        assert "Signed in" in form.sign_in_result.text(), form.sign_in_result.text()
        stored = memory_keyring.get_password(SERVICE, oauth_key(idp.issuer, idp.client_id))
        assert stored and stored not in form.sign_in_result.text()
    sign_ins.clear()
