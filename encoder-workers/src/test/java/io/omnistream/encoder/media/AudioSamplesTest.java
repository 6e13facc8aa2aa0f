package io.omnistream.encoder.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.omnistream.encoder.tower.Preprocessing;
import io.omnistream.runtime.error.PermanentFailureException;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real recordings through ffmpeg: an FSDD WAV (8 kHz 16-bit mono, CC BY-SA 4.0), a Tux Paint spoken description
 * (OGG/Vorbis 44.1 kHz, GPL-2) and an MP3 made from the WAV with libmp3lame. Sample values of the WAV are checked
 * against the JDK's own WAV reader (javax.sound), an independent decoder; lengths against ffprobe's durations.
 */
class AudioSamplesTest {
    private static final String WAV = "fsdd/recordings/7_jackson_0.wav";               // 3457 samples at 8 kHz
    private static final String OGG = "tuxpaint-stamps/animals/birds/blackbird_desc.ogg"; // 55872 samples at 44.1 kHz

    @TempDir
    Path dir;
    AudioSamples audio;

    @BeforeEach
    void tools() {
        MediaTestSupport.assumeTools("ffmpeg", "ffprobe");
        audio = new AudioSamples(AudioSettings.DEFAULT);
    }

    /** 16-bit PCM WAV samples / 32768, read by javax.sound (not ffmpeg). */
    static float[] javaSoundSamples(byte[] wav) throws Exception {
        try (AudioInputStream in = AudioSystem.getAudioInputStream(new ByteArrayInputStream(wav))) {
            AudioFormat f = in.getFormat();
            assertThat(f.getEncoding()).isEqualTo(AudioFormat.Encoding.PCM_SIGNED);
            assertThat(f.getSampleSizeInBits()).isEqualTo(16);
            assertThat(f.getChannels()).isEqualTo(1);
            byte[] pcm = in.readAllBytes();
            ByteBuffer b = ByteBuffer.wrap(pcm).order(f.isBigEndian() ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
            float[] out = new float[pcm.length / 2];
            for (int i = 0; i < out.length; i++) {
                out[i] = b.getShort() / 32768f;
            }
            return out;
        }
    }

    static double durationSeconds(Path file) throws Exception {
        return Double.parseDouble(MediaTestSupport.run(List.of("ffprobe", "-v", "error", "-show_entries",
                "format=duration", "-of", "csv=p=0", file.toString())).strip());
    }

    static double rms(float[] x) {
        double s = 0;
        for (float v : x) {
            s += v * v;
        }
        return Math.sqrt(s / x.length);
    }

    @Test
    void wavAtItsOwnRateHasExactlyTheSamplesJavaSoundReads() throws Exception {
        byte[] wav = Files.readAllBytes(MediaTestSupport.sharedData(WAV));
        float[] expected = javaSoundSamples(wav);
        assertThat(expected).hasSize(3457);
        DecodedAudio decoded = audio.decode(wav, 8000, 30);
        assertThat(decoded.sampleRateHz()).isEqualTo(8000);
        assertThat(decoded.truncated()).isFalse();
        assertThat(decoded.sourceSeconds()).isCloseTo(3457 / 8000.0, within(1e-6));
        // 16-bit to float is exact (s / 32768) in both decoders
        assertThat(decoded.samples()).containsExactly(expected, within(1e-7f));
    }

    @Test
    void wavResampledTo16kHzKeepsLengthAndLevel() throws Exception {
        Path file = MediaTestSupport.sharedData(WAV);
        byte[] wav = Files.readAllBytes(file);
        float[] original = javaSoundSamples(wav);
        DecodedAudio decoded = audio.decode(wav, 16000, 30);
        // round(0.432125 s * 16000) = 6914
        assertThat((double) decoded.samples().length).isCloseTo(Math.round(durationSeconds(file) * 16000), within(1.0));
        assertThat(rms(decoded.samples())).isCloseTo(rms(original), within(rms(original) * 0.01));
        // the 16 kHz signal at the original sample instants (even indices) follows the original
        double sxy = 0;
        double sxx = 0;
        double syy = 0;
        for (int i = 0; i < original.length; i++) {
            double x = original[i];
            double y = decoded.samples()[2 * i];
            sxy += x * y;
            sxx += x * x;
            syy += y * y;
        }
        assertThat(sxy / Math.sqrt(sxx * syy)).isGreaterThan(0.999);
    }

    @Test
    void oggVorbisSpeechDecodesToItsDurationInMono16kHz() throws Exception {
        Path file = MediaTestSupport.sharedData(OGG);
        DecodedAudio decoded = audio.decode(Files.readAllBytes(file), 16000, 30);
        double seconds = durationSeconds(file); // 55872 / 44100 = 1.266939 s
        // Vorbis stores the exact length (granule position): round(1.266939 * 16000) = 20271, within one sample
        assertThat((double) decoded.samples().length).isCloseTo(Math.round(seconds * 16000), within(1.0));
        assertThat(rms(decoded.samples())).isGreaterThan(0.01); // speech, not silence
        // (no check that |sample| <= 1: this loud recording decodes to peaks of 1.08, float PCM is not clipped)
    }

    @Test
    void mp3MadeWithLameDecodesToTheWavLengthWithinOneMp3Frame() throws Exception {
        MediaTestSupport.assumeTools("ffmpeg");
        Path wavFile = MediaTestSupport.sharedData(WAV);
        byte[] mp3 = MediaTestSupport.ffmpeg(dir, "seven.mp3", "-i", wavFile.toString(), "-c:a", "libmp3lame", "-b:a", "64k");
        DecodedAudio decoded = audio.decode(mp3, 16000, 30);
        // MP3 pads to whole frames (576 samples per frame at 8 kHz, MPEG-2.5 layer III = 1152 samples at 16 kHz) and
        // the decoder trims the encoder delay only approximately: the length is the WAV's within one frame
        assertThat(decoded.samples().length).isBetween(6914 - 1152, 6914 + 1152);
        float[] original = javaSoundSamples(Files.readAllBytes(wavFile));
        assertThat(rms(decoded.samples())).isCloseTo(rms(original), within(rms(original) * 0.15));
    }

    @Test
    void audioLongerThanTheClipIsTruncatedAndBeyondTheHardLimitRefused() throws Exception {
        byte[] tone = MediaTestSupport.ffmpeg(dir, "tone.wav", "-f", "lavfi", "-i", "sine=frequency=440:duration=12",
                "-ar", "16000");
        DecodedAudio clip = audio.decode(tone, 16000, 5);
        assertThat(clip.samples()).hasSize(5 * 16000);
        assertThat(clip.truncated()).isTrue();
        assertThat(clip.sourceSeconds()).isCloseTo(12.0, within(0.01));

        AudioSamples strict = new AudioSamples(new AudioSettings(10, Duration.ofSeconds(30)));
        assertThatThrownBy(() -> strict.decode(tone, 16000, 5))
                .isInstanceOf(PermanentFailureException.class)
                .hasMessage("audio is 12.0 s (declared by its WAV header), over the 10 s budget");
        // not a WAV: the container's duration (ffprobe) decides
        byte[] ogg = MediaTestSupport.ffmpeg(dir, "tone.ogg", "-f", "lavfi", "-i", "sine=frequency=440:duration=12",
                "-c:a", "libvorbis");
        assertThatThrownBy(() -> strict.decode(ogg, 16000, 5))
                .isInstanceOf(PermanentFailureException.class).hasMessage("audio is 12.0 s, over the 10 s budget");
    }

    @Test
    void logMelOfAFileUsesTheSpectrogramsRateAndClip() throws Exception {
        byte[] wav = Files.readAllBytes(MediaTestSupport.sharedData(WAV));
        // 100 frames x 160 = 16000 samples = 1 s clip at 16 kHz; the 0.43 s recording is zero-padded
        LogMelSpectrogram mel = new LogMelSpectrogram(new Preprocessing.LogMel(16000, 400, 160), 80, 100);
        float[] features = audio.logMel(wav, mel);
        float[] direct = mel.item(audio.decode(wav, 16000, 1.0).samples());
        assertThat(features).hasSize(8000).isEqualTo(direct);
    }

    @Test
    void emptyCorruptAndSilentInputsArePermanentFailures() throws Exception {
        assertThatThrownBy(() -> audio.decode(new byte[0], 16000, 30))
                .isInstanceOf(PermanentFailureException.class).hasMessage("audio: empty payload (0 bytes)");
        byte[] text = "this is a text file, not audio".getBytes(StandardCharsets.US_ASCII);
        assertThatThrownBy(() -> audio.decode(text, 16000, 30))
                .isInstanceOf(PermanentFailureException.class)
                .hasMessage("audio: 30 bytes are in no supported format (they start with 74 68 69 73 20 69 73 20)");
        byte[] png = Files.readAllBytes(MediaTestSupport.sharedData("tuxpaint-stamps/animals/birds/albino_peahen.png"));
        assertThatThrownBy(() -> audio.decode(png, 16000, 30))
                .isInstanceOf(PermanentFailureException.class)
                .hasMessage("audio: the payload is PNG (image/png), which AUDIO events cannot carry");
        // an MP4 with a picture and no sound: the container may carry audio, ffprobe finds none
        byte[] silentMovie = MediaTestSupport.ffmpeg(dir, "picture.mp4", "-f", "lavfi", "-i",
                "testsrc=size=64x48:rate=5:duration=1", "-c:v", "libx264", "-pix_fmt", "yuv420p");
        assertThatThrownBy(() -> audio.decode(silentMovie, 16000, 30))
                .isInstanceOf(PermanentFailureException.class).hasMessageStartingWith("audio: no audio stream (container mov,mp4");
        // a truncated OGG: the signature is intact, the stream is not
        byte[] ogg = MediaTestSupport.ffmpeg(dir, "tone.ogg", "-f", "lavfi", "-i", "sine=frequency=440:duration=1",
                "-c:a", "libvorbis");
        assertThatThrownBy(() -> audio.decode(Arrays.copyOf(ogg, 60), 16000, 30))
                .isInstanceOf(PermanentFailureException.class).hasMessageStartingWith("audio: ");
    }

    @Test
    void aFloatWavWithANanSampleIsAPermanentFailureNotANanSpectrogram() throws Exception {
        // the FSDD recording as 32-bit float WAV (ffmpeg passes float samples through unchanged), one sample set to NaN
        byte[] wav = MediaTestSupport.ffmpeg(dir, "seven-f32.wav", "-i", MediaTestSupport.sharedData(WAV).toString(),
                "-c:a", "pcm_f32le");
        int data = indexOf(wav, "data".getBytes(StandardCharsets.US_ASCII)) + 8;
        ByteBuffer.wrap(wav).order(ByteOrder.LITTLE_ENDIAN).putFloat(data + 4 * 1000, Float.NaN);

        assertThatThrownBy(() -> audio.decode(wav, 8000, 30))
                .isInstanceOf(PermanentFailureException.class)
                .hasMessageContaining("sample 1000 (at 0.125 s) is NaN");
    }

    @Test
    void pcmWithAnInfiniteSampleIsRefusedAndFinitePcmIsClippedToTheClip() {
        ByteBuffer pcm = ByteBuffer.allocate(4 * 5).order(ByteOrder.LITTLE_ENDIAN);
        pcm.putFloat(0.5f).putFloat(-0.25f).putFloat(Float.NEGATIVE_INFINITY).putFloat(0f).putFloat(0f);
        assertThatThrownBy(() -> AudioSamples.fromPcm(pcm.array(), 1000, 1, 1))
                .isInstanceOf(PermanentFailureException.class).hasMessageContaining("sample 2 (at 0.002 s) is -Infinity");

        DecodedAudio clipped = AudioSamples.fromPcm(pcm.array(), 1000, 0.002, 0.005);
        assertThat(clipped.samples()).containsExactly(0.5f, -0.25f);
        assertThat(clipped.truncated()).isTrue();
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("no " + new String(needle, StandardCharsets.US_ASCII) + " chunk");
    }
}
