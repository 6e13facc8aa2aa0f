package io.omnistream.encoder.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.omnistream.encoder.tower.Preprocessing;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Whisper's log-mel features against numpy + librosa reference values.
 *
 * <p>The references were printed by {@code src/test/resources/media-reference/whisper_logmel_reference.py} (numpy
 * 2.4.6, librosa 0.11.0): openai/whisper's {@code log_mel_spectrogram} re-written in numpy (np.pad reflect,
 * periodic Hann, np.fft.rfft, |X|^2 without the last frame, {@code librosa.filters.mel(sr=16000, n_fft=400,
 * n_mels=80, htk=False, norm="slaney")}, log10 / max - 8 / (x + 4) / 4) after padding or trimming to 50 x 160 samples.
 * The signal is {@code 0.5 sin(2 pi 440 t) + 0.25 sin(2 pi 1000 t) + 0.05 sin(2 pi (100 t + 7800 t^2))}
 * (t = n / 16000, a chirp from 100 Hz to 7.9 kHz over 0.5 s), cast to float32.
 */
class LogMelSpectrogramTest {
    private static final Preprocessing.LogMel WHISPER = new Preprocessing.LogMel(16000, 400, 160);
    private static final int[] MELS = {0, 5, 11, 26, 40, 60, 79};
    private static final int[] FRAMES = {0, 1, 24, 25, 29, 30, 31, 49};

    static float[] signal(int samples) {
        float[] x = new float[samples];
        for (int n = 0; n < samples; n++) {
            double t = n / 16000.0;
            double chirp = Math.sin(2 * Math.PI * (100 * t + (7900 - 100) * t * t / (2 * 0.5)));
            x[n] = (float) (0.5 * Math.sin(2 * Math.PI * 440 * t) + 0.25 * Math.sin(2 * Math.PI * 1000 * t) + 0.05 * chirp);
        }
        return x;
    }

    // 0.5 s (8000 samples, no padding) (80, 50) min -0.5617095 max 1.4382905 mean -0.2623161
    private static final float[][] FULL = {
        {1.0914209f, 0.5763716f, -0.5617095f, -0.5617095f, -0.5617095f, -0.5617095f, -0.5617095f, 0.5173802f},
        {1.0302007f, 0.8419922f, -0.5617095f, -0.5617095f, -0.5617095f, -0.5617095f, -0.5617095f, 0.5460964f},
        {1.1061039f, 1.4344653f, 1.4382038f, 1.4382038f, 1.4382038f, 1.4382038f, 1.4382038f, 1.4356683f},
        {0.9976740f, 1.2863546f, 1.2891367f, 1.2891367f, 1.2891367f, 1.2891367f, 1.2891367f, 1.2862250f},
        {0.6266896f, 0.1186012f, -0.5617095f, -0.5617095f, -0.5617095f, -0.5617095f, -0.5617095f, 0.1156891f},
        {0.2700095f, -0.2398196f, 0.6847953f, 0.1588357f, -0.5617095f, -0.5617095f, -0.5617095f, -0.2406814f},
        {0.0866542f, -0.4234269f, -0.5617095f, -0.5617095f, -0.5617095f, -0.5617095f, -0.5617095f, 0.7508827f},
    };

    // 0.3 s (4800 samples, zero-padded to 8000) (80, 50) min -0.5617095 max 1.4382905 mean -0.3241052
    private static final float[][] PADDED = {
        {1.0914209f, 0.5763716f, -0.5617095f, -0.5617095f, 0.3638104f, 0.8761175f, 0.3638112f, -0.5617095f},
        {1.0302007f, 0.8419922f, -0.5617095f, -0.5617095f, 0.3883190f, 0.9321687f, 0.3883181f, -0.5617095f},
        {1.1061039f, 1.4344653f, 1.4382038f, 1.4382038f, 1.4369033f, 1.2926720f, 0.3710524f, -0.5617095f},
        {0.9976740f, 1.2863546f, 1.2891367f, 1.2891367f, 1.2877496f, 1.1457178f, 0.2350053f, -0.5617095f},
        {0.6266896f, 0.1186012f, -0.5617095f, -0.5617095f, -0.0423216f, 0.4654245f, -0.0423073f, -0.5617095f},
        {0.2700095f, -0.2398196f, 0.6847953f, 0.1588357f, -0.5520669f, -0.0469873f, -0.5480773f, -0.5617095f},
        {0.0866542f, -0.4234269f, -0.5617095f, -0.5617095f, -0.4560975f, 0.0540318f, -0.4561040f, -0.5617095f},
    };

    private static void assertMatches(float[] out, float[][] expected, double min, double max, double mean) {
        assertThat(out).hasSize(80 * 50);
        for (int i = 0; i < MELS.length; i++) {
            for (int j = 0; j < FRAMES.length; j++) {
                assertThat(out[MELS[i] * 50 + FRAMES[j]]).as("[mel %d][frame %d]", MELS[i], FRAMES[j])
                        .isCloseTo(expected[i][j], within(1e-4f));
            }
        }
        double lo = Double.MAX_VALUE;
        double hi = -Double.MAX_VALUE;
        double sum = 0;
        for (float v : out) {
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
            sum += v;
        }
        assertThat(lo).isCloseTo(min, within(1e-4));
        assertThat(hi).isCloseTo(max, within(1e-4));
        assertThat(sum / out.length).isCloseTo(mean, within(1e-4));
    }

    @Test
    void matchesTheNumpyLibrosaReferenceWithoutPadding() {
        assertMatches(new LogMelSpectrogram(WHISPER, 80, 50).item(signal(8000)), FULL, -0.5617095, 1.4382905, -0.2623161);
    }

    @Test
    void zeroPadsShortAudioAndClampsAtTheItemMaximumMinusEight() {
        // frames from ~31 on see only padding zeros: log10(1e-10) = -10, clamped to max - 8, i.e. (-8 + 0.2) ...
        assertMatches(new LogMelSpectrogram(WHISPER, 80, 50).item(signal(4800)), PADDED, -0.5617095, 1.4382905, -0.3241052);
    }

    @Test
    void trimsLongAudioToFramesTimesHop() {
        LogMelSpectrogram mel = new LogMelSpectrogram(WHISPER, 80, 50);
        float[] longer = Arrays.copyOf(signal(8000), 12000);
        Arrays.fill(longer, 8000, 12000, 0.9f); // beyond the clip: must not change anything
        assertThat(mel.item(longer)).isEqualTo(mel.item(signal(8000)));
    }

    @Test
    void melFilterBankMatchesLibrosaSlaney() {
        double[][] f = LogMelSpectrogram.melFilterBank(16000, 400, 80);
        assertThat(f).hasDimensions(80, 201);
        // librosa.filters.mel(sr=16000, n_fft=400, n_mels=80, htk=False, norm="slaney", dtype=np.float64)
        double sum = 0;
        for (double[] row : f) {
            for (double v : row) {
                sum += v;
            }
        }
        assertThat(sum).isCloseTo(1.9990241029, within(1e-9));
        assertThat(f[0][1]).isCloseTo(2.4862593984e-02, within(1e-12));
        assertThat(f[0][2]).isZero();
        assertThat(f[11][11]).isCloseTo(2.1899040769e-02, within(1e-12));
        assertThat(f[26][25]).isCloseTo(2.2114217267e-02, within(1e-12));
        assertThat(f[79][160]).isZero();
        assertThat(f[79][199]).isCloseTo(4.4875902759e-04, within(1e-13));
        // filter 40: non-zero on bins 42..44, peak 1.4735565741e-02 at bin 43; filter 60: bins 90..96, peak at 93
        assertThat(f[40][41]).isZero();
        assertThat(f[40][42]).isPositive();
        assertThat(f[40][44]).isPositive();
        assertThat(f[40][45]).isZero();
        assertThat(f[40][43]).isCloseTo(1.4735565741e-02, within(1e-12));
        assertThat(f[60][89]).isZero();
        assertThat(f[60][97]).isZero();
        assertThat(f[60][93]).isCloseTo(6.5910927748e-03, within(1e-12));
        // 128 mels (Whisper large-v3): sum 3.1909855285, filter 100 peaks at bin 102 with 9.4094162478e-03
        double[][] f128 = LogMelSpectrogram.melFilterBank(16000, 400, 128);
        double sum128 = 0;
        int argmax = 0;
        for (int m = 0; m < 128; m++) {
            for (int b = 0; b < 201; b++) {
                sum128 += f128[m][b];
            }
        }
        for (int b = 0; b < 201; b++) {
            if (f128[100][b] > f128[100][argmax]) {
                argmax = b;
            }
        }
        assertThat(sum128).isCloseTo(3.1909855285, within(1e-9));
        assertThat(argmax).isEqualTo(102);
        assertThat(f128[100][102]).isCloseTo(9.4094162478e-03, within(1e-12));
    }

    @Test
    void fftMatchesTheDefinitionForMixedRadixAndPrimeLengths() {
        for (int n : new int[] {1, 2, 7, 12, 400, 401, 512}) {
            double[] re = new double[n];
            double[] im = new double[n];
            for (int j = 0; j < n; j++) {
                re[j] = Math.sin(0.37 * j) + (j % 5) * 0.1;
                im[j] = Math.cos(1.3 * j) * 0.5;
            }
            double[] outRe = new double[n];
            double[] outIm = new double[n];
            new Fft(n).transform(re, im, outRe, outIm);
            for (int k = 0; k < n; k++) {
                // X[k] = sum_j x[j] exp(-2 pi i j k / n), evaluated directly
                double sr = 0;
                double si = 0;
                for (int j = 0; j < n; j++) {
                    double a = -2 * Math.PI * ((long) j * k % n) / n;
                    sr += re[j] * Math.cos(a) - im[j] * Math.sin(a);
                    si += re[j] * Math.sin(a) + im[j] * Math.cos(a);
                }
                assertThat(outRe[k]).as("n=%d k=%d re", n, k).isCloseTo(sr, within(1e-9 * n));
                assertThat(outIm[k]).as("n=%d k=%d im", n, k).isCloseTo(si, within(1e-9 * n));
            }
        }
    }

    @Test
    void whisperSizedItemHasTheDeclaredShape() {
        LogMelSpectrogram whisper = new LogMelSpectrogram(WHISPER, 80, 3000);
        assertThat(whisper.samplesPerItem()).isEqualTo(480_000);
        assertThat(whisper.clipSeconds()).isEqualTo(30.0);
        float[] out = whisper.item(signal(16000));
        assertThat(out).hasSize(240_000);
        // silence after 1 s of signal sits exactly at the floor max - 8, mapped by (x + 4) / 4
        float max = Float.NEGATIVE_INFINITY;
        for (float v : out) {
            max = Math.max(max, v);
        }
        assertThat(out[11 * 3000 + 2999]).isCloseTo(max - 2.0f, within(1e-6f));
        float[] batch = whisper.batch(java.util.List.of(signal(100), signal(16000)));
        assertThat(batch).hasSize(480_000);
        assertThat(Arrays.copyOfRange(batch, 240_000, 480_000)).isEqualTo(out);
    }

    @Test
    void rejectsClipsTooShortForReflectPadding() {
        assertThatThrownBy(() -> new LogMelSpectrogram(WHISPER, 80, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("too short for reflect padding");
    }
}
