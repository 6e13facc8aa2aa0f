#!/usr/bin/env bash
# Installs the Milvus Lite gRPC server into a Python venv, with the same pins MilvusLiteServer uses
# (src/main/resources/io/omnistream/milvus/lite/milvus-lite-requirements.txt), so CI can pre-install it once.
#
#   install-milvus-lite.sh [VENV_DIR]     default: ~/.omnistream/milvus-lite-venv
#
# Idempotent (scripts/install-pinned-venv.sh). Needs python3 >= 3.10 with venv.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
exec bash "$here/../../scripts/install-pinned-venv.sh" milvus-lite \
  "$here/../src/main/resources/io/omnistream/milvus/lite/milvus-lite-requirements.txt" \
  "${1:-$HOME/.omnistream/milvus-lite-venv}" \
  'import subprocess, sys, os; subprocess.run([os.path.join(os.path.dirname(sys.executable), "milvus-lite"), "server", "--help"], check=True, capture_output=True)'
