package io.omnistream.encoder.model;

/**
 * How a {@link TextEncoder} runs its model. None of these change the vectors beyond float rounding (CUDA kernels
 * round differently from CPU ones, at the 1e-6 level).
 *
 * <p>The padding ratio defaults to {@code 0} = chosen by the execution provider the session ends up on, because the
 * best values differ: on CPU, a run holds only texts of one length (no padding at all: measured on 2 cores with
 * BGE-small on SciFact abstracts, 0.59 CPU s per abstract against 0.80 at ratio 1.5); on CUDA, few large padded runs
 * keep the device busy. Runs side by side ({@code concurrentRuns} &gt; 1, single-threaded each) save another ~4 % of
 * CPU on a full backlog, but a lone event then runs on one core (about twice the latency), so the default is 1.
 *
 * @param executionProvider AUTO, CUDA or CPU
 * @param cudaDeviceId      CUDA device ordinal used when CUDA is tried
 * @param intraOpThreads    ONNX Runtime intra-op threads per run; 0 = 1 when runs go side by side, else ONNX
 *                          Runtime's default (one per physical core)
 * @param maxPaddingRatio   length bucketing inside a batch (see {@code LengthBuckets}); +Infinity disables it;
 *                          0 = by provider: 1.0 on CPU (a run holds texts of one length only), 1.5 on CUDA
 * @param spinWait          whether ONNX Runtime's intra-op threads spin between parallel sections instead of sleeping
 *                          ({@code session.intra_op.allow_spinning}): spinning shaves microseconds off each operator
 *                          when the cores are ONNX Runtime's alone, and burns the CPU that Kafka clients, the JVM and
 *                          other processes need when they are not
 * @param concurrentRuns    ONNX Runtime runs (length buckets, or texts of a per-text model) one encode call executes
 *                          at the same time, each on its own thread (default 1: one after another)
 */
public record EncoderSettings(ExecutionProvider executionProvider, int cudaDeviceId, int intraOpThreads,
                              double maxPaddingRatio, boolean spinWait, int concurrentRuns) {
    /** {@link #maxPaddingRatio()} value meaning "chosen by the execution provider". */
    public static final int BY_PROVIDER = 0;
    /** Padded/real token ratio per run on CUDA when chosen by provider: bounds padding waste at 50 %. */
    public static final double CUDA_MAX_PADDING_RATIO = 1.5;
    /** Default of {@link #spinWait()}: off, see {@code encoder.ort.spin-wait}. */
    public static final boolean DEFAULT_SPIN_WAIT = false;

    public EncoderSettings {
        if (cudaDeviceId < 0) {
            throw new IllegalArgumentException("cudaDeviceId must be >= 0, got " + cudaDeviceId);
        }
        if (intraOpThreads < 0) {
            throw new IllegalArgumentException("intraOpThreads must be >= 0, got " + intraOpThreads);
        }
        if (!(maxPaddingRatio >= 1.0 || maxPaddingRatio == BY_PROVIDER)) {
            throw new IllegalArgumentException("maxPaddingRatio must be >= 1 (or 0: by provider), got " + maxPaddingRatio);
        }
        if (concurrentRuns < 1) {
            throw new IllegalArgumentException("concurrentRuns must be >= 1, got " + concurrentRuns);
        }
    }

    /** AUTO provider, device 0, ORT's threads, bucketing by provider, one run at a time, no spin-waiting. */
    public static EncoderSettings defaults() {
        return new EncoderSettings(ExecutionProvider.AUTO, 0, 0, BY_PROVIDER, DEFAULT_SPIN_WAIT, 1);
    }

    /** Padding ratio of the length buckets on {@code provider}. */
    public double maxPaddingRatioOn(ExecutionProvider provider) {
        if (maxPaddingRatio != BY_PROVIDER) {
            return maxPaddingRatio;
        }
        return provider == ExecutionProvider.CUDA ? CUDA_MAX_PADDING_RATIO : 1.0;
    }

    /** Intra-op threads a session is created with; 0 = ONNX Runtime's default. */
    public int effectiveIntraOpThreads() {
        return intraOpThreads == 0 && concurrentRuns > 1 ? 1 : intraOpThreads;
    }

    public EncoderSettings withExecutionProvider(ExecutionProvider provider) {
        return new EncoderSettings(provider, cudaDeviceId, intraOpThreads, maxPaddingRatio, spinWait, concurrentRuns);
    }

    public EncoderSettings withIntraOpThreads(int threads) {
        return new EncoderSettings(executionProvider, cudaDeviceId, threads, maxPaddingRatio, spinWait, concurrentRuns);
    }

    public EncoderSettings withMaxPaddingRatio(double ratio) {
        return new EncoderSettings(executionProvider, cudaDeviceId, intraOpThreads, ratio, spinWait, concurrentRuns);
    }

    public EncoderSettings withConcurrentRuns(int runs) {
        return new EncoderSettings(executionProvider, cudaDeviceId, intraOpThreads, maxPaddingRatio, spinWait, runs);
    }

    public EncoderSettings withSpinWait(boolean spin) {
        return new EncoderSettings(executionProvider, cudaDeviceId, intraOpThreads, maxPaddingRatio, spin, concurrentRuns);
    }
}
