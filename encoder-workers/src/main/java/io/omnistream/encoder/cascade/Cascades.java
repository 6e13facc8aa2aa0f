package io.omnistream.encoder.cascade;

import io.omnistream.encoder.asr.SpeechRecognizer;
import io.omnistream.encoder.asr.WhisperRecognizer;
import io.omnistream.encoder.asr.WhisperSettings;
import io.omnistream.encoder.model.CascadeSpec;
import io.omnistream.encoder.model.EncoderSettings;
import io.omnistream.encoder.model.ModelSpec;
import io.omnistream.encoder.model.ProviderMetrics;
import io.omnistream.encoder.model.TextEncoder;
import io.omnistream.encoder.ocr.OcrEngine;
import io.omnistream.encoder.ocr.PpOcrEngine;
import io.omnistream.encoder.ocr.PpOcrSettings;
import io.omnistream.encoder.tower.NativeTower;
import io.omnistream.schemas.avro.Modality;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds a model's {@link EncodingChain} from its registry entry: the loaded text tower plus one transcriber per
 * declared cascade. Recognisers ({@code recognizer:}): IMAGE, DOCUMENT and VIDEO read text with {@code ppocr}
 * (PP-OCRv4 on ONNX Runtime in this JVM, with the text tower's execution provider; one engine per chain, shared by the
 * three modalities when their settings agree) or {@code tesseract} (a subprocess per image); AUDIO is transcribed by
 * {@code whisper-tiny.en} (faster-whisper in one managed Python process per chain) or {@code pocketsphinx} (a
 * subprocess per file). The chain owns the engines and processes and closes them. Settings (all optional, defaults
 * in brackets):
 * <ul>
 *   <li>IMAGE, DOCUMENT, VIDEO {@code ppocr}: {@code limitSideLen} [736 px: the longest side an image is scaled down to
 *       before text detection], {@code angleCls} [true: lines are checked for 180° rotation], {@code recBatch} [8
 *       lines per recognition run]; the modality's budgets below</li>
 *   <li>AUDIO {@code whisper-tiny.en}: {@code beamSize} [1, greedy], {@code skipNoSpeech} [true: faster-whisper's
 *       no-speech rule, see {@code WhisperSettings}], {@code maxSeconds} as for PocketSphinx;
 *       {@code timeoutSeconds} is the recognition budget of one item; where the Python process runs and its venv are
 *       the worker's {@code encoder.asr.whisper.*} options</li>
 *   <li>IMAGE {@code tesseract}: {@code lang} [eng], {@code psm} [3], {@code maxPixels} [50,000,000]</li>
 *   <li>DOCUMENT {@code tesseract}: as IMAGE, plus {@code dpi} [150], {@code maxPages} [2], {@code maxImages} [100
 *       image XObjects per page], {@code renderTimeoutSeconds} [30], {@code maxObjects} [200,000 objects in the
 *       cross-reference table], {@code maxDocumentPages} [1,000 pages in the document; only {@code maxPages} of them
 *       are rendered]</li>
 *   <li>VIDEO {@code tesseract}: as IMAGE, plus {@code frames} [8], {@code maxSide} [1280 px],
 *       {@code maxSeconds} [600]</li>
 *   <li>AUDIO {@code pocketsphinx}: {@code maxSeconds} [120] (the audio duration budget: a WAV header declaring more
 *       is refused undecoded, other audio is decoded to at most one second past it), {@code jsgf} [none: the generic language model] — a
 *       JSGF grammar file for closed-vocabulary audio (e.g. spoken digits)</li>
 *   <li>every cascade: {@code timeoutSeconds} [60] per tool run; every tool also runs under the worker's
 *       {@link ToolSandbox} (rlimits, no network; {@code encoder.tools.*})</li>
 * </ul>
 * The tools are probed (versions read) when the chain is built, so a missing binary fails at start-up with the
 * install hint rather than on the first event.
 */
public final class Cascades {
    private Cascades() {}

    /** OCR recognisers a cascade may name for IMAGE, DOCUMENT and VIDEO. */
    public static final List<String> OCR_RECOGNIZERS = List.of("ppocr", "tesseract");
    /** Speech recognisers a cascade may name for AUDIO. */
    public static final List<String> ASR_RECOGNIZERS = List.of("whisper-tiny.en", "pocketsphinx");

    /**
     * The chain of a model without native towers (cascades and post-processing only), its recognisers on the default
     * encoder settings (CPU) and Whisper options.
     */
    public static EncodingChain chain(ModelSpec spec, TextEncoder text) {
        if (!spec.towers().isEmpty()) {
            throw new IllegalArgumentException("model '" + spec.id() + "' has native towers " + spec.towers().keySet()
                    + ": load it with chain(spec, text, settings, metrics)");
        }
        return chain(spec, text, EncoderSettings.defaults(), new ProviderMetrics(new PrometheusRegistry()));
    }

    /**
     * The model's whole chain: its cascades' transcribers, its native towers (loaded on ONNX Runtime with the text
     * tower's settings: same execution provider, threads) and its post-processing. Whisper runs with the default
     * {@code encoder.asr.whisper.*} options.
     */
    public static EncodingChain chain(ModelSpec spec, TextEncoder text, EncoderSettings settings, ProviderMetrics metrics) {
        return chain(spec, text, settings, metrics, WhisperSettings.defaults());
    }

    /**
     * As {@link #chain(ModelSpec, TextEncoder, EncoderSettings, ProviderMetrics)}, with the worker's Whisper options
     * (venv, device, log; the registry's {@code beamSize} and {@code timeoutSeconds} override theirs).
     */
    public static EncodingChain chain(ModelSpec spec, TextEncoder text, EncoderSettings settings, ProviderMetrics metrics,
                                      WhisperSettings whisper) {
        Recognizers recognizers = new Recognizers(settings, metrics, whisper);
        Map<Modality, MediaTower> towers = new EnumMap<>(Modality.class);
        try {
            Map<Modality, MediaTranscriber> transcribers = new EnumMap<>(Modality.class);
            for (CascadeSpec c : spec.cascades().values()) {
                transcribers.put(c.modality(), transcriber(c, recognizers));
            }
            for (var t : spec.towers().entrySet()) {
                NativeTower tower = NativeTower.load(spec.id() + "/" + t.getKey(), t.getValue(), settings, metrics);
                towers.put(t.getKey(), new MediaTower(t.getKey(), t.getValue(), tower));
            }
            return new EncodingChain(text, transcribers, towers, spec.postprocess(), recognizers.owned);
        } catch (RuntimeException e) {
            towers.values().forEach(MediaTower::close);
            recognizers.closeAll();
            throw e;
        }
    }

    /** A cascade's transcriber on a recogniser the chain will not own (tests; the tool-based recognisers). */
    static MediaTranscriber transcriber(CascadeSpec c) {
        return transcriber(c, new Recognizers(EncoderSettings.defaults(), new ProviderMetrics(new PrometheusRegistry()),
                WhisperSettings.defaults()));
    }

    static MediaTranscriber transcriber(CascadeSpec c, Recognizers recognizers) {
        CascadeSettings s = new CascadeSettings(c);
        var timeout = s.seconds("timeoutSeconds", 60);
        switch (c.modality()) {
            case IMAGE, DOCUMENT, VIDEO -> requireRecognizer(c, OCR_RECOGNIZERS);
            case AUDIO -> requireRecognizer(c, ASR_RECOGNIZERS);
            default -> throw new IllegalArgumentException("no cascade for modality " + c.modality());
        }
        return switch (c.modality()) {
            case IMAGE -> new ImageOcrTranscriber(ocr(c, s, timeout, recognizers), s.longValue("maxPixels", 50_000_000L, 1));
            case DOCUMENT -> new DocumentOcrTranscriber(ocr(c, s, timeout, recognizers), s.integer("dpi", 150, 36, 600),
                    new DocumentOcrTranscriber.Budget(s.integer("maxPages", 2, 1, 100),
                            s.longValue("maxPixels", 50_000_000L, 1), s.integer("maxImages", DocumentOcrTranscriber.Budget.DEFAULT_MAX_IMAGES, 0, 10_000),
                            s.seconds("renderTimeoutSeconds", (int) DocumentOcrTranscriber.Budget.DEFAULT_RENDER_TIMEOUT.toSeconds()),
                            s.integer("maxObjects", DocumentOcrTranscriber.Budget.DEFAULT_MAX_OBJECTS, 1, 100_000_000),
                            s.integer("maxDocumentPages", DocumentOcrTranscriber.Budget.DEFAULT_MAX_DOCUMENT_PAGES, 1, 10_000_000)));
            case VIDEO -> new VideoOcrTranscriber(ocr(c, s, timeout, recognizers), new Ffmpeg(timeout),
                    s.integer("frames", 8, 1, 64), s.integer("maxSide", 1280, 64, 8192), s.integer("maxSeconds", 600, 1, 86_400));
            case AUDIO -> new AudioAsrTranscriber(asr(c, s, timeout, recognizers), new Ffmpeg(timeout),
                    s.integer("maxSeconds", 120, 1, 86_400));
            default -> throw new IllegalArgumentException("no cascade for modality " + c.modality());
        };
    }

    private static OcrEngine ocr(CascadeSpec c, CascadeSettings s, Duration timeout, Recognizers recognizers) {
        if (c.recognizer().equals("ppocr")) {
            PpOcrSettings defaults = PpOcrSettings.defaults();
            return recognizers.ppocr(defaults.withDetLimitSideLen(s.integer("limitSideLen", defaults.detLimitSideLen(), 32, 8192))
                    .withUseAngleCls(Boolean.parseBoolean(s.string("angleCls", Boolean.toString(defaults.useAngleCls()))))
                    .withRecBatch(s.integer("recBatch", defaults.recBatch(), 1, 256)));
        }
        return new TesseractOcr("tesseract", s.string("lang", "eng"), s.integer("psm", 3, 0, 13), timeout);
    }

    private static SpeechRecognizer asr(CascadeSpec c, CascadeSettings s, Duration timeout, Recognizers recognizers) {
        if (c.recognizer().equals("whisper-tiny.en")) {
            return recognizers.whisper(recognizers.whisperBase.withBudgetPerItem(timeout)
                    .withBeamSize(s.integer("beamSize", WhisperSettings.DEFAULT_BEAM_SIZE, 1, 16))
                    .withSkipNoSpeech(Boolean.parseBoolean(s.string("skipNoSpeech",
                            Boolean.toString(WhisperSettings.DEFAULT_SKIP_NO_SPEECH)))));
        }
        String jsgf = s.string("jsgf", "");
        return new Pocketsphinx("pocketsphinx_continuous", Pocketsphinx.MODEL_DIR, jsgf.isEmpty() ? null : Path.of(jsgf),
                timeout);
    }

    private static void requireRecognizer(CascadeSpec c, List<String> supported) {
        if (!supported.contains(c.recognizer())) {
            throw new IllegalArgumentException("cascade " + c.modality() + ": recognizer '" + c.recognizer()
                    + "' is not available; this build supports " + supported + " for " + c.modality());
        }
    }

    /**
     * The in-process and managed recognisers of one chain, created on first use and shared by its cascades when their
     * settings agree (one PP-OCR engine for IMAGE, DOCUMENT and VIDEO; one Whisper process), owned by the chain.
     */
    static final class Recognizers {
        private final EncoderSettings encoder;
        private final ProviderMetrics metrics;
        private final WhisperSettings whisperBase;
        private final Map<PpOcrSettings, PpOcrEngine> ppocr = new HashMap<>();
        private final Map<WhisperSettings, WhisperRecognizer> whisper = new HashMap<>();
        private final List<AutoCloseable> owned = new ArrayList<>();

        Recognizers(EncoderSettings encoder, ProviderMetrics metrics, WhisperSettings whisperBase) {
            this.encoder = encoder;
            this.metrics = metrics;
            this.whisperBase = whisperBase;
        }

        PpOcrEngine ppocr(PpOcrSettings settings) {
            return ppocr.computeIfAbsent(settings, s -> own(PpOcrEngine.loadBundled(s, encoder, metrics)));
        }

        WhisperRecognizer whisper(WhisperSettings settings) {
            return whisper.computeIfAbsent(settings, s -> own(new WhisperRecognizer(s)));
        }

        private <T extends AutoCloseable> T own(T recognizer) {
            owned.add(recognizer);
            return recognizer;
        }

        void closeAll() {
            for (AutoCloseable r : owned) {
                try {
                    r.close();
                } catch (Exception e) {
                    // closing what a failed start left behind; the start's own error is the one reported
                }
            }
        }
    }
}
