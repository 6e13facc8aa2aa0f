"""Writes the fixed calibration sample for static int8 quantisation: SciFact abstracts (title + ' ' + sentences joined
with one space, as BEIR built its corpus) sorted by doc_id, every STEP-th, COUNT of them. Deterministic: the same
scifact.zip gives the same file byte for byte.

Usage: calibration_texts.py SCIFACT_ZIP OUT_TXT [COUNT=128] [STEP=40]
"""
import ast
import csv
import io
import re
import sys
import zipfile

# The abstract column is a printed NumPy array of Python string literals separated by newline + space; a comma between
# adjacent literals makes it a Python list literal.
BETWEEN_LITERALS = re.compile(r"""(['"])\n (['"])""")


def documents(zip_path):
    csv.field_size_limit(1 << 30)
    with zipfile.ZipFile(zip_path) as z, z.open("corpus_train.csv") as raw:
        for row in csv.DictReader(io.TextIOWrapper(raw, encoding="utf-8", newline="")):
            sentences = ast.literal_eval(BETWEEN_LITERALS.sub(r"\1, \2", row["abstract"]))
            yield int(row["doc_id"]), (row["title"] + " " + " ".join(sentences)).replace("\n", " ")


def main(zip_path, out, count=128, step=40):
    docs = sorted(documents(zip_path))
    sample = docs[::int(step)][:int(count)]
    if len(sample) < int(count):
        sys.exit(f"only {len(sample)} calibration texts in {zip_path}, need {count}")
    with open(out, "w", encoding="utf-8", newline="\n") as f:
        for _, text in sample:
            f.write(text + "\n")


if __name__ == "__main__":
    if len(sys.argv) not in (3, 4, 5):
        sys.exit(__doc__)
    main(*sys.argv[1:])
