package io.omnistream.launcher.cli;

import io.omnistream.launcher.stack.EmbeddedStack;
import io.omnistream.launcher.stack.LauncherConfig;
import io.omnistream.launcher.stack.RunningStackFile;
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

    @Option(names = "--bootstrap", paramLabel = "HOST:PORT", description = "Kafka bootstrap servers instead of the running stack's.")
    String bootstrap;

    @Option(names = "--registry", paramLabel = "URL", description = "Schema registry URL (default: the embedded stack's; records "
            + "whose schema the registry does not know are decoded with this build's DriftAlert schema).")
    String registry;

    @Option(names = "--topic", paramLabel = "TOPIC", defaultValue = Topics.QUALITY_ALERTS, description = "Default: ${DEFAULT-VALUE}.")
    String topic;

    @Mixin
    StackOptions stackOptions;

    @Override
    public Integer call() {
        long cutoff = since == null ? Long.MIN_VALUE : System.currentTimeMillis() - parseSince(since).toMillis();
        String servers = bootstrap;
        if (servers == null) {
            LauncherConfig launcher = new LauncherConfig(stackOptions.configSource());
            servers = RunningStackFile.read(launcher.home()).map(m -> (String) m.get("bootstrap_servers"))
                    .orElseThrow(() -> new IllegalStateException("no running stack found in " + launcher.home()
                            + "; start one ('./omnistream demo') or pass --bootstrap"));
        }
        List<DriftAlert> alerts = DriftAlertsConsumer.read(servers, registry == null ? EmbeddedStack.REGISTRY_URL : registry,
                topic, Duration.ofSeconds(30));
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

    /** {@code 30s}, {@code 15m}, {@code 2h}, {@code 1d} or ISO-8601 ({@code PT15M}). */
    static Duration parseSince(String text) {
        String v = text.trim().toLowerCase(Locale.ROOT);
        try {
            if (v.startsWith("p")) {
                return Duration.parse(v.toUpperCase(Locale.ROOT));
            }
            long n = Long.parseLong(v.substring(0, v.length() - 1));
            return switch (v.charAt(v.length() - 1)) {
                case 's' -> Duration.ofSeconds(n);
                case 'm' -> Duration.ofMinutes(n);
                case 'h' -> Duration.ofHours(n);
                case 'd' -> Duration.ofDays(n);
                default -> throw new IllegalArgumentException();
            };
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("--since: not a duration: '" + text + "' (e.g. 30m, 2h, 1d, PT15M)");
        }
    }
}
