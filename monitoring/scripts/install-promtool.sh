#!/usr/bin/env bash
# Installs promtool (Prometheus' rule checker and rule unit-test runner), which the monitoring module's tests run.
# Source: Debian's "prometheus" package (bookworm: 2.42; promtool is in it; ~19 MB download, ~96 MB installed with
# its JavaScript dependencies, without the recommended node exporter). Measured on the 2-core dev machine: 25 s
# including apt-get update. The alternative, `go install github.com/prometheus/prometheus/cmd/promtool@v0.316.0`
# from the Go module proxy (Prometheus 3.x), took 35 min there (14 CPU-minutes, 2 GB of modules, 3.3 GB RAM: it
# compiles every service-discovery SDK); the rule tests pass with both.
# Idempotent: does nothing when promtool is already on the PATH. Needs root (or sudo) and Debian's package mirrors.
# The package also brings the Prometheus server as a service: on a host running systemd it is stopped and disabled
# again (the tests never talk to a Prometheus server; promtool evaluates the rules itself). In a container without
# an init system nothing is started.
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
if [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then
  $SUDO systemctl disable --now prometheus.service >/dev/null 2>&1 || echo "install-promtool: could not stop the prometheus service (harmless for the tests)" >&2
fi
command -v promtool >/dev/null 2>&1 || { echo "install-promtool: promtool missing after installing prometheus" >&2; exit 1; }
promtool --version | head -1
