#!/usr/bin/env bash
# Cross-modal replay of one benchmark for several cascade models (by default the two recogniser choices:
# bge-small-en-v1.5-cascade-ppocr-whisper = PP-OCR on ONNX Runtime + Whisper tiny.en, bge-small-en-v1.5-cascade =
# Tesseract + PocketSphinx), one after the other through the embedded stack, then one table side by side: Hit@1 and
# NDCG@10 per task (exact path), and the audio rows of the modality-bias report (query->target Hit@1 and target
# modality accuracy).
#
# Usage: scripts/crossmodal-compare.sh [--media DIR] [--out DIR] [--tasks ID,ID,...] [MODEL ...]
#   --media DIR  output of ./omnistream build-crossmodal (default ~/.omnistream/crossmodal, built there if missing)
#   --out DIR    where each model's replay report (MODEL.json) and the table (compare.txt) go (default target/crossmodal-compare)
#   --tasks      only these tasks of the catalog (written as DIR/tasks-compare.json beside it); default: all of them
# Each model's replay is a fresh embedded stack (./omnistream replay --catalog ... --model MODEL --path exact);
# on 2 cores, about 10-25 minutes per model with the build-crossmodal defaults.
set -euo pipefail
cd "$(dirname "$0")/.."

media="$HOME/.omnistream/crossmodal"
out="target/crossmodal-compare"
models=()
tasks=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --media) media="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --tasks) tasks="$2"; shift 2 ;;
    -h|--help) sed -n 2,14p "$0"; exit 0 ;;
    *) models+=("$1"); shift ;;
  esac
done
[[ ${#models[@]} -gt 0 ]] || models=(bge-small-en-v1.5-cascade-ppocr-whisper bge-small-en-v1.5-cascade)
mkdir -p "$out"

if [[ ! -f "$media/tasks.json" ]]; then
  ./omnistream build-crossmodal --out "$media"
fi
catalog="$media/tasks.json"
if [[ -n "$tasks" ]]; then
  catalog="$media/tasks-compare.json"
  python3 - "$media/tasks.json" "$catalog" "$tasks" <<'PY'
import json, sys
src, dst, wanted = sys.argv[1], sys.argv[2], sys.argv[3].split(",")
catalog = json.load(open(src))
known = [t["id"] for t in catalog["tasks"]]
missing = [w for w in wanted if w not in known]
if missing:
    sys.exit("unknown task(s) %s; the catalog has %s" % (missing, known))
catalog["tasks"] = [t for t in catalog["tasks"] if t["id"] in wanted]
json.dump(catalog, open(dst, "w"), indent=2)
PY
fi
for m in "${models[@]}"; do
  echo "=== replay of $catalog with $m ==="
  start=$(date +%s)
  ./omnistream replay --catalog "$catalog" --model "$m" --path exact --report "$out/$m.json"
  echo "=== $m: $(( $(date +%s) - start )) s ==="
done

python3 - "$out" "${models[@]}" <<'PY' | tee "$out/compare.txt"
import json, sys, os
out, models = sys.argv[1], sys.argv[2:]
reports = {m: json.load(open(os.path.join(out, m + ".json"))) for m in models}
tasks = sorted({t for r in reports.values() for t in r if t != "bias"})
def cell(r, t, metric):
    v = r.get(t, {})
    if isinstance(v, dict) and "exact" in v:
        return "%5.1f" % (100 * v["exact"][metric])
    return "  n/s"  # not scored (dead-lettered items), see the report
def queries(r, t):
    v = r.get(t, {})
    return " (%3d q)" % v["exact"]["queries"] if isinstance(v, dict) and "exact" in v else "        "
print("cross-modal replay, exact path: Hit@1 / NDCG@10 (x100), scored queries (a query whose media was dead-lettered")
print("is left out, so fewer queries than the task has means some recognised nothing)")
print("%-22s" % "task" + "".join(" %40s" % m for m in models))
for t in tasks:
    print("%-22s" % t + "".join(" %40s" % (cell(reports[m], t, "hit@1") + " / " + cell(reports[m], t, "ndcg@10")
                                           + queries(reports[m], t)) for m in models))
print()
print("modality-bias report, audio rows (all tasks, last epoch)")
for m in models:
    for version, b in reports[m].get("bias", {}).items():
        rows = b.get("all_tasks", {})
        for metric in ("hit@1", "target_modality_accuracy", "query_modality_bias@10"):
            audio = {k: round(v, 3) for k, v in rows.get(metric, {}).items() if k.startswith("AUDIO")}
            if audio:
                print("%-36s %-26s %s" % (m, metric, audio))
PY
