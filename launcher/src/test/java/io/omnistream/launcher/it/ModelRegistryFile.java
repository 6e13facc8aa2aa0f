package io.omnistream.launcher.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A model registry file with one BGE-small-en-v1.5 fp32 entry (the weights shipped on the classpath), for ITs that
 * serve a model version of their own: a cascade, a post-processing step, another id.
 */
final class ModelRegistryFile {
    /** Entry lines: PDF pages read by Tesseract (one page, 150 DPI). */
    static final String DOCUMENT_BY_TESSERACT =
            "    cascades:\n      DOCUMENT: {recognizer: tesseract, lang: eng, psm: \"3\", dpi: \"150\", maxPages: \"1\"}\n";

    private ModelRegistryFile() {
    }

    /**
     * Writes {@code file} with the entry {@code id}/{@code version} serving {@code modalities} (YAML list, e.g.
     * {@code [TEXT, DOCUMENT]}), followed by {@code extraLines} (indented as entry keys).
     */
    static Path write(Path file, String id, String version, String modalities, String extraLines) throws IOException {
        Files.writeString(file, """
                models:
                  - id: %s
                    version: %s
                    default: true
                    onnx: classpath:bge-small-en-v1.5.onnx
                    tokenizer: classpath:bge-small-en-v1.5-tokenizer.json
                    pooling: CLS
                    dimension: 384
                    maxTokens: 512
                    instructions: PREFIX
                    queryInstruction: "Represent this sentence for searching relevant passages: "
                    documentInstruction: ""
                    modalities: %s
                """.formatted(id, version, modalities) + extraLines);
        return file;
    }
}
