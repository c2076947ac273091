"""OpenID Connect discovery: the provider's endpoints, read from its issuer.

Only the fields Tidings uses are checked, each strictly: the document must name the issuer it
was fetched for (OIDC Discovery §4.3, so one provider cannot speak for another) and every
endpoint must be https (http only on loopback), because the token and the authorization code
travel to them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import httpx

from desktop.core.i18n import lazy
from desktop.sources.oauth.errors import OAuthSetupError, ProviderUnavailable, from_http_error
from desktop.sources.oauth.providers import ISSUER_OF, OAuthProvider, check_url

# Microsoft's shared tenants ("common") publish this template instead of one issuer.
_MICROSOFT_TEMPLATE = re.compile(r"^https://login\.microsoftonline\.com/\{tenantid\}/v2\.0$")


@dataclass(frozen=True)
class ProviderMetadata:
    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    device_authorization_endpoint: str | None = None
    revocation_endpoint: str | None = None
    #: RFC 9207: the authorization response then carries ``iss``, which must be checked
    iss_parameter: bool = False


def well_known_url(issuer: str) -> str:
    # OIDC Discovery §4.1: a trailing slash of the issuer is removed before appending.
    return issuer.rstrip("/") + "/.well-known/openid-configuration"


def discover(provider: OAuthProvider, http: httpx.Client) -> ProviderMetadata:
    """Fetch and check ``provider``'s discovery document (raises an :class:`OAuthProblem`)."""
    name = provider.display_name
    check_url(provider.issuer, ISSUER_OF.format(name))
    url = well_known_url(provider.issuer)
    try:
        response = http.get(url, headers={"Accept": "application/json"})
        response.raise_for_status()
    except httpx.HTTPError as exc:
        raise from_http_error(name, url, exc) from None
    try:
        doc: Any = response.json()
    except ValueError:
        # A captive portal or a proxy's error page: the provider itself was not reached.
        raise ProviderUnavailable(
            lazy.translate(
                "Status", "{0} answered its discovery address {1} with something that is not JSON."
            ).format(name, url),
            reason="not_json",
        ) from None
    if not isinstance(doc, dict):
        raise OAuthSetupError(
            lazy.translate("Status", "{0}'s discovery document at {1} is not a JSON object.").format(
                name, url
            ),
            reason="bad_discovery",
        )
    return parse_metadata(provider, doc)


def parse_metadata(provider: OAuthProvider, doc: dict[str, Any]) -> ProviderMetadata:
    name = provider.display_name

    def text(key: str, required: bool) -> str | None:
        value = doc.get(key)
        if value is None and not required:
            return None
        if not isinstance(value, str) or not value:
            raise OAuthSetupError(
                lazy.translate("Status", "{0}'s discovery document has no usable {1}.").format(
                    name, repr(key)
                ),
                reason="bad_discovery",
            )
        return value

    issuer = text("issuer", True) or ""
    if issuer != provider.issuer and not (not provider.exact_issuer and _MICROSOFT_TEMPLATE.match(issuer)):
        raise OAuthSetupError(
            lazy.translate(
                "Status",
                "The discovery document at {0} names the issuer {1}, not {2}: check the issuer setting (it must match exactly).",
            ).format(well_known_url(provider.issuer), repr(issuer), repr(provider.issuer)),
            reason="issuer_mismatch",
        )
    endpoints: dict[str, str | None] = {}
    for key, required, label in (
        ("authorization_endpoint", True, lazy.translate("Status", "authorization endpoint of {0}")),
        ("token_endpoint", True, lazy.translate("Status", "token endpoint of {0}")),
        (
            "device_authorization_endpoint",
            False,
            lazy.translate("Status", "device authorization endpoint of {0}"),
        ),
        ("revocation_endpoint", False, lazy.translate("Status", "revocation endpoint of {0}")),
    ):
        value = text(key, required)
        endpoints[key] = check_url(value, label.format(name)) if value else None
    methods = doc.get("code_challenge_methods_supported")
    if isinstance(methods, list) and "S256" not in methods:
        raise OAuthSetupError(
            lazy.translate(
                "Status", "{0} does not offer PKCE with S256, which Tidings requires for a safe sign-in."
            ).format(name),
            reason="no_pkce",
        )
    return ProviderMetadata(
        issuer=issuer,
        authorization_endpoint=endpoints["authorization_endpoint"] or "",
        token_endpoint=endpoints["token_endpoint"] or "",
        device_authorization_endpoint=endpoints["device_authorization_endpoint"],
        revocation_endpoint=endpoints["revocation_endpoint"],
        iss_parameter=doc.get("authorization_response_iss_parameter_supported") is True,
    )
