package io.omnistream.encoder.cascade;

import io.omnistream.runtime.error.PermanentFailureException;
import io.omnistream.schemas.avro.MediaEvent;
import java.nio.file.Path;
import java.util.Locale;

/**
 * AUDIO → text: decodes any audio ffmpeg reads (WAV, OGG/Vorbis, MP3, ...) to 16 kHz mono 16-bit PCM and runs
 * PocketSphinx's continuous recogniser on it. Clips longer than {@code maxSeconds} are rejected after probing.
 */
final class AudioAsrTranscriber implements MediaTranscriber {
    private final Pocketsphinx asr;
    private final Ffmpeg ffmpeg;
    private final double maxSeconds;

    AudioAsrTranscriber(Pocketsphinx asr, Ffmpeg ffmpeg, double maxSeconds) {
        this.asr = asr;
        this.ffmpeg = ffmpeg;
        this.maxSeconds = maxSeconds;
    }

    @Override
    public String transcribe(MediaEvent event, StageTimes times) {
        Path in = MediaPayload.toTempFile(MediaPayload.bytes(event), ".audio");
        Path wav = null;
        try {
            double duration = times.decode(() -> ffmpeg.durationSeconds(in, "a", "audio"));
            if (duration > maxSeconds) {
                throw new PermanentFailureException("preprocess", String.format(Locale.ROOT,
                        "audio: %.1f s exceeds the limit of %.0f s", duration, maxSeconds));
            }
            Path decoded = MediaPayload.toTempFile(new byte[0], ".wav");
            wav = decoded;
            times.decode(() -> {
                ffmpeg.toWav16kMono(in, decoded, "audio");
                return decoded;
            });
            return times.recognise(() -> asr.recognize(decoded));
        } finally {
            ExternalTool.deleteQuietly(in);
            ExternalTool.deleteQuietly(wav);
        }
    }

    @Override
    public String version() {
        return "audio-asr(" + ffmpeg.version() + " 16kHz mono, " + asr.version() + ")";
    }
}
