"""``[oauth.NAME]``: the sign-in providers mail accounts name with ``oauth = "NAME"``.

``microsoft`` and ``google`` are built in; their tables hold only the organisation's
registration (``client_id``, Microsoft's ``tenant``, Google's desktop-app ``client_secret``).
Any other name is a company's own OpenID Connect provider (``issuer``, ``client_id``,
``scopes``). Usually an administrator's policy declares them (``[enforced.oauth.corp]``), so
users never type a client id.

Merged per provider and key like the other tables: an enforced value, the user's file, an
administrator's default, the built-in default. A mistake in the user's file stops Tidings
with a message; one in a policy is left out and reported (``desktop.config.layers``).
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Mapping, Sequence
from typing import Annotated, Any

from desktop.config.layers import Layer, ordered
from desktop.config.options import ConfigError, Declared, Option, Text, TextList, closest, options_of
from desktop.core.i18n import QT_TRANSLATE_NOOP

SECTION = "oauth"


class Issuer(Text):
    """https://, or http:// on this machine only (tests, the demo)."""

    def problem(self, value: str, name: str) -> str | None:
        from urllib.parse import urlsplit

        if not value:
            return None
        try:
            parts = urlsplit(value)
            host = parts.hostname or ""
        except ValueError:
            return f"{name} must be an https:// address"
        if parts.scheme == "https" and host:
            return None
        if parts.scheme == "http" and host in ("127.0.0.1", "::1", "localhost"):
            return None
        return f"{name} must be an https:// address (http:// only on 127.0.0.1)"

    def rule(self) -> str:
        return "empty, or `https://…` (`http://` only on loopback, for tests)"


@dataclasses.dataclass(slots=True)
class OAuthProviderSettings:
    issuer: Annotated[
        str,
        Declared(
            Issuer(),
            QT_TRANSLATE_NOOP("Settings", "Issuer"),
            QT_TRANSLATE_NOOP(
                "Settings",
                "A company provider's OpenID Connect issuer, e.g. https://sso.example.com; Tidings "
                "reads its endpoints from <issuer>/.well-known/openid-configuration. Not used for "
                "microsoft and google.",
            ),
        ),
    ] = ""
    client_id: Annotated[
        str,
        Declared(
            Text(),
            QT_TRANSLATE_NOOP("Settings", "Client id"),
            QT_TRANSLATE_NOOP(
                "Settings",
                "Your organisation's registration of Tidings at the provider (a public client / "
                "desktop app with the redirect http://127.0.0.1). Tidings ships none: ask IT for it.",
            ),
        ),
    ] = ""
    scopes: Annotated[
        list[str],
        Declared(
            TextList(),
            QT_TRANSLATE_NOOP("Settings", "Scopes"),
            QT_TRANSLATE_NOOP(
                "Settings",
                "A company provider's scopes for mail; include offline_access to stay signed in. "
                "Empty for microsoft and google, whose scopes are built in.",
            ),
        ),
    ] = dataclasses.field(default_factory=list)
    tenant: Annotated[
        str,
        Declared(
            Text(),
            QT_TRANSLATE_NOOP("Settings", "Tenant"),
            QT_TRANSLATE_NOOP(
                "Settings",
                "microsoft only: the directory (tenant) id or domain; empty: common (any work or "
                "personal account).",
            ),
        ),
    ] = ""
    client_secret: Annotated[
        str,
        Declared(
            Text(),
            QT_TRANSLATE_NOOP("Settings", "Client secret"),
            QT_TRANSLATE_NOOP(
                "Settings",
                "google only: the secret Google issues with a desktop-app client. It is not "
                "confidential (RFC 8252 §8.5), but Google's token endpoint wants it.",
            ),
            sensitive=True,
        ),
    ] = ""
    resource: Annotated[
        str,
        Declared(
            Text(),
            QT_TRANSLATE_NOOP("Settings", "Resource"),
            QT_TRANSLATE_NOOP(
                "Settings",
                "A company provider only: the RFC 8707 resource indicator of the mail server, if "
                "the provider issues tokens per resource; empty: none.",
            ),
        ),
    ] = ""


OAUTH_OPTIONS: tuple[Option, ...] = options_of(OAuthProviderSettings, SECTION)


def split(layers: Sequence[Layer]) -> tuple[list[Layer], list[tuple[Layer, Any]]]:
    """The layers without their ``[oauth]`` table, and each layer's ``[oauth]`` table."""
    rest: list[Layer] = []
    tables: list[tuple[Layer, Any]] = []
    for layer in layers:
        if SECTION in layer.data:
            tables.append((layer, layer.data[SECTION]))
            layer = dataclasses.replace(layer, data={k: v for k, v in layer.data.items() if k != SECTION})
        rest.append(layer)
    return rest, tables


def _fail(layer: Layer, problems: list[str], text: str) -> None:
    if layer.user:
        raise ConfigError(text)
    problems.append(text + "; it is ignored")


def merge(
    tables: Sequence[tuple[Layer, Any]], problems: list[str]
) -> tuple[dict[str, OAuthProviderSettings], dict[str, dict[str, Any]], dict[str, set[str]]]:
    """(provider name -> settings, name -> what the user's file falls back to, name -> the
    keys an administrator enforces)."""
    by_key = {o.key: o for o in OAUTH_OPTIONS}
    enforced: dict[str, dict[str, Any]] = {}
    mine: dict[str, dict[str, Any]] = {}
    suggested: dict[str, dict[str, Any]] = {}
    for layer, table in _in_order(tables):
        where = f"{layer.origin}: [{SECTION}]"
        if not isinstance(table, dict):
            _fail(layer, problems, f"{where} must hold one table per provider, like [oauth.corp]")
            continue
        for name, values in table.items():
            if not isinstance(values, dict):
                _fail(layer, problems, f"{where}: {name} must be a table, like [oauth.{name}]")
                continue
            target = enforced if layer.enforced else mine if layer.user else suggested
            for key, value in values.items():
                option = by_key.get(key)
                if option is None:
                    _fail(
                        layer,
                        problems,
                        f"{where}: [oauth.{name}]: unknown setting {key!r}{closest(key, list(by_key))}; "
                        f"known: {', '.join(by_key)}",
                    )
                    continue
                problem = option.check(value, key)
                if problem:
                    _fail(layer, problems, f"{where}: [oauth.{name}]: {problem}")
                    continue
                target.setdefault(name, {}).setdefault(key, copy.deepcopy(value))
    providers: dict[str, OAuthProviderSettings] = {}
    inherited: dict[str, dict[str, Any]] = {}
    for name in sorted({*enforced, *mine, *suggested}):
        values = {}
        below = {}
        for option in OAUTH_OPTIONS:
            fallback = suggested.get(name, {}).get(option.key, copy.deepcopy(option.default))
            below[option.key] = fallback
            values[option.key] = enforced.get(name, {}).get(
                option.key, mine.get(name, {}).get(option.key, fallback)
            )
        providers[name] = OAuthProviderSettings(**values)
        inherited[name] = below
    return providers, inherited, {name: set(values) for name, values in enforced.items()}


def _in_order(tables: Sequence[tuple[Layer, Any]]) -> list[tuple[Layer, Any]]:
    order = {id(layer): n for n, layer in enumerate(ordered([layer for layer, _ in tables]))}
    return sorted(tables, key=lambda pair: order[id(pair[0])])


def user_tables(
    providers: Mapping[str, OAuthProviderSettings],
    inherited: Mapping[str, Mapping[str, Any]],
    enforced: Mapping[str, set[str]],
) -> dict[str, dict[str, Any]]:
    """What the user's file must hold: values that differ from what it falls back to."""
    out: dict[str, dict[str, Any]] = {}
    for name, provider in providers.items():
        below = inherited.get(name, {})
        values = {
            o.key: getattr(provider, o.key)
            for o in OAUTH_OPTIONS
            if o.key not in enforced.get(name, set())
            and getattr(provider, o.key) != below.get(o.key, o.default)
        }
        if values:
            out[name] = values
    return out
