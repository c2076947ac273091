"""Sending with an OAuth2 access token end to end: the oidc-provider harness issues it (device
flow, a real Chromium typing the code), Dovecot's submission service checks it through its
oauth2 passdb (introspection), and the message reaches the sink."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop.sources.oauth import OAuthClient, custom
from desktop.sources.smtp import (
    Draft,
    FailureKind,
    Identity,
    Mailbox,
    OAuthToken,
    SendError,
    SmtpServer,
    render,
    submit,
)
from harness.dovecot import Dovecot
from harness.idp import RESOURCE_IMAP, RESOURCE_SCOPE, IdentityProvider
from harness.signin_browser import SignInBrowser
from harness.smtp_sink import SmtpSink

pytestmark = pytest.mark.dovecot


@pytest.fixture
def idp(tmp_path: Path) -> Iterator[IdentityProvider]:
    provider = IdentityProvider(tmp_path / "idp", device_interval=1)
    provider.start()
    try:
        yield provider
    finally:
        provider.cleanup()


def test_token_from_the_provider_sends_with_both_mechanisms_and_a_revoked_one_is_refused(
    idp: IdentityProvider, tmp_path: Path
) -> None:
    with (
        SmtpSink() as sink,
        Dovecot(oauth2=idp.dovecot_validation("introspection"), smtp_relay_port=sink.port) as dovecot,
        SignInBrowser(tmp_path / "browser") as browser,
    ):
        dovecot.add_user("erin", "unused-password")
        provider = custom(
            "harness",
            issuer=idp.issuer,
            client_id=idp.client_id,
            scopes=["openid", "offline_access", RESOURCE_SCOPE[RESOURCE_IMAP]],
            resource=RESOURCE_IMAP,
        )
        client = OAuthClient(provider, save_refresh_token=lambda _token: None)
        device = client.start_device_sign_in()
        browser.drive("device", device.verification_uri, login="erin", user_code=device.user_code)
        client.finish_device_sign_in(device)
        server = SmtpServer(
            "localhost", dovecot.submission_port, "starttls", ca_file=dovecot.ca_file, timeout=10
        )
        me = Identity("Erin", "erin@example.com")

        for n, mechanism in enumerate(("OAUTHBEARER", "XOAUTH2")):
            out = render(
                Draft(me, f"<oauth.{n}@example.com>", to=(Mailbox("", "bob@example.org"),), body="hi")
            )
            submit(server, OAuthToken("erin", client.access_token, mechanism), out)  # type: ignore[arg-type]
            assert (
                sink.wait_for(lambda m, out=out: m.message_id == out.message_id).mail_from
                == "erin@example.com"
            )
        assert "method=OAUTHBEARER" in dovecot.log_text() and "method=XOAUTH2" in dovecot.log_text()

        # An administrator ends erin's sign-ins: the same token is now refused (last: anvil penalty)
        token = client.access_token()
        idp.revoke_grants("erin")
        out = render(Draft(me, "<oauth.revoked@example.com>", to=(Mailbox("", "bob@example.org"),)))
        with pytest.raises(SendError) as caught:
            submit(server, OAuthToken("erin", lambda: token), out)
        assert caught.value.kind is FailureKind.AUTH and caught.value.code == 535
        assert token not in str(caught.value)
