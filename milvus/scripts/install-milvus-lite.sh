#!/usr/bin/env bash
# Installs the Milvus Lite gRPC server into a Python venv, with the same pins MilvusLiteServer uses
# (src/main/resources/io/omnistream/milvus/lite/milvus-lite-requirements.txt), so CI can pre-install it once.
#
#   install-milvus-lite.sh [VENV_DIR]     default: ~/.omnistream/milvus-lite-venv
#
# Idempotent: a venv whose marker file matches the requirements is left alone. Needs python3 >= 3.10 with venv.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
req="$here/../src/main/resources/io/omnistream/milvus/lite/milvus-lite-requirements.txt"
venv="${1:-$HOME/.omnistream/milvus-lite-venv}"
python="${PYTHON:-python3}"
marker="$venv/.omnistream-requirements.txt"

if ! command -v "$python" >/dev/null 2>&1; then
  echo "error: $python not found; install Python 3.10+ (with the venv module) to run the embedded Milvus Lite server" >&2
  exit 2
fi
if [[ -x "$venv/bin/milvus-lite" && -f "$marker" ]] && cmp -s "$req" "$marker"; then
  echo "milvus-lite already installed in $venv"
  exit 0
fi
echo "creating venv $venv"
mkdir -p "$(dirname "$venv")"
"$python" -m venv "$venv"
echo "installing $(grep -v '^#' "$req" | tr '\n' ' ') into $venv"
"$venv/bin/python" -m pip install --disable-pip-version-check --quiet --upgrade pip
"$venv/bin/python" -m pip install --disable-pip-version-check -r "$req"
"$venv/bin/milvus-lite" server --help >/dev/null
cp "$req" "$marker"
echo "milvus-lite installed in $venv"
