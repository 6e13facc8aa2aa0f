package io.omnistream.encoder.media;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.omnistream.encoder.tower.Preprocessing;
import io.omnistream.runtime.error.PermanentFailureException;

/**
 * Fuzzes the pure-Java part of the audio path: what {@link AudioSamples} does with ffmpeg's {@code f32le} output
 * ({@link AudioSamples#fromPcm}) and the log-mel spectrogram a Whisper-style tower computes from it
 * ({@link LogMelSpectrogram#item}). ffmpeg itself is not run (it is a separate process under its own limits); its
 * output is arbitrary bytes here because ffmpeg passes the samples of a float source (a 32-bit float WAV) through
 * unchanged, so the bytes are whatever the uploader chose.
 *
 * <p>Invariant: at most the clip's samples, all finite, and a spectrogram whose every value is finite; or
 * {@link PermanentFailureException} with stage {@code preprocess}. Any other exception, a non-finite model input
 * (NaN would make the embedding NaN), a hang or an OutOfMemoryError is a finding.
 *
 * <p>Without {@code JAZZER_FUZZ} this replays the seeds (real recordings from FSDD and Tux Paint, decoded by ffmpeg
 * to 16 kHz f32le) and regression inputs under
 * {@code src/test/resources/io/omnistream/encoder/media/AudioSamplesFuzzTestInputs/decodePcm/}.
 */
class AudioSamplesFuzzTest {
    /** Whisper's STFT (16 kHz, 400-sample window, hop 160) over a short clip, so that one run stays cheap. */
    private static final LogMelSpectrogram SPECTROGRAM =
            new LogMelSpectrogram(new Preprocessing.LogMel(16000, 400, 160), 80, 25);

    @FuzzTest
    void decodePcm(byte[] pcm) {
        DecodedAudio audio;
        try {
            audio = AudioSamples.fromPcm(pcm, SPECTROGRAM.sampleRateHz(), SPECTROGRAM.clipSeconds(), 1.0);
        } catch (PermanentFailureException e) {
            assertThat(e.stage()).isEqualTo("preprocess");
            assertThat(e.getMessage()).isNotBlank();
            return;
        }
        assertThat(audio.samples().length).isLessThanOrEqualTo(Math.min(pcm.length / 4, SPECTROGRAM.samplesPerItem()));
        for (float s : audio.samples()) {
            assertThat(Float.isFinite(s)).as("sample %s", s).isTrue();
        }
        float[] item = SPECTROGRAM.item(audio.samples());
        assertThat(item).hasSize(SPECTROGRAM.itemSize());
        for (float v : item) {
            assertThat(Float.isFinite(v)).as("log-mel value %s", v).isTrue();
        }
    }
}
