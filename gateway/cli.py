"""tidings-gateway: run the reference gateway and administer its users, tokens, sessions,
integrations and conversations. Every subcommand takes --db (default: the platformdirs data dir)."""

from __future__ import annotations

import argparse
import asyncio
import gc
import logging
import signal
import socket
import sys
from collections.abc import Sequence
from pathlib import Path

from gateway.admin import AdminError, GatewayAdmin
from gateway.config import Settings, default_db_path


def _tune_gc() -> None:
    """Keep full collections from stalling fan-out.

    With thousands of connections the process tracks over a million objects; the
    per-delivery objects of one announcement outlived the default 700-allocation
    young generation, were promoted, and triggered 0.5-0.65 s full collections
    every few rounds (measured at 5,000 clients). A larger young generation lets
    them die young; freezing moves start-up objects out of every collection.
    """
    gc.freeze()
    gc.set_threshold(50_000, 20, 20)


def _websocket_protocol() -> type[asyncio.Protocol]:
    """uvicorn's websockets-sansio implementation, handing its transport to the app.

    ASGI cannot abort a connection: a close frame queues behind everything a client that stopped
    reading has not taken, so the gateway could only wait for keepalive (~40 s). With the transport
    in the scope (gateway.ws.TRANSPORT_EXTENSION) such a connection is cut at once. Two overrides
    work around uvicorn 0.54 with websockets 17 (both pinned)."""
    from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol

    from gateway.ws import TRANSPORT_EXTENSION

    class _Protocol(WebSocketsSansIOProtocol):
        async def run_asgi(self) -> None:
            self.scope["extensions"][TRANSPORT_EXTENSION] = {"transport": self.transport}
            await super().run_asgi()

        def data_received(self, data: bytes) -> None:
            super().data_received(data)
            if not self.handshake_initiated and self.conn.handshake_exc is not None:
                # websockets refused the upgrade request (414 for a request line over 8 KiB,
                # 431 for headers too large) and queued its answer, which uvicorn never writes:
                # the client waited for nothing, and uvicorn's shutdown then failed on the
                # connection (an AssertionError in websockets' send_eof).
                self.handshake_complete = self.close_sent = True
                self.transport.write(b"".join(self.conn.data_to_send()))
                self.transport.close()

        def send_receive_event_to_app(self) -> None:
            if self.curr_msg_data_type == "text" and not self.close_sent:
                try:
                    b"".join(self.frames).decode()
                except UnicodeDecodeError:
                    # The client's error: close with 1007 (RFC 6455 §8.1) as uvicorn does, but
                    # without its ERROR log and traceback, which any client could repeat at will.
                    self.frames = []
                    self.conn.send_close(1007)
                    self.handle_parser_exception()
                    return
            super().send_receive_event_to_app()

    return _Protocol


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from gateway.app import create_app

    logging.basicConfig(
        level=args.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    settings = Settings(
        db_path=args.db,
        max_frame_bytes=args.max_frame_bytes,
        signature_window_s=args.signature_window,
        token_check_interval_s=args.token_check_interval,
        callback_backoff_base_s=args.callback_backoff_base,
        callback_backoff_cap_s=args.callback_backoff_cap,
        callback_timeout_s=args.callback_timeout,
        max_pending_output_bytes=args.max_pending_output,
        oidc_issuer=args.oidc_issuer or "",
        oidc_audience=args.oidc_audience or "",
        oidc_user_claim=args.oidc_user_claim,
        oidc_create_users=args.oidc_create_users,
        oidc_ca_file=args.oidc_ca_file or "",
        session_ttl_s=args.session_ttl,
        oidc_max_token_age_s=args.oidc_max_token_age,
    )
    if settings.oidc_issuer:
        from gateway.oidc import check_issuer_url

        try:
            check_issuer_url(settings.oidc_issuer)
        except ValueError as exc:
            print(f"tidings-gateway: --oidc-issuer {exc}", file=sys.stderr)
            return 2
        if not settings.oidc_audience:
            print("tidings-gateway: --oidc-issuer needs --oidc-audience", file=sys.stderr)
            return 2
    # Bind ourselves so --port 0 works and the real port can be announced.
    sock = socket.socket(socket.AF_INET6 if ":" in args.host else socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((args.host, args.port))
    sock.listen(128)
    host, port = sock.getsockname()[:2]
    shown_host = f"[{host}]" if ":" in host else host

    def ready() -> None:
        print(f"tidings-gateway listening on http://{shown_host}:{port} (db {settings.db_path})", flush=True)

    config = uvicorn.Config(
        create_app(settings, on_ready=ready),
        ws=_websocket_protocol(),
        lifespan="on",
        log_level=args.log_level,
        access_log=False,
        ws_max_size=settings.ws_max_size,
        # Frames are small JSON; uvicorn builds permessage-deflate with zlib's largest
        # window and memory level, which was ~97 of the ~141 KiB each connection cost
        # (benchmarks/bench_gateway_fanout.py) and a third of the fan-out CPU.
        ws_per_message_deflate=False,
        timeout_graceful_shutdown=3,
    )
    server = uvicorn.Server(config)
    _tune_gc()
    # uvicorn turns SIGTERM/SIGINT into a graceful shutdown and re-raises the signal afterwards;
    # with these no-op handlers in place the re-raise ends in a normal exit 0.
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: None)
    server.run(sockets=[sock])
    print("tidings-gateway stopped", flush=True)
    return 0


def _admin(args: argparse.Namespace) -> int:
    with GatewayAdmin(args.db) as admin:
        match (args.command, args.action):
            case ("user", "add"):
                admin.add_user(args.name, display_name=args.display_name)
                print(f"user {args.name} added")
            case ("user", "list"):
                for name, display in admin.users():
                    print(f"{name}\t{display}")
            case ("token", "issue"):
                issued = admin.issue_token(args.name)
                print(issued.token)
                print(f"token id {issued.id} (keep the token secret; it is not shown again)", file=sys.stderr)
            case ("token", "revoke"):
                print(f"revoked {admin.revoke_token(args.token)}")
            case ("integration", "add"):
                print(
                    admin.add_integration(args.name, callback=args.callback, display_name=args.display_name)
                )
                print(f"integration {args.name} added; above is its signing secret", file=sys.stderr)
            case ("integration", "add-to"):
                admin.add_integration_to(args.name, args.conversation)
                print(f"integration {args.name} may post into conversation {args.conversation}")
            case ("integration", "remove-from"):
                admin.remove_integration_from(args.name, args.conversation)
                print(f"integration {args.name} may no longer post into conversation {args.conversation}")
            case ("conversation", "add"):
                members = [m.strip() for m in args.members.split(",") if m.strip()]
                kind = admin.add_conversation(args.id, title=args.title, members=members, kind=args.kind)
                print(f"conversation {args.id} ({kind}) added")
            case ("session", "list"):
                for st in admin.sessions(args.name):
                    renewed = _when(st.renewed_at) if st.renewed_at else "never"
                    print(
                        f"{st.id}\t{st.user}\tsubject={st.subject or '-'}\tstarted={_when(st.created_at)}"
                        f"\trenewed={renewed}\texpires={_when(st.expires_at)}"
                    )
            case ("session", "revoke"):
                count = admin.revoke_sessions(args.name)
                print(f"revoked {count} session{'s' if count != 1 else ''} of {args.name}")
            case ("callbacks", "list"):
                for cb in admin.callbacks():
                    state = "delivered" if cb.delivered else f"pending ({cb.last_error or 'not tried yet'})"
                    print(f"{cb.delivery_id}\t{cb.integration}\tattempts={cb.attempts}\t{state}")
            case _:
                raise AssertionError(args)
    return 0


def _when(moment: float) -> str:
    from datetime import UTC, datetime

    return datetime.fromtimestamp(moment, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("tidings")
    except PackageNotFoundError:
        return "unknown (not installed: run from a checkout)"


#: The server's own dependencies, in the `tidings[gateway]` extra (a desktop install lacks them).
SERVER_MODULES = frozenset({"starlette", "uvicorn", "jsonschema"})


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="tidings-gateway", description="Tidings reference message gateway")
    parser.add_argument("--version", action="version", version=f"tidings-gateway {_version()}")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--db", type=Path, default=default_db_path(), help="SQLite database (default: %(default)s)"
    )
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", parents=[common], help="run the gateway (one process)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8765, help="0 picks a free port (printed)")
    serve.add_argument("--log-level", default="warning", choices=["debug", "info", "warning", "error"])
    serve.add_argument("--max-frame-bytes", type=int, default=64 * 1024)
    serve.add_argument("--signature-window", type=int, default=300, help="seconds")
    serve.add_argument("--token-check-interval", type=float, default=1.0, help="seconds")
    serve.add_argument("--callback-backoff-base", type=float, default=1.0, help="seconds")
    serve.add_argument("--callback-backoff-cap", type=float, default=300.0, help="seconds")
    serve.add_argument("--callback-timeout", type=float, default=10.0, help="seconds")
    serve.add_argument(
        "--max-pending-output",
        type=int,
        default=4 * 1024 * 1024,
        help="bytes queued for one connection before it is closed as too slow (4408)",
    )
    sso = serve.add_argument_group(
        "sign-in with the company's OpenID Connect provider (POST /v1/sessions)",
        "CLI-issued tokens keep working beside it (bots, tests).",
    )
    sso.add_argument(
        "--oidc-issuer", metavar="URL", help="the provider's issuer (https; http only on loopback)"
    )
    sso.add_argument(
        "--oidc-audience",
        metavar="ID",
        help="what a token's aud must contain: the gateway's resource (access tokens) or the desktop's client id (ID tokens)",
    )
    sso.add_argument(
        "--oidc-user-claim",
        metavar="CLAIM",
        default="sub",
        help="the claim naming the user (default: %(default)s)",
    )
    sso.add_argument(
        "--oidc-create-users", action="store_true", help="create an unknown user on their first sign-in"
    )
    sso.add_argument("--oidc-ca-file", metavar="PEM", help="a CA for the provider's certificate")
    sso.add_argument(
        "--session-ttl",
        type=int,
        default=3600,
        help="seconds a session lasts unless renewed (default: %(default)s)",
    )
    sso.add_argument(
        "--oidc-max-token-age",
        type=int,
        default=300,
        help="seconds: how recently the provider must have issued a token it exchanges (default: %(default)s)",
    )
    serve.set_defaults(func=_serve)

    def group(name: str, help_text: str) -> argparse._SubParsersAction[argparse.ArgumentParser]:
        p = sub.add_parser(name, help=help_text)
        return p.add_subparsers(dest="action", required=True)

    users = group("user", "manage users")
    p = users.add_parser("add", parents=[common])
    p.add_argument("name")
    p.add_argument("--display-name")
    users.add_parser("list", parents=[common])

    tokens = group("token", "issue and revoke bearer tokens")
    p = tokens.add_parser("issue", parents=[common], help="print a new token for NAME")
    p.add_argument("name")
    p = tokens.add_parser("revoke", parents=[common], help="revoke by token or token id")
    p.add_argument("token", metavar="TOKEN_OR_ID")

    integrations = group("integration", "register third-party systems")
    p = integrations.add_parser("add", parents=[common], help="print the new integration's signing secret")
    p.add_argument("name")
    p.add_argument("--callback", help="URL that receives signed approval decisions")
    p.add_argument("--display-name", help="what its chat messages show as sender, marked as a bot")
    p = integrations.add_parser(
        "add-to", parents=[common], help="let NAME post chat messages (as itself) into a group conversation"
    )
    p.add_argument("name")
    p.add_argument("conversation")
    undo = (
        "undo add-to: NAME's chat messages into the conversation are refused from now on "
        "(403 forbidden), also by a running server; what it posted stays"
    )
    p = integrations.add_parser("remove-from", parents=[common], help=undo, description=undo)
    p.add_argument("name")
    p.add_argument("conversation")

    conversations = group("conversation", "create chat conversations")
    p = conversations.add_parser("add", parents=[common])
    p.add_argument("id")
    p.add_argument("--title", required=True)
    p.add_argument("--members", required=True, help="comma-separated user names")
    p.add_argument("--kind", choices=["direct", "group"], help="default: direct for two members")

    sessions = group("session", "sessions from sign-ins at the company's provider")
    p = sessions.add_parser("list", parents=[common], help="NAME's sessions that have not ended")
    p.add_argument("name")
    p = sessions.add_parser(
        "revoke", parents=[common], help="end all of NAME's sessions (their connections close with 4401)"
    )
    p.add_argument("name")

    callbacks = group("callbacks", "inspect the callback queue")
    callbacks.add_parser("list", parents=[common])

    for name in ("user", "token", "integration", "conversation", "session", "callbacks"):
        sub.choices[name].set_defaults(func=_admin)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except AdminError as exc:
        print(f"tidings-gateway: {exc}", file=sys.stderr)
        return 1
    except ModuleNotFoundError as exc:
        if exc.name not in SERVER_MODULES:
            raise
        print(
            f"tidings-gateway: {exc.name} is missing: install the gateway with pip install 'tidings[gateway]'",
            file=sys.stderr,
        )
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
