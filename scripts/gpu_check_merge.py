"""Merges the per-run reports of scripts/gpu-check.sh into one JSON object (printed to stdout).

Each report file is named <model>-<texts>-b<batch>.json and holds what `bench encoder --report` writes (or
{"error": ...} for a failed run). The result keeps every report whole under "runs" and adds the goals of issue 15
item 6 as checks: worker >= 0.8x raw ORT-CUDA in every run, MiniLM on short claims >= 20,000 items/s.
"""
import argparse
import json
import os
import sys

WORKER_VS_RAW_GOAL = 0.8
MINILM_CLAIMS_GOAL = 20_000.0


def merge(paths, gpu, cuda12_dir, wheels_s, build_s, total_s):
    runs = []
    for path in sorted(paths):
        with open(path, encoding="utf-8") as f:
            report = json.load(f)
        runs.append({"run": os.path.basename(path)[: -len(".json")], **report})
    done = [r for r in runs if "error" not in r]
    minilm_claims = [r["raw_ort_items_per_second"] for r in done
                     if r.get("model") == "all-minilm-l6-v2" and "claims" in r.get("texts", "")]
    return {
        "cuda": bool(done) and all(r.get("execution_provider") == "CUDA" for r in done),
        "gpu": gpu,
        "cuda12_dir": cuda12_dir,
        "setup_seconds": {"wheels": wheels_s, "build": build_s},
        "total_seconds": total_s,
        "failed_runs": [r["run"] for r in runs if "error" in r],
        "goals": {
            "worker_vs_raw_min": min((r["worker_vs_raw"] for r in done), default=None),
            "worker_vs_raw_goal": WORKER_VS_RAW_GOAL,
            "minilm_claims_raw_items_per_second_max": max(minilm_claims, default=None),
            "minilm_claims_goal": MINILM_CLAIMS_GOAL,
        },
        "runs": runs,
    }


def main(argv):
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--gpu", required=True)
    p.add_argument("--cuda12-dir", required=True)
    p.add_argument("--wheels-seconds", type=int, required=True)
    p.add_argument("--build-seconds", type=int, required=True)
    p.add_argument("--total-seconds", type=int, required=True)
    p.add_argument("reports", nargs="+")
    a = p.parse_args(argv)
    print(json.dumps(merge(a.reports, a.gpu, a.cuda12_dir, a.wheels_seconds, a.build_seconds, a.total_seconds)))


if __name__ == "__main__":
    main(sys.argv[1:])
