"""[[mail]] auth/oauth and the [oauth.NAME] provider tables: merged from policy and the user's
file, checked, written back, and turned into an OAuthProvider."""

from __future__ import annotations

import tomllib
from typing import Any

import pytest

from desktop.config.layers import Layer, policy_layers_from
from desktop.config.settings import ConfigError, Settings, load_layers, to_toml
from desktop.sources.oauth import OAuthSetupError
from desktop.sources.oauth.accounts import provider_for

ACCOUNT = {"name": "work", "host": "imap.example.com", "username": "li.lei@example.com"}


def settings(user: dict[str, Any], policy: dict[str, Any] | None = None) -> Settings:
    layers = [Layer("settings.toml", user, user=True)]
    if policy is not None:
        layers += policy_layers_from(policy, "policy.toml")
    return load_layers(layers, user="li.lei")


def test_an_account_signs_in_with_a_password_unless_it_says_oauth2() -> None:
    s = settings({"mail": [ACCOUNT]})
    assert (s.mail[0].auth, s.mail[0].oauth) == ("password", "")
    with pytest.raises(ConfigError, match="auth"):
        settings({"mail": [{**ACCOUNT, "auth": "kerberos"}]})


def test_a_company_provider_from_the_policy_with_the_users_scopes() -> None:
    s = settings(
        {
            "mail": [{**ACCOUNT, "auth": "oauth2", "oauth": "corp"}],
            "oauth": {"corp": {"scopes": ["mail", "offline_access"]}},
        },
        {
            "enforced": {
                "oauth": {"corp": {"issuer": "https://sso.example.com", "client_id": "tidings-desktop"}}
            }
        },
    )
    corp = s.oauth["corp"]
    assert (corp.issuer, corp.client_id, corp.scopes) == (
        "https://sso.example.com",
        "tidings-desktop",
        ["mail", "offline_access"],
    )
    provider = provider_for(s.mail[0], s)
    assert (provider.issuer, provider.client_id, provider.scopes) == (
        "https://sso.example.com",
        "tidings-desktop",
        ("mail", "offline_access"),
    )
    # Saving writes the user's own value, never the enforced ones.
    written = tomllib.loads(to_toml(s))
    assert written["oauth"] == {"corp": {"scopes": ["mail", "offline_access"]}}


def test_an_enforced_client_id_wins_over_the_users() -> None:
    s = settings(
        {"oauth": {"microsoft": {"client_id": "mine", "tenant": "contoso.com"}}},
        {"enforced": {"oauth": {"microsoft": {"client_id": "the-company-one"}}}},
    )
    assert (s.oauth["microsoft"].client_id, s.oauth["microsoft"].tenant) == ("the-company-one", "contoso.com")
    assert tomllib.loads(to_toml(s))["oauth"] == {"microsoft": {"tenant": "contoso.com"}}


@pytest.mark.parametrize(
    ("table", "words"),
    [
        ({"corp": {"issuer": "http://sso.example.com", "client_id": "x"}}, "https"),
        ({"corp": {"client_ID": "x"}}, "unknown setting"),
        ({"corp": "https://sso.example.com"}, "must be a table"),
        ({"corp": {"scopes": "mail"}}, "list"),
    ],
)
def test_mistakes_in_the_users_file_stop_with_a_message(table: dict[str, Any], words: str) -> None:
    with pytest.raises(ConfigError, match=words):
        settings({"oauth": table})


def test_a_mistake_in_the_policy_is_left_out_and_reported() -> None:
    s = settings(
        {}, {"enforced": {"oauth": {"corp": {"issuer": "http://sso.example.com", "client_id": "x"}}}}
    )
    assert s.oauth["corp"].issuer == "" and s.oauth["corp"].client_id == "x"
    assert any("issuer" in p and "ignored" in p for p in s.policy_problems)


def test_http_issuer_only_on_loopback() -> None:
    s = settings(
        {"oauth": {"test": {"issuer": "http://127.0.0.1:8080", "client_id": "tidings", "scopes": ["mail"]}}}
    )
    assert s.oauth["test"].issuer == "http://127.0.0.1:8080"


def test_the_presets_need_only_the_client_id() -> None:
    s = settings(
        {
            "mail": [
                {**ACCOUNT, "name": "ms", "auth": "oauth2", "oauth": "microsoft"},
                {**ACCOUNT, "name": "g", "auth": "oauth2", "oauth": "google"},
            ],
            "oauth": {
                "microsoft": {"client_id": "abc", "tenant": "contoso.com"},
                "google": {"client_id": "g-id", "client_secret": "g-s"},
            },
        }
    )
    ms = provider_for(s.mail[0], s)
    assert ms.issuer == "https://login.microsoftonline.com/contoso.com/v2.0" and ms.client_id == "abc"
    assert "offline_access" in ms.scopes
    google = provider_for(s.mail[1], s)
    assert (
        google.client_id == "g-id"
        and google.client_secret == "g-s"
        and google.scopes == ("https://mail.google.com/",)
    )


@pytest.mark.parametrize("oauth", ["microsoft", "google", "corp"])
def test_a_missing_client_id_says_to_ask_it(oauth: str) -> None:
    s = settings(
        {
            "mail": [{**ACCOUNT, "auth": "oauth2", "oauth": oauth}],
            "oauth": {"corp": {"issuer": "https://sso.example.com"}},
        }
    )
    with pytest.raises(OAuthSetupError) as info:
        provider_for(s.mail[0], s)
    assert info.value.reason == "no_client_id"
    assert "client id" in info.value.message and "IT" in info.value.message


def test_an_unknown_provider_name_is_a_setup_error() -> None:
    s = settings({"mail": [{**ACCOUNT, "auth": "oauth2", "oauth": "nope"}]})
    with pytest.raises(OAuthSetupError) as info:
        provider_for(s.mail[0], s)
    assert info.value.reason == "unknown_provider" and "[oauth.nope]" in info.value.message
    s = settings({"mail": [{**ACCOUNT, "auth": "oauth2"}]})
    with pytest.raises(OAuthSetupError, match="oauth") as info:
        provider_for(s.mail[0], s)
