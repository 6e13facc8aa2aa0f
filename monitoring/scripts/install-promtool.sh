#!/usr/bin/env bash
# Installs promtool (Prometheus' rule checker and rule unit-test runner), which the monitoring module's tests run.
# Source: Debian's "prometheus" package (bookworm: 2.42; promtool is in it; ~19 MB download, ~96 MB installed, its
# JavaScript dependencies come along, but not the recommended node exporter). Measured on the CI image: ~30 s.
# Debian's package is used rather than `go install github.com/prometheus/prometheus/cmd/promtool@...` because
# building promtool compiles Prometheus with all of its service-discovery SDKs (minutes of CPU on two cores).
# Idempotent: does nothing when promtool is already on the PATH. Needs root (or sudo) and Debian's package mirrors.
# The package's postinst registers a prometheus service; nothing is started in a container without an init system,
# and the tests never talk to a Prometheus server (promtool evaluates the rules itself).
set -euo pipefail

command -v promtool >/dev/null 2>&1 && exit 0

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 || { echo "install-promtool: need root or sudo to apt-get install prometheus" >&2; exit 1; }
  SUDO="sudo"
fi
echo "installing Debian package: prometheus (for promtool)"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends prometheus >/dev/null
command -v promtool >/dev/null 2>&1 || { echo "install-promtool: promtool missing after installing prometheus" >&2; exit 1; }
promtool --version | head -1
