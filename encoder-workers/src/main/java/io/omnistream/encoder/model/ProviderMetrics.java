package io.omnistream.encoder.model;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Info;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * Which execution provider each loaded model ended up on. Create one per {@link PrometheusRegistry} and share it
 * between all encoders of a process, {@link TextEncoder}s and native towers alike (a registry refuses a second
 * metric of the same name); the {@code model} label is the id the encoder was loaded under.
 *
 * <ul>
 *   <li>{@code omnistream_encoder_execution_provider_info{model, provider}} = 1 for the provider in use (CPU|CUDA); no sample for the other</li>
 *   <li>{@code omnistream_encoder_cuda_fallback_total{model}}: AUTO tried CUDA and fell back to CPU</li>
 * </ul>
 */
public final class ProviderMetrics {
    final Info providerInfo;
    final Counter cudaFallback;

    public ProviderMetrics(PrometheusRegistry registry) {
        // An Info metric: the client appends "_info" and always reports 1 for the label sets present.
        providerInfo = Info.builder()
                .name("omnistream_encoder_execution_provider")
                .help("1 for the ONNX Runtime execution provider a model runs on (CPU or CUDA)")
                .labelNames("model", "provider")
                .register(registry);
        cudaFallback = Counter.builder()
                .name("omnistream_encoder_cuda_fallback_total")
                .help("Model loads where execution-provider AUTO could not use CUDA and fell back to CPU")
                .labelNames("model")
                .register(registry);
    }

    void recordProvider(String model, ExecutionProvider active) {
        for (ExecutionProvider p : new ExecutionProvider[] {ExecutionProvider.CPU, ExecutionProvider.CUDA}) {
            providerInfo.remove(model, p.name());
        }
        providerInfo.addLabelValues(model, active.name());
    }

    void recordFallback(String model) {
        cudaFallback.labelValues(model).inc();
    }
}
