"""Settings from several files, merged option by option.

Messages about the files themselves are English (they are printed before any
translation is loaded); the problems with a value come from the option's kind.

Precedence, highest first: values an administrator enforces, the user's own file,
values an administrator suggests as defaults, the built-in defaults. A layer is a
parsed TOML document plus where it came from and what it may do; ``merge`` checks
every value against the declared options (naming the file, the table and the key
when one is wrong) and records, per option path, whether the value is enforced
and what the user's file would fall back to.

The user's file is the only one with accounts (``[[mail]]``, an array of tables);
in the other layers ``[mail]`` is one table whose values apply to every account.
"""

from __future__ import annotations

import copy
import dataclasses
import logging
import tomllib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from desktop.config.options import ConfigError, Option, closest

log = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True, slots=True)
class Layer:
    origin: str  # the file (and table) the values came from, for messages
    data: Mapping[str, Any]
    enforced: bool = False  # the user cannot change these values
    user: bool = False  # the user's own settings file


@dataclasses.dataclass(slots=True)
class Merged:
    tables: dict[str, dict[str, Any]]  # section -> key -> value, every option filled in
    accounts: list[dict[str, Any]]  # one dict per [[mail]] table of the user's file
    enforced: dict[str, Any]  # option path -> the value an enforced layer set
    inherited: dict[str, Any]  # option path -> the value below the user's file


def read_toml(path: Path) -> dict[str, Any]:
    """The document in ``path``; an empty one when the file does not exist."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read {path}: {exc}") from exc
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path} is not valid TOML: {exc}") from exc


def policy_layers(path: Path) -> list[Layer]:
    """An administrator's file: ``[enforced]`` and ``[defaults]``, each holding the same
    tables as the user's file (``[enforced.gateway]``, ``[defaults.mail]``, ...)."""
    data = read_toml(path)
    unknown = sorted(set(data) - {"enforced", "defaults"})
    if unknown:
        raise ConfigError(
            f"{path}: unknown table [{unknown[0]}]; a policy file has [enforced] and [defaults]"
        )
    layers = []
    for table, enforced in (("enforced", True), ("defaults", False)):
        values = data.get(table, {})
        if not isinstance(values, dict):
            raise ConfigError(f"{path}: [{table}] must be a table")
        layers.append(Layer(f"{path} [{table}]", values, enforced=enforced))
    return layers


def ordered(layers: Sequence[Layer]) -> list[Layer]:
    """Highest precedence first: enforced, the user's file, suggested defaults."""
    return sorted(layers, key=lambda layer: 0 if layer.enforced else 1 if layer.user else 2)


def merge(
    layers: Sequence[Layer], tables: Mapping[str, Sequence[Option]], accounts: tuple[str, Sequence[Option]]
) -> Merged:
    account_section, account_options = accounts
    every = {**tables, account_section: account_options}
    enforced: dict[str, tuple[Any, str]] = {}  # path -> (value, origin)
    mine: dict[str, Any] = {}
    suggested: dict[str, Any] = {}
    user_accounts: list[tuple[str, dict[str, Any]]] = []
    for layer in ordered(layers):
        _no_unknown(layer.origin, "", layer.data, list(every), section_words=True)
        for section, options in every.items():
            if section not in layer.data:
                continue
            table = layer.data[section]
            if section == account_section and layer.user:
                user_accounts = _account_tables(layer.origin, section, table)
                continue
            if not isinstance(table, dict):
                raise ConfigError(f"{layer.origin}: [{section}] must be a table")
            values = _checked(layer.origin, f"[{section}]", table, options)
            target = mine if layer.user else suggested
            for key, value in values.items():
                path = f"{section}.{key}"
                if layer.enforced:
                    enforced.setdefault(path, (value, layer.origin))
                else:
                    target.setdefault(path, value)

    def below_user(option: Option) -> Any:
        value = suggested.get(option.path, option.default)
        return value if value is dataclasses.MISSING else copy.deepcopy(value)

    def pick(option: Option, own: Mapping[str, Any], where: str, origin: str) -> Any:
        if option.path in enforced:
            value, by = enforced[option.path]
            if option.key in own and own[option.key] != value:
                log.warning(
                    "%s: %s %s is set by your organisation (%s); the value here is ignored",
                    origin,
                    where,
                    option.key,
                    by,
                )
            return copy.deepcopy(value)
        if option.key in own:
            return own[option.key]
        return below_user(option)

    merged_tables: dict[str, dict[str, Any]] = {}
    user_origin = next((layer.origin for layer in layers if layer.user), "")
    for section, options in tables.items():
        own = {o.key: mine[o.path] for o in options if o.path in mine}
        merged_tables[section] = {o.key: pick(o, own, f"[{section}]", user_origin) for o in options}
    merged_accounts: list[dict[str, Any]] = []
    for where, table in user_accounts:
        values = _checked(user_origin, where, table, account_options)
        account: dict[str, Any] = {}
        for option in account_options:
            value = pick(option, values, where, user_origin)
            if value is dataclasses.MISSING:
                raise ConfigError(f"{user_origin}: {where}: missing {option.key}")
            account[option.key] = value
        merged_accounts.append(account)
    return Merged(
        tables=merged_tables,
        accounts=merged_accounts,
        enforced={path: copy.deepcopy(value) for path, (value, _origin) in enforced.items()},
        inherited={
            o.path: below_user(o)
            for options in every.values()
            for o in options
            if below_user(o) is not dataclasses.MISSING  # required: nothing to inherit
        },
    )


def _account_tables(origin: str, section: str, value: object) -> list[tuple[str, dict[str, Any]]]:
    if not isinstance(value, list) or not all(isinstance(t, dict) for t in value):
        raise ConfigError(f"{origin}: [[{section}]] must be an array of tables, one per account")
    out = []
    for n, table in enumerate(value, 1):
        name = table.get("name")
        where = (
            f'mail account "{name}" (the [[mail]] table number {n})'
            if isinstance(name, str) and name
            else f"the [[mail]] table number {n}"
        )
        out.append((where, table))
    return out


def _checked(origin: str, where: str, table: Mapping[str, Any], options: Sequence[Option]) -> dict[str, Any]:
    """The table's values after checking each against its option; ConfigError on the first problem."""
    by_key = {o.key: o for o in options}
    _no_unknown(origin, where, table, list(by_key))
    for key, value in table.items():
        problem = by_key[key].check(value)
        if problem:
            raise ConfigError(f"{origin}: {where}: {problem}")
    return dict(table)


def _no_unknown(
    origin: str, where: str, table: Mapping[str, Any], known: list[str], section_words: bool = False
) -> None:
    """Unknown keys are refused, not ignored: a misspelt option would silently do nothing."""
    unknown = sorted(set(table) - set(known))
    if not unknown:
        return
    hint = closest(unknown[0], known)
    if section_words:
        text = f"{origin}: unknown section [{unknown[0]}]{hint}; known: {', '.join(known)}"
    else:
        names = ", ".join(f'"{k}"' for k in unknown)
        text = f"{origin}: {where}: unknown setting {names}{hint}; known: {', '.join(known)}"
    raise ConfigError(text)
