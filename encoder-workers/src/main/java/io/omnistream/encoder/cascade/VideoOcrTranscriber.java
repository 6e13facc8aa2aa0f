package io.omnistream.encoder.cascade;

import io.omnistream.encoder.ocr.OcrEngine;
import io.omnistream.runtime.error.PermanentFailureException;
import io.omnistream.schemas.avro.MediaEvent;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * VIDEO → text: samples {@code frames} frames uniformly over the clip (frame i at (i + 0.5) · duration / frames
 * seconds, i = 0..frames−1, as VLM2Vec-V2 samples 8 frames), OCRs each, drops a frame text equal to the previous
 * one after case and whitespace folding (a slide shown for several samples counts once) and joins the rest in time
 * order. Clips longer than {@code maxSeconds} are rejected after probing, before decoding any frame.
 *
 * <p>OCR is the expensive step (about a second per frame on one core), so a frame that looks like the last recognised
 * one is not recognised again: both are reduced to a {@value #THUMB}x{@value #THUMB} grayscale thumbnail (block
 * means) and if no block differs by more than {@value #SAME_FRAME_MAX_DIFF} grey levels (of 255) the frame is taken
 * to show the same text. Compression noise between two frames of one slide moves a block mean by a level or two; a
 * changed line of text moves the blocks it covers by tens of levels, a new slide or scene by more. The threshold is
 * part of {@link #version()}.
 */
final class VideoOcrTranscriber implements MediaTranscriber {
    private final OcrEngine ocr;
    private final Ffmpeg ffmpeg;
    private final int frames;
    private final int maxSide;
    private final double maxSeconds;

    /** Side of the comparison thumbnail, pixels. */
    static final int THUMB = 32;
    /** Largest difference of one thumbnail block (grey levels, 0-255) at which two frames count as the same. */
    static final int SAME_FRAME_MAX_DIFF = 6;

    VideoOcrTranscriber(OcrEngine ocr, Ffmpeg ffmpeg, int frames, int maxSide, double maxSeconds) {
        this.ocr = ocr;
        this.ffmpeg = ffmpeg;
        this.frames = frames;
        this.maxSide = maxSide;
        this.maxSeconds = maxSeconds;
    }

    @Override
    public Recognition<BufferedImage> decode(MediaEvent event, StageTimes times) {
        MediaPayload.Checked media = MediaPayload.checked(event);
        Path file = MediaPayload.toTempFile(media.bytes(), ".video");
        try {
            double duration = times.decode(() -> ffmpeg.durationSeconds(file, media.format(), "v", "video"));
            if (duration > maxSeconds) {
                throw new PermanentFailureException("preprocess", String.format(Locale.ROOT,
                        "video: %.1f s exceeds the limit of %.0f s", duration, maxSeconds));
            }
            // which frames to recognise depends on the pictures only, so it is decided first and the kept frames are
            // recognised in one call (an engine that batches recognises the lines of all of them together)
            List<BufferedImage> kept = new ArrayList<>();
            int[] lastRecognised = null;
            for (double t : sampleTimes(duration, frames)) {
                byte[] png = times.decode(() -> ffmpeg.frameAt(file, media.format(), t, maxSide, "video"));
                BufferedImage image = times.decode(() -> decodePng(png));
                int[] thumb = times.decode(() -> thumbnail(image));
                if (lastRecognised != null && thumb != null && maxAbsoluteDifference(thumb, lastRecognised) <= SAME_FRAME_MAX_DIFF) {
                    continue; // same picture as the last recognised frame: same text, already kept (or empty)
                }
                lastRecognised = thumb;
                kept.add(image);
            }
            return new Recognition<>(ocr, ocr::recognize, kept, Recognition.pixels(kept), "video frame",
                    VideoOcrTranscriber::join, () -> { });
        } finally {
            ExternalTool.deleteQuietly(file);
        }
    }

    /** The kept frames' texts in order, a frame that reads like the one before (case and spacing aside) left out. */
    static String join(List<String> recognised) {
        List<String> texts = new ArrayList<>();
        String previous = null;
        for (String text : recognised) {
            String folded = text.toLowerCase(Locale.ROOT).replaceAll("\\s+", " ").strip();
            if (!folded.isEmpty() && !folded.equals(previous)) {
                texts.add(text);
            }
            previous = folded;
        }
        return String.join(" ", texts);
    }

    @Override
    public String version() {
        return "video-ocr(" + ffmpeg.version() + ", frames=" + frames + " uniform, maxSide=" + maxSide
                + ", skip frames within " + SAME_FRAME_MAX_DIFF + "/255 of the last recognised on " + THUMB + "x" + THUMB + ", "
                + ocr.version() + ")";
    }

    /** A frame ffmpeg wrote as PNG, as RGB. */
    static BufferedImage decodePng(byte[] png) {
        BufferedImage image;
        try {
            image = ImageIO.read(new ByteArrayInputStream(png));
        } catch (IOException e) {
            throw new PermanentFailureException("preprocess", "video frame: ffmpeg's PNG is unreadable: " + e.getMessage(), e);
        }
        if (image == null) {
            throw new PermanentFailureException("preprocess", "video frame: ffmpeg wrote " + png.length
                    + " bytes that are no PNG");
        }
        return image;
    }

    /** Grayscale block means of the frame on a THUMB x THUMB grid; null for a frame smaller than the grid. */
    static int[] thumbnail(BufferedImage image) {
        if (image.getWidth() < THUMB || image.getHeight() < THUMB) {
            return null;
        }
        long[] sum = new long[THUMB * THUMB];
        long[] count = new long[THUMB * THUMB];
        int w = image.getWidth();
        int h = image.getHeight();
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            image.getRGB(0, y, w, 1, row, 0, w);
            int cellRow = (int) ((long) y * THUMB / h) * THUMB;
            for (int x = 0; x < w; x++) {
                int rgb = row[x];
                // ITU-R BT.601 luma, integer weights (299, 587, 114) / 1000
                int grey = (299 * ((rgb >> 16) & 0xff) + 587 * ((rgb >> 8) & 0xff) + 114 * (rgb & 0xff)) / 1000;
                int cell = cellRow + (int) ((long) x * THUMB / w);
                sum[cell] += grey;
                count[cell]++;
            }
        }
        int[] thumb = new int[THUMB * THUMB];
        for (int i = 0; i < thumb.length; i++) {
            thumb[i] = (int) Math.round((double) sum[i] / count[i]);
        }
        return thumb;
    }

    static int maxAbsoluteDifference(int[] a, int[] b) {
        int max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
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
