package io.omnistream.benchmarks.peer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.omnistream.encoder.model.InstructionMode;
import io.omnistream.encoder.model.ModelRegistry;
import io.omnistream.encoder.model.ModelSpec;
import io.omnistream.encoder.model.Pooling;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The peer's plumbing (command line, result parsing, files); its numbers come from {@code bench encoder --peer python}. */
class PythonPeerTest {
    private static final ModelSpec BGE = ModelRegistry.bundled().get("bge-small-en-v1.5");
    private static final ModelSpec MINILM = ModelRegistry.bundled().get("all-minilm-l6-v2");

    @TempDir
    Path dir;

    @Test
    void commandPassesEveryWorkShapingSettingOfTheModel() {
        List<String> cmd = PythonPeer.command(Path.of("/v/bin/python"), Path.of("s.py"), Path.of("m.onnx"),
                Path.of("t.json"), Path.of("x.jsonl"), MINILM, 32, 30, 2, Path.of("v.f32"), 8);
        assertThat(String.join(" ", cmd)).isEqualTo("/v/bin/python -u s.py --model m.onnx --tokenizer t.json "
                + "--texts x.jsonl --batch 32 --seconds 30 --pooling MEAN --max-tokens 256 --threads 2 "
                + "--vectors-out v.f32 --check-count 8");
    }

    @Test
    void commandForBgeUsesClsAnd512TokensAndNoCheckWhenNoneIsAsked() {
        List<String> cmd = PythonPeer.command(Path.of("py"), Path.of("s.py"), Path.of("m.onnx"), Path.of("t.json"),
                Path.of("x.jsonl"), BGE, 256, 5, 0, Path.of("v.f32"), 0);
        assertThat(cmd).containsSequence("--pooling", "CLS").containsSequence("--max-tokens", "512")
                .containsSequence("--threads", "0").doesNotContain("--vectors-out");
    }

    @Test
    void parsesTheScriptsResultLine() throws Exception {
        String line = PythonPeer.lastJsonLine(List.of("some warning", "{\"items_per_second\": 8.25, \"items\": 256, "
                + "\"seconds\": 31.03, \"onnxruntime_version\": \"1.28.0\", \"tokenizers_version\": \"0.23.3\", \"threads\": 0}"));
        PeerResult r = PythonPeer.parse(line, new float[0][]);
        assertThat(r.name()).isEqualTo("python-onnxruntime-1.28.0+tokenizers-0.23.3");
        assertThat(r.itemsPerSecond()).isEqualTo(8.25);
        assertThat(r.items()).isEqualTo(256);
        assertThat(r.seconds()).isEqualTo(31.03);
        assertThat(r.threads()).isZero();
    }

    @Test
    void aResultWithoutThroughputOrNoResultAtAllIsAnError() {
        assertThatThrownBy(() -> PythonPeer.parse("{\"items\": 1, \"seconds\": 1, \"onnxruntime_version\": \"x\", \"threads\": 0}", null))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("items_per_second");
        assertThatThrownBy(() -> PythonPeer.lastJsonLine(List.of("Traceback ...", "ImportError: numpy")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("no JSON result");
    }

    @Test
    void textsAreOneJsonStringPerLineSoNewlinesSurvive() throws Exception {
        Path file = dir.resolve("t.jsonl");
        PythonPeer.writeTexts(List.of("a\nb", "quote \" and ü"), file);
        assertThat(Files.readAllLines(file, StandardCharsets.UTF_8)).containsExactly("\"a\\nb\"", "\"quote \\\" and ü\"");
    }

    @Test
    void readsLittleEndianFloat32Rows() throws Exception {
        ByteBuffer buf = ByteBuffer.allocate(6 * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : new float[] {1f, -2f, 0.5f, 3f, 4f, -0.25f}) {
            buf.putFloat(f);
        }
        Path file = dir.resolve("v.f32");
        Files.write(file, buf.array());
        float[][] v = PythonPeer.readVectors(file, 2, 3);
        assertThat(v[0]).containsExactly(1f, -2f, 0.5f);
        assertThat(v[1]).containsExactly(3f, 4f, -0.25f);
        assertThatThrownBy(() -> PythonPeer.readVectors(file, 3, 3)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("expected 3 x 3 float32");
    }

    @Test
    void bundledModelsAreComparableButADocumentInstructionIsRefused() {
        PythonPeer.checkComparable(BGE);
        PythonPeer.checkComparable(MINILM);
        ModelSpec instructed = new ModelSpec("e5", "e5-v1", BGE.onnx(), BGE.tokenizer(), BGE.pooling(), BGE.dimension(),
                BGE.maxTokens(), BGE.instructionMode(), "query: ", "passage: ", BGE.modalities());
        assertThatThrownBy(() -> PythonPeer.checkComparable(instructed)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("model 'e5' prefixes documents");
        ModelSpec decoder = new ModelSpec("qwen", "qwen-v1", BGE.onnx(), BGE.tokenizer(), Pooling.LAST_TOKEN,
                BGE.dimension(), BGE.maxTokens(), InstructionMode.NONE, null, null, BGE.modalities());
        assertThatThrownBy(() -> PythonPeer.checkComparable(decoder)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("model 'qwen' is a decoder embedder");
    }

    @Test
    void requirementsPinEveryPackageWithHashes() {
        String req = PythonPeerVenv.requirements();
        assertThat(req).contains("onnxruntime==1.28.0 \\").contains("tokenizers==").contains("numpy==")
                .contains("--hash=sha256:");
        assertThat(PythonPeerVenv.resourceText(PythonPeer.SCRIPT_RESOURCE)).contains("def main()");
    }
}
