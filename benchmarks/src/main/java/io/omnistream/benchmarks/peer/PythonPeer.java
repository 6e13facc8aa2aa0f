package io.omnistream.benchmarks.peer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.omnistream.encoder.batch.PaddingSide;
import io.omnistream.encoder.model.InstructionMode;
import io.omnistream.encoder.model.ModelSource;
import io.omnistream.encoder.model.ModelSpec;
import io.omnistream.encoder.model.Pooling;
import io.omnistream.encoder.model.Side;
import io.omnistream.runtime.process.EchoedCommand;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The Python peer of {@code bench encoder}: {@code peer_encoder.py} (ONNX Runtime + Hugging Face tokenizers, CPU) in
 * the venv of {@link PythonPeerVenv}, on the same ONNX file and tokenizer.json as the Java encoder (copied out of the
 * {@link ModelSpec}'s sources), the same texts in the same order, batch size, pooling, truncation and intra-op
 * threads. It runs as a child process after the Java phases have gone idle, never beside them.
 */
public final class PythonPeer {
    static final String SCRIPT_RESOURCE = "peer_encoder.py";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path python;

    public PythonPeer(Path python) {
        this.python = python;
    }

    /** The peer in the default venv, created on first use with {@code python3}. */
    public static PythonPeer installed() {
        return new PythonPeer(PythonPeerVenv.ensureInstalled(PythonPeerVenv.defaultVenvDir(), "python3"));
    }

    /**
     * Measures the peer's throughput and computes the vectors of the first {@code checkCount} texts.
     *
     * @param threads ONNX Runtime intra-op threads; 0 = its default (as {@code encoder.intra-op-threads})
     * @param seconds measured time after two warm-up batches
     */
    public PeerResult run(ModelSpec spec, List<String> texts, int batch, int seconds, int threads, int checkCount) {
        checkComparable(spec);
        Path dir = null;
        try {
            dir = Files.createTempDirectory("omnistream-peer");
            Path model = materialise(spec.onnx(), dir.resolve("model.onnx"));
            Path tokenizer = materialise(spec.tokenizer(), dir.resolve("tokenizer.json"));
            Path script = dir.resolve(SCRIPT_RESOURCE);
            Files.writeString(script, PythonPeerVenv.resourceText(SCRIPT_RESOURCE));
            Path textFile = dir.resolve("texts.jsonl");
            writeTexts(texts, textFile);
            Path vectors = dir.resolve("vectors.f32");
            List<String> lines = EchoedCommand.run(command(python, script, model, tokenizer, textFile, spec, batch,
                    seconds, threads, vectors, checkCount), "[peer] ", seconds + 600L, TimeUnit.SECONDS);
            return parse(lastJsonLine(lines), readVectors(vectors, Math.min(checkCount, texts.size()), spec.dimension()));
        } catch (IOException e) {
            throw new UncheckedIOException("Python peer: " + e.getMessage(), e);
        } finally {
            deleteQuietly(dir);
        }
    }

    /** The peer script's command line; every setting that shapes the work is passed explicitly. */
    static List<String> command(Path python, Path script, Path model, Path tokenizer, Path texts, ModelSpec spec,
                                int batch, int seconds, int threads, Path vectorsOut, int checkCount) {
        List<String> cmd = new ArrayList<>(List.of(python.toString(), "-u", script.toString(),
                "--model", model.toString(), "--tokenizer", tokenizer.toString(), "--texts", texts.toString(),
                "--batch", Integer.toString(batch), "--seconds", Integer.toString(seconds),
                "--pooling", spec.pooling().name(), "--max-tokens", Integer.toString(spec.maxTokens()),
                "--threads", Integer.toString(threads)));
        if (checkCount > 0) {
            cmd.addAll(List.of("--vectors-out", vectorsOut.toString(), "--check-count", Integer.toString(checkCount)));
        }
        return cmd;
    }

    /**
     * The peer embeds texts as they are; a model whose documents get an instruction prefix would make it do
     * different work than the Java side, so such a model is refused rather than compared unfairly.
     */
    static void checkComparable(ModelSpec spec) {
        // the peer script pads right, pools CLS or MEAN, and feeds the tokenizer's ids as they are
        if (spec.pooling() == Pooling.LAST_TOKEN || spec.paddingSide() != PaddingSide.RIGHT || spec.appendEos()
                || spec.instructionMode() == InstructionMode.TEMPLATE) {
            throw new IllegalArgumentException("--peer python: model '" + spec.id() + "' is a decoder embedder (last-token "
                    + "pooling, left padding, an appended EOS or prompt templates), which the peer's loop does not "
                    + "implement; pick an encoder model (CLS or MEAN pooling)");
        }
        if (spec.instructionMode() != InstructionMode.NONE && !spec.instructionFor(Side.DOCUMENT, null).isEmpty()) {
            throw new IllegalArgumentException("--peer python: model '" + spec.id() + "' prefixes documents with an "
                    + "instruction, which the peer does not apply; pick a model without a document instruction");
        }
    }

    /** Parses the script's result line; {@code vectors} are the check vectors it wrote. */
    static PeerResult parse(String json, float[][] vectors) throws IOException {
        JsonNode n = JSON.readTree(json);
        for (String field : List.of("items_per_second", "items", "seconds", "onnxruntime_version", "threads")) {
            if (!n.hasNonNull(field)) {
                throw new IllegalStateException("Python peer result lacks '" + field + "': " + json);
            }
        }
        return new PeerResult("python-onnxruntime-" + n.get("onnxruntime_version").asText()
                + (n.hasNonNull("tokenizers_version") ? "+tokenizers-" + n.get("tokenizers_version").asText() : ""),
                n.get("items_per_second").asDouble(), n.get("items").asLong(), n.get("seconds").asDouble(),
                n.get("threads").asInt(), vectors);
    }

    static String lastJsonLine(List<String> lines) {
        for (int i = lines.size() - 1; i >= 0; i--) {
            String line = lines.get(i).trim();
            if (line.startsWith("{")) {
                return line;
            }
        }
        throw new IllegalStateException("the Python peer printed no JSON result");
    }

    /** One JSON string per line, so texts with newlines survive and Python reads them with json.loads. */
    static void writeTexts(List<String> texts, Path file) throws IOException {
        List<String> lines = new ArrayList<>(texts.size());
        for (String t : texts) {
            lines.add(JSON.writeValueAsString(t));
        }
        Files.write(file, lines);
    }

    static float[][] readVectors(Path file, int count, int dimension) throws IOException {
        if (count == 0) {
            return new float[0][];
        }
        byte[] bytes = Files.readAllBytes(file);
        if (bytes.length != (long) count * dimension * Float.BYTES) {
            throw new IllegalStateException("Python peer wrote " + bytes.length + " bytes of vectors, expected "
                    + count + " x " + dimension + " float32");
        }
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        float[][] out = new float[count][dimension];
        for (float[] v : out) {
            buf.asFloatBuffer().get(v);
            buf.position(buf.position() + dimension * Float.BYTES);
        }
        return out;
    }

    private static Path materialise(ModelSource source, Path target) throws IOException {
        if (source.filePath() != null) {
            return source.filePath();
        }
        try (InputStream in = source.open()) {
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        }
        return target;
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.out.println("[peer] could not delete " + dir + ": " + e.getMessage());
        }
    }
}
