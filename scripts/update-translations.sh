#!/usr/bin/env bash
# Refreshes desktop/resources/translations/*.ts from the sources and compiles them to .qm.
# Edit the .ts files with pyside6-linguist (or by hand), then run this again.
set -euo pipefail
cd "$(dirname "$0")/.."
sources=$(git ls-files 'desktop/*.py')
for ts in desktop/resources/translations/*.ts; do
  # shellcheck disable=SC2086
  .venv/bin/pyside6-lupdate $sources -ts "$ts" -no-obsolete
  .venv/bin/pyside6-lrelease "$ts" -qm "${ts%.ts}.qm"
done
