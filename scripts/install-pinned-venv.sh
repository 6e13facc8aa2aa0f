#!/usr/bin/env bash
# Installs a pinned requirements file into a Python venv, the way the JVM side (runtime PinnedVenv) does on first
# use, so CI can pre-install it once: the venv counts as installed when its marker file equals the requirements byte
# for byte (the same marker PinnedVenv checks, so either installer satisfies the other). Used by
# milvus/scripts/install-milvus-lite.sh and encoder-workers/scripts/install-whisper.sh.
#
#   install-pinned-venv.sh LABEL REQUIREMENTS VENV_DIR CHECK_CODE [PIP_FLAG...]
#
# CHECK_CODE is Python run in the venv after the install (fails the script when the packages do not import).
# PYTHON picks the interpreter that creates the venv (default python3); pip's own settings apply (PIP_INDEX_URL, ...).
set -euo pipefail
label="$1"; req="$2"; venv="$3"; check="$4"; shift 4
python="${PYTHON:-python3}"
marker="$venv/.omnistream-requirements.txt"

if ! command -v "$python" >/dev/null 2>&1; then
  echo "error: $python not found; install Python 3 (with the venv module) to run $label" >&2
  exit 2
fi
if [[ -x "$venv/bin/python" && -f "$marker" ]] && cmp -s "$req" "$marker"; then
  echo "$label already installed in $venv"
  exit 0
fi
echo "creating venv $venv"
mkdir -p "$(dirname "$venv")"
# --clear: a venv half-built by an interrupted run (no marker) is rebuilt from scratch
"$python" -m venv --clear "$venv"
echo "installing the pinned packages of $req into $venv"
"$venv/bin/python" -m pip install --disable-pip-version-check "$@" -r "$req"
"$venv/bin/python" -c "$check"
cp "$req" "$marker"
echo "$label installed in $venv"
