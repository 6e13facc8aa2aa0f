package io.omnistream.encoder.media;

import io.omnistream.encoder.cascade.ExternalTool;
import io.omnistream.runtime.error.PermanentFailureException;
import io.omnistream.schemas.avro.Modality;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Decodes audio (WAV, OGG/Vorbis, MP3, FLAC, AAC, the audio track of a video: anything ffmpeg reads) to mono float
 * PCM at a requested rate with the ffmpeg CLI: {@code ffmpeg -i FILE -map 0:a:0 -ac 1 -ar RATE -t CLIP -f f32le -}.
 * That is Whisper's own {@code load_audio} command (ffmpeg's default resampler and down-mix), except that samples stay
 * 32-bit float instead of going through 16-bit integers.
 *
 * <p>Input: the payload's format is sniffed first ({@link MediaSniffer}); bytes in no audio format the worker reads are
 * refused, and ffmpeg/ffprobe read the file with that format's demuxer and the file protocol only.
 *
 * <p>Bounds: the source's duration above {@link AudioSettings#maxSeconds()} is refused before decoding: for a WAV as
 * its header declares it ({@link WavHeader}, before any tool runs), then as ffprobe reads it from the container.
 * Within it, only the first {@code clipSeconds} are decoded (ffmpeg {@code -t}): a model with a fixed clip length
 * (Whisper: 30 s) never sees more, as Whisper's {@code pad_or_trim} does, and decoding stops early. stdout is capped
 * at the clip's size plus one second.
 *
 * <p>Errors: empty, unreadable or audio-less input and too-long sources throw {@link PermanentFailureException}
 * (stage {@code preprocess}); a missing binary or a run past the timeout throws
 * {@link io.omnistream.encoder.cascade.ToolUnavailableException} (retryable).
 */
public final class AudioSamples {
    private final AudioSettings settings;
    private final String ffmpegVersion;

    /** @throws io.omnistream.encoder.cascade.ToolUnavailableException if ffmpeg is not installed */
    public AudioSamples(AudioSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.ffmpegVersion = MediaFiles.ffmpegVersion();
    }

    public AudioSettings settings() {
        return settings;
    }

    /** e.g. {@code audio-pcm(ffmpeg version 5.1.9-0+deb12u1; mono f32le; maxSeconds=600)}. */
    public String version() {
        return "audio-pcm(" + ffmpegVersion + "; mono f32le; maxSeconds=" + settings.maxSeconds() + ")";
    }

    /**
     * @param sampleRateHz rate to resample to, e.g. 16000
     * @param clipSeconds  decode at most this many seconds from the start (the model's clip length); a longer
     *                     source is truncated and flagged {@link DecodedAudio#truncated()}
     */
    public DecodedAudio decode(byte[] media, int sampleRateHz, double clipSeconds) {
        if (sampleRateHz < 1000 || sampleRateHz > 384_000) {
            throw new IllegalArgumentException("sampleRateHz must be in [1000, 384000], got " + sampleRateHz);
        }
        if (!(clipSeconds > 0) || Double.isInfinite(clipSeconds)) {
            throw new IllegalArgumentException("clipSeconds must be finite and > 0, got " + clipSeconds);
        }
        MediaSniffer.Format format = MediaSniffer.require(media, Modality.AUDIO, null);
        WavHeader.checkDeclaredDuration(media, settings.maxSeconds());
        Path file = MediaFiles.tempFile(media, ".audio");
        try {
            double source = MediaFiles.probe(file, format, "a", settings.timeout(), "audio").durationSeconds();
            if (source > settings.maxSeconds()) {
                throw new PermanentFailureException("preprocess", String.format(Locale.ROOT,
                        "audio is %.1f s, over the %s s budget", source, plain(settings.maxSeconds())));
            }
            long clipSamples = (long) Math.ceil(clipSeconds * sampleRateHz);
            long cap = (clipSamples + sampleRateHz) * 4L;
            if (cap > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("clip of " + clipSeconds + " s at " + sampleRateHz
                        + " Hz does not fit one array");
            }
            ExternalTool.Result r;
            try {
                List<String> command = new ArrayList<>(List.of("ffmpeg", "-v", "error", "-nostdin"));
                command.addAll(format.ffmpegInput(file));
                command.addAll(List.of("-map", "0:a:0", "-vn", "-ac", "1", "-ar", Integer.toString(sampleRateHz),
                        "-t", String.format(Locale.ROOT, "%.6f", clipSeconds), "-f", "f32le", "-acodec", "pcm_f32le",
                        "-"));
                r = ExternalTool.run(command, null, settings.timeout(), (int) cap);
            } catch (IllegalStateException e) {
                throw new PermanentFailureException("preprocess", "audio: ffmpeg produced more than the "
                        + clipSeconds + " s clip", e);
            }
            if (r.exitCode() != 0) {
                throw new PermanentFailureException("preprocess", "audio: ffmpeg cannot decode it: "
                        + MediaFiles.toolError(r, file));
            }
            byte[] pcm = r.stdout();
            if (pcm.length < 4) {
                throw new PermanentFailureException("preprocess", "audio: ffmpeg decoded no samples"
                        + (r.stderrLastLine().isEmpty() ? "" : ": " + MediaFiles.toolError(r, file)));
            }
            return fromPcm(pcm, sampleRateHz, clipSeconds, source);
        } finally {
            MediaFiles.delete(file);
        }
    }

    /**
     * The samples of ffmpeg's {@code f32le} output: at most {@code clipSeconds} of them (ffmpeg's {@code -t} may round
     * up by a frame). ffmpeg passes a float source's samples through unchanged, so a float WAV can carry NaN or
     * infinity; such a sample would turn every value of the model's input (e.g. the whole log-mel spectrogram, whose
     * floor is relative to its maximum) into NaN, and so the embedding: it is refused here.
     *
     * @param pcm           little-endian 32-bit float samples, mono; a trailing partial sample is ignored
     * @param sourceSeconds the source's duration (ffprobe), recorded in the result and compared to the clip
     * @throws PermanentFailureException (stage {@code preprocess}) for a sample that is NaN or infinite
     */
    static DecodedAudio fromPcm(byte[] pcm, int sampleRateHz, double clipSeconds, double sourceSeconds) {
        long clipSamples = (long) Math.ceil(clipSeconds * sampleRateHz);
        int n = (int) Math.min(pcm.length / 4, clipSamples);
        float[] samples = new float[n];
        ByteBuffer.wrap(pcm).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(samples, 0, n);
        for (int i = 0; i < n; i++) {
            if (!Float.isFinite(samples[i])) {
                throw new PermanentFailureException("preprocess", String.format(Locale.ROOT,
                        "audio: sample %d (at %.3f s) is %s; the source holds non-finite float samples",
                        i, (double) i / sampleRateHz, samples[i]));
            }
        }
        return new DecodedAudio(samples, sampleRateHz, sourceSeconds, sourceSeconds > clipSeconds);
    }

    /** Decodes at the spectrogram's rate and clip length, then computes its item ({@code [melBins][frames]}). */
    public float[] logMel(byte[] media, LogMelSpectrogram spectrogram) {
        DecodedAudio audio = decode(media, spectrogram.sampleRateHz(), spectrogram.clipSeconds());
        return spectrogram.item(audio.samples());
    }

    private static String plain(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }
}
