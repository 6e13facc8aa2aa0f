"""The Python peer of `./omnistream bench encoder --peer python`: the loop a user would write in ten lines.

ONNX Runtime + Hugging Face `tokenizers` on the same ONNX file and tokenizer.json the Java encoder uses, the same
texts in the same order (cycled), the same batch size, pooling, truncation and L2 normalisation. Each batch is
padded to its own longest text (tokenizers' BatchLongest padding); there is no length bucketing, so the Java side's
bucketing is an advantage it earns, not a difference in the work per text.

Prints one JSON object on the last line of stdout:
  {"items_per_second", "items", "seconds", "onnxruntime_version", "tokenizers_version", "threads"}
With --vectors-out it also writes the vectors of the first --check-count texts (float32, row-major, little-endian)
so the caller can check that both sides compute the same vectors.
"""
import argparse
import json
import sys
import time

import numpy as np
import onnxruntime as ort
from tokenizers import Tokenizer


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--model", required=True, help="ONNX file")
    p.add_argument("--tokenizer", required=True, help="tokenizer.json")
    p.add_argument("--texts", required=True, help="UTF-8 file, one JSON string per line")
    p.add_argument("--batch", type=int, required=True)
    p.add_argument("--seconds", type=float, required=True, help="measured duration, after warm-up")
    p.add_argument("--pooling", choices=["CLS", "MEAN"], required=True)
    p.add_argument("--max-tokens", type=int, required=True, help="truncation length, special tokens included")
    p.add_argument("--threads", type=int, default=0, help="intra-op threads; 0 = ONNX Runtime's default")
    p.add_argument("--warmup-batches", type=int, default=2)
    p.add_argument("--vectors-out", help="write the vectors of the first --check-count texts here")
    p.add_argument("--check-count", type=int, default=0)
    a = p.parse_args()

    with open(a.texts, encoding="utf-8") as f:
        texts = [json.loads(line) for line in f if line.strip()]
    if not texts:
        sys.exit("no texts in " + a.texts)

    tok = Tokenizer.from_file(a.tokenizer)
    tok.enable_truncation(max_length=a.max_tokens)
    tok.enable_padding(pad_id=0)  # to the batch's longest; [PAD] is id 0 in these BERT vocabularies
    so = ort.SessionOptions()
    so.intra_op_num_threads = a.threads
    session = ort.InferenceSession(a.model, so, providers=["CPUExecutionProvider"])
    input_names = {i.name for i in session.get_inputs()}
    outputs = [o.name for o in session.get_outputs()]
    output = "last_hidden_state" if "last_hidden_state" in outputs else outputs[0]

    def encode(batch_texts):
        enc = tok.encode_batch(batch_texts)
        ids = np.array([e.ids for e in enc], dtype=np.int64)
        mask = np.array([e.attention_mask for e in enc], dtype=np.int64)
        feed = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in input_names:
            feed["token_type_ids"] = np.array([e.type_ids for e in enc], dtype=np.int64)
        hidden = session.run([output], feed)[0]
        if a.pooling == "CLS":
            v = hidden[:, 0]
        else:
            m = mask[:, :, None].astype(np.float32)
            v = (hidden * m).sum(axis=1) / np.maximum(m.sum(axis=1), 1.0)
        return v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-12)

    if a.vectors_out and a.check_count > 0:
        vectors = encode(texts[: a.check_count]).astype("<f4")
        with open(a.vectors_out, "wb") as f:
            f.write(vectors.tobytes(order="C"))

    cursor = 0

    def next_batch():
        nonlocal cursor
        out = [texts[(cursor + i) % len(texts)] for i in range(a.batch)]
        cursor += a.batch
        return out

    for _ in range(a.warmup_batches):
        encode(next_batch())
    items = 0
    start = time.perf_counter()
    end = start + a.seconds
    while time.perf_counter() < end:
        encode(next_batch())
        items += a.batch
    elapsed = time.perf_counter() - start
    print(json.dumps({
        "items_per_second": items / elapsed,
        "items": items,
        "seconds": elapsed,
        "onnxruntime_version": ort.__version__,
        "tokenizers_version": __import__("tokenizers").__version__,
        "threads": a.threads,
    }))


if __name__ == "__main__":
    main()
