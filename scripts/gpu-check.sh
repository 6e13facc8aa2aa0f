#!/usr/bin/env bash
# One-command GPU check: raw ONNX Runtime (CUDA) vs. the encoder worker on this machine's GPU, printed as one JSON.
#
#   scripts/gpu-check.sh [--report FILE]
#
# 1. checks for python3 and an NVIDIA GPU (nvidia-smi); without one it stops here, before any large download, prints
#    {"cuda": false, "reason": ...} and exits 3;
# 2. installs the CUDA 12 runtime wheels of scripts/cuda12-requirements.txt (hash-checked, ~1.6 GB, once; a marker
#    file equal to the requirements skips it) into ~/.omnistream/cuda12 and puts their lib dirs on LD_LIBRARY_PATH:
#    onnxruntime_gpu 1.28.0 (Java) links CUDA 12 + cuDNN 9, while the lent machines' image has CUDA 13;
# 3. builds with ONNX Runtime GPU (OMNISTREAM_MAVEN_ARGS=-Pgpu through ./omnistream; downloads the 742 MB
#    onnxruntime_gpu jar on first use);
# 4. runs `./omnistream bench encoder --skip-latency -D encoder.execution-provider=CUDA` (CUDA or fail: no silent CPU
#    fallback) for each model x texts x batch and merges the reports into one JSON on stdout (progress goes to stderr).
#
# Environment (defaults): GPU_CHECK_SECONDS (3: raw phase per run; the worker backlog is sized to about as long),
# GPU_CHECK_MODELS ("bge-small-en-v1.5 all-minilm-l6-v2"), GPU_CHECK_TEXTS ("claims abstracts"),
# GPU_CHECK_BATCHES ("32 256"), CUDA12_DIR (~/.omnistream/cuda12), CUDA12_WHEELS (a folder holding the pinned wheels:
# install from it without an index, for machines without PyPI), GPU_CHECK_MAVEN_ARGS (extra, e.g. -o when ~/.m2 has
# everything). Time on a fresh 16-core machine, estimated: wheels ~1 min, build ~2 min (with downloads), 8 runs of
# ~20-30 s = 3-4 min; under 8 min in all.
# Exit codes: 0 all runs done; 2 usage or missing tool; 3 no GPU; 4 CUDA could not be used; 5 a later run failed.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
REQ="$ROOT/scripts/cuda12-requirements.txt"
CUDA12_DIR="${CUDA12_DIR:-$HOME/.omnistream/cuda12}"
SECONDS_PER_RUN="${GPU_CHECK_SECONDS:-3}"
MODELS="${GPU_CHECK_MODELS:-bge-small-en-v1.5 all-minilm-l6-v2}"
TEXT_SETS="${GPU_CHECK_TEXTS:-claims abstracts}"
BATCHES="${GPU_CHECK_BATCHES:-32 256}"
REPORT=""
START=$(date +%s)

while [ $# -gt 0 ]; do
  case "$1" in
    --report) REPORT="${2:?--report needs a file}"; shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "gpu-check: unknown argument '$1' (try --help)" >&2; exit 2 ;;
  esac
done

log() { echo "gpu-check: $*" >&2; }

# Prints {"cuda": false, "reason": ..., "stage": ...} (to --report too) and exits with $3.
give_up() {
  local json
  json=$(python3 -c 'import json,sys; print(json.dumps({"cuda": False, "stage": sys.argv[1], "reason": sys.argv[2]}))' "$1" "$2")
  echo "$json"
  if [ -n "$REPORT" ]; then echo "$json" >"$REPORT"; fi
  exit "$3"
}

# 1. tools and GPU
if ! command -v python3 >/dev/null 2>&1; then
  echo '{"cuda": false, "stage": "preflight", "reason": "python3 not found: it installs the CUDA 12 wheels (apt-get install python3 python3-pip)"}'
  exit 2
fi
python3 -m pip --version >/dev/null 2>&1 || give_up preflight "python3 has no pip: it installs the CUDA 12 wheels (apt-get install python3-pip)" 2
if ! command -v nvidia-smi >/dev/null 2>&1; then
  give_up gpu "no NVIDIA driver: nvidia-smi not found, so there is no GPU to check; nothing was downloaded or built (the CPU benchmark is ./omnistream bench encoder)" 3
fi
if ! GPU_NAMES=$(nvidia-smi --query-gpu=name,driver_version --format=csv,noheader 2>&1) || [ -z "$GPU_NAMES" ]; then
  give_up gpu "nvidia-smi found no usable GPU: $GPU_NAMES" 3
fi
log "GPU: $GPU_NAMES"

# 2. CUDA 12 runtime wheels
t0=$(date +%s)
if [ -f "$CUDA12_DIR/.omnistream-requirements.txt" ] && cmp -s "$REQ" "$CUDA12_DIR/.omnistream-requirements.txt"; then
  log "CUDA 12 wheels already in $CUDA12_DIR"
else
  log "installing the CUDA 12 runtime wheels (~1.6 GB, hash-checked) into $CUDA12_DIR"
  index_args=()
  if [ -n "${CUDA12_WHEELS:-}" ]; then index_args=(--no-index --find-links "$CUDA12_WHEELS"); fi
  rm -rf "$CUDA12_DIR.partial"
  python3 -m pip install --disable-pip-version-check -q --require-hashes --no-deps --only-binary=:all: \
      "${index_args[@]}" --target "$CUDA12_DIR.partial" -r "$REQ" >&2 \
    || give_up wheels "pip could not install the pinned CUDA 12 wheels of $REQ (no PyPI? set CUDA12_WHEELS to a folder of them)" 4
  cp "$REQ" "$CUDA12_DIR.partial/.omnistream-requirements.txt"
  rm -rf "$CUDA12_DIR" && mv "$CUDA12_DIR.partial" "$CUDA12_DIR"
fi
WHEELS_S=$(( $(date +%s) - t0 ))
libdirs=$(find "$CUDA12_DIR/nvidia" -mindepth 2 -maxdepth 2 -type d -name lib | sort | paste -sd: -)
export LD_LIBRARY_PATH="$libdirs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
for lib in libcudart.so.12 libcublasLt.so.12 libcudnn.so.9 libcufft.so.11 libcurand.so.10; do
  if ! find "$CUDA12_DIR/nvidia" -name "$lib" | grep -q .; then
    give_up wheels "$lib missing under $CUDA12_DIR/nvidia after the install" 4
  fi
done

# 3. build with ONNX Runtime GPU (./omnistream rebuilds when OMNISTREAM_MAVEN_ARGS differ from the last build's)
export OMNISTREAM_MAVEN_ARGS="-Pgpu${GPU_CHECK_MAVEN_ARGS:+ $GPU_CHECK_MAVEN_ARGS}"
t0=$(date +%s)
log "building with $OMNISTREAM_MAVEN_ARGS (first time: downloads the onnxruntime_gpu jar, ~742 MB)"
"$ROOT/omnistream" --help >/dev/null || give_up build "the -Pgpu build failed (see the Maven output above)" 4
BUILD_S=$(( $(date +%s) - t0 ))
grep -q 'onnxruntime_gpu' "$ROOT/benchmarks/target/classpath.txt" \
  || give_up build "the build's classpath has no onnxruntime_gpu jar: -Pgpu did not take effect" 4

# 4. the runs
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failed=0
first=1
for model in $MODELS; do
  for texts in $TEXT_SETS; do
    for batch in $BATCHES; do
      name="$model-$texts-b$batch"
      log "run $name ($SECONDS_PER_RUN s raw + worker backlog)"
      if "$ROOT/omnistream" bench encoder --skip-latency --model "$model" --texts "$texts" --batch "$batch" \
          --seconds "$SECONDS_PER_RUN" -D encoder.execution-provider=CUDA --report "$work/$name.json" \
          >"$work/$name.log" 2>&1; then
        grep -E '^(raw ORT|worker):' "$work/$name.log" >&2 || true
      else
        tail -n 20 "$work/$name.log" >&2
        if [ "$first" = 1 ]; then
          give_up cuda "the first CUDA run ($name) failed: $(grep -m1 -E 'Exception|Error' "$work/$name.log" || tail -n 1 "$work/$name.log")" 4
        fi
        echo "{\"error\": \"run failed, see the log\"}" >"$work/$name.json"
        failed=1
      fi
      first=0
    done
  done
done

json=$(python3 "$ROOT/scripts/gpu_check_merge.py" --gpu "$GPU_NAMES" --cuda12-dir "$CUDA12_DIR" \
    --wheels-seconds "$WHEELS_S" --build-seconds "$BUILD_S" --total-seconds "$(( $(date +%s) - START ))" "$work"/*.json)
echo "$json"
if [ -n "$REPORT" ]; then echo "$json" >"$REPORT"; fi
if [ "$failed" = 1 ]; then exit 5; fi
