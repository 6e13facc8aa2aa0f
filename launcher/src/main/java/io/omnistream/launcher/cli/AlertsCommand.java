package io.omnistream.launcher.cli;

import io.omnistream.quality.metrics.DriftAlertsConsumer;
import io.omnistream.schemas.Topics;
import io.omnistream.schemas.avro.DriftAlert;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "alerts", mixinStandardHelpOptions = true,
        description = {
            "Print the drift alerts on quality.alerts.v1 (raised and cleared), oldest first, of the running stack",
            "(from './omnistream demo' or 'replay --keep-running') or of the Kafka cluster given with --bootstrap."})
public final class AlertsCommand implements Callable<Integer> {
    @Option(names = "--since", paramLabel = "DURATION",
            description = "Only alerts raised within this long before now, e.g. 30m, 2h, 1d, PT15M (default: all).")
    String since;

    @Mixin
    TopicToolOptions kafka;

    @Option(names = "--topic", paramLabel = "TOPIC", defaultValue = Topics.QUALITY_ALERTS, description = "Default: ${DEFAULT-VALUE}.")
    String topic;

    @Mixin
    StackOptions stackOptions;

    @Override
    public Integer call() {
        long cutoff = since == null ? Long.MIN_VALUE : System.currentTimeMillis() - TopicToolOptions.parseSince(since).toMillis();
        List<DriftAlert> alerts = DriftAlertsConsumer.read(kafka.clientProperties(stackOptions), kafka.registryUrl(), topic,
                Duration.ofSeconds(30));
        print(alerts.stream().filter(a -> a.getRaisedAtMs() >= cutoff).toList(), System.out);
        return 0;
    }

    static void print(List<DriftAlert> alerts, PrintStream out) {
        out.printf("%d drift alert record(s)%n", alerts.size());
        for (DriftAlert a : alerts) {
            out.printf(Locale.ROOT, "%s  %-7s %-32s model %s  %s %.4f (threshold %.4f)  %s  id %s%n",
                    Instant.ofEpochMilli(a.getRaisedAtMs()), a.getDirection().toUpperCase(Locale.ROOT), a.getMetric(),
                    a.getModelVersion(), a.getDetector(), a.getStatistic(), a.getThreshold(),
                    new TreeMap<>(a.getLabels()), a.getAlertId());
        }
    }
}
