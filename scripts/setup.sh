#!/usr/bin/env bash
# Installs everything Tidings needs on a fresh Debian/Ubuntu machine: system
# packages (Qt runtime libraries, Xvfb, D-Bus, dunst, Dovecot for the demo and
# tests) and a virtual environment with the pinned Python packages.
# Idempotent: a second run only checks.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  # Qt xcb + offscreen platform plugins
  libxcb-cursor0 libxkbcommon-x11-0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0
  libxcb-render-util0 libxcb-shape0 libxcb-randr0 libxcb-xkb1 libxcb-xfixes0
  libx11-xcb1 libegl1 libgl1 libfontconfig1 libxkbcommon0 libglib2.0-0
  libdbus-1-3
  # a desktop session for the demo and the tests
  xvfb xauth xdotool imagemagick fonts-dejavu-core fonts-noto-cjk fonts-noto-color-emoji dbus dbus-x11
  dunst gnome-keyring libsecret-tools trayer
  # the throwaway mail server
  dovecot-imapd openssl
  # its SMTP submission service, relaying to a local sink in the send tests
  dovecot-submissiond
  # browser sign-in tests (Playwright drives Debian's build; never `playwright install`)
  chromium
  # proxy tests: HTTP CONNECT with Basic auth; SOCKS5 with system-account passwords (root only)
  tinyproxy dante-server
  # the .deb test (tests/packaging): validates the AppStream metainfo
  appstream
)
# the identity provider of the tests (harness/idp) runs on Node; keep an existing node
command -v node >/dev/null 2>&1 || APT_PACKAGES+=(nodejs npm)

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  # Keep the system Dovecot service from starting: tests and the demo run their own.
  created_policy=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
    $SUDO chmod +x /usr/sbin/policy-rc.d
    created_policy=1
  fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  [ "$created_policy" -eq 0 ] || $SUDO rm -f /usr/sbin/policy-rc.d
fi

PY=${TIDINGS_PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip
# gateway: the reference gateway's server; bundle: PyInstaller for packaging/build.py
.venv/bin/python -m pip install -q -e '.[test,gateway,bundle]'
# oidc-provider for the sign-in tests, exactly as pinned in harness/idp/package-lock.json
(cd harness/idp && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
echo "setup: done"
