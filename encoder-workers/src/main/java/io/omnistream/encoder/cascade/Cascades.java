package io.omnistream.encoder.cascade;

import io.omnistream.encoder.model.CascadeSpec;
import io.omnistream.encoder.model.EncoderSettings;
import io.omnistream.encoder.model.ModelSpec;
import io.omnistream.encoder.model.ProviderMetrics;
import io.omnistream.encoder.model.TextEncoder;
import io.omnistream.encoder.tower.NativeTower;
import io.omnistream.schemas.avro.Modality;
import java.util.EnumMap;
import java.util.Map;

/**
 * Builds a model's {@link EncodingChain} from its registry entry: the loaded text tower plus one transcriber per
 * declared cascade. Settings (all optional, defaults in brackets):
 * <ul>
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

    /** The chain of a model without native towers (cascades and post-processing only). */
    public static EncodingChain chain(ModelSpec spec, TextEncoder text) {
        if (!spec.towers().isEmpty()) {
            throw new IllegalArgumentException("model '" + spec.id() + "' has native towers " + spec.towers().keySet()
                    + ": load it with chain(spec, text, settings, metrics)");
        }
        return chain(spec, text, null, null);
    }

    /**
     * The model's whole chain: its cascades' transcribers, its native towers (loaded on ONNX Runtime with the text
     * tower's settings: same execution provider, threads) and its post-processing.
     */
    public static EncodingChain chain(ModelSpec spec, TextEncoder text, EncoderSettings settings, ProviderMetrics metrics) {
        Map<Modality, MediaTranscriber> transcribers = new EnumMap<>(Modality.class);
        for (CascadeSpec c : spec.cascades().values()) {
            transcribers.put(c.modality(), transcriber(c));
        }
        Map<Modality, MediaTower> towers = new EnumMap<>(Modality.class);
        try {
            for (var t : spec.towers().entrySet()) {
                NativeTower tower = NativeTower.load(spec.id() + "/" + t.getKey(), t.getValue(), settings, metrics);
                towers.put(t.getKey(), new MediaTower(t.getKey(), t.getValue(), tower));
            }
        } catch (RuntimeException e) {
            towers.values().forEach(MediaTower::close);
            throw e;
        }
        return new EncodingChain(text, transcribers, towers, spec.postprocess());
    }

    static MediaTranscriber transcriber(CascadeSpec c) {
        CascadeSettings s = new CascadeSettings(c);
        var timeout = s.seconds("timeoutSeconds", 60);
        switch (c.modality()) {
            case IMAGE, DOCUMENT, VIDEO -> requireRecognizer(c, "tesseract");
            case AUDIO -> requireRecognizer(c, "pocketsphinx");
            default -> throw new IllegalArgumentException("no cascade for modality " + c.modality());
        }
        return switch (c.modality()) {
            case IMAGE -> new ImageOcrTranscriber(ocr(s, timeout), s.longValue("maxPixels", 50_000_000L, 1));
            case DOCUMENT -> new DocumentOcrTranscriber(ocr(s, timeout), s.integer("dpi", 150, 36, 600),
                    new DocumentOcrTranscriber.Budget(s.integer("maxPages", 2, 1, 100),
                            s.longValue("maxPixels", 50_000_000L, 1), s.integer("maxImages", DocumentOcrTranscriber.Budget.DEFAULT_MAX_IMAGES, 0, 10_000),
                            s.seconds("renderTimeoutSeconds", (int) DocumentOcrTranscriber.Budget.DEFAULT_RENDER_TIMEOUT.toSeconds()),
                            s.integer("maxObjects", DocumentOcrTranscriber.Budget.DEFAULT_MAX_OBJECTS, 1, 100_000_000),
                            s.integer("maxDocumentPages", DocumentOcrTranscriber.Budget.DEFAULT_MAX_DOCUMENT_PAGES, 1, 10_000_000)));
            case VIDEO -> new VideoOcrTranscriber(ocr(s, timeout), new Ffmpeg(timeout), s.integer("frames", 8, 1, 64),
                    s.integer("maxSide", 1280, 64, 8192), s.integer("maxSeconds", 600, 1, 86_400));
            case AUDIO -> new AudioAsrTranscriber(new Pocketsphinx("pocketsphinx_continuous", Pocketsphinx.MODEL_DIR,
                    s.string("jsgf", "").isEmpty() ? null : java.nio.file.Path.of(s.string("jsgf", "")), timeout),
                    new Ffmpeg(timeout), s.integer("maxSeconds", 120, 1, 86_400));
            default -> throw new IllegalArgumentException("no cascade for modality " + c.modality());
        };
    }

    private static TesseractOcr ocr(CascadeSettings s, java.time.Duration timeout) {
        return new TesseractOcr("tesseract", s.string("lang", "eng"), s.integer("psm", 3, 0, 13), timeout);
    }

    private static void requireRecognizer(CascadeSpec c, String expected) {
        if (!c.recognizer().equals(expected)) {
            throw new IllegalArgumentException("cascade " + c.modality() + ": recognizer '" + c.recognizer()
                    + "' is not available; this build supports '" + expected + "' for " + c.modality());
        }
    }
}
