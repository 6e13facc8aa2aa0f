package io.omnistream.encoder.media;

/**
 * Complex discrete Fourier transform of one fixed length n, any n &gt;= 1: recursive mixed-radix Cooley-Tukey over
 * the prime factors of n (400 = 2^4 * 5^2 for Whisper's window), in double precision.
 * {@code X[k] = sum_j x[j] * exp(-2 pi i j k / n)}, no scaling. O(n * sum of prime factors).
 *
 * <p>Not thread-safe (it keeps scratch buffers); use one per thread.
 */
final class Fft {
    private final int n;
    private final int[] factors;
    private final double[] cos;
    private final double[] sin;
    private final double[] tmpRe;
    private final double[] tmpIm;

    Fft(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("FFT length must be >= 1, got " + n);
        }
        this.n = n;
        int count = 0;
        int[] f = new int[32];
        int rest = n;
        for (int p = 2; rest > 1; p++) {
            if ((long) p * p > rest) {
                p = rest; // what is left is prime
            }
            while (rest % p == 0) {
                f[count++] = p;
                rest /= p;
            }
        }
        this.factors = java.util.Arrays.copyOf(f, count);
        int maxFactor = 1;
        for (int p : factors) {
            maxFactor = Math.max(maxFactor, p);
        }
        this.cos = new double[n];
        this.sin = new double[n];
        for (int j = 0; j < n; j++) {
            double angle = -2.0 * Math.PI * j / n;
            cos[j] = Math.cos(angle);
            sin[j] = Math.sin(angle);
        }
        this.tmpRe = new double[maxFactor];
        this.tmpIm = new double[maxFactor];
    }

    int length() {
        return n;
    }

    /** Transforms {@code inRe + i*inIm} (length n each) into {@code outRe + i*outIm} (length n each, distinct arrays). */
    void transform(double[] inRe, double[] inIm, double[] outRe, double[] outIm) {
        step(inRe, inIm, 0, 1, n, outRe, outIm, 0, 0);
    }

    private void step(double[] inRe, double[] inIm, int inOff, int stride, int size,
                      double[] outRe, double[] outIm, int outOff, int factorIndex) {
        if (size == 1) {
            outRe[outOff] = inRe[inOff];
            outIm[outOff] = inIm[inOff];
            return;
        }
        int p = factors[factorIndex];
        int m = size / p;
        // DFTs of the p decimated sub-sequences x[r], x[r + p], ..., written to out[outOff + r*m ...]
        for (int r = 0; r < p; r++) {
            step(inRe, inIm, inOff + r * stride, stride * p, m, outRe, outIm, outOff + r * m, factorIndex + 1);
        }
        int twiddleStep = n / size; // exp(-2 pi i / size) = table[twiddleStep]
        int rootStep = n / p;       // exp(-2 pi i / p) = table[rootStep]
        for (int k = 0; k < m; k++) {
            for (int r = 0; r < p; r++) {
                double yr = outRe[outOff + r * m + k];
                double yi = outIm[outOff + r * m + k];
                int t = (r * k * twiddleStep) % n;
                tmpRe[r] = yr * cos[t] - yi * sin[t];
                tmpIm[r] = yr * sin[t] + yi * cos[t];
            }
            for (int q = 0; q < p; q++) {
                double sr = 0;
                double si = 0;
                for (int r = 0; r < p; r++) {
                    int t = ((r * q) % p) * rootStep;
                    sr += tmpRe[r] * cos[t] - tmpIm[r] * sin[t];
                    si += tmpRe[r] * sin[t] + tmpIm[r] * cos[t];
                }
                outRe[outOff + q * m + k] = sr;
                outIm[outOff + q * m + k] = si;
            }
        }
    }
}
