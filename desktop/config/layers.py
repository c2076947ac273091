"""Settings from several files, merged option by option.

Messages about the files themselves are English (they are printed before any
translation is loaded); the problems with a value come from the option's kind.

Precedence, highest first: values an administrator enforces, the user's own file,
values an administrator suggests as defaults, the built-in defaults. A layer is a
parsed TOML document plus where it came from and what it may do; ``merge`` checks
every value against the declared options (naming the file, the table and the key
when one is wrong) and records, per option path, whether the value is enforced
and what the user's file would fall back to.

The user's file is the only one with accounts of its own (``[[mail]]``, an array of
tables). In an administrator's layer ``[mail]`` is one table whose values apply to
every account, and ``[[mail]]`` (an array) holds account templates: each one is an
account every user has, matched by name with the user's own ``[[mail]]`` table.
``{user}`` in any text of an administrator's layer is replaced by the login name.

A mistake in the user's file stops Tidings with a message (the user can fix it). A
mistake in an administrator's layer must not keep a thousand desktops from starting:
the bad value (or, for a file that cannot be parsed, the whole file) is left out and
the problem recorded in ``Merged.problems``, for the log and the settings dialog.
"""

from __future__ import annotations

import copy
import dataclasses
import getpass
import logging
import tomllib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from desktop.config.options import ConfigError, Option, closest

log = logging.getLogger(__name__)

#: In a template's texts, replaced by the login name (``username = "{user}@example.com"``).
USER_PLACEHOLDER = "{user}"


@dataclasses.dataclass(frozen=True, slots=True)
class Layer:
    origin: str  # the file (and table) the values came from, for messages
    data: Mapping[str, Any]
    enforced: bool = False  # the user cannot change these values
    user: bool = False  # the user's own settings file
    problems: tuple[str, ...] = ()  # what could not be read of an administrator's file


@dataclasses.dataclass(slots=True)
class Preset:
    """A mail account from an administrator's template (``[[enforced.mail]]`` or
    ``[[defaults.mail]]``): every user has it and cannot remove or rename it."""

    origin: str
    enforced: dict[str, Any]  # key -> value the user cannot change (always the name)
    inherited: dict[str, Any]  # key -> value the user's [[mail]] table falls back to


@dataclasses.dataclass(slots=True)
class Merged:
    tables: dict[str, dict[str, Any]]  # section -> key -> value, every option filled in
    accounts: list[dict[str, Any]]  # preset accounts, then the user's own [[mail]] tables
    enforced: dict[str, Any]  # option path -> the value an enforced layer set
    inherited: dict[str, Any]  # option path -> the value below the user's file
    presets: dict[str, Preset] = dataclasses.field(default_factory=dict)  # account name -> template
    #: scope ("" for the tables, else the account name) -> option path -> the user's value
    #: that an enforced one overrides
    ignored: dict[str, dict[str, Any]] = dataclasses.field(default_factory=dict)
    problems: list[str] = dataclasses.field(default_factory=list)  # left out of the policy


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
    tables as the user's file (``[enforced.gateway]``, ``[defaults.mail]``, ...).

    Never raises: a file that cannot be read gives no values and a problem."""
    try:
        data = read_toml(path)
    except ConfigError as exc:
        return [Layer(str(path), {}, enforced=True, problems=(f"{exc}; the whole policy is ignored",))]
    return policy_layers_from(data, str(path))


def policy_layers_from(data: Mapping[str, Any], origin: str) -> list[Layer]:
    """The layers of a policy document read from anywhere (a file, the registry, a plist)."""
    problems = [
        f"{origin}: unknown table [{name}]{closest(name, ['enforced', 'defaults'])}; "
        "a policy has [enforced] and [defaults]; it is ignored"
        for name in sorted(set(data) - {"enforced", "defaults"})
    ]
    layers = []
    for table, enforced in (("enforced", True), ("defaults", False)):
        values = data.get(table, {})
        if not isinstance(values, dict):
            problems.append(f"{origin}: [{table}] must be a table; it is ignored")
            values = {}
        layers.append(Layer(f"{origin} [{table}]", values, enforced=enforced))
    if problems:
        layers[0] = dataclasses.replace(layers[0], problems=tuple(problems))
    return layers


def ordered(layers: Sequence[Layer]) -> list[Layer]:
    """Highest precedence first: enforced, the user's file, suggested defaults."""
    return sorted(layers, key=lambda layer: 0 if layer.enforced else 1 if layer.user else 2)


def login_name() -> str:
    """The login name for ``{user}``; empty when the system cannot say (no passwd entry)."""
    try:
        return getpass.getuser()
    except (OSError, KeyError, ImportError):
        return ""


def merge(
    layers: Sequence[Layer],
    tables: Mapping[str, Sequence[Option]],
    accounts: tuple[str, Sequence[Option]],
    user: str | None = None,
) -> Merged:
    """Merge ``layers``; ``user`` fills ``{user}`` in templates (default: the login name)."""
    account_section, account_options = accounts
    every = {**tables, account_section: account_options}
    login = login_name() if user is None else user
    problems: list[str] = [p for layer in layers for p in layer.problems]
    enforced: dict[str, tuple[Any, str]] = {}  # path -> (value, origin)
    mine: dict[str, Any] = {}
    suggested: dict[str, Any] = {}
    user_accounts: list[tuple[str, dict[str, Any]]] = []
    templates: dict[str, _Template] = {}
    for layer in ordered(layers):
        notes = None if layer.user else problems
        data = _known(layer.origin, "", layer.data, list(every), notes, section_words=True)
        for section, options in every.items():
            if section not in data:
                continue
            table = data[section]
            if section == account_section and layer.user:
                user_accounts = _account_tables(layer.origin, section, table)
                continue
            if section == account_section and isinstance(table, list):
                _add_templates(templates, layer, table, account_options, login, problems)
                continue
            if not isinstance(table, dict):
                _problem(notes, f"{layer.origin}: [{section}] must be a table")
                continue
            if not layer.user:
                table = {key: _fill_user(value, login) for key, value in table.items()}
                if section == account_section and "name" in table:
                    # One name for every account would make them all the same account.
                    _problem(
                        notes,
                        f"{layer.origin}: [{section}] name: an account's name belongs in a [[{section}]] template",
                    )
                    table = {k: v for k, v in table.items() if k != "name"}
            values = _checked(layer.origin, f"[{section}]", table, options, notes)
            target = mine if layer.user else suggested
            for key, value in values.items():
                path = f"{section}.{key}"
                if layer.enforced:
                    enforced.setdefault(path, (value, layer.origin))
                else:
                    target.setdefault(path, value)

    ignored: dict[str, dict[str, Any]] = {}

    def below_user(option: Option) -> Any:
        value = suggested.get(option.path, option.default)
        return value if value is dataclasses.MISSING else copy.deepcopy(value)

    def overridden(
        scope: str, option: Option, own: Mapping[str, Any], value: Any, where: str, by: str
    ) -> Any:
        if option.key in own and own[option.key] != value:
            log.warning(
                "%s: %s %s is set by your organisation (%s); the value here is ignored",
                user_origin,
                where,
                option.key,
                by,
            )
            ignored.setdefault(scope, {})[option.path] = own[option.key]
        return copy.deepcopy(value)

    def pick(option: Option, own: Mapping[str, Any], where: str, scope: str = "") -> Any:
        template = templates.get(scope) if scope else None
        if template is not None and option.key in template.enforced:
            return overridden(scope, option, own, template.enforced[option.key], where, template.origin)
        if option.path in enforced:
            value, by = enforced[option.path]
            return overridden(scope, option, own, value, where, by)
        if option.key in own:
            return own[option.key]
        if template is not None and option.key in template.defaults:
            return copy.deepcopy(template.defaults[option.key])
        return below_user(option)

    merged_tables: dict[str, dict[str, Any]] = {}
    user_origin = next((layer.origin for layer in layers if layer.user), "")
    for section, options in tables.items():
        own = {o.key: mine[o.path] for o in options if o.path in mine}
        merged_tables[section] = {o.key: pick(o, own, f"[{section}]") for o in options}

    own_accounts: dict[str, tuple[str, dict[str, Any]]] = {}
    anonymous: list[tuple[str, dict[str, Any]]] = []
    for where, table in user_accounts:
        values = _checked(user_origin, where, table, account_options)
        name = values.get("name")
        if isinstance(name, str) and name in own_accounts:
            raise ConfigError(f"{user_origin}: two mail accounts are called {name!r}")
        if isinstance(name, str):
            own_accounts[name] = (where, values)
        else:
            anonymous.append((where, values))

    merged_accounts: list[dict[str, Any]] = []
    presets: dict[str, Preset] = {}
    for name, template in templates.items():
        where, own = own_accounts.pop(name, (f'mail account "{name}"', {}))
        account = {o.key: pick(o, own, where, name) for o in account_options}
        missing = [o.key for o in account_options if account[o.key] is dataclasses.MISSING]
        if missing:
            _problem(
                problems, f"{template.origin}: the template for mail account {name!r} has no {missing[0]}"
            )
            continue
        merged_accounts.append(account)
        presets[name] = Preset(
            origin=template.origin,
            enforced=copy.deepcopy(template.enforced),  # with the name: a preset is never renamed
            inherited={
                o.key: copy.deepcopy(template.defaults[o.key])
                if o.key in template.defaults
                else below_user(o)
                for o in account_options
                if o.key in template.defaults or below_user(o) is not dataclasses.MISSING
            },
        )
    for where, values in [*own_accounts.values(), *anonymous]:
        account = {}
        for option in account_options:
            value = pick(option, values, where, str(values.get("name", "")))
            if value is dataclasses.MISSING:
                raise ConfigError(f"{user_origin}: {where}: missing {option.key}")
            account[option.key] = value
        merged_accounts.append(account)
    for problem in problems:
        log.warning("%s", problem)
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
        presets=presets,
        ignored=ignored,
        problems=problems,
    )


@dataclasses.dataclass(slots=True)
class _Template:
    origin: str
    enforced: dict[str, Any] = dataclasses.field(default_factory=dict)
    defaults: dict[str, Any] = dataclasses.field(default_factory=dict)


def _add_templates(
    templates: dict[str, _Template],
    layer: Layer,
    tables: list[Any],
    options: Sequence[Option],
    login: str,
    problems: list[str],
) -> None:
    """``[[enforced.mail]]``/``[[defaults.mail]]``: account templates, by name. Layers come
    enforced first, so an enforced template's values are kept and a default one fills gaps."""
    by_key = {o.key: o for o in options}
    for n, table in enumerate(tables, 1):
        where = f"the [[mail]] template number {n}"
        if not isinstance(table, dict):
            problems.append(f"{layer.origin}: {where} must be a table; it is ignored")
            continue
        values = {key: _fill_user(value, login) for key, value in table.items()}
        name = values.get("name")
        problem = "name is missing" if name is None else by_key["name"].check(name)
        if problem or not isinstance(name, str):
            problems.append(f"{layer.origin}: {where}: {problem}; it is ignored")
            continue
        if login == "" and any(USER_PLACEHOLDER in str(v) for v in table.values()):
            problems.append(f"{layer.origin}: {where}: the login name for {{user}} is unknown")
        values = _checked(layer.origin, f'the [[mail]] template "{name}"', values, options, problems)
        template = templates.setdefault(name, _Template(layer.origin, {"name": name}))
        target = template.enforced if layer.enforced else template.defaults
        for key, value in values.items():
            if key != "name" and key not in template.enforced:
                target.setdefault(key, value)


def _fill_user(value: Any, login: str) -> Any:
    if isinstance(value, str):
        return value.replace(USER_PLACEHOLDER, login)
    if isinstance(value, list):
        return [_fill_user(v, login) for v in value]
    return value


def _problem(problems: list[str] | None, text: str) -> None:
    """Record an administrator's mistake, or stop on the user's (``problems`` is None)."""
    if problems is None:
        raise ConfigError(text)
    problems.append(text + "; it is ignored")


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


def _checked(
    origin: str,
    where: str,
    table: Mapping[str, Any],
    options: Sequence[Option],
    problems: list[str] | None = None,
) -> dict[str, Any]:
    """The table's values after checking each against its option: ConfigError on the
    first problem, or, with ``problems`` (an administrator's layer), the bad ones left out."""
    by_key = {o.key: o for o in options}
    table = _known(origin, where, table, list(by_key), problems)
    out: dict[str, Any] = {}
    for key, value in table.items():
        problem = by_key[key].check(value)
        if problem:
            _problem(problems, f"{origin}: {where}: {problem}")
            continue
        out[key] = value
    return out


def _known(
    origin: str,
    where: str,
    table: Mapping[str, Any],
    known: list[str],
    problems: list[str] | None,
    section_words: bool = False,
) -> dict[str, Any]:
    """Unknown keys are refused, not ignored: a misspelt option would silently do nothing."""
    unknown = sorted(set(table) - set(known))
    if unknown:
        hint = closest(unknown[0], known)
        if section_words:
            text = f"{origin}: unknown section [{unknown[0]}]{hint}; known: {', '.join(known)}"
        else:
            names = ", ".join(f'"{k}"' for k in unknown)
            text = f"{origin}: {where}: unknown setting {names}{hint}; known: {', '.join(known)}"
        _problem(problems, text)
    return {k: v for k, v in table.items() if k in known}
