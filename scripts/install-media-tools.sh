#!/usr/bin/env bash
# Installs the Debian tools the media paths use: ffmpeg/ffprobe (video and audio decoding, slide videos), Tesseract
# with English data (OCR cascade), PocketSphinx with the US-English model (speech-recognition cascade), espeak-ng
# (synthesised speech for the cross-modal benchmark), DejaVu fonts (rendered document pages). Idempotent: does
# nothing when every tool is already there. Needs root (or sudo) and Debian's package mirrors.
set -euo pipefail

need=()
command -v ffmpeg >/dev/null 2>&1 || need+=(ffmpeg)
command -v tesseract >/dev/null 2>&1 || need+=(tesseract-ocr tesseract-ocr-eng)
command -v pocketsphinx_continuous >/dev/null 2>&1 || need+=(pocketsphinx pocketsphinx-en-us)
command -v espeak-ng >/dev/null 2>&1 || need+=(espeak-ng)
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || need+=(fonts-dejavu-core)
[ ${#need[@]} -eq 0 ] && exit 0

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 || { echo "install-media-tools: need root or sudo to apt-get install ${need[*]}" >&2; exit 1; }
  SUDO="sudo"
fi
echo "installing Debian packages: ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
