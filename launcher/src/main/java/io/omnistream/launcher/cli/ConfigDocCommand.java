package io.omnistream.launcher.cli;

import io.omnistream.encoder.config.EncoderWorkerConfig;
import io.omnistream.flink.bias.job.BiasJobConfig;
import io.omnistream.flink.quality.job.QualityJobConfig;
import io.omnistream.flink.upgrade.job.UpgradeGateConfig;
import io.omnistream.ingest.config.IngestConfig;
import io.omnistream.launcher.cluster.ClusterConfig;
import io.omnistream.launcher.stack.LauncherConfig;
import io.omnistream.milvus.config.MilvusSinkConfig;
import io.omnistream.quality.service.QualityServiceConfig;
import io.omnistream.runtime.config.ConfigOption;
import io.omnistream.runtime.kafka.KafkaOptions;
import io.omnistream.runtime.service.ServiceRuntime;
import io.omnistream.search.http.SearchConfig;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/**
 * Prints the configuration reference ({@code docs/configuration.md}), generated from the services' declared options.
 * A test fails when the file and the code disagree; regenerate with {@code ./omnistream config-doc}.
 */
@Command(name = "config-doc", mixinStandardHelpOptions = true,
        description = "Print the configuration reference (Markdown) generated from every service's declared options.")
public final class ConfigDocCommand implements Callable<Integer> {

    /** Service name to its options, in the order the reference lists them. */
    public static Map<String, List<ConfigOption<?>>> services() {
        Map<String, List<ConfigOption<?>>> services = new LinkedHashMap<>();
        services.put("every Kafka client (KafkaOptions): ingest, encoder workers, Milvus sink, Flink jobs, quality service",
                KafkaOptions.options());
        services.put("ingest (IngestConfig)", IngestConfig.options());
        services.put("encoder worker (EncoderWorkerConfig)", EncoderWorkerConfig.options());
        services.put("Milvus sink (MilvusSinkConfig)", MilvusSinkConfig.options());
        services.put("retrieval-quality Flink job (QualityJobConfig)", QualityJobConfig.options());
        services.put("modality-bias and drift Flink job (BiasJobConfig)", BiasJobConfig.options());
        services.put("upgrade quality-gate Flink job (UpgradeGateConfig)", UpgradeGateConfig.options());
        services.put("quality service (QualityServiceConfig)", QualityServiceConfig.options());
        services.put("search API, in the embedded stack (SearchConfig)", SearchConfig.options());
        services.put("embedded launcher (LauncherConfig)", LauncherConfig.options());
        services.put("multi-process stack, ./omnistream cluster (ClusterConfig)", ClusterConfig.options());
        services.put("standalone services (ServiceRuntime): ingest, encoder worker, Milvus sink and quality service images",
                ServiceRuntime.options());
        return services;
    }

    public static String markdown() {
        StringBuilder md = new StringBuilder();
        Set<String> shown = new LinkedHashSet<>();
        for (var service : services().entrySet()) {
            md.append("**").append(service.getKey()).append("**\n\n");
            md.append("| key | environment variable | default | description |\n|---|---|---|---|\n");
            for (ConfigOption<?> option : service.getValue()) {
                boolean repeated = !shown.add(option.key());
                md.append("| `").append(option.key()).append("` | `").append(option.envVar()).append("` | ")
                        .append(defaultText(option)).append(" | ")
                        .append(repeated ? "(shared, see above)" : option.description().replace("|", "\\|")).append(" |\n");
            }
            md.append('\n');
        }
        return md.toString().strip() + "\n";
    }

    private static String defaultText(ConfigOption<?> option) {
        Object value = option.defaultValue();
        if (value == null) {
            return "required";
        }
        if (value instanceof Duration d) {
            if (d.isNegative()) {
                return "-1 (unlimited)";
            }
            return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
        }
        String text = value.toString();
        if (text.startsWith(System.getProperty("user.home"))) {
            text = "~" + text.substring(System.getProperty("user.home").length());
        }
        return text.isEmpty() ? "(empty)" : "`" + text.replace("|", "\\|") + "`";
    }

    @Override
    public Integer call() {
        System.out.print(markdown());
        return 0;
    }
}
