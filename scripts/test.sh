#!/usr/bin/env bash
# Sets up a fresh machine (system packages, venv) and runs the whole test suite:
# lint, unit, UI (offscreen) and integration tests against real Dovecot, the
# real gateway and a real notification daemon, which the fixtures start themselves.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
echo "== ruff"
.venv/bin/ruff check .
.venv/bin/ruff format --check .
echo "== mypy (strict below the UI and for the gateway)"
.venv/bin/mypy
echo "== import-linter (layer contracts)"
.venv/bin/lint-imports
echo "== vulture (dead code; paths and what Qt or a library calls: [tool.vulture] in pyproject.toml)"
.venv/bin/vulture
echo "== pytest"
export QT_QPA_PLATFORM=offscreen
# Per-test timeouts live in pyproject.toml; this bounds the whole run.
exec timeout --kill-after=30 1500 .venv/bin/python -m pytest "$@"
