package io.omnistream.encoder.tower;

import io.omnistream.encoder.model.ModelRegistryException;
import io.omnistream.encoder.model.ModelSource;
import io.omnistream.encoder.tower.Preprocessing.Interpolation;
import io.omnistream.encoder.tower.Preprocessing.ResizeMode;
import io.omnistream.encoder.tower.TensorInputSpec.Layout;
import io.omnistream.encoder.tower.TensorOutputSpec.OutputPooling;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * One native ONNX tower of a registry entry ({@code towers: {IMAGE: {...}}}): the graph, its input and output
 * declarations, the preprocessing and the vector dimension. The contract, with examples, is in
 * {@code encoder-workers/TOWERS.md}:
 *
 * <pre>
 * kind: onnx
 * onnx: file:/models/clip-visual.onnx
 * input: {name: pixel_values, layout: NCHW, size: [224, 224], mean: [0.4815, 0.4578, 0.4082],
 *         std: [0.2686, 0.2613, 0.2758], resize: SHORTER_THEN_CENTER_CROP}
 * output: {name: image_embeds, pooling: NONE}
 * dimension: 512
 * </pre>
 *
 * @param onnx          the ONNX graph (exists when parsed)
 * @param input         the input tensor the tower feeds
 * @param preprocessing how media become that tensor's values; {@link Preprocessing.Image} for image and clip layouts,
 *                      {@link Preprocessing.LogMel} for {@link Layout#MEL_FRAMES}
 * @param output        the output read and its pooling
 * @param dimension     vector length the output must have (checked at load and on every batch)
 * @param sampling      how a video or document becomes images (frames, DPI, pages); a clip layout's frame count is
 *                      {@code frames}
 */
public record TowerSpec(ModelSource onnx, TensorInputSpec input, Preprocessing preprocessing, TensorOutputSpec output,
                        int dimension, MediaSampling sampling) {

    /**
     * How many images a video or document yields for an image-layout tower; their vectors are mean-pooled into the
     * event's vector.
     *
     * @param frames   video frames sampled uniformly, frame i at (i + 0.5) · duration / frames (VLM2Vec-V2 uses 8)
     * @param dpi      resolution documents are rendered at before the image preprocessing, dots per inch
     * @param maxPages document pages embedded (from the first); a page is the unit
     */
    public record MediaSampling(int frames, int dpi, int maxPages) {
        public static final MediaSampling DEFAULT = new MediaSampling(8, 150, 1);

        public MediaSampling {
            if (frames < 1 || frames > 256 || dpi < 36 || dpi > 600 || maxPages < 1 || maxPages > 100) {
                throw new IllegalArgumentException("frames must be 1..256, dpi 36..600, maxPages 1..100; got frames="
                        + frames + ", dpi=" + dpi + ", maxPages=" + maxPages);
            }
        }

        public String descriptor() {
            return "frames=" + frames + "; dpi=" + dpi + "; maxPages=" + maxPages;
        }
    }

    public TowerSpec(ModelSource onnx, TensorInputSpec input, Preprocessing preprocessing, TensorOutputSpec output,
                     int dimension) {
        this(onnx, input, preprocessing, output, dimension, MediaSampling.DEFAULT);
    }
    /** The only {@code kind} so far: a graph run by ONNX Runtime in the encoder worker. */
    public static final String KIND_ONNX = "onnx";
    /** Image channels when {@code channels} is not given: RGB. */
    public static final int DEFAULT_CHANNELS = 3;
    /** Resampling when {@code interpolation} is not given: what CLIP's and SigLIP's reference processors use. */
    public static final Interpolation DEFAULT_INTERPOLATION = Interpolation.BICUBIC;

    private static final Set<String> TOWER_KEYS = Set.of("kind", "onnx", "input", "output", "dimension", "frames",
            "dpi", "maxPages");
    private static final Set<String> IMAGE_INPUT_KEYS = Set.of("name", "layout", "size", "channels", "mean", "std",
            "resize", "interpolation");
    private static final Set<String> MEL_INPUT_KEYS = Set.of("name", "layout", "melBins", "frames", "sampleRate",
            "fftSize", "hopLength");
    private static final Set<String> OUTPUT_KEYS = Set.of("name", "pooling");

    public TowerSpec {
        Objects.requireNonNull(onnx, "onnx");
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(preprocessing, "preprocessing");
        Objects.requireNonNull(output, "output");
        Objects.requireNonNull(sampling, "sampling");
        if (dimension <= 0) {
            throw new IllegalArgumentException("dimension must be > 0, got " + dimension);
        }
        boolean imageInput = input.layout().takesImages();
        if (imageInput != (preprocessing instanceof Preprocessing.Image)) {
            throw new IllegalArgumentException("layout " + input.layout() + " does not go with "
                    + preprocessing.getClass().getSimpleName() + " preprocessing");
        }
        if (input.layout().isClip() && input.framesPerItem() != sampling.frames()) {
            throw new IllegalArgumentException("the clip input has " + input.framesPerItem() + " frames but the tower "
                    + "samples " + sampling.frames() + " ('frames')");
        }
        if (preprocessing instanceof Preprocessing.Image image) {
            TensorInputSpec frame = input.frameInput();
            int channels = frame.layout() == Layout.NCHW ? frame.itemShape().get(0) : frame.itemShape().get(2);
            if (image.mean().size() != channels) {
                throw new IllegalArgumentException("mean and std have " + image.mean().size()
                        + " values but the input has " + channels + " channels");
            }
        }
    }

    /** {@link #preprocessing()}'s descriptor; hashed into {@link NativeTower#version()}. */
    public String preprocessingDescriptor() {
        return preprocessing.descriptor();
    }

    /** Parses a tower map with relative {@code onnx} paths resolved against the working directory. */
    public static TowerSpec parse(Map<String, Object> tower) {
        return parse(tower, "tower", null);
    }

    /**
     * Parses and validates one tower map as a YAML library (Jackson, SnakeYAML) yields it: nested maps, lists,
     * strings and numbers. Unknown keys are errors, like everywhere in the registry, so a typo cannot silently
     * drop a setting.
     *
     * @param where   prefix of every error message, e.g. {@code models.yaml: model 'clip' tower IMAGE}
     * @param baseDir directory for relative {@code onnx} file paths (the registry file's), or null
     * @throws ModelRegistryException naming the field and the rule
     */
    public static TowerSpec parse(Map<String, Object> tower, String where, Path baseDir) {
        if (tower == null) {
            throw new ModelRegistryException(where + ": empty tower entry");
        }
        Fields fields = new Fields(tower, where, "");
        fields.allowOnly(TOWER_KEYS);
        String kind = fields.string("kind");
        if (!KIND_ONNX.equals(kind)) {
            throw fields.error("kind", "'" + kind + "' is not supported; expected '" + KIND_ONNX + "'");
        }
        ModelSource onnx = onnxSource(fields, baseDir);
        MediaSampling d = MediaSampling.DEFAULT;
        int frames = fields.has("frames") ? fields.positiveInt("frames") : d.frames();
        int dpi = fields.has("dpi") ? fields.positiveInt("dpi") : d.dpi();
        int maxPages = fields.has("maxPages") ? fields.positiveInt("maxPages") : d.maxPages();
        Fields in = fields.map("input");
        Layout layout = in.enumValue("layout", Layout.class);
        TensorInputSpec input;
        Preprocessing preprocessing;
        if (layout.takesImages()) {
            in.allowOnly(IMAGE_INPUT_KEYS);
            List<Integer> size = in.positiveInts("size", 2);
            int channels = in.has("channels") ? in.positiveInt("channels") : DEFAULT_CHANNELS;
            // a clip's frame count is the tower's 'frames': the sampled frames are exactly what one item holds
            input = in.build(() -> layout.isClip()
                    ? TensorInputSpec.clip(in.string("name"), layout, frames, channels, size.get(0), size.get(1))
                    : TensorInputSpec.image(in.string("name"), layout, channels, size.get(0), size.get(1)));
            preprocessing = in.build(() -> new Preprocessing.Image(
                    in.numbers("mean", channels), in.numbers("std", channels),
                    in.enumValue("resize", ResizeMode.class),
                    in.has("interpolation") ? in.enumValue("interpolation", Interpolation.class) : DEFAULT_INTERPOLATION));
        } else {
            in.allowOnly(MEL_INPUT_KEYS);
            input = in.build(() -> TensorInputSpec.melFrames(in.string("name"), in.positiveInt("melBins"),
                    in.positiveInt("frames")));
            preprocessing = in.build(() -> new Preprocessing.LogMel(in.positiveInt("sampleRate"),
                    in.positiveInt("fftSize"), in.positiveInt("hopLength")));
        }
        Fields out = fields.map("output");
        out.allowOnly(OUTPUT_KEYS);
        TensorOutputSpec output = out.build(() -> new TensorOutputSpec(out.string("name"),
                out.enumValue("pooling", OutputPooling.class)));
        int dimension = fields.positiveInt("dimension");
        return fields.build(() -> new TowerSpec(onnx, input, preprocessing, output, dimension,
                new MediaSampling(frames, dpi, maxPages)));
    }

    /** Like every registry artefact, the graph must exist when the registry is read: a typo fails at start-up. */
    private static ModelSource onnxSource(Fields fields, Path baseDir) {
        String location = fields.string("onnx");
        ModelSource source;
        try {
            source = ModelSource.parse(location, baseDir);
        } catch (IllegalArgumentException e) {
            throw fields.error("onnx", e.getMessage());
        }
        if (!source.exists()) {
            throw fields.error("onnx", "'" + location + "' not found (" + (source.filePath() == null
                    ? "no such classpath resource" : "no such file: " + source.filePath()) + ")");
        }
        return source;
    }

    /** Typed, validated access to one YAML map; every error names {@code where} and the dotted field path. */
    private record Fields(Map<String, Object> map, String where, String prefix) {

        ModelRegistryException error(String key, String rule) {
            return new ModelRegistryException(where + ": '" + prefix + key + "' " + rule);
        }

        void allowOnly(Set<String> allowed) {
            for (String key : map.keySet()) {
                if (!allowed.contains(key)) {
                    throw new ModelRegistryException(where + ": unknown field '" + prefix + key + "'; expected "
                            + new TreeSet<>(allowed).stream().map(k -> prefix + k).toList());
                }
            }
        }

        boolean has(String key) {
            return map.get(key) != null;
        }

        private Object required(String key) {
            Object value = map.get(key);
            if (value == null) {
                throw error(key, "is missing");
            }
            return value;
        }

        String string(String key) {
            Object value = required(key);
            if (!(value instanceof String s) || s.isBlank()) {
                throw error(key, "must be a non-empty string, got " + value);
            }
            return s.trim();
        }

        Fields map(String key) {
            Object value = required(key);
            if (!(value instanceof Map<?, ?> nested)) {
                throw error(key, "must be a map, got " + value);
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> typed = (Map<String, Object>) nested;
            return new Fields(typed, where, prefix + key + ".");
        }

        int positiveInt(String key) {
            return positiveInt(key, required(key));
        }

        private int positiveInt(String key, Object value) {
            // Integral numbers only: 224.0 or "224" is more likely a mistake than an intention.
            if ((value instanceof Integer || value instanceof Long) && ((Number) value).longValue() > 0
                    && ((Number) value).longValue() <= Integer.MAX_VALUE) {
                return ((Number) value).intValue();
            }
            throw error(key, "must be a positive integer, got " + value);
        }

        List<Integer> positiveInts(String key, int count) {
            List<?> values = list(key, count);
            List<Integer> ints = new ArrayList<>(count);
            for (Object v : values) {
                ints.add(positiveInt(key, v));
            }
            return ints;
        }

        List<Double> numbers(String key, int count) {
            List<Double> numbers = new ArrayList<>(count);
            for (Object v : list(key, count)) {
                if (!(v instanceof Number n)) {
                    throw error(key, "must be a list of numbers, got " + map.get(key));
                }
                numbers.add(n.doubleValue());
            }
            return numbers;
        }

        private List<?> list(String key, int count) {
            Object value = required(key);
            if (!(value instanceof List<?> values) || values.size() != count) {
                throw error(key, "must be a list of " + count + " values, got " + value);
            }
            return values;
        }

        <E extends Enum<E>> E enumValue(String key, Class<E> type) {
            String value = string(key);
            try {
                return Enum.valueOf(type, value.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw error(key, "'" + value + "' is unknown; expected one of " + Arrays.toString(type.getEnumConstants()));
            }
        }

        /** Runs a value constructor, reporting its IllegalArgumentException (a broken rule) with this map's location. */
        <T> T build(Supplier<T> constructor) {
            try {
                return constructor.get();
            } catch (IllegalArgumentException e) {
                throw new ModelRegistryException(where + (prefix.isEmpty() ? "" : " (" + prefix.substring(0, prefix.length() - 1) + ")")
                        + ": " + e.getMessage(), e);
            }
        }
    }
}
