"""Where an organisation's policy comes from, per platform, as layers for the loader.

- Linux (and any platform when a file is named): ``/etc/tidings/policy.toml``, or the
  file in ``$TIDINGS_POLICY`` / ``tidings --policy FILE``.
- Windows: ``HKLM\\Software\\Policies\\Tidings`` (written by Group Policy with the ADMX
  template in packaging/windows/policy, or by any registry tool), read with ``winreg``.
- macOS: managed preferences, ``/Library/Managed Preferences/<bundle id>.plist``
  (installed by an MDM configuration profile), read with ``plistlib``.

Every source yields the same document as the TOML file: ``{"enforced": {...},
"defaults": {...}}`` with the settings file's tables inside, so one merge
(``desktop.config.layers``) and one set of checks serve all three. Reading never
raises: a policy that cannot be read is reported and left out (see
docs/administration.md for why Tidings still starts).

The Windows and macOS readers are not exercised on those systems here: only their
mapping onto the document is unit-tested, with the platform calls replaced.
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from desktop.config.layers import Layer, policy_layers, policy_layers_from
from desktop.config.options import Boolean, Integer, Option

ENV = "TIDINGS_POLICY"
LINUX_FILE = Path("/etc/tidings/policy.toml")
#: The macOS bundle identifier; the .app's Info.plist and the MDM profile must use it.
MAC_BUNDLE_ID = "org.tidings.desktop"
MAC_FOLDER = Path("/Library/Managed Preferences")
WINDOWS_KEY = r"Software\Policies\Tidings"
#: Registry key names of the two sections, and of the account templates under each.
WINDOWS_SECTIONS = {"enforced": "Enforced", "defaults": "Defaults"}
WINDOWS_TEMPLATES = "MailAccounts"
_last_explicit: Path | None = None  # the file ``read`` was last given (tidings --policy)


def location(explicit: Path | None = None, platform: str = sys.platform) -> str:
    """Where the policy is read from, for messages and diagnostics."""
    explicit = explicit or _last_explicit
    if explicit is not None:
        return str(explicit)
    if os.environ.get(ENV):
        return os.environ[ENV]
    if platform == "win32":
        return "HKEY_LOCAL_MACHINE\\" + WINDOWS_KEY
    if platform == "darwin":
        return str(mac_plist())
    return str(LINUX_FILE)


def read(explicit: Path | None = None, platform: str = sys.platform) -> list[Layer]:
    """The policy's layers (none when there is no policy); problems ride on the layers."""
    global _last_explicit
    _last_explicit = explicit
    path = explicit or (Path(os.environ[ENV]) if os.environ.get(ENV) else None)
    if path is not None or platform not in ("win32", "darwin"):
        path = path or LINUX_FILE
        return policy_layers(path) if _exists(path) else []
    if platform == "win32":
        origin = location(platform=platform)
        try:
            data = read_registry()
        except OSError as exc:
            return [_unreadable(origin, exc)]
        return policy_layers_from(coerce(data), origin) if data else []
    plist = mac_plist()
    if not plist.exists():
        return []
    import plistlib  # macOS only: its XML parser stays out of other platforms' start

    try:
        with plist.open("rb") as f:
            loaded = plistlib.load(f)
    except (OSError, plistlib.InvalidFileException, ValueError) as exc:
        return [_unreadable(str(plist), exc)]
    return policy_layers_from(coerce(_plain(loaded)), str(plist))


def _exists(path: Path) -> bool:
    try:
        return path.exists()
    except OSError:
        return True  # unreadable folder: policy_layers says why


def _unreadable(origin: str, exc: BaseException) -> Layer:
    reason = getattr(exc, "strerror", None) or exc
    return Layer(
        origin, {}, enforced=True, problems=(f"cannot read {origin}: {reason}; the whole policy is ignored",)
    )


def mac_plist() -> Path:
    return MAC_FOLDER / f"{MAC_BUNDLE_ID}.plist"


def _plain(value: Any) -> Any:
    """A plist's dicts and lists as the TOML reader gives them (other types are kept,
    so the checks name what is wrong)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def coerce(data: Mapping[str, Any]) -> dict[str, Any]:
    """Registry and plist types onto the options' TOML types: a REG_DWORD 0/1 for a
    boolean option, a REG_SZ of digits for a number. Anything else is left for the
    checks to report."""
    from desktop.config.settings import OPTIONS

    by_path = {o.path: o for o in OPTIONS}

    def value(opt: Option | None, raw: Any) -> Any:
        if opt is None:
            return raw
        if (
            isinstance(opt.kind, Boolean)
            and isinstance(raw, int)
            and not isinstance(raw, bool)
            and raw in (0, 1)
        ):
            return bool(raw)
        if isinstance(opt.kind, Integer) and isinstance(raw, str) and raw.strip().isdigit():
            return int(raw)
        return raw

    def table(section: str, raw: Mapping[str, Any]) -> dict[str, Any]:
        return {k: value(by_path.get(f"{section}.{k}"), v) for k, v in raw.items()}

    out: dict[str, Any] = {}
    for name, sections in data.items():
        if not isinstance(sections, dict):
            out[name] = sections
            continue
        out[name] = {}
        for section, raw in sections.items():
            if isinstance(raw, dict):
                out[name][section] = table(section, raw)
            elif isinstance(raw, list):
                out[name][section] = [table(section, t) if isinstance(t, dict) else t for t in raw]
            else:
                out[name][section] = raw
    return out


# -- Windows --------------------------------------------------------------------------------


def read_registry(opener: Callable[[str], Any] | None = None) -> dict[str, Any]:
    """``HKLM\\Software\\Policies\\Tidings\\{Enforced,Defaults}\\<section>`` values, and
    ``...\\{Enforced,Defaults}\\MailAccounts\\<any name>`` subkeys as account templates.
    Key and value names are the settings file's (the registry ignores their case).
    ``opener`` opens a subkey path of HKLM (tests give a fake); raises OSError."""
    open_key = opener or _hklm_opener()
    data: dict[str, Any] = {}
    for name, key_name in WINDOWS_SECTIONS.items():
        try:
            section_key = open_key(f"{WINDOWS_KEY}\\{key_name}")
        except FileNotFoundError:
            continue
        tables: dict[str, Any] = {}
        for sub in section_key.subkeys():
            if sub.lower() == WINDOWS_TEMPLATES.lower():
                templates_key = open_key(f"{WINDOWS_KEY}\\{key_name}\\{sub}")
                tables["mail_templates"] = [
                    open_key(f"{WINDOWS_KEY}\\{key_name}\\{sub}\\{t}").values()
                    for t in templates_key.subkeys()
                ]
            else:
                tables[sub.lower()] = open_key(f"{WINDOWS_KEY}\\{key_name}\\{sub}").values()
        templates = tables.pop("mail_templates", None)
        if templates is not None:
            if tables.get("mail"):
                # TOML cannot hold both, and neither can the merge: say so rather than guess.
                raise OSError(f"{key_name}\\mail and {key_name}\\{WINDOWS_TEMPLATES} cannot both have values")
            tables["mail"] = templates
        data[name] = tables
    return data


class _RegistryKey:
    """The two questions ``read_registry`` asks of a key, over ``winreg``."""

    def __init__(self, handle: Any) -> None:
        self._handle = handle

    def subkeys(self) -> list[str]:
        winreg = _winreg()
        count = winreg.QueryInfoKey(self._handle)[0]
        return [winreg.EnumKey(self._handle, i) for i in range(count)]

    def values(self) -> dict[str, Any]:
        winreg = _winreg()
        count = winreg.QueryInfoKey(self._handle)[1]
        out: dict[str, Any] = {}
        for i in range(count):
            name, value, kind = winreg.EnumValue(self._handle, i)
            if kind == winreg.REG_MULTI_SZ:
                value = [v for v in value if v]
            out[name.lower()] = value
        return out


def _winreg() -> Any:
    # Typed as Any: typeshed declares winreg for win32 only, and this module is checked on Linux.
    return importlib.import_module("winreg")


def _hklm_opener() -> Callable[[str], Any]:
    winreg = _winreg()

    def open_key(path: str) -> _RegistryKey:
        # 64-bit view: a 32-bit Python must see what Group Policy wrote for 64-bit Windows.
        access = winreg.KEY_READ | getattr(winreg, "KEY_WOW64_64KEY", 0)
        return _RegistryKey(winreg.OpenKey(winreg.HKEY_LOCAL_MACHINE, path, 0, access))

    return open_key
