# Kubernetes exec probe of the Whisper sidecar (image omnistream-whisper): exit 0 when the server on 127.0.0.1:PORT
# answers GET /health with {"ready": true}, 1 otherwise. An exec probe because the server binds loopback only (no
# other pod may call it), which kubelet's httpGet probes - sent to the pod IP - cannot reach.
#
#   python whisper_probe.py --port 9500 [--timeout 4]
#
# Stdlib only and nothing imported from the model stack, so a probe costs ~30 ms of CPU, not the server's imports.
import argparse, json, sys, urllib.request

parser = argparse.ArgumentParser(description="readiness of the Whisper server on loopback")
parser.add_argument("--port", type=int, required=True)
parser.add_argument("--timeout", type=float, default=4.0, help="seconds")
args = parser.parse_args()
try:
    with urllib.request.urlopen(f"http://127.0.0.1:{args.port}/health", timeout=args.timeout) as r:
        ready = r.status == 200 and json.load(r).get("ready") is True
except Exception as e:  # refused, timeout, not JSON: not ready, and say why in the probe's event
    print(f"whisper not ready: {e}", file=sys.stderr)
    sys.exit(1)
if not ready:
    print("whisper answered /health but is not ready", file=sys.stderr)
sys.exit(0 if ready else 1)
