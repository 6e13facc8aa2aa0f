package io.omnistream.encoder.model;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ONNX Runtime session creation shared by every encoder (the {@link TextEncoder} and the native towers in
 * {@code io.omnistream.encoder.tower}): reading and fingerprinting the ONNX artefact, and choosing the execution
 * provider (AUTO tries CUDA, then falls back to an explicit CPU session with one warning and a metric).
 */
public final class OrtSessions {
    private static final Logger LOG = LoggerFactory.getLogger(OrtSessions.class);

    private OrtSessions() {}

    /** SHA-256, which every Java platform must provide; model versions are prefixes of its hex digest. */
    public static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }

    /**
     * Feeds every byte of the ONNX artefact into {@code digest}.
     *
     * @return the bytes if ONNX Runtime must load the model from memory (a classpath resource, possibly inside a
     *         jar), or null for a local file: ONNX Runtime then reads the path itself and the model, which can be
     *         gigabytes, is streamed through the digest instead of being held on the Java heap
     */
    public static byte[] digestModel(ModelSource onnx, MessageDigest digest) throws IOException {
        if (onnx.filePath() == null) {
            byte[] bytes = onnx.readAllBytes();
            digest.update(bytes);
            return bytes;
        }
        try (InputStream in = new DigestInputStream(onnx.open(), digest)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return null;
    }

    /**
     * Creates the session on the provider {@code settings} asks for.
     *
     * <p>With {@link ExecutionProvider#AUTO}, CUDA is tried first; if ONNX Runtime cannot add or use it (CPU-only
     * build, no driver, no cuDNN: an {@link OrtException} or {@link UnsatisfiedLinkError}) the model is loaded on
     * CPU, one warning is logged and {@code omnistream_encoder_cuda_fallback_total{model=modelId}} is incremented.
     * The provider-info metric is only set by {@link ProviderSession#markLoaded()}, once the caller's checks passed.
     *
     * @param onnxBytes what {@link #digestModel} returned: the model bytes, or null to load {@code onnx}'s file path
     * @throws ModelLoadException if no session can be created (with CUDA: if CUDA cannot be used)
     */
    public static ProviderSession open(String modelId, ModelSource onnx, byte[] onnxBytes, EncoderSettings settings,
                                       ProviderMetrics metrics) {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        OrtSession.SessionOptions options = null;
        try {
            switch (settings.executionProvider()) {
                case CPU -> {
                    options = options(settings, false);
                    return new ProviderSession(modelId, metrics, env, createSession(env, onnx, onnxBytes, options),
                            options, ExecutionProvider.CPU, null);
                }
                case CUDA -> {
                    options = options(settings, true);
                    return new ProviderSession(modelId, metrics, env, createSession(env, onnx, onnxBytes, options),
                            options, ExecutionProvider.CUDA, null);
                }
                default -> {
                    OrtSession.SessionOptions cudaOptions = null;
                    try {
                        cudaOptions = options(settings, true);
                        OrtSession session = createSession(env, onnx, onnxBytes, cudaOptions);
                        options = cudaOptions;
                        return new ProviderSession(modelId, metrics, env, session, options, ExecutionProvider.CUDA, null);
                    } catch (OrtException | UnsatisfiedLinkError e) {
                        if (cudaOptions != null) {
                            cudaOptions.close();
                        }
                        String fallback = e.getClass().getSimpleName() + ": " + e.getMessage();
                        LOG.warn("model '{}': execution provider AUTO could not use CUDA device {} ({}); running on CPU",
                                modelId, settings.cudaDeviceId(), fallback);
                        metrics.recordFallback(modelId);
                        options = options(settings, false);
                        return new ProviderSession(modelId, metrics, env, createSession(env, onnx, onnxBytes, options),
                                options, ExecutionProvider.CPU, fallback);
                    }
                }
            }
        } catch (OrtException | UnsatisfiedLinkError e) {
            if (options != null) {
                options.close();
            }
            throw new ModelLoadException("model '" + modelId + "': cannot create ONNX Runtime session with provider "
                    + settings.executionProvider() + ": " + e.getMessage(), e);
        }
    }

    private static OrtSession.SessionOptions options(EncoderSettings settings, boolean cuda) throws OrtException {
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        try {
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            if (settings.effectiveIntraOpThreads() > 0) {
                options.setIntraOpNumThreads(settings.effectiveIntraOpThreads());
            }
            // ONNX Runtime's session config keys (onnxruntime_session_options_config_keys.h)
            options.addConfigEntry("session.intra_op.allow_spinning", settings.spinWait() ? "1" : "0");
            if (cuda) {
                options.addCUDA(settings.cudaDeviceId());
            }
            return options;
        } catch (OrtException | RuntimeException | UnsatisfiedLinkError e) {
            options.close();
            throw e;
        }
    }

    private static OrtSession createSession(OrtEnvironment env, ModelSource onnx, byte[] onnxBytes,
                                            OrtSession.SessionOptions options) throws OrtException {
        return onnxBytes != null ? env.createSession(onnxBytes, options)
                : env.createSession(onnx.filePath().toString(), options);
    }

    /**
     * An open session, the options it was created with (they must outlive it) and the provider it runs on.
     * The session is safe for concurrent {@code run} calls; {@link #close()} must come after the last one.
     */
    public static final class ProviderSession implements AutoCloseable {
        private final String modelId;
        private final ProviderMetrics metrics;
        private final OrtEnvironment env;
        private final OrtSession session;
        private final OrtSession.SessionOptions options;
        private final ExecutionProvider activeProvider;
        private final String fallbackReason;

        private ProviderSession(String modelId, ProviderMetrics metrics, OrtEnvironment env, OrtSession session,
                                OrtSession.SessionOptions options, ExecutionProvider activeProvider, String fallbackReason) {
            this.modelId = modelId;
            this.metrics = metrics;
            this.env = env;
            this.session = session;
            this.options = options;
            this.activeProvider = activeProvider;
            this.fallbackReason = fallbackReason;
        }

        public OrtEnvironment env() {
            return env;
        }

        public OrtSession session() {
            return session;
        }

        /** CPU or CUDA: the provider the session actually runs on. */
        public ExecutionProvider activeProvider() {
            return activeProvider;
        }

        /** Why AUTO fell back to CPU, if it did. */
        public Optional<String> fallbackReason() {
            return Optional.ofNullable(fallbackReason);
        }

        /**
         * Publishes the active provider in {@code omnistream_encoder_execution_provider_info}. Call it after the
         * model passed its load checks and warm-up, so a model that fails to load never appears as running.
         */
        public void markLoaded() {
            metrics.recordProvider(modelId, activeProvider);
        }

        /** Closes session and options; a failure to close is logged, not thrown (nothing useful can be done). */
        @Override
        public void close() {
            try {
                session.close();
            } catch (OrtException e) {
                LOG.warn("closing ONNX Runtime session failed: {}", e.getMessage());
            }
            options.close();
        }
    }
}
