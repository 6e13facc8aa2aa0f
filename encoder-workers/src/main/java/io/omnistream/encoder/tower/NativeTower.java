package io.omnistream.encoder.tower;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.omnistream.encoder.model.EncoderException;
import io.omnistream.encoder.model.EncoderSettings;
import io.omnistream.encoder.model.ExecutionProvider;
import io.omnistream.encoder.model.ModelLoadException;
import io.omnistream.encoder.model.ModelSource;
import io.omnistream.encoder.model.OrtSessions;
import io.omnistream.encoder.model.ProviderMetrics;
import io.omnistream.encoder.model.Vectors;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An encoder for already-preprocessed non-text inputs (image pixels, log-mel features) on ONNX Runtime, driven
 * entirely by its declarations: feed one float32 input tensor {@code [batch, item dims...]}, read one output, reduce
 * it to {@code [batch, dim]} ({@link TensorOutputSpec.OutputPooling}), L2-normalise. Any exported CLIP / SigLIP /
 * VLM2Vec-style vision encoder or Whisper-style audio encoder with a single input and a dynamic batch axis fits.
 * Preprocessing (decode, resize, normalise, STFT) happens before: the tower only sees floats.
 *
 * <p><b>Guarantees.</b> Every returned vector has {@link #dimension()} floats and unit L2 norm (or is all zeros if
 * the model output was zero, which has no direction). Items are independent: there is no padding, so an item's
 * vector does not depend on the rest of its batch beyond float rounding. Loading fails fast with
 * {@link ModelLoadException}: a graph whose input name, element type, layout or size differs from the declaration,
 * an output of the wrong name, rank or dimension, and an unusable CUDA provider (with {@link ExecutionProvider#CUDA})
 * are reported by {@link #load}, which also runs one warm-up inference on a zero item.
 *
 * <p><b>Threads.</b> Like the text tower: safe for concurrent {@link #encode} calls (ONNX Runtime sessions allow
 * concurrent runs), but callers share one intra-op thread pool, so batch rather than call in parallel. Not safe to
 * use after {@link #close()}.
 */
public final class NativeTower implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NativeTower.class);

    private final String towerId;
    private final ModelSource onnx;
    private final TensorInputSpec input;
    private final TensorOutputSpec output;
    private final int dimension;
    private final String version;
    private final OrtSessions.ProviderSession providerSession;
    /** Names the tower and its model file in every error message. */
    private final String where;

    private NativeTower(String towerId, ModelSource onnx, TensorInputSpec input, TensorOutputSpec output, int dimension,
                        String version, OrtSessions.ProviderSession providerSession) {
        this.towerId = towerId;
        this.onnx = onnx;
        this.input = input;
        this.output = output;
        this.dimension = dimension;
        this.version = version;
        this.providerSession = providerSession;
        this.where = where(towerId, onnx);
    }

    private static String where(String towerId, ModelSource onnx) {
        return "tower '" + towerId + "' (model " + onnx + ")";
    }

    /** Loads the tower a registry entry declares; {@code towerId} labels metrics and log lines (e.g. {@code clip/IMAGE}). */
    public static NativeTower load(String towerId, TowerSpec spec, EncoderSettings settings, ProviderMetrics metrics) {
        return load(towerId, spec.onnx(), spec.input(), spec.output(), spec.dimension(), spec.preprocessingDescriptor(),
                settings, metrics);
    }

    /**
     * Loads the graph, chooses the execution provider as the text tower does ({@link OrtSessions#open}: AUTO tries
     * CUDA, falls back to CPU with a warning and a metric), checks the graph against the declarations and runs one
     * warm-up inference. {@link EncoderSettings#maxPaddingRatio()} does not apply (there is no padding).
     *
     * @param preprocessingDescriptor canonical text of the preprocessing that produces the fed values
     *                                ({@link Preprocessing#descriptor()}); only hashed into {@link #version()}
     * @throws ModelLoadException naming the tower and its model file if anything does not match
     */
    public static NativeTower load(String towerId, ModelSource onnx, TensorInputSpec input, TensorOutputSpec output,
                                   int dimension, String preprocessingDescriptor, EncoderSettings settings,
                                   ProviderMetrics metrics) {
        Objects.requireNonNull(towerId, "towerId");
        Objects.requireNonNull(onnx, "onnx");
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(output, "output");
        Objects.requireNonNull(preprocessingDescriptor, "preprocessingDescriptor");
        if (dimension <= 0) {
            throw new IllegalArgumentException("tower '" + towerId + "': dimension must be > 0, got " + dimension);
        }
        String where = where(towerId, onnx);
        MessageDigest digest = OrtSessions.sha256();
        byte[] onnxBytes;
        try {
            onnxBytes = OrtSessions.digestModel(onnx, digest);
        } catch (IOException | RuntimeException e) {
            throw new ModelLoadException(where + ": cannot read the ONNX model: " + e.getMessage(), e);
        }
        String version = fingerprint(digest, input, output, dimension, preprocessingDescriptor);

        OrtSessions.ProviderSession providerSession;
        try {
            // a tower runs its batch as one ORT call: its parallelism is ONNX Runtime's own threads, not side-by-side runs
            providerSession = OrtSessions.open(towerId, onnx, onnxBytes, settings.withConcurrentRuns(1), metrics);
        } catch (ModelLoadException e) {
            throw new ModelLoadException(where + ": " + e.getMessage(), e.getCause());
        }
        NativeTower tower = new NativeTower(towerId, onnx, input, output, dimension, version, providerSession);
        try {
            tower.checkGraphMetadata();
            tower.encode(new float[input.itemSize()], input.shape(1));
        } catch (OrtException | RuntimeException e) {
            providerSession.close();
            throw e instanceof ModelLoadException m ? m
                    : new ModelLoadException(where + ": first inference failed: " + e.getMessage(), e);
        }
        providerSession.markLoaded();
        LOG.info("tower '{}' version {} loaded on {} (input {}, output {}, dimension {})", towerId, version,
                providerSession.activeProvider(), input.describe(), output.describe(), dimension);
        return tower;
    }

    /**
     * First 12 hex digits of SHA-256 over the ONNX bytes, then each declaration as a length-prefixed UTF-8 field
     * (the prefix keeps two different declaration lists from concatenating to the same bytes).
     */
    private static String fingerprint(MessageDigest digestWithOnnx, TensorInputSpec input, TensorOutputSpec output,
                                      int dimension, String preprocessingDescriptor) {
        for (String field : List.of(input.describe(), output.describe(), Integer.toString(dimension),
                preprocessingDescriptor)) {
            byte[] utf8 = field.getBytes(StandardCharsets.UTF_8);
            digestWithOnnx.update(ByteBuffer.allocate(Integer.BYTES).putInt(utf8.length).array());
            digestWithOnnx.update(utf8);
        }
        return HexFormat.of().formatHex(digestWithOnnx.digest(), 0, 6);
    }

    /** Checks the graph's static metadata against the declarations, before any inference. */
    private void checkGraphMetadata() throws OrtException {
        OrtSession session = providerSession.session();
        Map<String, NodeInfo> inputs = session.getInputInfo();
        if (inputs.size() != 1 || !inputs.containsKey(input.name())) {
            throw new ModelLoadException(where + ": declares input '" + input.name() + "' but the ONNX graph's inputs are "
                    + describe(inputs) + (inputs.size() > 1 ? "; a native tower feeds exactly one input" : ""));
        }
        NodeInfo inputInfo = inputs.get(input.name());
        if (!(inputInfo.getInfo() instanceof TensorInfo inputTensor)) {
            throw new ModelLoadException(where + ": input '" + input.name() + "' is not a tensor: " + inputInfo.getInfo());
        }
        input.validate(inputTensor.type, inputTensor.getShape(), where);

        Map<String, NodeInfo> outputs = session.getOutputInfo();
        NodeInfo outputInfo = outputs.get(output.name());
        if (outputInfo == null) {
            throw new ModelLoadException(where + ": declares output '" + output.name() + "' but the ONNX graph's outputs are "
                    + describe(outputs));
        }
        if (!(outputInfo.getInfo() instanceof TensorInfo outputTensor)) {
            throw new ModelLoadException(where + ": output '" + output.name() + "' is not a tensor: " + outputInfo.getInfo());
        }
        // An empty shape means the graph does not declare one; the warm-up inference checks the real output.
        long[] shape = outputTensor.getShape();
        if (shape.length > 0) {
            checkOutput(outputTensor.type, shape);
        }
    }

    /** Output element type, rank for the declared pooling, and dimension (a dynamic -1 dimension passes here). */
    private void checkOutput(OnnxJavaType type, long[] shape) {
        if (type != OnnxJavaType.FLOAT) {
            throw new ModelLoadException(where + ": output '" + output.name() + "' has element type " + type
                    + "; only FLOAT (float32) outputs are supported");
        }
        if (shape.length != output.pooling().rank()) {
            throw new ModelLoadException(where + ": output '" + output.name() + "' has shape " + Arrays.toString(shape)
                    + " but pooling " + output.pooling() + " reads " + output.pooling().expectedShape()
                    + (shape.length == 3 ? "; declare pooling CLS or MEAN" : shape.length == 2 ? "; declare pooling NONE" : ""));
        }
        long actualDimension = shape[shape.length - 1];
        if (actualDimension != -1 && actualDimension != dimension) {
            throw new ModelLoadException(where + ": dimension mismatch: the registry declares " + dimension
                    + " but the ONNX output '" + output.name() + "' has " + actualDimension);
        }
    }

    private static String describe(Map<String, NodeInfo> nodes) {
        return nodes.values().stream().map(n -> n.getInfo() instanceof TensorInfo t
                        ? n.getName() + " " + t.type + " " + Arrays.toString(t.getShape())
                        : n.getName() + " " + n.getInfo())
                .collect(Collectors.joining(", ", "[", "]"));
    }

    /**
     * Embeds a batch of preprocessed items.
     *
     * @param values row-major values of all items, {@code shape[0] * }{@link TensorInputSpec#itemSize()} floats
     * @param shape  {@code [batch, item dims...]}; the item dims must equal the declared ones
     *               ({@link TensorInputSpec#shape(int)} builds it)
     * @return one unit-length vector of {@link #dimension()} floats per item, in input order
     * @throws IllegalArgumentException if the shape or the number of values does not match the declaration
     * @throws EncoderException         if ONNX Runtime fails (classified transient by the worker)
     */
    public float[][] encode(float[] values, long[] shape) {
        if (!input.matchesBatchShape(shape)) {
            throw new IllegalArgumentException("tower '" + towerId + "': input shape " + Arrays.toString(shape)
                    + " does not match the declared " + input.shapeText());
        }
        if (shape[0] > Integer.MAX_VALUE / input.itemSize()) {
            throw new IllegalArgumentException("tower '" + towerId + "': batch " + shape[0] + " does not fit one float[]");
        }
        int batch = (int) shape[0];
        if (values.length != batch * input.itemSize()) {
            throw new IllegalArgumentException("tower '" + towerId + "': " + values.length + " values for shape "
                    + Arrays.toString(shape) + ", expected " + batch * input.itemSize());
        }
        if (batch == 0) {
            return new float[0][];
        }
        try (OnnxTensor tensor = OnnxTensor.createTensor(providerSession.env(), FloatBuffer.wrap(values), shape);
             OrtSession.Result result = providerSession.session().run(Map.of(input.name(), tensor), Set.of(output.name()))) {
            Optional<OnnxValue> value = result.get(output.name());
            if (value.isEmpty() || !(value.get() instanceof OnnxTensor out)) {
                throw new EncoderException(where + " returned no tensor " + output.name());
            }
            long[] outShape = out.getInfo().getShape();
            checkOutput(out.getInfo().type, outShape);
            if (outShape[0] != batch) {
                throw new EncoderException(where + ": output '" + output.name() + "' has shape " + Arrays.toString(outShape)
                        + " for a batch of " + batch);
            }
            int tokens = output.pooling().rank() == 3 ? (int) outShape[1] : 1;
            FloatBuffer buffer = out.getFloatBuffer();
            float[] outValues = new float[buffer.remaining()];
            buffer.get(outValues);
            float[][] vectors = output.pooling().reduce(outValues, batch, tokens, dimension);
            for (float[] v : vectors) {
                Vectors.l2Normalize(v);
            }
            return vectors;
        } catch (OrtException e) {
            throw new EncoderException(where + ": inference failed: " + e.getMessage(), e);
        }
    }

    public String towerId() {
        return towerId;
    }

    /**
     * 12 hex digits identifying the whole chain: SHA-256 over the ONNX bytes, the input and output declarations,
     * the dimension and the preprocessing descriptor. Any change to any of them gives a new version; identical
     * chains give the same version on any host; the execution provider and the tower id are not part of it. The
     * registry combines it with the entry's declared version (as the text tower does: {@code declared@fingerprint}).
     */
    public String version() {
        return version;
    }

    public int dimension() {
        return dimension;
    }

    public TensorInputSpec input() {
        return input;
    }

    public TensorOutputSpec output() {
        return output;
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
        providerSession.close();
    }
}
