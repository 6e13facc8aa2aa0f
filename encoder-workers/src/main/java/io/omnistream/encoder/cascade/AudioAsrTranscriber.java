package io.omnistream.encoder.cascade;

import io.omnistream.encoder.asr.SpeechRecognizer;
import io.omnistream.encoder.media.MediaSniffer;
import io.omnistream.encoder.media.WavHeader;
import io.omnistream.runtime.error.PermanentFailureException;
import io.omnistream.schemas.avro.MediaEvent;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * AUDIO → text: decodes any audio ffmpeg reads (WAV, OGG/Vorbis, MP3, FLAC, ...) to 16 kHz mono 16-bit PCM and runs
 * the model's {@link SpeechRecognizer} on it (PocketSphinx, Whisper).
 *
 * <p>Duration budget ({@code maxSeconds}), without ffprobe: a WAV whose header declares more is refused before any
 * tool runs ({@link WavHeader}); every input is then decoded with {@code ffmpeg -t maxSeconds+1}, so decoding stops one
 * second past the budget whatever the container claims, and audio whose decoded length is over the budget is refused
 * ("audio is N s, over the M s budget"; "at least N s" when decoding reached the cap).
 */
final class AudioAsrTranscriber implements MediaTranscriber {
    private final SpeechRecognizer asr;
    private final Ffmpeg ffmpeg;
    private final double maxSeconds;

    AudioAsrTranscriber(SpeechRecognizer asr, Ffmpeg ffmpeg, double maxSeconds) {
        this.asr = asr;
        this.ffmpeg = ffmpeg;
        this.maxSeconds = maxSeconds;
    }

    @Override
    public Recognition<Path> decode(MediaEvent event, StageTimes times) {
        MediaPayload.Checked media = MediaPayload.checked(event);
        if (media.format() == MediaSniffer.Format.WAV) {
            WavHeader.checkDeclaredDuration(media.bytes(), maxSeconds);
        }
        Path in = null;
        Path wav = null;
        boolean handedOver = false;
        try {
            in = MediaPayload.toTempFile(media.bytes(), ".audio");
            wav = MediaPayload.toTempFile(new byte[0], ".wav");
            Path source = in;
            Path decoded = wav;
            double cap = maxSeconds + 1;
            double seconds = times.decode(() -> {
                ffmpeg.toWav16kMono(source, media.format(), decoded, cap, "audio");
                return decodedSeconds(decoded);
            });
            if (seconds > maxSeconds) {
                throw new PermanentFailureException("preprocess", String.format(Locale.ROOT,
                        "audio is %s%.1f s, over the %s s budget", seconds >= cap - 0.05 ? "at least " : "", seconds,
                        plain(maxSeconds)));
            }
            // the WAV lives until the recognition is closed: the recogniser reads it by path
            Recognition<Path> recognition = new Recognition<>(asr, asr::recognize, List.of(decoded), 1, "audio",
                    texts -> texts.get(0), () -> ExternalTool.deleteQuietly(decoded));
            handedOver = true;
            return recognition;
        } finally {
            ExternalTool.deleteQuietly(in);
            if (!handedOver) {
                ExternalTool.deleteQuietly(wav);
            }
        }
    }

    @Override
    public String version() {
        return "audio-asr(" + ffmpeg.version() + " 16kHz mono, " + asr.version() + ")";
    }

    /** Length of ffmpeg's 16 kHz mono s16 WAV, from its header (ffmpeg seeks back and writes the data size). */
    static double decodedSeconds(Path wav) {
        byte[] head;
        try (InputStream in = Files.newInputStream(wav)) {
            head = in.readNBytes(4096);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the decoded audio", e);
        }
        return WavHeader.declaredSeconds(head).orElseThrow(() -> new PermanentFailureException("preprocess",
                "audio: ffmpeg decoded no samples"));
    }

    private static String plain(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }
}
