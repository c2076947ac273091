"""Sign-in presets, company providers, discovery checks and the error classifier (no network)."""

from __future__ import annotations

import ssl
from typing import Any

import httpx
import pytest

from desktop.sources.oauth import (
    OAuthSetupError,
    ProviderUnavailable,
    SignInRequired,
    classify,
    custom,
    google,
    microsoft,
)
from desktop.sources.oauth.discovery import parse_metadata, well_known_url
from desktop.sources.oauth.errors import from_http_error, from_oauth_error
from desktop.sources.oauth.providers import check_url


def test_microsoft_preset_has_the_mail_scopes_hosts_and_tenant() -> None:
    p = microsoft("11111111-2222-3333-4444-555555555555", tenant="contoso.onmicrosoft.com")
    assert p.issuer == "https://login.microsoftonline.com/contoso.onmicrosoft.com/v2.0"
    assert p.scopes == (
        "https://outlook.office.com/IMAP.AccessAsUser.All",
        "https://outlook.office.com/SMTP.Send",
        "offline_access",
    )
    assert (p.imap_host, p.imap_port) == ("outlook.office365.com", 993)
    assert (p.smtp_host, p.smtp_port) == ("smtp.office365.com", 587)
    assert p.exact_issuer  # a named tenant publishes its own issuer
    assert not microsoft("id").exact_issuer  # "common" publishes a template


def test_google_preset_asks_for_offline_access_its_way() -> None:
    p = google("123.apps.googleusercontent.com", client_secret="not-really-secret")
    assert p.scopes == ("https://mail.google.com/",)
    assert (p.imap_host, p.smtp_host) == ("imap.gmail.com", "smtp.gmail.com")
    assert dict(p.auth_params) == {"access_type": "offline", "prompt": "consent"}
    assert "not-really-secret" not in repr(p)


@pytest.mark.parametrize("make", [lambda: microsoft(None), lambda: google("  "), lambda: microsoft("")])
def test_a_preset_without_client_id_says_what_is_missing(make: Any) -> None:
    with pytest.raises(OAuthSetupError) as info:
        make()
    assert info.value.reason == "no_client_id"
    assert "client id" in info.value.message and "administrator" in info.value.message
    assert classify(info.value) == "setup"


def test_company_provider_asks_consent_for_a_refresh_token() -> None:
    p = custom(
        "corp", issuer="https://id.corp.example", client_id="tidings", scopes=["openid", "offline_access"]
    )
    assert p.auth_params == {"prompt": "consent"}
    assert (
        custom("corp", issuer="https://id.corp.example", client_id="t", scopes=["openid"]).auth_params == {}
    )
    with pytest.raises(OAuthSetupError, match="needs your organisation's client id"):
        custom("corp", issuer="https://id.corp.example", client_id=None, scopes=["openid"])
    with pytest.raises(OAuthSetupError, match="has no issuer"):
        custom("corp", issuer="", client_id="t", scopes=["openid"])


@pytest.mark.parametrize(
    "url",
    ["http://127.0.0.1:8080", "http://localhost:9000/realms/x", "http://[::1]:80", "https://id.example.com"],
)
def test_https_or_loopback_http_is_accepted(url: str) -> None:
    assert check_url(url, "issuer") == url


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://id.example.com", "insecure_url"),
        ("http://10.0.0.5", "insecure_url"),
        ("http://127.0.0.1.evil.example", "insecure_url"),
        ("ftp://id.example.com", "bad_url"),
        ("not a url", "bad_url"),
        ("https://", "bad_url"),
    ],
)
def test_plain_http_off_loopback_is_refused(url: str, reason: str) -> None:
    with pytest.raises(OAuthSetupError) as info:
        custom("corp", issuer=url, client_id="t", scopes=["openid"])
    assert info.value.reason == reason


# -- discovery ----------------------------------------------------------------------------

ISSUER = "https://id.corp.example"
PROVIDER = custom("corp", issuer=ISSUER, client_id="tidings", scopes=["openid"])


def doc(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "issuer": ISSUER,
        "authorization_endpoint": f"{ISSUER}/auth",
        "token_endpoint": f"{ISSUER}/token",
        "device_authorization_endpoint": f"{ISSUER}/device/auth",
        "code_challenge_methods_supported": ["S256"],
        "authorization_response_iss_parameter_supported": True,
    }
    base.update(changes)
    return {k: v for k, v in base.items() if v is not None}


def test_discovery_reads_the_endpoints() -> None:
    meta = parse_metadata(PROVIDER, doc())
    assert meta.token_endpoint == f"{ISSUER}/token"
    assert meta.device_authorization_endpoint == f"{ISSUER}/device/auth"
    assert meta.iss_parameter
    assert well_known_url(ISSUER + "/") == f"{ISSUER}/.well-known/openid-configuration"


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"issuer": "https://evil.example"}, "issuer_mismatch"),
        ({"issuer": ISSUER + "/"}, "issuer_mismatch"),  # compared byte for byte
        ({"token_endpoint": "http://id.corp.example/token"}, "insecure_url"),
        ({"token_endpoint": None}, "bad_discovery"),
        ({"authorization_endpoint": 42}, "bad_discovery"),
        ({"code_challenge_methods_supported": ["plain"]}, "no_pkce"),
    ],
)
def test_discovery_refuses_a_document_that_cannot_be_trusted(changes: dict[str, Any], reason: str) -> None:
    with pytest.raises(OAuthSetupError) as info:
        parse_metadata(PROVIDER, doc(**changes))
    assert info.value.reason == reason


def test_microsoft_common_tenant_accepts_only_its_own_issuer_template() -> None:
    p = microsoft("client")
    template = "https://login.microsoftonline.com/{tenantid}/v2.0"
    ms = doc(
        issuer=template,
        authorization_endpoint="https://login.microsoftonline.com/common/oauth2/v2.0/authorize",
        token_endpoint="https://login.microsoftonline.com/common/oauth2/v2.0/token",
    )
    assert parse_metadata(p, ms).issuer == template
    with pytest.raises(OAuthSetupError):
        parse_metadata(p, {**ms, "issuer": "https://login.example.com/{tenantid}/v2.0"})
    with pytest.raises(OAuthSetupError):
        parse_metadata(microsoft("client", tenant="contoso.com"), ms)


# -- the classifier --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("error", "kind"),
    [
        ("invalid_grant", "sign_in_again"),
        ("access_denied", "sign_in_again"),
        ("expired_token", "sign_in_again"),
        ("server_error", "outage"),
        ("temporarily_unavailable", "outage"),
        ("invalid_client", "setup"),
        ("invalid_scope", "setup"),
        ("something_new", "setup"),
    ],
)
def test_oauth_errors_are_sorted_by_what_helps(error: str, kind: str) -> None:
    problem = from_oauth_error("Corp", error, "details")
    assert problem.kind == kind and classify(problem) == kind
    assert problem.reason == error


def test_the_providers_description_is_quoted_short_and_printable() -> None:
    problem = from_oauth_error("Corp", "invalid_grant", "bad\x1b[31m token\n" + "x" * 500)
    assert isinstance(problem, SignInRequired)
    assert "\x1b" not in problem.message and "\n" not in problem.message
    assert len(problem.message) < 320


REQUEST = httpx.Request("POST", "https://id.corp.example/token")


@pytest.mark.parametrize(
    ("exc", "kind", "reason"),
    [
        (httpx.ConnectError("refused", request=REQUEST), "outage", "unreachable"),
        (httpx.ReadTimeout("slow", request=REQUEST), "outage", "timeout"),
        (
            httpx.HTTPStatusError("503", request=REQUEST, response=httpx.Response(503, request=REQUEST)),
            "outage",
            "http_503",
        ),
        (
            httpx.HTTPStatusError("429", request=REQUEST, response=httpx.Response(429, request=REQUEST)),
            "outage",
            "http_429",
        ),
        (
            httpx.HTTPStatusError("404", request=REQUEST, response=httpx.Response(404, request=REQUEST)),
            "setup",
            "http_404",
        ),
    ],
)
def test_transport_failures_are_outages_and_wrong_addresses_are_setup(
    exc: httpx.HTTPError, kind: str, reason: str
) -> None:
    problem = from_http_error("Corp", str(REQUEST.url), exc)
    assert (problem.kind, problem.reason) == (kind, reason)
    assert "id.corp.example" in problem.message
    assert classify(exc) == kind


def test_an_untrusted_certificate_is_a_setup_problem_in_words() -> None:
    cert = ssl.SSLCertVerificationError(1, "certificate verify failed")
    cert.verify_code = 20
    cert.verify_message = "unable to get local issuer certificate"
    exc = httpx.ConnectError("TLS failed", request=REQUEST)
    exc.__cause__ = cert
    problem = from_http_error("Corp", str(REQUEST.url), exc)
    assert problem.kind == "setup" and problem.reason == "certificate"
    assert "certificate authority" in problem.message


def test_classify_knows_plain_exceptions() -> None:
    assert classify(TimeoutError()) == "outage"
    assert classify(ConnectionRefusedError()) == "outage"
    assert classify(ProviderUnavailable("down", reason="x")) == "outage"
    assert classify(RuntimeError("?")) == "setup"
