#!/usr/bin/env bash
# Tidings.app (from packaging/build.py) -> a compressed DMG with an Applications link.
# macOS only (codesign, hdiutil). UNTESTED HERE: built on the hosted macOS runner
# (.github/workflows/installers.yml).
#
# desktop-notifier uses UNUserNotificationCenter only from a signed bundle, so the app is
# signed: with $TIDINGS_CODESIGN_IDENTITY (a Developer ID, for notarisation), else ad hoc
# ("-"), which is enough on the machine that built it but not for Gatekeeper elsewhere.
set -euo pipefail
app=$1
dmg=$2
codesign --force --deep --options runtime --sign "${TIDINGS_CODESIGN_IDENTITY:--}" "$app"
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
cp -R "$app" "$stage/"
ln -s /Applications "$stage/Applications"
rm -f "$dmg"
hdiutil create -volname Tidings -srcfolder "$stage" -fs HFS+ -format UDZO -ov "$dmg"
