"""The `tidings` command."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import importlib
import logging
import sys
from pathlib import Path

from desktop.config import logs, paths, policy, secrets
from desktop.config.settings import ConfigError, Settings, load

log = logging.getLogger(__name__)


def _common(with_defaults: bool) -> argparse.ArgumentParser:
    """Options accepted before and after a subcommand.

    Subcommands get SUPPRESS defaults: otherwise their defaults would overwrite
    a --config given before the subcommand (``tidings --config X watch``).
    """
    common = argparse.ArgumentParser(add_help=False)

    def default(value: object) -> object:
        return value if with_defaults else argparse.SUPPRESS

    common.add_argument(
        "--config",
        type=Path,
        default=default(paths.default_config_file()),
        help=f"settings file (default: {paths.default_config_file()})",
    )
    common.add_argument(
        "--data-dir",
        type=Path,
        default=default(paths.data_dir()),
        help=f"database and logs (default: {paths.data_dir()})",
    )
    common.add_argument(
        "--policy",
        type=Path,
        default=default(None),
        help=f"the organisation's policy file (default: ${policy.ENV}, else {policy.location()})",
    )
    common.add_argument(
        "-v", "--verbose", action="store_true", default=default(False), help="log debug details"
    )
    return common


def _parser() -> argparse.ArgumentParser:
    common = _common(with_defaults=False)
    parser = argparse.ArgumentParser(
        prog="tidings",
        parents=[_common(with_defaults=True)],
        description="Mail, chat, approvals and tasks in one tray inbox.",
    )
    parser.add_argument("--version", action=_VersionAction)
    sub = parser.add_subparsers(dest="command")
    watch = sub.add_parser("watch", parents=[common], help="run without a window and print items")
    watch.add_argument(
        "--json",
        action="store_true",
        required=True,
        help="one JSON object per line for each new or changed item",
    )
    account = sub.add_parser("account", parents=[common], help="mail account secrets")
    account_sub = account.add_subparsers(dest="account_command", required=True)
    setpw = account_sub.add_parser(
        "set-password", parents=[common], help="store an account's password in the system keyring"
    )
    setpw.add_argument("name")
    account_sub.add_parser("list", parents=[common], help="list configured accounts")
    account_login = account_sub.add_parser(
        "login", parents=[common], help='sign in to an OAuth2 mail account (auth = "oauth2") in the browser'
    )
    account_login.add_argument("name")
    account_login.add_argument(
        "--device", action="store_true", help="sign in with a code on another device (no browser here)"
    )
    gateway = sub.add_parser("gateway", parents=[common], help="gateway sign-in")
    gateway_sub = gateway.add_subparsers(dest="gateway_command", required=True)
    gateway_sub.add_parser(
        "set-token", parents=[common], help="store the gateway token in the system keyring"
    )
    login = gateway_sub.add_parser(
        "login", parents=[common], help='sign in with your company account ([gateway] sign_in = "sso")'
    )
    login.add_argument(
        "--device", action="store_true", help="sign in with a code on another device (no browser here)"
    )
    proxy = sub.add_parser("proxy", parents=[common], help="the proxy password ([network])")
    proxy_sub = proxy.add_subparsers(dest="proxy_command", required=True)
    proxy_sub.add_parser(
        "set-password", parents=[common], help="store the proxy user's password in the system keyring"
    )
    diagnostics = sub.add_parser(
        "diagnostics",
        parents=[common],
        help="versions, settings (no secrets) and recent log lines, for the helpdesk",
    )
    diagnostics.add_argument(
        "--output", type=Path, metavar="FILE", help="write to FILE (private to you) instead of printing"
    )
    return parser


def version() -> str:
    """This installation's version, from its metadata (the PyInstaller spec copies it)."""
    import importlib.metadata  # ~3 MB and tens of ms: only when the version is asked for

    try:
        return importlib.metadata.version("tidings")
    except importlib.metadata.PackageNotFoundError:
        return "unknown (not installed: run from a checkout)"


class _VersionAction(argparse.Action):
    """``--version``: argparse's own action needs the text when the parser is built, at
    every start; this one reads the metadata only when the option is given."""

    def __init__(self, option_strings: list[str], dest: str = argparse.SUPPRESS, **kwargs: object) -> None:
        super().__init__(
            option_strings, dest, nargs=0, default=argparse.SUPPRESS, help="show the version and exit"
        )

    def __call__(self, parser: argparse.ArgumentParser, *_: object) -> None:
        print(f"tidings {version()}")
        parser.exit()


def _read_secret(prompt: str) -> str:
    if sys.stdin.isatty():
        return getpass.getpass(prompt)
    return sys.stdin.readline().rstrip("\r\n")


def _load(path: Path, policy_file: Path | None) -> Settings:
    """The user's file under the organisation's policy. A policy that cannot be used is
    reported (log and stderr) and left out; only the user's own file can stop Tidings."""
    try:
        return load(path, policy.read(policy_file))
    except ConfigError as exc:
        print(f"tidings: {exc}", file=sys.stderr)
        raise SystemExit(2) from exc


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    # The tray app and watch keep a log file for the helpdesk; one-shot commands do not.
    long_running = args.command in (None, "watch")
    logs.setup(verbose=args.verbose, log_dir=args.data_dir / "logs" if long_running else None)
    settings = _load(args.config, args.policy)
    if args.command == "diagnostics":
        return _diagnostics(settings, args)
    if args.command == "watch":
        from desktop.app import watch

        try:
            return asyncio.run(watch.run(settings, args.data_dir))
        except KeyboardInterrupt:
            return 0
    if args.command == "account":
        if args.account_command == "list":
            for a in settings.mail:
                print(f"{a.name}\t{a.username}@{a.host}:{a.effective_port}\t{a.security}")
            return 0
        if settings.account(args.name) is None:
            print(f"tidings: no mail account called {args.name!r} in {args.config}", file=sys.stderr)
            return 2
        if args.account_command == "login":
            from desktop.app import account_login

            return account_login.run(
                settings,
                args.name,
                device=args.device,
                say=print,
                warn=lambda text: print(f"tidings: {text}", file=sys.stderr),
            )
        secret = _read_secret(f"Password for {args.name}: ")
        try:
            secrets.set_secret(secrets.mail_key(args.name), secret)
        except secrets.SecretError as exc:
            print(f"tidings: {exc}", file=sys.stderr)
            return 1
        print(f"Password for {args.name} stored in the system keyring.")
        return 0
    if args.command == "gateway" and args.gateway_command == "login":
        from desktop.app import gateway_login

        return gateway_login.run(
            settings,
            device=args.device,
            say=print,
            warn=lambda text: print(f"tidings: {text}", file=sys.stderr),
        )
    if args.command == "proxy":
        return _set_proxy_password(settings)
    if args.command == "gateway":
        token = _read_secret("Gateway token: ")
        try:
            secrets.set_secret(secrets.GATEWAY_KEY, token)
        except secrets.SecretError as exc:
            print(f"tidings: {exc}", file=sys.stderr)
            return 1
        print("Gateway token stored in the system keyring.")
        return 0
    apply_autostart(settings, first_start=not args.config.exists())
    return _start_tray_app(settings, args.data_dir)


def _set_proxy_password(settings: Settings) -> int:
    user = settings.network.proxy_username
    if not user:
        print(
            "tidings: no proxy user is set ([network] proxy_username); the password is stored "
            "for the user named in the proxy URL.",
            file=sys.stderr,
        )
    secret = _read_secret(f"Proxy password{' for ' + user if user else ''}: ")
    if not secret:
        print("tidings: no password given; nothing stored.", file=sys.stderr)
        return 2
    try:
        secrets.set_secret(secrets.PROXY_KEY, secret)
    except secrets.SecretError as exc:
        print(f"tidings: {exc}", file=sys.stderr)
        return 1
    print("Proxy password stored in the system keyring; Tidings uses it from its next connection on.")
    return 0


def _diagnostics(settings: Settings, args: argparse.Namespace) -> int:
    from desktop.app import diagnostics

    context = diagnostics.Context(
        data_dir=args.data_dir,
        log_file=args.data_dir / "logs" / logs.LOG_FILE,
        policy_explicit=args.policy,
    )
    text = diagnostics.report(settings, context)
    if args.output is None:
        sys.stdout.write(text)
        return 0
    try:
        diagnostics.write(text, args.output)
    except OSError as exc:
        print(f"tidings: cannot write {args.output}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    print(f"Diagnostics written to {args.output}; send that file to your helpdesk.")
    return 0


#: The tray app: Qt code in the UI layer, above this one. Looked up by name so that no
#: import (not even a function-level one, which import-linter counts) points from app
#: up to ui; tests/unit/test_layers.py checks that the name still resolves.
TRAY_APP_MODULE = "desktop.ui.app"


def apply_autostart(settings: Settings, first_start: bool) -> None:
    """The organisation's word on starting at login. Enforced (or written in the user's
    file): made true at every start. A policy default: at the first start only, so a user
    who then turns it off in Settings keeps it off. Set nowhere: the login entry is the
    user's (Settings, or the desktop's own tools), untouched."""
    origin = settings.origin("general.autostart")
    if origin == "built-in" or (origin == "policy (default)" and not first_start):
        return
    from desktop.app import autostart

    want = settings.general.autostart
    try:
        if autostart.is_enabled() != want:
            autostart.set_enabled(want)
            log.info("login entry %s (%s)", "made" if want else "removed", origin)
    except autostart.AutostartError as exc:
        log.warning("cannot apply the policy's autostart: %s", exc)


def _start_tray_app(settings: Settings, data_dir: Path) -> int:
    """The tray app. Its mail logins start before Qt is imported (~160 ms of imports and
    set-up, issue 9); so, first, is this the only Tidings on this data folder? A second
    launch asks the running one to show its inbox and opens no connection."""
    from desktop.app.runtime import Runtime
    from desktop.app.single_instance import SingleInstance
    from desktop.store import StoreError

    if sys.platform not in ("win32", "darwin"):
        # Keyring's Secret Service backend would stay loaded here for good (~11 MB, issue 9);
        # Windows' and macOS' backends are small and stay in process.
        secrets.ask_keyring_from_child()
    instance = SingleInstance(data_dir)
    if not instance.claim():
        # Launched again (from the menu while autostarted, say): a second process would
        # notify every new item twice.
        log.info("Tidings is already running for %s: showing its inbox", data_dir)
        print("Tidings is already running; its inbox was brought up.", file=sys.stderr)
        return 0
    # The passwords the first logins need, asked now in one child (while the store opens).
    secrets.prefetch(
        [secrets.mail_key(a.name) for a in settings.mail if a.auth != "oauth2" and not a.password_command]
    )
    try:
        runtime: Runtime | ConfigError | StoreError
        try:
            runtime = Runtime(settings, data_dir)
        except (ConfigError, StoreError) as exc:
            runtime = exc  # said in a window once Qt is up
        else:
            runtime.start_mail()  # its events wait in the pipeline for the Qt loop
        tray_app = importlib.import_module(TRAY_APP_MODULE)
        status: int = tray_app.main(settings, data_dir, runtime, instance)
        return status
    finally:
        instance.release()


if __name__ == "__main__":
    raise SystemExit(main())
