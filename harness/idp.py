"""A throwaway OpenID Connect provider on loopback (npm ``oidc-provider``), for tests, the demo
and benchmarks.

    with IdentityProvider() as idp:           # node harness/idp/provider.mjs on a free port
        idp.issuer                            # http://127.0.0.1:PORT (compared byte for byte)
        idp.client_id                         # "tidings": public native client, PKCE, loopback
                                              # redirect, refresh tokens, device flow
        Dovecot(oauth2=idp.dovecot_validation("introspection"))   # or "local" (JWT + key)
        idp.revoke_grants("alice")            # an administrator ends alice's sign-ins
        idp.stop(); idp.start()               # "the provider is down"; a restart forgets
                                              # every grant but keeps the signing key

Sign-in is the provider's development login form: any login, any password; the login becomes
the subject and the ``username`` claim Dovecot compares with the IMAP login name. The RSA key
lives in the fixture folder (``key.pem``), so the JWKS and Dovecot's copy of the public key
survive a restart. Resources (RFC 8707) pick the access token's audience and format:
``RESOURCE_IMAP`` gives opaque tokens (introspection), ``RESOURCE_IMAP_JWT`` RS256 JWTs (local
validation), the gateway ones a token Dovecot must refuse. The process is stopped by its PID.
``npm ci`` in harness/idp (scripts/setup.sh) installs the pinned oidc-provider.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from types import TracebackType
from typing import Literal

import httpx

from harness.child import ChildProcess, http_ok
from harness.dovecot import OAuth2Validation
from harness.net import free_port

IDP_DIR = Path(__file__).resolve().parent / "idp"
NODE = shutil.which("node") or "/usr/bin/node"

RESOURCE_IMAP = "urn:tidings:imap"
RESOURCE_IMAP_JWT = "urn:tidings:imap-jwt"
RESOURCE_GATEWAY = "urn:tidings:gateway"
RESOURCE_GATEWAY_JWT = "urn:tidings:gateway-jwt"
#: what each resource grants (the provider's scope for that audience)
RESOURCE_SCOPE = {
    RESOURCE_IMAP: "mail",
    RESOURCE_IMAP_JWT: "mail",
    RESOURCE_GATEWAY: "gateway",
    RESOURCE_GATEWAY_JWT: "gateway",
}


class IdentityProviderError(RuntimeError):
    """The provider did not start, or refused a harness request."""


class IdentityProvider(ChildProcess):
    what = "the provider"
    error = IdentityProviderError
    log_tail_lines = 30
    client_id = "tidings"
    dovecot_client_id = "dovecot"
    host = "127.0.0.1"

    def __init__(
        self,
        root: Path | str | None = None,
        *,
        port: int | None = None,
        device_interval: int = 1,
        access_token_ttl: int = 3600,
        start_timeout: float = 30.0,
    ) -> None:
        self._own_root = root is None
        self.root = Path(root) if root is not None else Path(tempfile.mkdtemp(prefix="tidings-idp-"))
        self.root.mkdir(parents=True, exist_ok=True)
        self.port = port or free_port(self.host)
        self.device_interval = device_interval
        self.access_token_ttl = access_token_ttl
        self.start_timeout = start_timeout
        self.log_path = self.root / "idp.log"
        self.key_path = self.root / "key.pem"
        # Not a real secret: the provider and Dovecot are both throwaway loopback servers.
        self.dovecot_client_secret = "dovecot-" + hashlib.sha256(str(self.root).encode()).hexdigest()[:16]
        self._make_key()

    # -- addresses and keys ---------------------------------------------------------

    @property
    def issuer(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def discovery_url(self) -> str:
        return f"{self.issuer}/.well-known/openid-configuration"

    @property
    def introspection_url(self) -> str:
        return f"{self.issuer}/token/introspection"

    def _make_key(self) -> None:
        if not self.key_path.exists():
            subprocess.run(
                ["openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048",
                 "-out", str(self.key_path)],
                check=True, capture_output=True, timeout=60,
            )  # fmt: skip
            self.key_path.chmod(0o600)
        self.public_key_pem = subprocess.run(
            ["openssl", "pkey", "-in", str(self.key_path), "-pubout"],
            check=True, capture_output=True, timeout=60, text=True,
        ).stdout  # fmt: skip
        # The key id follows the key, so a new key can never be mistaken for the old one.
        self.kid = "harness-" + hashlib.sha256(self.public_key_pem.encode()).hexdigest()[:16]

    def dovecot_validation(self, mode: Literal["introspection", "local"]) -> OAuth2Validation:
        """What ``Dovecot(oauth2=...)`` needs to accept this provider's IMAP tokens."""
        if mode == "introspection":
            return OAuth2Validation(
                issuer=self.issuer,
                mode="introspection",
                introspection_url=self.introspection_url,
                client_id=self.dovecot_client_id,
                client_secret=self.dovecot_client_secret,
                scope="mail",
            )
        return OAuth2Validation(
            issuer=self.issuer, mode="local", public_key_pem=self.public_key_pem, kid=self.kid, scope="mail"
        )

    # -- process --------------------------------------------------------------------

    def start(self, timeout: float | None = None) -> IdentityProvider:
        """Start the provider; returns once its discovery document answers."""
        if self.running:
            return self
        if not (IDP_DIR / "node_modules" / "oidc-provider").is_dir():
            raise IdentityProviderError(
                f"oidc-provider is not installed: run `npm ci` in {IDP_DIR} (scripts/setup.sh does it)"
            )
        timeout = self.start_timeout if timeout is None else timeout
        env = {
            **os.environ,
            "IDP_PORT": str(self.port),
            "IDP_KEY_FILE": str(self.key_path),
            "IDP_KID": self.kid,
            "IDP_DOVECOT_SECRET": self.dovecot_client_secret,
            "IDP_DEVICE_INTERVAL": str(self.device_interval),
            "IDP_ACCESS_TTL": str(self.access_token_ttl),
        }
        self._launch(
            [NODE, str(IDP_DIR / "provider.mjs")],
            cwd=IDP_DIR,
            env=env,
            new_session=True,
            ready=lambda: http_ok(self.discovery_url),
            timeout=timeout,
            not_ready=f"the provider did not answer within {timeout} s",
        )
        return self

    def restart(self) -> None:
        """Stop and start on the same port and key; every grant and token is forgotten."""
        self.stop()
        self.start()

    def cleanup(self) -> None:
        self.stop()
        if self._own_root:
            shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> IdentityProvider:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.cleanup()

    # -- administration -------------------------------------------------------------

    def revoke_grants(self, account: str) -> int:
        """End every grant of ``account`` (its refresh and access tokens stop working).

        Returns how many grants there were."""
        response = httpx.post(f"{self.issuer}/harness/revoke-grants", params={"account": account}, timeout=10)
        if response.status_code != 200:
            raise IdentityProviderError(f"revoke-grants answered {response.status_code}: {response.text}")
        return int(response.json()["revoked"])

    def revoke_token(
        self, token: str, hint: Literal["refresh_token", "access_token"] = "refresh_token"
    ) -> None:
        """RFC 7009 revocation, as the ``tidings`` client itself would do it."""
        response = httpx.post(
            f"{self.issuer}/token/revocation",
            data={"token": token, "token_type_hint": hint, "client_id": self.client_id},
            timeout=10,
        )
        if response.status_code != 200:
            raise IdentityProviderError(f"revocation answered {response.status_code}: {response.text}")

    def introspect(self, token: str) -> dict[str, object]:
        """What Dovecot's introspection sees for ``token`` (opaque tokens only)."""
        response = httpx.post(
            self.introspection_url,
            data={"token": token},
            auth=(self.dovecot_client_id, self.dovecot_client_secret),
            timeout=10,
        )
        response.raise_for_status()
        return dict(response.json())
