package io.omnistream.encoder.model;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.omnistream.encoder.batch.LengthBuckets;
import io.omnistream.encoder.batch.PaddingSide;
import io.omnistream.encoder.batch.PositionIds;
import io.omnistream.schemas.avro.Modality;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A text embedding model on ONNX Runtime, BERT-family encoder or decoder embedder: write the text as the model expects
 * ({@link ModelSpec#formatInput}: instruction prefix or prompt template), tokenise with the model's own tokenizer.json
 * (DJL / Hugging Face tokenizers, truncation to {@link ModelSpec#maxTokens()}, or to one less and then the declared
 * EOS token appended, so it is never cut off), pad each run on the model's {@link PaddingSide}, run the graph (with
 * {@code position_ids} counted from the attention mask if the graph takes them), pool ({@link Pooling}), L2-normalise.
 *
 * <p><b>Guarantees.</b> Every returned vector has {@link #dimension()} floats and unit L2 norm. A text's vector does
 * not depend on the other texts in its batch: padding is masked out by the attention mask, padded positions never
 * reach pooling (which finds a row's tokens from the mask, on either padding side), and position ids, where the graph
 * takes them, are counted from the mask (batch vs. one-by-one agree to float rounding, about 1e-6). Graphs
 * whose activation scales are computed per run (dynamic quantisation) would break this, so they are declared
 * {@link InferenceBatching#PER_TEXT} and every text runs alone.
 * Loading fails fast: missing artefacts, an output of the wrong dimension and an unusable CUDA provider (with
 * {@link ExecutionProvider#CUDA}) are reported by {@link #load}, which runs one warm-up inference.
 *
 * <p><b>Threads.</b> Safe for concurrent use (ONNX Runtime sessions and the Rust tokenizer both allow concurrent
 * calls), but concurrent callers share one intra-op thread pool, so throughput does not grow with callers; batch
 * instead. One call's ORT runs (its length buckets) execute one after another on the caller's thread, or, with
 * {@link EncoderSettings#concurrentRuns()} N &gt; 1, up to N at a time on the encoder's own threads, longest first;
 * the vectors are the same either way (each run is computed alone). Not safe to use after {@link #close()}.
 */
public final class TextEncoder implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TextEncoder.class);
    private static final String OUTPUT = "last_hidden_state";
    private static final String INPUT_IDS = "input_ids";
    private static final String ATTENTION_MASK = "attention_mask";
    private static final String TOKEN_TYPE_IDS = "token_type_ids";
    private static final String POSITION_IDS = "position_ids";
    /** The graph inputs this encoder can feed; a graph that needs another one is refused at load. */
    private static final Set<String> FEEDABLE = Set.of(INPUT_IDS, ATTENTION_MASK, TOKEN_TYPE_IDS, POSITION_IDS);
    /** No EOS is appended. */
    private static final long NO_EOS = -1;

    private final ModelSpec spec;
    private final EncoderSettings settings;
    private final OrtSessions.ProviderSession providerSession;
    private final OrtEnvironment env;
    private final OrtSession session;
    private final HuggingFaceTokenizer tokenizer;
    private final Set<String> inputNames;
    private final String outputName;
    private final String modelVersion;
    /** Id of {@link ModelSpec#eosToken()} appended to every text, or {@link #NO_EOS}. */
    private final long eosId;
    /**
     * Threads that execute one call's runs at the same time ({@link EncoderSettings#concurrentRuns()} &gt; 1), else
     * null and the caller's thread runs them one after another.
     */
    private final ExecutorService runPool;
    /** Length bucketing of this encoder's provider ({@link EncoderSettings#maxPaddingRatioOn}). */
    private final double maxPaddingRatio;
    /** Reusable call buffers; a caller takes one (or makes one) and puts it back after its ORT call. */
    private final ConcurrentLinkedDeque<Scratch> scratches = new ConcurrentLinkedDeque<>();

    private TextEncoder(ModelSpec spec, EncoderSettings settings, OrtSessions.ProviderSession providerSession,
                        HuggingFaceTokenizer tokenizer, long eosId, String fingerprint) throws OrtException {
        this.spec = spec;
        this.settings = settings;
        this.providerSession = providerSession;
        this.env = providerSession.env();
        this.session = providerSession.session();
        this.tokenizer = tokenizer;
        this.inputNames = session.getInputNames();
        this.eosId = eosId;
        this.outputName = session.getOutputNames().contains(OUTPUT) ? OUTPUT : session.getOutputNames().iterator().next();
        this.modelVersion = spec.version() + "@" + fingerprint;
        this.runPool = settings.concurrentRuns() > 1
                ? Executors.newFixedThreadPool(settings.concurrentRuns(), runThreads(spec.id())) : null;
        this.maxPaddingRatio = settings.maxPaddingRatioOn(providerSession.activeProvider());
    }

    private static ThreadFactory runThreads(String modelId) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, "ort-run-" + modelId + "-" + n.incrementAndGet());
            t.setDaemon(true); // never keeps a JVM alive; close() stops them
            return t;
        };
    }

    /** Loads with {@link ProviderMetrics} registered into {@code registry} (use the other overload for several models). */
    public static TextEncoder load(ModelSpec spec, EncoderSettings settings,
                                   io.prometheus.metrics.model.registry.PrometheusRegistry registry) {
        return load(spec, settings, new ProviderMetrics(registry));
    }

    /**
     * Loads the model, chooses the execution provider ({@link OrtSessions#open}) and runs one warm-up inference.
     *
     * <p>With {@link ExecutionProvider#AUTO}, CUDA is tried first; if ONNX Runtime cannot add or use it (CPU-only
     * build, no driver, no cuDNN: an {@link OrtException} or {@link UnsatisfiedLinkError}) the model is loaded on
     * CPU, one warning is logged and {@code omnistream_encoder_cuda_fallback_total} is incremented.
     *
     * @throws ModelLoadException if the model cannot be loaded or does not produce {@code spec.dimension()} floats
     */
    public static TextEncoder load(ModelSpec spec, EncoderSettings settings, ProviderMetrics metrics) {
        MessageDigest digest = OrtSessions.sha256();
        byte[] onnxBytes;
        byte[] tokenizerBytes;
        try {
            onnxBytes = OrtSessions.digestModel(spec.onnx(), digest);
            tokenizerBytes = spec.tokenizer().readAllBytes();
            digest.update(tokenizerBytes);
        } catch (IOException | RuntimeException e) {
            throw new ModelLoadException("model '" + spec.id() + "': cannot read artefacts: " + e.getMessage(), e);
        }
        // The settings that shape the vectors are part of the chain's identity, so they are hashed too.
        digest.update(inputSettings(spec).getBytes(StandardCharsets.UTF_8));
        String fingerprint = HexFormat.of().formatHex(digest.digest(), 0, 6);

        HuggingFaceTokenizer tokenizer;
        // With an appended EOS the tokenizer keeps one token less, so the EOS always fits in maxTokens.
        int tokenizerMax = spec.appendEos() ? spec.maxTokens() - 1 : spec.maxTokens();
        try {
            // No padding here: TextEncoder pads each length bucket itself (to its longest text, with mask 0).
            tokenizer = HuggingFaceTokenizer.newInstance(new ByteArrayInputStream(tokenizerBytes), Map.of(
                    "padding", "false",
                    "truncation", "true",
                    "maxLength", Integer.toString(tokenizerMax),
                    "modelMaxLength", Integer.toString(tokenizerMax)));
        } catch (IOException | RuntimeException e) {
            throw new ModelLoadException("model '" + spec.id() + "': cannot load tokenizer " + spec.tokenizer() + ": " + e.getMessage(), e);
        }
        long eosId;
        try {
            eosId = eosId(spec, tokenizer);
        } catch (ModelLoadException e) {
            tokenizer.close();
            throw e;
        }

        OrtSessions.ProviderSession providerSession;
        try {
            providerSession = OrtSessions.open(spec.id(), spec.onnx(), onnxBytes, settings, metrics);
        } catch (ModelLoadException e) {
            tokenizer.close();
            throw e;
        }

        TextEncoder encoder;
        try {
            encoder = new TextEncoder(spec, settings, providerSession, tokenizer, eosId, fingerprint);
            encoder.checkInputs();
            encoder.checkStaticOutputShape();
            encoder.encode(List.of("warm-up"), Side.DOCUMENT);
        } catch (OrtException | RuntimeException e) {
            closeQuietly(providerSession, tokenizer);
            throw e instanceof ModelLoadException m ? m
                    : new ModelLoadException("model '" + spec.id() + "': first inference failed: " + e.getMessage(), e);
        }
        providerSession.markLoaded();
        LOG.info("model '{}' version {} loaded on {} (inputs {}, output {})", spec.id(), encoder.modelVersion,
                providerSession.activeProvider(), encoder.inputNames, encoder.outputName);
        return encoder;
    }

    /**
     * The settings that shape the vectors besides the artefacts, as hashed into {@link #modelVersion()}. The decoder
     * settings are added only when they differ from an encoder's (right padding, no EOS, no templates), so the
     * versions of models registered before they existed, and their collections, stay what they were.
     */
    static String inputSettings(ModelSpec spec) {
        String settings = spec.pooling() + "|" + spec.dimension() + "|" + spec.maxTokens() + "|"
                + spec.instructionMode() + "|" + spec.queryInstruction() + "|" + spec.documentInstruction();
        if (spec.paddingSide() != PaddingSide.RIGHT || spec.appendEos()
                || spec.instructionMode() == InstructionMode.TEMPLATE) {
            settings += "|padding=" + spec.paddingSide() + "|eos=" + (spec.appendEos() ? spec.eosToken() : "")
                    + "|query=" + spec.queryTemplate() + "|document=" + spec.documentTemplate();
        }
        return settings;
    }

    /**
     * The id of the declared EOS token, or {@link #NO_EOS}. It must be exactly one token of the tokenizer, and the
     * tokenizer must not append it itself (its post-processor would, and the text would end with two).
     */
    private static long eosId(ModelSpec spec, HuggingFaceTokenizer tokenizer) {
        if (!spec.appendEos()) {
            return NO_EOS;
        }
        long[] ids = tokenizer.encode(spec.eosToken(), false, false).getIds();
        // one id that decodes back to the token: not several pieces, and not the unknown token
        String decoded = ids.length == 1 ? tokenizer.decode(ids, false) : null;
        if (!spec.eosToken().equals(decoded)) {
            throw new ModelLoadException("model '" + spec.id() + "': eosToken '" + spec.eosToken() + "' is not one "
                    + "token of " + spec.tokenizer() + " (it encodes to " + ids.length + " token(s)"
                    + (decoded == null ? "" : ", which decode to '" + decoded + "'") + "); declare the end-of-sequence "
                    + "token exactly as its tokenizer.json lists it (added_tokens)");
        }
        long[] probe = tokenizer.encode("a").getIds();
        if (probe.length > 0 && probe[probe.length - 1] == ids[0]) {
            throw new ModelLoadException("model '" + spec.id() + "': the tokenizer " + spec.tokenizer()
                    + " already appends eosToken '" + spec.eosToken() + "' (its post-processor); remove appendEos, "
                    + "or every text would end with it twice");
        }
        return ids[0];
    }

    /** Refuses a graph with an input this encoder cannot feed (past key values, pixel values, ...). */
    private void checkInputs() {
        for (String required : List.of(INPUT_IDS, ATTENTION_MASK)) {
            if (!inputNames.contains(required)) {
                throw new ModelLoadException("model '" + spec.id() + "': the ONNX graph has no input " + required
                        + " (inputs: " + inputNames + ")");
            }
        }
        for (String name : inputNames) {
            if (!FEEDABLE.contains(name)) {
                throw new ModelLoadException("model '" + spec.id() + "': the ONNX graph has an input " + name
                        + " the text encoder cannot feed; it feeds " + FEEDABLE);
            }
        }
    }

    private void checkStaticOutputShape() throws OrtException {
        NodeInfo info = session.getOutputInfo().get(outputName);
        if (info != null && info.getInfo() instanceof TensorInfo t) {
            long[] shape = t.getShape();
            if (shape.length != 3) {
                throw new ModelLoadException("model '" + spec.id() + "': output " + outputName + " has rank "
                        + shape.length + ", expected [batch, seq, dim]");
            }
            if (shape[2] > 0 && shape[2] != spec.dimension()) {
                throw new ModelLoadException(dimensionMismatch(shape[2]));
            }
        }
    }

    private String dimensionMismatch(long actual) {
        return "model '" + spec.id() + "': dimension mismatch: registry declares " + spec.dimension()
                + " but the ONNX output " + outputName + " has " + actual;
    }

    /**
     * Embeds texts with the side's default instruction ({@link ModelSpec#instructionFor}).
     *
     * @return one unit-length vector per text, in input order
     */
    public float[][] encode(List<String> texts, Side side) {
        String instruction = spec.instructionFor(side, null);
        return encodeWithInstruction(texts, Collections.nCopies(texts.size(), side),
                Collections.nCopies(texts.size(), instruction));
    }

    /**
     * Embeds texts, each with its own instruction, for a model whose input does not depend on the side beyond the
     * instruction ({@link InstructionMode#PREFIX} or {@link InstructionMode#NONE}); see
     * {@link #encodeWithInstruction(List, List, List)}.
     *
     * @throws IllegalStateException if the model writes texts by side ({@link InstructionMode#TEMPLATE})
     */
    public float[][] encodeWithInstruction(List<String> texts, List<String> instructions) {
        requireSideFree("encodeWithInstruction(texts, sides, instructions)");
        return encodeWithInstruction(texts, Collections.nCopies(texts.size(), Side.DOCUMENT), instructions);
    }

    /**
     * Embeds texts, each on its side with its own instruction, written as {@link ModelSpec#formatInput} says (prefix,
     * template, or ignored). Resolve event instructions with {@link ModelSpec#instructionFor} first: here a null or
     * empty instruction means none, not the side default.
     *
     * @throws IllegalArgumentException if the lists differ in size or a text or side is null
     * @throws EncoderException         if ONNX Runtime fails (classified transient by the worker)
     */
    public float[][] encodeWithInstruction(List<String> texts, List<Side> sides, List<String> instructions) {
        if (texts.size() != instructions.size() || texts.size() != sides.size()) {
            throw new IllegalArgumentException(texts.size() + " texts but " + sides.size() + " sides and "
                    + instructions.size() + " instructions");
        }
        if (texts.isEmpty()) {
            return new float[0][];
        }
        List<String> inputs = new ArrayList<>(texts.size());
        for (int i = 0; i < texts.size(); i++) {
            String text = texts.get(i);
            if (text == null || sides.get(i) == null) {
                throw new IllegalArgumentException((text == null ? "text " : "side of text ") + i + " is null");
            }
            inputs.add(spec.formatInput(sides.get(i), instructions.get(i), text));
        }
        Encoding[] encoded = tokenizer.batchEncode(inputs);
        Tokens[] encodings = new Tokens[encoded.length];
        int[] lengths = new int[encoded.length];
        for (int i = 0; i < encoded.length; i++) {
            encodings[i] = tokens(encoded[i]);
            lengths[i] = encodings[i].ids().length;
        }
        float[][] out = new float[texts.size()][];
        List<int[]> runs = runs(lengths);
        if (runPool == null || runs.size() == 1) {
            for (int[] run : runs) {
                place(out, run, run(encodings, run));
            }
            return out;
        }
        // Longest runs first, so that the last run to start is a short one and no thread idles long at the end.
        List<int[]> byCost = new ArrayList<>(runs);
        byCost.sort(Comparator.comparingLong((int[] r) -> cost(r, lengths)).reversed());
        List<Future<float[][]>> futures = new ArrayList<>(byCost.size());
        try {
            for (int[] run : byCost) {
                futures.add(runPool.submit(() -> run(encodings, run)));
            }
            for (int i = 0; i < byCost.size(); i++) {
                place(out, byCost.get(i), futures.get(i).get());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EncoderException("model '" + spec.id() + "': interrupted while encoding", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r
                    : new EncoderException("model '" + spec.id() + "': inference failed: " + e.getCause(), e.getCause());
        } finally {
            futures.forEach(f -> f.cancel(false)); // after a failure: runs not yet started are not started
        }
        return out;
    }

    /** Padded token count of a run: what its inference costs, roughly. */
    private static long cost(int[] run, int[] lengths) {
        int longest = 0;
        for (int i : run) {
            longest = Math.max(longest, lengths[i]);
        }
        return (long) longest * run.length;
    }

    private static void place(float[][] out, int[] run, float[][] vectors) {
        for (int j = 0; j < run.length; j++) {
            out[run[j]] = vectors[j];
        }
    }

    /** The ORT runs for one call: length buckets, or one run per text for {@link InferenceBatching#PER_TEXT}. */
    private List<int[]> runs(int[] lengths) {
        if (spec.batching() == InferenceBatching.PER_TEXT) {
            List<int[]> single = new ArrayList<>(lengths.length);
            for (int i = 0; i < lengths.length; i++) {
                single.add(new int[] {i});
            }
            return single;
        }
        return LengthBuckets.plan(lengths, maxPaddingRatio);
    }

    private void requireSideFree(String instead) {
        if (spec.instructionMode() == InstructionMode.TEMPLATE) {
            throw new IllegalStateException("model '" + spec.id() + "' writes queries and documents with different "
                    + "templates; call " + instead + " with each text's side");
        }
    }

    /** One text's tokens as the graph sees them: truncated by the tokenizer, then the EOS appended if declared. */
    private record Tokens(long[] ids, long[] types, long[] mask) {}

    private Tokens tokens(Encoding e) {
        long[] ids = e.getIds();
        long[] types = e.getTypeIds();
        long[] mask = e.getAttentionMask();
        if (eosId == NO_EOS) {
            return new Tokens(ids, types, mask);
        }
        int n = ids.length;
        long[] withEos = Arrays.copyOf(ids, n + 1);
        withEos[n] = eosId;
        long[] eosTypes = Arrays.copyOf(types, n + 1);
        eosTypes[n] = n == 0 ? 0 : types[n - 1];
        long[] eosMask = Arrays.copyOf(mask, n + 1);
        eosMask[n] = 1;
        return new Tokens(withEos, eosTypes, eosMask);
    }

    /**
     * One ORT call for the texts at {@code indices}, padded to the longest of them. The inputs are written into, and
     * the {@code last_hidden_state} is written by ONNX Runtime into, direct buffers of a reused {@link Scratch}, so a
     * call allocates only its pooled vectors (the hidden state of a 32 × 512 batch alone is 25 MB).
     */
    private float[][] run(Tokens[] encodings, int[] indices) {
        int batch = indices.length;
        int seq = 0;
        for (int i : indices) {
            seq = Math.max(seq, encodings[i].ids().length);
        }
        int dim = spec.dimension();
        Scratch scratch = scratch(batch * seq, (long) batch * seq * dim);
        // Pad value 0 ([PAD] in BERT vocabularies, any token in others); padded positions have mask 0 so their ids
        // never influence real tokens' attention, and pooling ignores them. The padding goes on the model's side.
        long[] mask = new long[batch * seq];
        LongBuffer ids = scratch.ids.clear().limit(batch * seq);
        LongBuffer types = scratch.types.clear().limit(batch * seq);
        for (int b = 0; b < batch; b++) {
            Tokens e = encodings[indices[b]];
            int row = b * seq;
            int start = row + spec.paddingSide().start(e.ids().length, seq);
            for (int t = row; t < row + seq; t++) {
                ids.put(t, 0L);
                types.put(t, 0L);
            }
            ids.put(start, e.ids());
            types.put(start, e.types());
            System.arraycopy(e.mask(), 0, mask, start, e.mask().length);
        }
        LongBuffer maskBuffer = scratch.mask.clear().limit(batch * seq);
        maskBuffer.put(0, mask);
        LongBuffer positions = null;
        if (inputNames.contains(POSITION_IDS)) {
            positions = scratch.positions.clear().limit(batch * seq);
            positions.put(0, PositionIds.fromMask(mask, batch, seq));
        }
        FloatBuffer hidden = scratch.hidden.clear().limit(batch * seq * dim);
        long[] shape = {batch, seq};
        Map<String, OnnxTensor> inputs = new LinkedHashMap<>();
        OnnxTensor output = null;
        try {
            inputs.put(INPUT_IDS, OnnxTensor.createTensor(env, ids, shape));
            inputs.put(ATTENTION_MASK, OnnxTensor.createTensor(env, maskBuffer, shape));
            if (inputNames.contains(TOKEN_TYPE_IDS)) {
                inputs.put(TOKEN_TYPE_IDS, OnnxTensor.createTensor(env, types, shape));
            }
            if (positions != null) {
                inputs.put(POSITION_IDS, OnnxTensor.createTensor(env, positions, shape));
            }
            output = OnnxTensor.createTensor(env, hidden, new long[] {batch, seq, dim});
            try (OrtSession.Result result = session.run(inputs, Map.of(outputName, output))) {
                Optional<OnnxValue> value = result.get(outputName);
                if (value.isEmpty() || !(value.get() instanceof OnnxTensor tensor)) {
                    throw new EncoderException("model '" + spec.id() + "' returned no tensor " + outputName);
                }
                long[] outShape = tensor.getInfo().getShape();
                if (outShape.length != 3 || outShape[0] != batch || outShape[1] != seq || outShape[2] != dim) {
                    throw new EncoderException("model '" + spec.id() + "': unexpected output shape "
                            + Arrays.toString(outShape) + " for input [" + batch + ", " + seq + "]");
                }
            }
            float[][] pooled = spec.pooling().pool(hidden, mask, batch, seq, dim);
            for (float[] v : pooled) {
                Vectors.l2Normalize(v);
            }
            return pooled;
        } catch (OrtException e) {
            // a graph whose output is not [batch, seq, registry dimension] fails here: ORT refuses to write it into
            // the pinned output buffer; say it in the registry's terms
            if (e.getMessage() != null && e.getMessage().toLowerCase(java.util.Locale.ROOT).contains("shape mismatch")) {
                throw new ModelLoadException("model '" + spec.id() + "': dimension mismatch: the ONNX output "
                        + outputName + " is not [batch, seq, " + dim + "] as the registry declares: " + e.getMessage(), e);
            }
            throw new EncoderException("model '" + spec.id() + "': inference failed: " + e.getMessage(), e);
        } finally {
            inputs.values().forEach(OnnxTensor::close);
            if (output != null) {
                output.close();
            }
            scratches.offerFirst(scratch);
        }
    }

    /**
     * A scratch with room for {@code tokens} input positions and {@code hiddenFloats} output floats, taken from the
     * pool (one per concurrent caller at most; grown, never shrunk, so a long-running worker allocates new ones only
     * when a batch is larger than any before).
     */
    private Scratch scratch(int tokens, long hiddenFloats) {
        Scratch s = scratches.pollFirst();
        if (s == null || s.ids.capacity() < tokens || s.hidden.capacity() < hiddenFloats) {
            int t = Math.max(tokens, s == null ? 0 : s.ids.capacity());
            long h = Math.max(hiddenFloats, s == null ? 0 : s.hidden.capacity());
            s = new Scratch(t, Math.toIntExact(h));
        }
        return s;
    }

    /** Direct, native-order buffers ONNX Runtime reads inputs from and writes the output to, without copies. */
    private static final class Scratch {
        final LongBuffer ids;
        final LongBuffer mask;
        final LongBuffer types;
        final LongBuffer positions;
        final FloatBuffer hidden;

        Scratch(int tokens, int hiddenFloats) {
            ids = longs(tokens);
            mask = longs(tokens);
            types = longs(tokens);
            positions = longs(tokens);
            hidden = ByteBuffer.allocateDirect(Math.multiplyExact(hiddenFloats, Float.BYTES))
                    .order(ByteOrder.nativeOrder()).asFloatBuffer();
        }

        private static LongBuffer longs(int n) {
            return ByteBuffer.allocateDirect(Math.multiplyExact(n, Long.BYTES)).order(ByteOrder.nativeOrder()).asLongBuffer();
        }
    }

    /**
     * Number of tokens (special tokens included, after truncation) the model sees for this text and instruction, for
     * a model whose input does not depend on the side beyond the instruction; see {@link #tokenIds}.
     *
     * @throws IllegalStateException if the model writes texts by side ({@link InstructionMode#TEMPLATE})
     */
    public int tokenCount(String text, String instruction) {
        requireSideFree("tokenIds(text, side, instruction)");
        return tokenIds(text, Side.DOCUMENT, instruction).length;
    }

    /**
     * The token ids the graph sees for this text on this side with this (resolved) instruction, before padding:
     * formatted ({@link ModelSpec#formatInput}), tokenised, truncated, and ending with the EOS if one is appended.
     */
    public long[] tokenIds(String text, Side side, String instruction) {
        return tokens(tokenizer.encode(spec.formatInput(side, instruction, text))).ids().clone();
    }

    public ModelSpec spec() {
        return spec;
    }

    public String modelId() {
        return spec.id();
    }

    /**
     * The version written into every EmbeddingEvent: the registry's declared version, '@', and the first 12 hex
     * digits of SHA-256 over the ONNX bytes, the tokenizer.json bytes and the pooling / dimension / token limit /
     * instruction settings (and, for decoder embedders, padding side, appended EOS and templates). Identical for identical chains on any host; the execution provider is not part of it.
     */
    public String modelVersion() {
        return modelVersion;
    }

    public int dimension() {
        return spec.dimension();
    }

    public boolean supports(Modality modality) {
        return spec.supports(modality);
    }

    /** CPU or CUDA: the provider the session actually runs on. */
    public ExecutionProvider activeProvider() {
        return providerSession.activeProvider();
    }

    /** Why AUTO fell back to CPU, if it did. */
    public Optional<String> fallbackReason() {
        return providerSession.fallbackReason();
    }

    @Override
    public void close() {
        if (runPool != null) {
            runPool.shutdownNow();
        }
        closeQuietly(providerSession, tokenizer);
    }

    private static void closeQuietly(OrtSessions.ProviderSession providerSession, HuggingFaceTokenizer tokenizer) {
        providerSession.close();
        tokenizer.close();
    }
}
