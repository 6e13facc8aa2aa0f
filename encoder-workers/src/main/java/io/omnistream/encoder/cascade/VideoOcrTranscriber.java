package io.omnistream.encoder.cascade;

import io.omnistream.schemas.avro.MediaEvent;
import io.omnistream.schemas.error.PermanentFailureException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * VIDEO → text: samples {@code frames} frames uniformly over the clip (frame i at (i + 0.5) · duration / frames
 * seconds, i = 0..frames−1, as VLM2Vec-V2 samples 8 frames), OCRs each, drops a frame text equal to the previous
 * one after case and whitespace folding (a slide shown for several samples counts once) and joins the rest in time
 * order. Clips longer than {@code maxSeconds} are rejected after probing, before decoding any frame.
 */
final class VideoOcrTranscriber implements MediaTranscriber {
    private final TesseractOcr ocr;
    private final Ffmpeg ffmpeg;
    private final int frames;
    private final int maxSide;
    private final double maxSeconds;

    VideoOcrTranscriber(TesseractOcr ocr, Ffmpeg ffmpeg, int frames, int maxSide, double maxSeconds) {
        this.ocr = ocr;
        this.ffmpeg = ffmpeg;
        this.frames = frames;
        this.maxSide = maxSide;
        this.maxSeconds = maxSeconds;
    }

    @Override
    public String transcribe(MediaEvent event) {
        Path file = MediaPayload.toTempFile(MediaPayload.bytes(event), ".video");
        try {
            double duration = ffmpeg.durationSeconds(file, "v", "video");
            if (duration > maxSeconds) {
                throw new PermanentFailureException("preprocess", String.format(Locale.ROOT,
                        "video: %.1f s exceeds the limit of %.0f s", duration, maxSeconds));
            }
            List<String> texts = new ArrayList<>();
            String previous = null;
            for (double t : sampleTimes(duration, frames)) {
                String text = ocr.recognize(ffmpeg.frameAt(file, t, maxSide, "video"), "video frame");
                String folded = text.toLowerCase(Locale.ROOT).replaceAll("\\s+", " ").strip();
                if (!folded.isEmpty() && !folded.equals(previous)) {
                    texts.add(text);
                }
                previous = folded;
            }
            return String.join(" ", texts);
        } finally {
            ExternalTool.deleteQuietly(file);
        }
    }

    @Override
    public String version() {
        return "video-ocr(" + ffmpeg.version() + ", frames=" + frames + " uniform, maxSide=" + maxSide + ", "
                + ocr.version() + ")";
    }

    /** Times (s) of the uniformly sampled frames: the centres of {@code n} equal slices of the clip. */
    static double[] sampleTimes(double durationSeconds, int n) {
        double[] t = new double[n];
        for (int i = 0; i < n; i++) {
            t[i] = (i + 0.5) * durationSeconds / n;
        }
        return t;
    }
}
