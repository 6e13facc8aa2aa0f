package io.omnistream.encoder.media;

import io.omnistream.encoder.cascade.ExternalTool;
import io.omnistream.runtime.error.PermanentFailureException;
import io.omnistream.schemas.avro.Modality;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Samples frames from a video (MP4/H.264, WebM/VP8/VP9, anything ffmpeg decodes) with the ffmpeg and ffprobe CLIs,
 * on a temp file.
 *
 * <p>Sampling (VLM2Vec-V2's uniform sampling): with {@code d} the container duration (ffprobe
 * {@code format=duration}) and {@code n} frames, sample i is taken at {@code t_i = (i + 0.5) * d / n} seconds from the
 * start of the file, and the frame returned is the one on screen at {@code t_i}: the latest frame whose
 * presentation time is &lt;= t_i (presentation times come from the video stream's packet timestamps, read by
 * ffprobe without decoding). {@code n = 1} gives the middle of the clip. Plain {@code ffmpeg -ss t} would return the
 * first frame at or after t instead, one frame later whenever t falls between frames.
 *
 * <p>Bounds, checked after probing and before decoding any frame: duration &lt;= {@link VideoSettings#maxSeconds()},
 * width x height &lt;= {@link VideoSettings#maxFramePixels()}. Each frame is decoded by its own ffmpeg run (input
 * seek, so only the GOP up to the frame is decoded), as 8-bit RGB (PPM), with stdout capped at the frame's size.
 *
 * <p>Input: the payload's format is sniffed first ({@link MediaSniffer}); bytes in no video container the worker reads
 * are refused, and ffmpeg/ffprobe read the file with that container's demuxer and the file protocol only.
 *
 * <p>Errors: empty, unreadable, frame-less, too long or too large videos throw {@link PermanentFailureException}
 * (stage {@code preprocess}); a missing binary or a run past the timeout throws
 * {@link io.omnistream.encoder.cascade.ToolUnavailableException} (retryable).
 */
public final class VideoFrames {
    /** ffprobe's packet list: about 10 bytes a packet; 16 MiB is over a million frames. */
    private static final int MAX_PACKET_LIST_BYTES = 16 << 20;

    private final VideoSettings settings;
    private final String ffmpegVersion;

    /** @throws io.omnistream.encoder.cascade.ToolUnavailableException if ffmpeg is not installed */
    public VideoFrames(VideoSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.ffmpegVersion = MediaFiles.ffmpegVersion();
    }

    public VideoSettings settings() {
        return settings;
    }

    /** e.g. {@code video-frames(ffmpeg version 5.1.9-0+deb12u1; 8 uniform (i+0.5)*d/n, frame on screen)}. */
    public String version() {
        return "video-frames(" + ffmpegVersion + "; " + settings.frames() + " uniform (i+0.5)*d/n, frame on screen)";
    }

    /** The sampling times in seconds: the centres of {@code n} equal slices of {@code [0, duration)}. */
    public static double[] sampleTimes(double durationSeconds, int n) {
        double[] t = new double[n];
        for (int i = 0; i < n; i++) {
            t[i] = (i + 0.5) * durationSeconds / n;
        }
        return t;
    }

    /** The {@link VideoSettings#frames()} sampled frames, in time order. Holds all of them in memory. */
    public List<SampledFrame> sample(byte[] video) {
        List<SampledFrame> frames = new ArrayList<>();
        forEachFrame(video, frames::add);
        return frames;
    }

    /**
     * The sampled frames through {@code images}, as {@code float[frames * images.itemSize()]} in frame order, to be
     * fed to an image tower as {@code frames} items or to a clip tower as one
     * ({@link FramePooling}). Only one decoded frame is held at a time.
     */
    public float[] tensors(byte[] video, ImageTensors images) {
        float[] out = new float[Math.multiplyExact(settings.frames(), images.itemSize())];
        forEachFrame(video, frame -> images.write(frame.image(), out, frame.index() * images.itemSize()));
        return out;
    }

    /** Decodes the sampled frames one after the other and hands each to {@code consumer}, in time order. */
    public void forEachFrame(byte[] video, Consumer<SampledFrame> consumer) {
        if (video == null || video.length == 0) {
            throw new PermanentFailureException("preprocess", "video: empty payload (0 bytes)");
        }
        MediaSniffer.Format format = MediaSniffer.require(video, Modality.VIDEO, null);
        Path file = MediaFiles.tempFile(video, ".video");
        try {
            MediaFiles.Probe probe = probe(file, format);
            double[] pts = packetTimes(file, format);
            double[] times = sampleTimes(probe.durationSeconds(), settings.frames());
            for (int i = 0; i < times.length; i++) {
                double seek;
                double frameSeconds;
                if (pts.length == 0) {
                    seek = times[i];
                    frameSeconds = Double.NaN;
                } else {
                    int k = shownAt(pts, probe.startSeconds() + times[i]);
                    frameSeconds = pts[k] - probe.startSeconds();
                    // ffmpeg's input seek returns the first frame at or after the seek time; aim a little before
                    // the chosen frame (half the gap to the previous one, at most 1 ms) so that timestamp rounding
                    // in the decimal text cannot skip to the next frame.
                    double gap = k > 0 ? pts[k] - pts[k - 1] : 0.002;
                    seek = Math.max(0, frameSeconds - Math.min(0.001, gap / 2));
                }
                BufferedImage image = frameAt(file, format, seek, probe, times[i]);
                consumer.accept(new SampledFrame(i, times[i], frameSeconds, image));
            }
        } finally {
            MediaFiles.delete(file);
        }
    }

    /** Index of the latest time &lt;= t in the sorted {@code pts}; 0 if all are later. */
    static int shownAt(double[] pts, double t) {
        int i = Arrays.binarySearch(pts, t);
        if (i >= 0) {
            while (i + 1 < pts.length && pts[i + 1] == t) {
                i++;
            }
            return i;
        }
        int insertion = -i - 1;
        return Math.max(0, insertion - 1);
    }

    private MediaFiles.Probe probe(Path file, MediaSniffer.Format format) {
        MediaFiles.Probe probe = MediaFiles.probe(file, format, "v", settings.timeout(), "video");
        if (probe.durationSeconds() > settings.maxSeconds()) {
            throw new PermanentFailureException("preprocess", String.format(Locale.ROOT,
                    "video: %.1f s exceeds the limit of %s s", probe.durationSeconds(), plain(settings.maxSeconds())));
        }
        if (probe.width() <= 0 || probe.height() <= 0) {
            throw new PermanentFailureException("preprocess", "video: stream " + probe.codec() + " has no frame size");
        }
        long pixels = (long) probe.width() * probe.height();
        if (pixels > settings.maxFramePixels()) {
            throw new PermanentFailureException("preprocess", "video: frames of " + probe.width() + "x" + probe.height()
                    + " = " + pixels + " pixels exceed the limit of " + settings.maxFramePixels() + " pixels");
        }
        return probe;
    }

    /** Sorted presentation times (s) of the first video stream's packets; empty if the container has none. */
    private double[] packetTimes(Path file, MediaSniffer.Format format) {
        ExternalTool.Result r;
        try {
            List<String> command = new ArrayList<>(List.of("ffprobe", "-v", "error"));
            command.addAll(format.ffmpegInput(file));
            command.addAll(List.of("-select_streams", "v:0", "-show_entries", "packet=pts_time", "-of", "csv=p=0"));
            r = ExternalTool.run(command, null, settings.timeout(), MAX_PACKET_LIST_BYTES);
        } catch (IllegalStateException e) {
            throw new PermanentFailureException("preprocess", "video: more packets than " + MAX_PACKET_LIST_BYTES
                    + " bytes of timestamps", e);
        }
        if (r.exitCode() != 0) {
            throw new PermanentFailureException("preprocess", "video: ffprobe cannot list its packets: "
                    + MediaFiles.toolError(r, file));
        }
        double[] pts = r.stdoutText().lines().map(String::strip).map(s -> s.replace(",", ""))
                .filter(s -> !s.isEmpty() && !s.equals("N/A"))
                .mapToDouble(s -> {
                    try {
                        return Double.parseDouble(s);
                    } catch (NumberFormatException e) {
                        return Double.NaN;
                    }
                })
                .filter(Double::isFinite).sorted().toArray();
        return pts;
    }

    private BufferedImage frameAt(Path file, MediaSniffer.Format format, double seekSeconds, MediaFiles.Probe probe,
                                  double sampleSeconds) {
        // 8-bit RGB PPM: 3 bytes a pixel plus a short header. Rotation metadata may swap width and height, not
        // their product.
        int maxBytes = (int) Math.min(Integer.MAX_VALUE - 8, (long) probe.width() * probe.height() * 3 + 64);
        ExternalTool.Result r;
        try {
            List<String> command = new ArrayList<>(List.of("ffmpeg", "-v", "error", "-nostdin", "-ss",
                    String.format(Locale.ROOT, "%.6f", seekSeconds)));
            command.addAll(format.ffmpegInput(file));
            command.addAll(List.of("-map", "0:v:0", "-frames:v", "1", "-f", "image2pipe", "-vcodec", "ppm", "-"));
            r = ExternalTool.run(command, null, settings.timeout(), maxBytes);
        } catch (IllegalStateException e) {
            throw new PermanentFailureException("preprocess", "video: decoded frame larger than the probed "
                    + probe.width() + "x" + probe.height(), e);
        }
        if (r.exitCode() != 0 || r.stdout().length == 0) {
            throw new PermanentFailureException("preprocess", String.format(Locale.ROOT,
                    "video: ffmpeg could not decode the frame at %.3f s: %s", sampleSeconds,
                    r.stdout().length == 0 && r.exitCode() == 0 ? "no frame there" : MediaFiles.toolError(r, file)));
        }
        return parsePpm(r.stdout());
    }

    /** A binary PPM (P6, maxval 255) as a TYPE_INT_RGB image. */
    static BufferedImage parsePpm(byte[] ppm) {
        int[] pos = {0};
        String magic = token(ppm, pos);
        int width;
        int height;
        int maxval;
        try {
            width = Integer.parseInt(token(ppm, pos));
            height = Integer.parseInt(token(ppm, pos));
            maxval = Integer.parseInt(token(ppm, pos));
        } catch (NumberFormatException e) {
            throw new PermanentFailureException("preprocess", "video: unreadable frame header from ffmpeg", e);
        }
        if (!magic.equals("P6") || maxval != 255 || width <= 0 || height <= 0) {
            throw new PermanentFailureException("preprocess", "video: unexpected frame format from ffmpeg: " + magic
                    + " " + width + "x" + height + " maxval " + maxval);
        }
        int start = pos[0] + 1; // one whitespace byte after maxval
        long need = (long) width * height * 3;
        if (ppm.length - start < need) {
            throw new PermanentFailureException("preprocess", "video: ffmpeg's frame is short: " + (ppm.length - start)
                    + " of " + need + " bytes");
        }
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        int[] rgb = ((DataBufferInt) image.getRaster().getDataBuffer()).getData();
        for (int i = 0, p = start; i < rgb.length; i++, p += 3) {
            rgb[i] = (ppm[p] & 0xff) << 16 | (ppm[p + 1] & 0xff) << 8 | (ppm[p + 2] & 0xff);
        }
        return image;
    }

    private static String token(byte[] b, int[] pos) {
        int i = pos[0];
        while (i < b.length && (Character.isWhitespace(b[i]) || b[i] == '#')) {
            if (b[i] == '#') {
                while (i < b.length && b[i] != '\n') {
                    i++;
                }
            } else {
                i++;
            }
        }
        int s = i;
        while (i < b.length && !Character.isWhitespace(b[i])) {
            i++;
        }
        pos[0] = i;
        if (s == i) {
            throw new PermanentFailureException("preprocess", "video: ffmpeg returned a truncated frame header");
        }
        return new String(b, s, i - s, StandardCharsets.US_ASCII);
    }

    private static String plain(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }
}
