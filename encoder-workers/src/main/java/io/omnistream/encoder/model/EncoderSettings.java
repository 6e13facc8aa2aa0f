package io.omnistream.encoder.model;

/**
 * How a {@link TextEncoder} runs its model. None of these change the vectors beyond float rounding (CUDA kernels
 * round differently from CPU ones, at the 1e-6 level).
 *
 * @param executionProvider AUTO, CUDA or CPU
 * @param cudaDeviceId      CUDA device ordinal used when CUDA is tried
 * @param intraOpThreads    ONNX Runtime intra-op threads; 0 = ONNX Runtime's default (one per physical core)
 * @param maxPaddingRatio   length bucketing inside a batch (see {@code LengthBuckets}); +Infinity disables it
 * @param spinWait          whether ONNX Runtime's intra-op threads spin between parallel sections instead of sleeping
 *                          ({@code session.intra_op.allow_spinning}): spinning shaves microseconds off each operator
 *                          when the cores are ONNX Runtime's alone, and burns the CPU that Kafka clients, the JVM and
 *                          other processes need when they are not
 * @param concurrentRuns    ONNX Runtime runs (length buckets, or texts of a per-text model) one encode call executes
 *                          at the same time, each on its own thread; with more than 1 and {@code intraOpThreads} 0,
 *                          each run gets one intra-op thread (the runs are the parallelism)
 */
public record EncoderSettings(ExecutionProvider executionProvider, int cudaDeviceId, int intraOpThreads,
                              double maxPaddingRatio, boolean spinWait, int concurrentRuns) {
    /** Default padded/real token ratio per sub-batch: bounds padding waste at 50 %. */
    public static final double DEFAULT_MAX_PADDING_RATIO = 1.5;

    public EncoderSettings {
        if (cudaDeviceId < 0) {
            throw new IllegalArgumentException("cudaDeviceId must be >= 0, got " + cudaDeviceId);
        }
        if (intraOpThreads < 0) {
            throw new IllegalArgumentException("intraOpThreads must be >= 0, got " + intraOpThreads);
        }
        if (!(maxPaddingRatio >= 1.0)) {
            throw new IllegalArgumentException("maxPaddingRatio must be >= 1, got " + maxPaddingRatio);
        }
        if (concurrentRuns < 1) {
            throw new IllegalArgumentException("concurrentRuns must be >= 1, got " + concurrentRuns);
        }
    }

    /** Default of {@link #spinWait()}: off, see {@code encoder.ort.spin-wait}. */
    public static final boolean DEFAULT_SPIN_WAIT = false;

    /** AUTO provider, device 0, ORT default threads, default bucketing, no spin-waiting. */
    public static EncoderSettings defaults() {
        return new EncoderSettings(ExecutionProvider.AUTO, 0, 0, DEFAULT_MAX_PADDING_RATIO, DEFAULT_SPIN_WAIT, 1);
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

    /** Intra-op threads the session is created with; 0 = ONNX Runtime's default. */
    public int effectiveIntraOpThreads() {
        return intraOpThreads == 0 && concurrentRuns > 1 ? 1 : intraOpThreads;
    }

    public EncoderSettings withSpinWait(boolean spin) {
        return new EncoderSettings(executionProvider, cudaDeviceId, intraOpThreads, maxPaddingRatio, spin, concurrentRuns);
    }
}
