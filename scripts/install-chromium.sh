#!/usr/bin/env bash
# Installs Debian's Chromium for the browser test of the live quality page (launcher LiveQualityPageIT), which drives
# it headless over the DevTools protocol. Idempotent: does nothing when /usr/bin/chromium (or $OMNISTREAM_CHROMIUM) is
# there. Needs root (or sudo) and Debian's package mirrors; nothing is downloaded from elsewhere.
set -euo pipefail

[ -x "${OMNISTREAM_CHROMIUM:-/usr/bin/chromium}" ] && exit 0

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 || { echo "install-chromium: need root or sudo to apt-get install chromium" >&2; exit 1; }
  SUDO="sudo"
fi
echo "installing Debian package: chromium"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# DejaVu fonts so that page text renders in the screenshot (headless Chromium has no other font source here)
$SUDO apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
