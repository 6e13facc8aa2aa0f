"""Static QDQ int8 quantisation of a BERT-family ONNX text encoder (BGE-small-en-v1.5) with onnxruntime.quantization.

Weights: int8, symmetric, per output channel. Activations: uint8 with one scale / zero point per tensor fixed at
build time by calibration (MinMax over a fixed text sample), so at run time no scale depends on the batch and a
text's vector does not depend on its batch-mates. Only the MatMuls against weights are quantised; attention's
activation x activation MatMuls, the FFN down-projection (input: the GELU output), Softmax, LayerNorm and GELU
stay fp32.

Usage: quantize_static.py FP32_ONNX TOKENIZER_JSON CALIBRATION_TEXTS(one per line) OUT_ONNX
"""
import sys

import numpy as np
import onnx
from onnx import version_converter
from onnxruntime.quantization import CalibrationDataReader, CalibrationMethod, QuantFormat, QuantType, quantize_static
from onnxruntime.quantization.shape_inference import quant_pre_process
from tokenizers import Tokenizer


class TextReader(CalibrationDataReader):
    """Feeds one text per call (batch 1, no padding), so calibration ranges are those of real tokens only."""

    def __init__(self, tokenizer_json, texts, max_tokens=512):
        self.tokenizer = Tokenizer.from_file(tokenizer_json)
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(max_tokens)
        self.texts = iter(texts)

    def get_next(self):
        text = next(self.texts, None)
        if text is None:
            return None
        ids = np.array([self.tokenizer.encode(text).ids], dtype=np.int64)
        return {"input_ids": ids, "attention_mask": np.ones_like(ids), "token_type_ids": np.zeros_like(ids)}


def main(fp32, tokenizer_json, texts_file, out):
    # The export is opset 11; per-channel DequantizeLinear (its 'axis' attribute) needs opset 13.
    upgraded = out + ".opset13.onnx"
    onnx.save(version_converter.convert_version(onnx.load(fp32), 13), upgraded)
    prepared = out + ".prep.onnx"
    # Symbolic shape inference cannot follow this export's Reshape chains; ONNX shape inference suffices for MatMuls.
    quant_pre_process(upgraded, prepared, skip_symbolic_shape=True)
    model = onnx.load(prepared)
    weights = {i.name for i in model.graph.initializer}
    # MatMuls whose second input is a constant weight; the attention score / context MatMuls (two activations) stay fp32.
    weight_matmuls = [n for n in model.graph.node if n.op_type == "MatMul" and n.input[1] in weights]
    # The FFN down-projection's input is the GELU output (a Mul after Erf), whose long tail one build-time uint8 scale
    # cannot cover: quantised, cosine to fp32 fell to ~0.96 on SciFact abstracts; kept fp32 it is ~0.997.
    producers = {out: n for n in model.graph.node for out in n.output}
    quantised = [n.name for n in weight_matmuls
                 if not (n.input[0] in producers and producers[n.input[0]].op_type == "Mul")]
    with open(texts_file, encoding="utf-8") as f:
        texts = [line.rstrip("\n") for line in f if line.strip()]
    quantize_static(
        prepared, out, TextReader(tokenizer_json, texts),
        quant_format=QuantFormat.QDQ,
        op_types_to_quantize=["MatMul"],
        nodes_to_quantize=quantised,
        per_channel=True,
        # 7-bit weights: AVX2 without VNNI multiplies u8 x s8 pairs into saturating int16 (vpmaddubsw).
        reduce_range=True,
        activation_type=QuantType.QUInt8,
        weight_type=QuantType.QInt8,
        calibrate_method=CalibrationMethod.MinMax,
        extra_options={"WeightSymmetric": True, "ActivationSymmetric": False},
    )
    print(f"quantised {len(quantised)} of {len(weight_matmuls)} weight MatMuls with {len(texts)} calibration texts -> {out}")


if __name__ == "__main__":
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    main(*sys.argv[1:])
