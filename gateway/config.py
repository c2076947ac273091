"""Runtime settings of one gateway process; every knob has a default fit for production and a
CLI flag so tests can shorten the timers."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import platformdirs


def default_db_path() -> Path:
    return Path(platformdirs.user_data_dir("tidings-gateway", appauthor=False)) / "gateway.db"


@dataclass(frozen=True, slots=True)
class Settings:
    db_path: Path
    max_frame_bytes: int = 64 * 1024
    # The websocket layer's own limit: a frame above it kills the connection (1009), so it sits
    # far above max_frame_bytes, which we check ourselves and answer with frame_too_large.
    ws_max_size: int = 16 * 1024 * 1024
    max_http_body_bytes: int = 1024 * 1024
    signature_window_s: int = 300
    token_check_interval_s: float = 1.0
    callback_backoff_base_s: float = 1.0
    callback_backoff_cap_s: float = 300.0
    callback_timeout_s: float = 10.0
    # Bounds on the output queued for one socket (frames, and bytes including the transport's
    # buffer); a client that falls this far behind is closed (4408, or at the transport level
    # when it stopped reading) and resumes by replay, instead of the gateway buffering without
    # limit. The byte bound sits well above the largest single event (a 1 MiB ingest body).
    send_queue_limit: int = 10_000
    max_pending_output_bytes: int = 4 * 1024 * 1024
    replay_page: int = 500
    # Sign-in with the company's OpenID Connect provider (POST /v1/sessions); off without an issuer.
    oidc_issuer: str = ""
    oidc_audience: str = ""
    oidc_user_claim: str = "sub"
    oidc_create_users: bool = False
    oidc_ca_file: str = ""
    # A session lasts this long unless renewed; each renewal needs a provider token issued
    # within oidc_max_token_age_s, so it goes through the provider (a disabled user cannot).
    session_ttl_s: int = 3600
    oidc_max_token_age_s: int = 300
