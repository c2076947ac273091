#!/usr/bin/env bash
# Sets up a fresh machine and runs the Tidings demo: a throwaway mail server and
# gateway on loopback, a simulated office, and Tidings connected to both.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/python -m harness.demo "$@"
