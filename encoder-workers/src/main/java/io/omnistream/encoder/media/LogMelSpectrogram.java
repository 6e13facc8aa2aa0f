package io.omnistream.encoder.media;

import io.omnistream.encoder.tower.Preprocessing;
import io.omnistream.encoder.tower.TensorInputSpec;
import io.omnistream.encoder.tower.TensorInputSpec.Layout;
import io.omnistream.encoder.tower.TowerSpec;
import java.util.List;
import java.util.Objects;

/**
 * Whisper's log-mel feature extractor (openai/whisper {@code audio.log_mel_spectrogram} after {@code pad_or_trim},
 * the same as Hugging Face's {@code WhisperFeatureExtractor}), for any sample rate, window, hop, mel count and frame
 * count a tower declares ({@link Preprocessing.LogMel}, input {@code [batch, melBins, frames]}):
 *
 * <ol>
 *   <li>pad with zeros or trim the samples to {@code frames * hopLength} (Whisper: 3000 * 160 = 480000, 30 s);</li>
 *   <li>STFT, centred: reflect-pad {@code fftSize / 2} samples at both ends (numpy/torch "reflect": the edge sample is
 *       not repeated), a frame every {@code hopLength} samples, periodic Hann window of {@code fftSize}
 *       ({@code 0.5 - 0.5 cos(2 pi n / fftSize)}), no normalisation. This gives {@code frames + 1} frames; the last
 *       is dropped, as Whisper's {@code stft[..., :-1]};</li>
 *   <li>power spectrum {@code |X|^2} of bins {@code 0 .. fftSize/2};</li>
 *   <li>mel filter bank = {@code librosa.filters.mel(sr, n_fft, n_mels, fmin=0, fmax=sr/2, htk=False,
 *       norm="slaney")}: Slaney's mel scale (linear below 1 kHz, logarithmic above) and triangles scaled to equal
 *       area;</li>
 *   <li>{@code log10(max(mel, 1e-10))}, then clamp below at (maximum over the whole item) - 8, then
 *       {@code (x + 4) / 4}.</li>
 * </ol>
 * Computed in double, stored as float. Output: {@code float[melBins * frames]}, mel-major ({@code [mel][frame]}), the
 * {@code MEL_FRAMES} layout. Whisper computes in float32 and stores its filters as float32, so its values differ from
 * these by float32 rounding (about 1e-6).
 *
 * <p>Thread-safe: each call uses its own FFT scratch.
 */
public final class LogMelSpectrogram {
    /** Identifies the algorithm above; meant to be part of the encoding chain version. */
    public static final String IMPLEMENTATION =
            "omnistream-logmel/1(whisper: reflect-centred stft periodic-hann, power, slaney mel, log10 clamp max-8, (x+4)/4)";

    private final int sampleRateHz;
    private final int fftSize;
    private final int hopLength;
    private final int melBins;
    private final int frames;
    private final double[] window;
    private final double[][] filters;
    private final int[] filterFirst;
    private final int[] filterLast;

    /**
     * @throws IllegalArgumentException if the clip is not longer than half a window (reflect padding needs that),
     *                                  or melBins / frames are not positive
     */
    public LogMelSpectrogram(Preprocessing.LogMel params, int melBins, int frames) {
        Objects.requireNonNull(params, "params");
        if (melBins < 1 || frames < 1) {
            throw new IllegalArgumentException("melBins and frames must be >= 1, got " + melBins + ", " + frames);
        }
        this.sampleRateHz = params.sampleRateHz();
        this.fftSize = params.fftSize();
        this.hopLength = params.hopLength();
        this.melBins = melBins;
        this.frames = frames;
        if ((long) frames * hopLength <= fftSize / 2) {
            throw new IllegalArgumentException("a clip of frames * hopLength = " + (long) frames * hopLength
                    + " samples is too short for reflect padding of fftSize / 2 = " + fftSize / 2);
        }
        if ((long) frames * hopLength > Integer.MAX_VALUE / 2) {
            throw new IllegalArgumentException("clip of " + (long) frames * hopLength + " samples is too long");
        }
        this.window = new double[fftSize];
        for (int i = 0; i < fftSize; i++) {
            window[i] = 0.5 - 0.5 * Math.cos(2.0 * Math.PI * i / fftSize);
        }
        this.filters = melFilterBank(sampleRateHz, fftSize, melBins);
        this.filterFirst = new int[melBins];
        this.filterLast = new int[melBins];
        for (int m = 0; m < melBins; m++) {
            int first = 0;
            int last = -1;
            for (int b = 0; b < filters[m].length; b++) {
                if (filters[m][b] != 0) {
                    if (last < 0) {
                        first = b;
                    }
                    last = b;
                }
            }
            filterFirst[m] = first;
            filterLast[m] = last;
        }
    }

    /** For a tower declared with a MEL_FRAMES input; {@link IllegalArgumentException} for an image tower. */
    public static LogMelSpectrogram of(TowerSpec tower) {
        TensorInputSpec input = tower.input();
        if (input.layout() != Layout.MEL_FRAMES || !(tower.preprocessing() instanceof Preprocessing.LogMel logMel)) {
            throw new IllegalArgumentException("tower input '" + input.name() + "' is not a MEL_FRAMES input ("
                    + tower.preprocessing().descriptor() + ")");
        }
        List<Integer> dims = input.itemShape();
        return new LogMelSpectrogram(logMel, dims.get(0), dims.get(1));
    }

    public int sampleRateHz() {
        return sampleRateHz;
    }

    public int fftSize() {
        return fftSize;
    }

    public int hopLength() {
        return hopLength;
    }

    public int melBins() {
        return melBins;
    }

    public int frames() {
        return frames;
    }

    /** Samples one item covers: {@code frames * hopLength}. */
    public int samplesPerItem() {
        return frames * hopLength;
    }

    /** The clip length in seconds: {@code frames * hopLength / sampleRate}. */
    public double clipSeconds() {
        return (double) samplesPerItem() / sampleRateHz;
    }

    /** Floats per item: melBins x frames. */
    public int itemSize() {
        return melBins * frames;
    }

    /** The item for mono samples at {@link #sampleRateHz()} (padded with zeros or trimmed to {@link #samplesPerItem()}). */
    public float[] item(float[] samples) {
        float[] out = new float[itemSize()];
        write(samples, out, 0);
        return out;
    }

    /** A batch as {@code float[clips * itemSize()]}, items in order. */
    public float[] batch(List<float[]> clips) {
        float[] out = new float[Math.multiplyExact(clips.size(), itemSize())];
        for (int i = 0; i < clips.size(); i++) {
            write(clips.get(i), out, i * itemSize());
        }
        return out;
    }

    /** Writes one item's {@link #itemSize()} floats ({@code [mel][frame]}) into {@code out} from {@code offset}. */
    public void write(float[] samples, float[] out, int offset) {
        Objects.checkFromIndexSize(offset, itemSize(), out.length);
        int length = samplesPerItem();
        double[] x = new double[length]; // pad_or_trim
        for (int i = 0; i < Math.min(length, samples.length); i++) {
            x[i] = samples[i];
        }
        int half = fftSize / 2;
        int bins = fftSize / 2 + 1;
        Fft fft = new Fft(fftSize);
        double[] re = new double[fftSize];
        double[] im = new double[fftSize];
        double[] outRe = new double[fftSize];
        double[] outIm = new double[fftSize];
        double[] power = new double[bins];
        double[] logMel = new double[melBins * frames];
        double max = Double.NEGATIVE_INFINITY;
        for (int f = 0; f < frames; f++) {
            int start = f * hopLength - half; // in unpadded sample coordinates
            for (int j = 0; j < fftSize; j++) {
                re[j] = x[reflect(start + j, length)] * window[j];
                im[j] = 0;
            }
            fft.transform(re, im, outRe, outIm);
            for (int b = 0; b < bins; b++) {
                power[b] = outRe[b] * outRe[b] + outIm[b] * outIm[b];
            }
            for (int m = 0; m < melBins; m++) {
                double e = 0;
                double[] filter = filters[m];
                for (int b = filterFirst[m]; b <= filterLast[m]; b++) {
                    e += filter[b] * power[b];
                }
                double v = Math.log10(Math.max(e, 1e-10));
                logMel[m * frames + f] = v;
                max = Math.max(max, v);
            }
        }
        double floor = max - 8.0;
        for (int i = 0; i < logMel.length; i++) {
            out[offset + i] = (float) ((Math.max(logMel[i], floor) + 4.0) / 4.0);
        }
    }

    /** numpy/torch "reflect" padding index: -1 -> 1, length -> length - 2. */
    private static int reflect(int i, int length) {
        if (length == 1) {
            return 0;
        }
        int period = 2 * (length - 1);
        int j = Math.floorMod(i, period);
        return j < length ? j : period - j;
    }

    /**
     * {@code librosa.filters.mel(sr=sr, n_fft=nFft, n_mels=nMels, fmin=0, fmax=sr/2, htk=False, norm="slaney")}:
     * {@code [nMels][nFft/2 + 1]}, in double.
     */
    static double[][] melFilterBank(int sr, int nFft, int nMels) {
        int bins = nFft / 2 + 1;
        double[] fftFreqs = new double[bins]; // np.fft.rfftfreq(n_fft, 1/sr)
        for (int b = 0; b < bins; b++) {
            fftFreqs[b] = b * (double) sr / nFft;
        }
        double minMel = hzToMel(0.0);
        double maxMel = hzToMel(sr / 2.0);
        double[] melF = new double[nMels + 2]; // np.linspace(min_mel, max_mel, n_mels + 2), then mel_to_hz
        double step = (maxMel - minMel) / (nMels + 1);
        for (int i = 0; i < nMels + 2; i++) {
            double mel = i == nMels + 1 ? maxMel : minMel + i * step;
            melF[i] = melToHz(mel);
        }
        double[][] weights = new double[nMels][bins];
        for (int m = 0; m < nMels; m++) {
            double lowerWidth = melF[m + 1] - melF[m];
            double upperWidth = melF[m + 2] - melF[m + 1];
            double enorm = 2.0 / (melF[m + 2] - melF[m]);
            for (int b = 0; b < bins; b++) {
                double lower = -(melF[m] - fftFreqs[b]) / lowerWidth;
                double upper = (melF[m + 2] - fftFreqs[b]) / upperWidth;
                weights[m][b] = Math.max(0, Math.min(lower, upper)) * enorm;
            }
        }
        return weights;
    }

    private static final double F_SP = 200.0 / 3;
    private static final double MIN_LOG_HZ = 1000.0;
    private static final double MIN_LOG_MEL = MIN_LOG_HZ / F_SP;
    private static final double LOGSTEP = Math.log(6.4) / 27.0;

    /** Slaney mel scale (librosa {@code hz_to_mel(htk=False)}). */
    static double hzToMel(double hz) {
        return hz >= MIN_LOG_HZ ? MIN_LOG_MEL + Math.log(hz / MIN_LOG_HZ) / LOGSTEP : hz / F_SP;
    }

    /** Inverse of {@link #hzToMel}. */
    static double melToHz(double mel) {
        return mel >= MIN_LOG_MEL ? MIN_LOG_HZ * Math.exp(LOGSTEP * (mel - MIN_LOG_MEL)) : F_SP * mel;
    }
}
