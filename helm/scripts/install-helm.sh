#!/usr/bin/env bash
# Installs the Helm 3 CLI used by the helm/ module's tests to ~/.omnistream/tools/bin/helm, built from source through
# the Go module proxy (release binaries from get.helm.sh are not reachable here). Idempotent: does nothing when that
# binary already reports the wanted version. Measured on a shared 2-core machine: about 6-10 minutes for a cold
# build (module download ~1 min, compile the rest), under 10 s when the Go build cache is warm, 0.1 s when installed.
#
# Env: HELM_VERSION (default below), OMNISTREAM_TOOLS_BIN (default ~/.omnistream/tools/bin), GO (go binary).
set -euo pipefail

HELM_VERSION="${HELM_VERSION:-v3.22.0}"
BIN_DIR="${OMNISTREAM_TOOLS_BIN:-$HOME/.omnistream/tools/bin}"
HELM="$BIN_DIR/helm"

if [[ -x "$HELM" ]] && "$HELM" version --template '{{.Version}}' 2>/dev/null | grep -qx "$HELM_VERSION"; then
  echo "helm $HELM_VERSION already installed at $HELM"
  exit 0
fi

# Go: the toolchain in /usr/local/go, one on PATH, or Debian's golang-go (GOTOOLCHAIN=auto then fetches the version
# helm's go.mod asks for, itself a module on the Go module proxy).
GO="${GO:-}"
if [[ -z "$GO" ]]; then
  if [[ -x /usr/local/go/bin/go ]]; then GO=/usr/local/go/bin/go
  elif command -v go >/dev/null 2>&1; then GO="$(command -v go)"
  else
    echo "install-helm: no Go toolchain found; installing Debian's golang-go" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq && apt-get install -y -qq golang-go >/dev/null
    GO="$(command -v go)"
  fi
fi

start=$(date +%s)
# Outside any module, so that no go.mod of the caller's directory takes part.
workdir="$(mktemp -d)"
trap 'rm -rf "$workdir"' EXIT
cd "$workdir"
echo "install-helm: building helm $HELM_VERSION with $("$GO" version) (first build takes minutes)"
"$GO" mod download "helm.sh/helm/v3@$HELM_VERSION"
# Release builds stamp the version and the Kubernetes version (from the client-go module helm is built with) into
# the binary; a plain `go install` would report Kubernetes v1.20, which is what `helm template` and `helm lint`
# check a chart's kubeVersion against and what .Capabilities.KubeVersion returns.
modfile="$("$GO" env GOMODCACHE)/helm.sh/helm/v3@$HELM_VERSION/go.mod"
k8s_minor="$(sed -n 's#^[[:space:]]*k8s.io/client-go v0\.\([0-9][0-9]*\)\..*#\1#p' "$modfile" | head -1)"
if [[ -z "$k8s_minor" ]]; then
  echo "install-helm: cannot read the k8s.io/client-go version from $modfile" >&2
  exit 1
fi
ldflags="-s -w -X helm.sh/helm/v3/internal/version.version=$HELM_VERSION -X helm.sh/helm/v3/internal/version.gitTreeState=clean"
for pkg in helm.sh/helm/v3/pkg/lint/rules helm.sh/helm/v3/pkg/chartutil; do
  ldflags+=" -X $pkg.k8sVersionMajor=1 -X $pkg.k8sVersionMinor=$k8s_minor"
done
mkdir -p "$BIN_DIR"
GOBIN="$BIN_DIR" CGO_ENABLED=0 "$GO" install -ldflags "$ldflags" "helm.sh/helm/v3/cmd/helm@$HELM_VERSION"

installed="$("$HELM" version --template '{{.Version}}')"
if [[ "$installed" != "$HELM_VERSION" ]]; then
  echo "install-helm: built binary reports $installed, expected $HELM_VERSION" >&2
  exit 1
fi
echo "install-helm: helm $installed (Kubernetes 1.$k8s_minor) installed at $HELM in $(( $(date +%s) - start )) s"
