package io.omnistream.encoder.model;

/**
 * How a {@link TextEncoder} runs its model. None of these change the vectors beyond float rounding (CUDA kernels
 * round differently from CPU ones, at the 1e-6 level).
 *
 * <p>Two settings default to {@code 0} = chosen by the execution provider the session ends up on, because the best
 * values differ: on CPU, each text (or run of equal-length texts) is its own single-threaded ONNX Runtime run and
 * {@code cores} runs go side by side — no padding, no synchronisation inside operators (measured on 2 cores with
 * BGE-small on SciFact abstracts: 0.55-0.59 CPU s per abstract, against 0.80 for one 2-thread run per length bucket
 * at ratio 1.5); on CUDA, few large padded runs keep the device busy.
 *
 * @param executionProvider AUTO, CUDA or CPU
 * @param cudaDeviceId      CUDA device ordinal used when CUDA is tried
 * @param intraOpThreads    ONNX Runtime intra-op threads; 0 = 1 when runs go side by side, else ONNX Runtime's
 *                          default (one per physical core)
 * @param maxPaddingRatio   length bucketing inside a batch (see {@code LengthBuckets}); +Infinity disables it;
 *                          0 = by provider: 1.0 on CPU (a run holds texts of one length only), 1.5 on CUDA
 * @param spinWait          whether ONNX Runtime's intra-op threads spin between parallel sections instead of sleeping
 *                          ({@code session.intra_op.allow_spinning}): spinning shaves microseconds off each operator
 *                          when the cores are ONNX Runtime's alone, and burns the CPU that Kafka clients, the JVM and
 *                          other processes need when they are not
 * @param concurrentRuns    ONNX Runtime runs (length buckets, or texts of a per-text model) one encode call executes
 *                          at the same time, each on its own thread; 0 = by provider: the available processors on
 *                          CPU, 1 on CUDA
 */
public record EncoderSettings(ExecutionProvider executionProvider, int cudaDeviceId, int intraOpThreads,
                              double maxPaddingRatio, boolean spinWait, int concurrentRuns) {
    /** {@link #maxPaddingRatio()} and {@link #concurrentRuns()} value meaning "chosen by the execution provider". */
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
        if (concurrentRuns < 0) {
            throw new IllegalArgumentException("concurrentRuns must be >= 1 (or 0: by provider), got " + concurrentRuns);
        }
    }

    /** AUTO provider, device 0, threads, bucketing and concurrent runs by provider, no spin-waiting. */
    public static EncoderSettings defaults() {
        return new EncoderSettings(ExecutionProvider.AUTO, 0, 0, BY_PROVIDER, DEFAULT_SPIN_WAIT, BY_PROVIDER);
    }

    /** Runs side by side on {@code provider} (the session's active provider). */
    public int concurrentRunsOn(ExecutionProvider provider) {
        if (concurrentRuns != BY_PROVIDER) {
            return concurrentRuns;
        }
        return provider == ExecutionProvider.CUDA ? 1 : Runtime.getRuntime().availableProcessors();
    }

    /** Padding ratio of the length buckets on {@code provider}. */
    public double maxPaddingRatioOn(ExecutionProvider provider) {
        if (maxPaddingRatio != BY_PROVIDER) {
            return maxPaddingRatio;
        }
        return provider == ExecutionProvider.CUDA ? CUDA_MAX_PADDING_RATIO : 1.0;
    }

    /** Intra-op threads a session on {@code provider} is created with; 0 = ONNX Runtime's default. */
    public int intraOpThreadsOn(ExecutionProvider provider) {
        return intraOpThreads == 0 && concurrentRunsOn(provider) > 1 ? 1 : intraOpThreads;
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
