#!/usr/bin/env bash
# Refreshes desktop/resources/translations/*.ts from the sources and compiles them to .qm.
# Edit the .ts files with pyside6-linguist (or by hand), then run this again.
set -euo pipefail
cd "$(dirname "$0")/.."
# Every module, also one not yet committed (a new source's messages would be missed
# otherwise): lupdate finds translate(), lazy.translate() and QT_TRANSLATE_NOOP() calls in
# Qt-free code the same way as tr() in widgets.
sources=$(git ls-files --cached --others --exclude-standard 'desktop/*.py')
for ts in desktop/resources/translations/*.ts; do
  # shellcheck disable=SC2086
  .venv/bin/pyside6-lupdate $sources -ts "$ts" -no-obsolete
  .venv/bin/pyside6-lrelease "$ts" -qm "${ts%.ts}.qm"
done
