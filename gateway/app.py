"""The Starlette application and the process-wide runtime it serves from."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from starlette.applications import Starlette
from starlette.routing import Route, WebSocketRoute

from gateway.callbacks import CallbackWorker
from gateway.config import Settings
from gateway.http_api import health, ingest_events
from gateway.hub import Hub, InProcessHub
from gateway.oidc import OidcVerifier
from gateway.protocol import CLOSE_UNAUTHORIZED
from gateway.service import GatewayService
from gateway.sessions import create_session
from gateway.storage.base import GatewayStore
from gateway.ws import stream_endpoint

if TYPE_CHECKING:
    from gateway.ws import Connection

log = logging.getLogger(__name__)


@dataclass
class Runtime:
    settings: Settings
    store: GatewayStore
    hub: Hub
    service: GatewayService
    callbacks: CallbackWorker
    connections: set[Connection] = field(default_factory=set)
    oidc: OidcVerifier | None = None  # sign-in with the company's provider, when configured


async def _watch_revocations(runtime: Runtime) -> None:
    # Tokens are revoked by the admin CLI in another process, so look rather than wait to be told;
    # sessions that expired without renewal are reported here too.
    while True:
        await asyncio.sleep(runtime.settings.token_check_interval_s)
        try:
            live = list(runtime.connections)
            revoked = await runtime.store.revoked_among({c.token_id for c in live})
            for conn in live:
                if conn.token_id in revoked:
                    conn.close_soon(CLOSE_UNAUTHORIZED, "unauthorized")
        except Exception:
            log.exception("token check failed")


def create_app(
    settings: Settings,
    store_factory: Callable[[Settings], GatewayStore] | None = None,
    hub: Hub | None = None,
    on_ready: Callable[[], None] | None = None,
) -> Starlette:
    """Build the gateway. The store is opened in the lifespan (inside the server's loop);
    store_factory and hub are the seams for PostgreSQL and a broker."""

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if store_factory is None:
            from gateway.storage.sqlite import SqliteGatewayStore

            store: GatewayStore = SqliteGatewayStore(settings.db_path)
        else:
            store = store_factory(settings)
        the_hub = hub or InProcessHub()
        worker = CallbackWorker(store, settings)
        runtime = Runtime(settings, store, the_hub, GatewayService(store, the_hub, worker.wake), worker)
        if settings.oidc_issuer:
            runtime.oidc = OidcVerifier(
                settings.oidc_issuer,
                settings.oidc_audience,
                user_claim=settings.oidc_user_claim,
                max_age_s=settings.oidc_max_token_age_s,
                ca_file=settings.oidc_ca_file or None,
            )
        app.state.runtime = runtime
        tasks = [
            asyncio.create_task(worker.run(), name="callbacks"),
            asyncio.create_task(_watch_revocations(runtime), name="token-watch"),
        ]
        if on_ready is not None:
            on_ready()
        try:
            yield
        finally:
            for task in tasks:
                task.cancel()
            for task in tasks:
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            await store.close()

    return Starlette(
        routes=[
            WebSocketRoute("/v1/stream", stream_endpoint),
            Route("/v1/events", ingest_events, methods=["POST"]),
            Route("/v1/health", health, methods=["GET"]),
            Route("/v1/sessions", create_session, methods=["POST"]),
        ],
        lifespan=lifespan,
    )
