package io.omnistream.encoder.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.omnistream.encoder.tower.PlumbingOnnxFixture;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.stream.LongStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * TextEncoder for decoder embedders (last-token pooling, padding side, position ids, appended EOS, prompt templates)
 * on real ONNX Runtime sessions over the decoder-shaped PLUMBING FIXTURE of make_plumbing_onnx.py, registered in the
 * test-only {@code fixtures/decoder-models.yaml}. The graph has no semantics; it computes a known causal function, so
 * every expected vector here is worked out from its weights, independently of the encoder:
 *
 * <pre>
 *   E[i] = [1, i, (i * i) % 7, 3 - i % 4]                                       (embedding row of token id i)
 *   h_t  = E[id_t] + sum over s &lt;= t of mask_s * (position_s + 1) * E[id_s]     (with position_ids)
 *   h_t  = E[id_t] + sum over s &lt;= t of mask_s * E[id_s]                        (the graph without them)
 * </pre>
 *
 * So the pooled state of a text is E[EOS] plus its tokens weighted 1, 2, 3, ... from its first token; a padded
 * position's own state has E[pad id 0] as residual instead, and positions counted from the start of a left-padded row
 * would weight the tokens differently: both mistakes change the vector, which the tests check they would notice.
 */
class DecoderTextEncoderTest {
    /** The fixture tokenizer's vocabulary (DECODER_VOCAB in make_plumbing_onnx.py); id = index. */
    private static final List<String> VOCAB = List.of("<unk>", "<|endoftext|>", "Instruct", ":", "Query", "find",
            "papers", "about", "the", "cat", "sat", "on", "mat", "a", "dog", "ran", "far", "away", ".", "-");
    private static final long EOS = 1;
    private static final long PAD = 0;
    private static final float TOLERANCE = 1e-6f;
    private static final ProviderMetrics METRICS = new ProviderMetrics(new PrometheusRegistry());
    /** One ONNX Runtime run per call: every batch below is really padded to its longest text. */
    private static final EncoderSettings ONE_RUN = EncoderSettings.defaults()
            .withExecutionProvider(ExecutionProvider.CPU).withMaxPaddingRatio(Double.POSITIVE_INFINITY);

    private static final String LONGEST = "a dog ran far away .";
    private static final String LONG = "the cat sat on the mat";
    private static final String MIDDLE = "the cat sat";
    private static final String SHORT = "a dog";
    /** The same texts in three orders: the middle text alone, among longer and shorter ones, first and last. */
    private static final List<List<String>> BATCHES = List.of(List.of(MIDDLE), List.of(LONG, MIDDLE, SHORT),
            List.of(MIDDLE, SHORT, LONGEST), List.of(SHORT, LONGEST, LONG, MIDDLE));

    /** Per test, so that without Python every test is reported skipped with the reason (see PlumbingOnnxFixture). */
    @BeforeEach
    void requireFixtures() {
        PlumbingOnnxFixture.directory();
    }

    @Test
    void aTextHasTheSameVectorAloneAndInAnyBatchWithLeftOrRightPadding() {
        for (String id : List.of("decoder-left", "decoder-right")) {
            try (TextEncoder encoder = load(id, Function.identity())) {
                for (List<String> batch : BATCHES) {
                    float[][] vectors = encoder.encode(batch, Side.DOCUMENT);
                    for (int i = 0; i < batch.size(); i++) {
                        assertThat(vectors[i]).as("%s: '%s' in %s", id, batch.get(i), batch)
                                .containsExactly(lastState(withEos(ids(batch.get(i))), true), within(TOLERANCE));
                    }
                }
            }
        }
    }

    @Test
    void aGraphWithoutPositionIdsGetsNoneAndTheSameVectorsInAnyBatch() {
        try (TextEncoder encoder = load("decoder-left-no-positions", Function.identity())) {
            for (List<String> batch : BATCHES) {
                float[][] vectors = encoder.encode(batch, Side.QUERY);
                for (int i = 0; i < batch.size(); i++) {
                    assertThat(vectors[i]).as("'%s' in %s", batch.get(i), batch)
                            .containsExactly(lastState(withEos(ids(batch.get(i))), false), within(TOLERANCE));
                }
            }
        }
    }

    @Test
    void theWrongTokenOrWrongPositionsWouldGiveAnotherVector() {
        long[] shortIds = withEos(ids(SHORT)); // 3 tokens in a run 7 wide (LONGEST + EOS)
        float[] expected = lastState(shortIds, true);
        // right padding: the run's final position is padding; its state has E[pad] as residual instead of E[EOS]
        float[] finalPositionOfRightPaddedRow = unit(plus(embedding(PAD), weightedSum(shortIds, 0, true)));
        // left padding with positions counted from the row start (4 pads) instead of from the mask
        float[] rowStartPositions = unit(plus(embedding(EOS), weightedSum(shortIds, 4, true)));
        // each mistake moves the vector by far more than the tolerance the vectors are checked with
        assertThat(distance(expected, finalPositionOfRightPaddedRow)).isGreaterThan(1000 * TOLERANCE);
        assertThat(distance(expected, rowStartPositions)).isGreaterThan(1000 * TOLERANCE);
        for (String id : List.of("decoder-left", "decoder-right")) {
            try (TextEncoder encoder = load(id, Function.identity())) {
                float[] actual = encoder.encode(List.of(SHORT, LONGEST), Side.DOCUMENT)[0];
                assertThat(actual).as(id).containsExactly(expected, within(TOLERANCE));
            }
        }
    }

    @Test
    void theEosIsAppendedAfterTruncationSoALongTextStillEndsWithIt() {
        String fifteenWords = "the cat sat on the mat a dog ran far away . the cat sat";
        long[] kept = Arrays.copyOf(ids(fifteenWords), 11); // maxTokens 12 = 11 text tokens + EOS
        try (TextEncoder encoder = load("decoder-left", Function.identity())) {
            long[] seen = encoder.tokenIds(fifteenWords, Side.DOCUMENT, "");
            assertThat(seen).containsExactly(withEos(kept));
            float[][] vectors = encoder.encode(List.of(SHORT, fifteenWords), Side.DOCUMENT);
            assertThat(vectors[1]).containsExactly(lastState(withEos(kept), true), within(TOLERANCE));
            // eleven words fit exactly: nothing is cut, the EOS is the twelfth token
            String elevenWords = "the cat sat on the mat a dog ran far away";
            assertThat(encoder.tokenIds(elevenWords, Side.DOCUMENT, "")).containsExactly(withEos(ids(elevenWords)));
            // a query: the template counts towards the limit, the EOS still ends it
            long[] query = encoder.tokenIds(fifteenWords, Side.QUERY, encoder.spec().instructionFor(Side.QUERY, null));
            assertThat(query).hasSize(12).endsWith(EOS);
        }
    }

    @Test
    void templatesProduceTheExactTokenSequence() {
        try (TextEncoder encoder = load("decoder-left", Function.identity())) {
            ModelSpec spec = encoder.spec();
            String defaultInstruction = spec.instructionFor(Side.QUERY, null);
            assertThat(defaultInstruction).isEqualTo("find papers about");
            // "Instruct: find papers about\nQuery:the cat" + EOS
            assertThat(encoder.tokenIds("the cat", Side.QUERY, defaultInstruction))
                    .containsExactly(2, 3, 5, 6, 7, 4, 3, 8, 9, EOS);
            // an event's own instruction fills the slot instead
            assertThat(encoder.tokenIds("the cat", Side.QUERY, spec.instructionFor(Side.QUERY, "find a dog")))
                    .containsExactly(2, 3, 5, 13, 14, 4, 3, 8, 9, EOS);
            // documents: "{text}" has no instruction slot, so an event's instruction is not applied (nor recorded)
            assertThat(spec.instructionFor(Side.DOCUMENT, "find a dog")).isEmpty();
            assertThat(encoder.tokenIds("the cat", Side.DOCUMENT, "")).containsExactly(8, 9, EOS);
            // and the vector is the graph's state after exactly those tokens
            assertThat(encoder.encode(List.of("the cat"), Side.QUERY)[0])
                    .containsExactly(lastState(new long[] {2, 3, 5, 6, 7, 4, 3, 8, 9, EOS}, true), within(TOLERANCE));
            // a batch of queries and documents is written side by side
            float[][] mixed = encoder.encodeWithInstruction(List.of("the cat", "the cat"),
                    List.of(Side.DOCUMENT, Side.QUERY), List.of("", defaultInstruction));
            assertThat(mixed[0]).containsExactly(lastState(new long[] {8, 9, EOS}, true), within(TOLERANCE));
            assertThat(mixed[1]).containsExactly(lastState(new long[] {2, 3, 5, 6, 7, 4, 3, 8, 9, EOS}, true),
                    within(TOLERANCE));
            assertThatThrownBy(() -> encoder.encodeWithInstruction(List.of("the cat"), List.of("")))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("with each text's side");
        }
    }

    @Test
    void paddingSideEosAndTemplatesArePartOfTheModelVersion() {
        String base;
        try (TextEncoder encoder = load("decoder-left", Function.identity())) {
            base = encoder.modelVersion();
        }
        assertThat(base).matches("plumbing-decoder-left-last-eos-12@[0-9a-f]{12}");
        List<Function<String, String>> changes = List.of(
                yaml -> yaml.replace("Query:{text}", "Query: {text}"),
                yaml -> yaml.replace("documentTemplate: \"{text}\"", "documentTemplate: \"Passage: {text}\""),
                yaml -> yaml.replaceFirst("paddingSide: left", "paddingSide: right"),
                yaml -> yaml.replaceFirst("    appendEos: true\n    eosToken: \"<\\|endoftext\\|>\"\n", ""));
        for (Function<String, String> change : changes) {
            try (TextEncoder changed = load("decoder-left", change)) {
                assertThat(changed.spec().version()).isEqualTo("plumbing-decoder-left-last-eos-12");
                assertThat(changed.modelVersion()).startsWith("plumbing-decoder-left-last-eos-12@").isNotEqualTo(base);
            }
        }
    }

    @Test
    void anEosTokenThatIsNotOneTokenOrIsAlreadyAppendedIsRefusedAtLoad() {
        assertThatThrownBy(() -> load("decoder-left", yaml -> yaml.replaceFirst("<\\|endoftext\\|>", "</s>")))
                .isInstanceOf(ModelLoadException.class).hasMessageContaining("eosToken '</s>' is not one token");
        assertThatThrownBy(() -> load("decoder-left", yaml -> yaml.replaceFirst("<\\|endoftext\\|>", "EOS")))
                .isInstanceOf(ModelLoadException.class).hasMessageContaining("eosToken 'EOS' is not one token")
                .hasMessageContaining("decode to '<unk>'");
        assertThatThrownBy(() -> load("decoder-left", yaml -> yaml.replaceFirst("plumbing_decoder_tokenizer.json",
                PlumbingOnnxFixture.DECODER_TOKENIZER_APPENDS_EOS)))
                .isInstanceOf(ModelLoadException.class).hasMessageContaining("already appends eosToken");
    }

    @Test
    void aGraphWithoutTextInputsIsRefusedAtLoad() {
        assertThatThrownBy(() -> load("decoder-left", yaml -> yaml.replaceFirst("plumbing_decoder.onnx",
                "plumbing_image_nchw.onnx")))
                .isInstanceOf(ModelLoadException.class).hasMessageContaining("has no input input_ids");
    }

    // ---- the encoder under test, from the test registry (optionally edited) ----

    private static TextEncoder load(String id, Function<String, String> edit) {
        String yaml = edit.apply(resource("fixtures/decoder-models.yaml"));
        ModelRegistry registry = ModelRegistry.parse(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)),
                "decoder-models.yaml", PlumbingOnnxFixture.directory());
        return TextEncoder.load(registry.get(id), ONE_RUN, METRICS);
    }

    private static String resource(String name) {
        try (InputStream in = DecoderTextEncoderTest.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is not on the test classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- expected values, from the fixture's weights ----

    /** Ids of space-separated vocabulary words. */
    private static long[] ids(String words) {
        return Arrays.stream(words.split(" ")).mapToLong(w -> {
            int i = VOCAB.indexOf(w);
            if (i < 0) {
                throw new IllegalArgumentException("not in the fixture vocabulary: " + w);
            }
            return i;
        }).toArray();
    }

    private static long[] withEos(long[] ids) {
        return LongStream.concat(LongStream.of(ids), LongStream.of(EOS)).toArray();
    }

    /** Row i of the fixture's embedding table (make_plumbing_onnx.py DECODER_EMBEDDINGS). */
    private static double[] embedding(long i) {
        return new double[] {1, i, (i * i) % 7, 3 - i % 4};
    }

    /** Sum over the tokens of (position + 1) * E[id] with positions from {@code firstPosition}, or of E[id]. */
    private static double[] weightedSum(long[] ids, int firstPosition, boolean positions) {
        double[] sum = new double[4];
        for (int s = 0; s < ids.length; s++) {
            double weight = positions ? firstPosition + s + 1 : 1;
            double[] e = embedding(ids[s]);
            for (int d = 0; d < 4; d++) {
                sum[d] += weight * e[d];
            }
        }
        return sum;
    }

    /** The graph's state at the last of these tokens (positions 0, 1, ...), L2-normalised. */
    private static float[] lastState(long[] ids, boolean positions) {
        return unit(plus(embedding(ids[ids.length - 1]), weightedSum(ids, 0, positions)));
    }

    private static double[] plus(double[] a, double[] b) {
        double[] out = new double[a.length];
        for (int d = 0; d < a.length; d++) {
            out[d] = a[d] + b[d];
        }
        return out;
    }

    private static float[] unit(double[] v) {
        double norm = Math.sqrt(Arrays.stream(v).map(x -> x * x).sum());
        float[] out = new float[v.length];
        for (int d = 0; d < v.length; d++) {
            out[d] = (float) (v[d] / norm);
        }
        return out;
    }

    private static double distance(float[] a, float[] b) {
        double sum = 0;
        for (int d = 0; d < a.length; d++) {
            sum += (a[d] - b[d]) * (a[d] - b[d]);
        }
        return Math.sqrt(sum);
    }
}
